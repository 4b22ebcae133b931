"""The national programme view: every review, and grades across the programme, for
administrators and programme leads. Anyone else gets a 404."""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, abort, render_template, request, send_file
from flask_login import current_user, login_required

from inspect_app.domain.national_tables import Value, format_value, to_csv, to_xlsx
from inspect_app.domain.permissions import UserKind, can_see_national_view
from inspect_app.domain.programme_schedule import ScheduleState
from inspect_app.extensions import db
from inspect_app.national.forms import ProgrammeFilterForm
from inspect_app.services import audit, page_cache
from inspect_app.services import national_view as service
from inspect_app.web.page_cache import cached_page

bp = Blueprint("national", __name__, url_prefix="/national")

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.app_template_filter("national_value")
def national_value(value: Value) -> str:
    """A table value as the page shows it (and the CSV has it): the same formatting."""
    text = format_value(value)
    return text if text else "–"


@bp.app_template_global("may_see_national_view")
def may_see_national_view(user: Any) -> bool:
    """For the header navigation: whether to offer the national programme view."""
    if not getattr(user, "is_authenticated", False):
        return False
    return can_see_national_view(UserKind(user.kind), programme_lead=bool(user.programme_lead))


def programme_view_only(view: Callable) -> Callable:
    @wraps(view)
    @login_required
    def wrapper(*args: Any, **kwargs: Any):
        if not may_see_national_view(current_user):
            abort(404)
        return view(*args, **kwargs)

    return wrapper


def _filtered() -> tuple[ProgrammeFilterForm, service.FilterOptions, bool]:
    options = service.filter_options(db.session)
    form = ProgrammeFilterForm(formdata=request.args if request.args else None)
    form.offer(options)
    valid = form.validate() if request.args else True
    return form, options, valid


def _view(form: ProgrammeFilterForm, options: service.FilterOptions, valid: bool):
    filters = form.filters() if valid else service.ProgrammeFilters()
    return service.national_view(db.session, filters, grade_labels=options.grade_labels)


def _page(form, view, status: int = 200):
    return render_template(
        "national/index.html",
        form=form,
        view=view,
        tables=service.national_tables(view),
        states=list(ScheduleState),
        export_args=view.filters.query_args(),
        title="National programme",
    ), status


@bp.get("")
@programme_view_only
@cached_page(lambda: [page_cache.PROGRAMME])
def index():
    form, options, valid = _filtered()
    return _page(form, _view(form, options, valid))


def _record_export(view: service.NationalView, fmt: str, section: str | None) -> None:
    what = f"the {section} table" if section else "every section"
    audit.record(
        db.session,
        action="national.exported",
        actor=current_user,
        summary=f"Exported the national programme view ({what}) as {fmt.upper()}",
        after={
            "format": fmt,
            "section": section,
            "filters": view.filters.query_args(),
            "reviews": len(view.reviews),
        },
    )
    db.session.commit()


def _file_name(view: service.NationalView, suffix: str) -> str:
    return f"national-programme-{view.today.isoformat()}{suffix}"


@bp.get("/export.xlsx")
@programme_view_only
def export_xlsx():
    form, options, valid = _filtered()
    if not valid:
        return _page(form, _view(form, options, False), 400)
    view = _view(form, options, True)
    data = to_xlsx(list(service.national_tables(view).values()), about=service.about_rows(view))
    _record_export(view, "xlsx", None)
    return send_file(
        io.BytesIO(data),
        mimetype=XLSX_TYPE,
        as_attachment=True,
        download_name=_file_name(view, ".xlsx"),
        max_age=0,
    )


@bp.get("/export.csv")
@programme_view_only
def export_csv():
    section = request.args.get("section") or "reviews"
    if section not in service.SECTION_KEYS:
        abort(
            400,
            f"There is no section called “{section[:60]}”. The section parameter must be one "
            f"of: {', '.join(service.SECTION_KEYS)}.",
        )
    form, options, valid = _filtered()
    if not valid:
        return _page(form, _view(form, options, False), 400)
    view = _view(form, options, True)
    text = to_csv(service.national_tables(view)[section])
    _record_export(view, "csv", section)
    return send_file(
        io.BytesIO(text.encode("utf-8-sig")),
        mimetype="text/csv",
        as_attachment=True,
        download_name=_file_name(view, f"-{section}.csv"),
        max_age=0,
    )
