"""JSON API, version 1: the report.

- ``GET /api/v1/reviews/<id>/report`` — the published report as the JSON export (the latest
  version, or ``?version=N``), rendered from its frozen snapshot. 404 until published.
- ``GET /api/v1/reviews/<id>/report/sections/<key>`` — one section of the draft, with its
  version.
- ``PUT /api/v1/reviews/<id>/report/sections/<key>`` — save a section:
  ``{"body_markdown": "…", "version": 3}`` (``null`` for a first save). 409 when somebody saved
  a newer version (``current`` holds it); 403 once the report is published.

Same permission rules as the pages (``Access.can_view_report``, ``can_edit_report``).
"""

from __future__ import annotations

from flask import Response, jsonify, request
from flask_login import current_user

from inspect_app.api.routes import ApiError, _body, _is_text, _review_with_access, _version, bp
from inspect_app.domain.report_sections import find_section
from inspect_app.exports.export_json import to_json
from inspect_app.extensions import db
from inspect_app.models import ReportSection, Review
from inspect_app.services import publication, report_drafting
from inspect_app.services.report_drafting import ReportError, ReportForbidden, StaleSectionError


def _section_json(review: Review, key: str, section: ReportSection | None) -> dict:
    spec = find_section(report_drafting.section_specs(review), key)
    assert spec is not None
    return {
        "key": key,
        "title": spec.title,
        "area_number": spec.area_number,
        "body_markdown": section.body_md if section else "",
        "version": section.version if section else None,
        "saved_by": section.updated_by.name if section else None,
        "saved_at": section.updated_at.isoformat() if section else None,
    }


def _key(review: Review, key: str) -> str:
    if find_section(report_drafting.section_specs(review), key) is None:
        raise ApiError(404, f"The report has no section ‘{key[:40]}’.")
    return key


@bp.get("/reviews/<int:review_id>/report")
def published_report(review_id: int):
    review, access = _review_with_access(review_id, "can_view_report")
    if not access.report_is_published:
        raise ApiError(404, "The report has not been published yet.")
    view = publication.document_for(
        db.session, review, access, version_number=request.args.get("version", type=int)
    )
    if view is None or view.published is None:
        raise ApiError(404, "There is no such published version of the report.")
    body = to_json(view.doc, audience=view.audience)
    publication.record_export(db.session, review, view, "json", actor=current_user, via="api")
    db.session.commit()
    return Response(body, mimetype="application/json")


@bp.get("/reviews/<int:review_id>/report/sections/<key>")
def get_section(review_id: int, key: str):
    review, _ = _review_with_access(review_id, "can_see_report_draft")
    key = _key(review, key)
    section = report_drafting.section_or_none(db.session, review, key)
    return jsonify({"section": _section_json(review, key, section)})


@bp.put("/reviews/<int:review_id>/report/sections/<key>")
def put_section(review_id: int, key: str):
    review, access = _review_with_access(review_id, "can_see_report_draft")
    key = _key(review, key)
    data = _body()
    version = _version(data)
    body = data.get("body_markdown")
    if not _is_text(body):
        raise ApiError(422, "body_markdown must be text (Markdown)", field="body_markdown")
    existed = report_drafting.section_or_none(db.session, review, key) is not None
    try:
        section = report_drafting.save_section(
            db.session,
            review,
            key,
            body,
            expected_version=version,
            actor=current_user,
            access=access,
        )
    except ReportForbidden as error:
        db.session.rollback()
        raise ApiError(403, str(error)) from None
    except ReportError as error:
        db.session.rollback()
        field = "version" if error.field == "version" else "body_markdown"
        raise ApiError(422, str(error), field=field) from None
    except StaleSectionError as error:
        raise ApiError(
            409,
            error.message,
            current=error.current.as_dict(),
            diff=[{"change": d.change.value, "text": d.text} for d in error.diff],
        ) from None
    db.session.commit()
    return jsonify({"section": _section_json(review, key, section)}), 200 if existed else 201
