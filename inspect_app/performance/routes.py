"""Performance data: a review's authority against the national average and its neighbours,
recording a benchmark as evidence, and the administrators' import of indicator figures."""

from __future__ import annotations

import dataclasses
import io
from dataclasses import dataclass

from flask import Blueprint, Response, current_app, render_template, request, send_file, url_for
from flask_login import current_user
from markupsafe import Markup

from inspect_app.demo_performance import catalogue_paths
from inspect_app.domain.benchmarking import IndicatorBenchmark
from inspect_app.domain.charts import ChartTable, chart_data_table, trend_chart_svg
from inspect_app.domain.evidence_files import MB
from inspect_app.domain.indicators import CatalogueValidationError
from inspect_app.domain.performance_access import PerformanceAccess
from inspect_app.domain.permissions import Access
from inspect_app.exports import performance_pack as pack_export
from inspect_app.exports.export_html import report_css
from inspect_app.extensions import db
from inspect_app.models import Review
from inspect_app.performance.forms import ImportForm, RecordEvidenceForm
from inspect_app.services import indicator_data as service
from inspect_app.services import performance_pack as pack_service
from inspect_app.services.evidence import EvidenceError
from inspect_app.web.access import administrator_only, review_page
from inspect_app.web.forms import saved
from inspect_app.web.uploads import accept_request_of_files, chosen_files, max_file_bytes

bp = Blueprint("performance", __name__)

# The error summary lists at most this many problems of a file (the count is always given).
PROBLEMS_SHOWN = 500


@dataclass(frozen=True)
class Panel:
    """One indicator's chart and the table of the figures behind it."""

    benchmark: IndicatorBenchmark
    svg: Markup
    table: ChartTable


def _without_working(bench: IndicatorBenchmark) -> IndicatorBenchmark:
    """The figures only: no flag and no hypothesis (the team's working)."""
    return dataclasses.replace(bench, flagged=False, hypothesis=None)


def _render_index(review: Review, access: Access, *, errors: list[str] = (), status: int = 200):
    rights = PerformanceAccess(access)
    result = service.benchmark_review(db.session, review)
    if not rights.can_see_hypotheses:
        result = dataclasses.replace(
            result,
            benchmarks=tuple(_without_working(b) for b in result.benchmarks),
            outcomes=tuple(
                dataclasses.replace(
                    group,
                    rows=tuple(
                        dataclasses.replace(
                            row,
                            benchmark=_without_working(row.benchmark) if row.benchmark else None,
                        )
                        for row in group.rows
                    ),
                )
                for group in result.outcomes
            ),
        )
    label = review.authority.name
    panels = {
        b.indicator.code: Panel(
            b,
            Markup(trend_chart_svg(b, authority_label=label)),  # noqa: S704 — text escaped by charts
            chart_data_table(b, authority_label=label),
        )
        for b in result.benchmarks
    }
    recorded = service.recorded_benchmarks(db.session, review) if rights.can_record_evidence else {}
    return render_template(
        "performance/index.html",
        review=review,
        access=access,
        rights=rights,
        result=result,
        panels=panels,
        recorded={
            b.indicator.code: recorded[service.evidence_title(b)]
            for b in result.benchmarks
            if service.evidence_title(b) in recorded
        },
        neighbour_count=len(result.neighbours),
        errors=errors,
        title="Performance data",
    ), status


@bp.get("/reviews/<int:review_id>/performance")
@review_page("can_view")
def index(review: Review, access: Access):
    """Every catalogue indicator for the review's authority, grouped by outcome.

    Seen by the team, administrators and the authority's own users (the figures are
    published statistics); flags and hypotheses only by the team and administrators. See
    ``inspect_app/domain/performance_access.py``."""
    return _render_index(review, access)


@bp.post("/reviews/<int:review_id>/performance/evidence")
@review_page("can_add_evidence")
def record_evidence(review: Review, access: Access):
    """Record one indicator's benchmark as an evidence item of kind data."""
    form = RecordEvidenceForm()
    if not form.validate_on_submit():
        messages = [m for field in form for m in field.errors] or ["Choose an indicator"]
        return _render_index(review, access, errors=messages, status=400)
    try:
        item = service.record_benchmark_as_evidence(
            db.session, review, form.indicator.data, actor=current_user
        )
    except EvidenceError as error:
        db.session.rollback()
        return _render_index(review, access, errors=[str(error)], status=400)
    return saved(
        f"“{item.title}” has been added to the evidence.",
        url_for("evidence.show", review_id=review.id, item_id=item.id),
    )


# --------------------------------------------------------------------------- import


