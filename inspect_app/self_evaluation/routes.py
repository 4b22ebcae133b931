"""The authority's self-evaluation: download the workbook, upload it, see and compare returns."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_login import current_user

from inspect_app.domain.permissions import Access
from inspect_app.domain.selfeval_workbook import SelfEvaluationErrors, WorkbookProblem
from inspect_app.extensions import db
from inspect_app.models import KeyJudgement, Review, SelfEvaluation
from inspect_app.self_evaluation.forms import UploadForm
from inspect_app.services import self_evaluation as service
from inspect_app.services.evidence import key_judgements_for
from inspect_app.services.self_evaluation import SelfEvaluationClosed
from inspect_app.web.access import review_page
from inspect_app.web.forms import saved
from inspect_app.web.uploads import (
    accept_request_of_files,
    chosen_files,
    evidence_store,
    max_file_bytes,
    send_stored_file,
)

bp = Blueprint("self_evaluation", __name__, url_prefix="/reviews/<int:review_id>/self-evaluation")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FIELD_LABELS = {"grade": "Grade", "narrative": "Narrative", "evidence_references": "Evidence"}


def _areas(review: Review) -> list[tuple[object, list[KeyJudgement]]]:
    """The rubric's areas, each with its key judgements, from one query."""
    grouped: list[tuple[object, list[KeyJudgement]]] = []
    for kj in key_judgements_for(db.session, review.rubric_id):
        if not grouped or grouped[-1][0] is not kj.area:
            grouped.append((kj.area, []))
        grouped[-1][1].append(kj)
    return grouped


def _index(
    review: Review, access: Access, form: UploadForm | None, problems: list[WorkbookProblem] = ()
):
    versions = service.returns_for(db.session, review)
    latest = service.load_version(db.session, review, versions[0].version) if versions else None
    return render_template(
        "self_evaluation/index.html",
        review=review,
        access=access,
        upload_form=form,
        problems=[str(p) for p in problems],
        versions=versions,
        shown=latest,
        areas=_areas(review) if latest else [],
        scale=review.rubric.scale,
        max_upload_mb=max_file_bytes() // (1024 * 1024),
        title="Self-evaluation",
    )


@bp.get("")
@review_page("can_view_self_evaluation")
def index(review: Review, access: Access):
    form = UploadForm() if access.can_upload_self_evaluation else None
    return _index(review, access, form)


@bp.post("")
@review_page("can_view_self_evaluation")
def upload(review: Review, access: Access):
    if not access.can_upload_self_evaluation:
        abort(
            403,
            description=access.self_evaluation_closed_reason
            or "Only the authority returns its self-evaluation.",
        )
    accept_request_of_files(1)
    form = UploadForm()
    problems: list[WorkbookProblem] = []
    if form.validate_on_submit():
        files = chosen_files(form.workbook.data)
        if not files:
            form.workbook.errors = ["Choose your completed workbook"]
        else:
            data = files[0].stream.read(max_file_bytes() + 1)
            try:
                returned = service.submit_return(
                    db.session,
                    evidence_store(),
                    review,
                    data,
                    filename=files[0].filename or "workbook.xlsx",
                    actor=current_user,
                    via=service.WEB,
                    max_bytes=max_file_bytes(),
                )
            except SelfEvaluationErrors as refused:
                db.session.rollback()
                problems = refused.problems
                noun = "problem" if len(problems) == 1 else "problems"
                form.workbook.errors = [
                    f"The workbook has {len(problems)} {noun}, listed above, so nothing was "
                    "saved. Correct them and upload it again."
                ]
            except SelfEvaluationClosed as closed:
                db.session.rollback()
                abort(409, description=str(closed))
            else:
                return saved(
                    f"Version {returned.version} of your self-evaluation has been received.",
                    url_for("self_evaluation.index", review_id=review.id),
                )
    return _index(review, access, form, problems), 400


@bp.get("/workbook")
@review_page("can_view_self_evaluation")
def workbook(review: Review, access: Access):
    return Response(
        service.blank_workbook(review),
        mimetype=XLSX,
        headers={
            "Content-Disposition": f'attachment; filename="{service.workbook_filename(review)}"',
            "X-Content-Type-Options": "nosniff",
        },
    )


def _version_or_404(review: Review, version: int) -> SelfEvaluation:
    found = service.load_version(db.session, review, version)
    if found is None:
        abort(404)
    return found


@bp.get("/versions/<int:version>")
@review_page("can_view_self_evaluation")
def version(review: Review, access: Access, version: int):
    shown = _version_or_404(review, version)
    return render_template(
        "self_evaluation/version.html",
        review=review,
        access=access,
        shown=shown,
        areas=_areas(review),
        scale=review.rubric.scale,
        title=f"Self-evaluation, version {shown.version}",
    )


@bp.get("/versions/<int:version>/file")
@review_page("can_view_self_evaluation")
def file(review: Review, access: Access, version: int):
    shown = _version_or_404(review, version)
    if shown.evidence_item is None or not shown.evidence_item.files:
        abort(404)
    return send_stored_file(shown.evidence_item.files[0], actor=current_user)


@bp.get("/compare")
@review_page("can_view_self_evaluation")
def compare(review: Review, access: Access):
    versions = service.returns_for(db.session, review)
    if len(versions) < 2:
        abort(404, description="There is only one version, so there is nothing to compare.")
    numbers = [v.version for v in versions]
    newer = request.args.get("to", numbers[0], type=int)
    older = request.args.get("from", numbers[1], type=int)
    if older not in numbers or newer not in numbers:
        abort(404)
    old, new = _version_or_404(review, older), _version_or_404(review, newer)
    statements = {kj.number: kj.text for kj in key_judgements_for(db.session, review.rubric_id)}
    statements.update({str(a.number): f"Overall: {a.title}" for a in review.rubric.areas})
    return render_template(
        "self_evaluation/compare.html",
        review=review,
        access=access,
        versions=versions,
        old=old,
        new=new,
        changes=service.changes_between(old, new),
        statements=statements,
        field_labels=FIELD_LABELS,
        scale=review.rubric.scale,
        title=f"Compare versions {old.version} and {new.version}",
    )