def _render_import(form: ImportForm, problems: list[str], status: int = 200):
    return render_template(
        "performance/import.html",
        import_form=form,
        problems=problems[:PROBLEMS_SHOWN],
        problem_count=len(problems),
        summary=service.dataset_summary(db.session),
        imports=service.recent_imports(db.session),
        catalogue=service.stored_catalogue(db.session),
        max_upload_mb=max_file_bytes() // MB,
        title="Import indicator data",
    ), status


@bp.route("/admin/indicators/import", methods=["GET", "POST"])
@administrator_only
def import_data():
    """Upload a CSV or XLSX file of indicator values: checked in full, imported all or nothing."""
    form = ImportForm()
    if request.method == "GET":
        return _render_import(form, [])
    accept_request_of_files(1)
    if not form.validate_on_submit():
        return _render_import(form, [], 400)
    files = chosen_files(form.file.data)
    if not files:
        form.file.errors = ["Choose a CSV or Excel file of indicator values"]
        return _render_import(form, [], 400)
    upload = files[0]
    data = upload.stream.read(max_file_bytes() + 1)
    if len(data) > max_file_bytes():
        form.file.errors = [
            f"{upload.filename} is larger than {max_file_bytes() // MB} MB. Nothing was imported."
        ]
        return _render_import(form, [], 400)
    try:
        catalogue_path, rubric_path = catalogue_paths(current_app.config["RUBRICS_DIR"])
        service.ensure_catalogue(
            db.session, catalogue_path, rubric_path=rubric_path, actor=current_user
        )
    except CatalogueValidationError as error:  # the catalogue file on the server is broken
        db.session.rollback()
        form.file.errors = [
            "The indicator catalogue on the server has problems, so nothing can be imported: "
            f"{error.problems[0]}. Run “flask data catalogue” to see them all."
        ]
        return _render_import(form, [], 503)
    outcome = service.import_indicator_file(
        db.session, data, upload.filename or "upload", actor=current_user, via="web"
    )
    if not outcome.ok:
        db.session.rollback()
        count = len(outcome.problems)
        form.file.errors = [
            f"{outcome.filename} has {count} {'problem' if count == 1 else 'problems'}, so "
            "nothing was imported. Correct the file and upload it again."
        ]
        return _render_import(form, [str(p) for p in outcome.problems], 400)
    return saved(outcome.summary, url_for("performance.import_data"))


# --------------------------------------------------------------------------- data pack

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSS_MAX_AGE = 3600


@bp.get("/performance/pack.css")
def pack_stylesheet():
    """The data pack's stylesheets (the report's, then the pack's): public, like report.css,
    so a downloaded HTML pack links to them under the Content Security Policy."""
    response = Response(report_css() + "\n" + pack_export.pack_css(), mimetype="text/css")
    response.headers["Cache-Control"] = f"public, max-age={CSS_MAX_AGE}"
    return response


def _pack_download(review: Review, access: Access, fmt: str):
    pack = pack_service.build_pack(db.session, review, PerformanceAccess(access))
    if fmt == "pdf":
        data, mimetype = pack_export.to_pdf(pack), "application/pdf"
    elif fmt == "html":
        href = url_for("performance.pack_stylesheet", _external=True)
        data = pack_export.to_html(pack, stylesheet_hrefs=[href]).encode("utf-8")
        mimetype = "text/html"
    else:
        data, mimetype = pack_export.to_xlsx(pack), XLSX_TYPE
    pack_service.record_export(db.session, review, pack, fmt, actor=current_user)
    db.session.commit()
    return send_file(
        io.BytesIO(data),
        mimetype=mimetype,
        as_attachment=True,
        download_name=f"{pack.file_stem}.{fmt}",
        max_age=0,
    )


@bp.get("/reviews/<int:review_id>/performance/export.pdf")
@review_page("can_view")
def export_pdf(review: Review, access: Access):
    """The performance data pack as PDF: charts, their tables, the benchmarks (and, for the
    team, the hypotheses). Same permissions as the page."""
    return _pack_download(review, access, "pdf")


@bp.get("/reviews/<int:review_id>/performance/export.html")
@review_page("can_view")
def export_html(review: Review, access: Access):
    """The performance data pack as a standalone HTML document (stylesheet linked)."""
    return _pack_download(review, access, "html")


@bp.get("/reviews/<int:review_id>/performance/export.xlsx")
@review_page("can_view")
def export_xlsx(review: Review, access: Access):
    """The performance data pack's figures as a workbook: benchmarks and values by period."""
    return _pack_download(review, access, "xlsx")
