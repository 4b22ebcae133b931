"""Grading, reconciliation, moderation and calibration pages of a review."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, url_for
from flask_login import current_user

from inspect_app.domain.permissions import Access
from inspect_app.extensions import db
from inspect_app.grading.forms import (
    AgreedGradeForm,
    AllowanceForm,
    GradeForm,
    grade_choices,
    version_of,
)
from inspect_app.models import JudgementArea, KeyJudgement, Review
from inspect_app.services import grading as grading_service
from inspect_app.services import grading_evidence
from inspect_app.services import moderation as moderation_service
from inspect_app.services import reconciliation as reconciliation_service
from inspect_app.services.grading import (
    GradeSubmission,
    GradingError,
    GradingForbidden,
    JudgementTarget,
    StaleGradeError,
)
from inspect_app.services.reviews import load_review
from inspect_app.web.access import review_page
from inspect_app.web.forms import saved

bp = Blueprint("grading", __name__, url_prefix="/reviews")


@bp.app_template_filter("grading_percent")
def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f}%"


@bp.app_template_filter("grading_number")
def _number(value: float | None, places: int = 2) -> str:
    if value is None:
        return "–"
    return str(int(value)) if float(value).is_integer() and places == 0 else f"{value:.{places}f}"


@bp.app_template_filter("grading_median")
def _median(value: float | None) -> str:
    if value is None:
        return "–"
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


@bp.app_template_filter("grading_signed")
def _signed(value: float | None) -> str:
    if value is None:
        return "–"
    if round(value, 2) == 0:
        return "0.00"
    return f"{value:+.2f}".replace("-", "−")


def _target_or_404(review: Review, slug: str) -> JudgementTarget:
    target = grading_service.find_target(
        grading_service.judgement_targets(db.session, review), slug
    )
    if target is None:
        abort(404)
    return target


def _rubric_item(target: JudgementTarget) -> KeyJudgement | JudgementArea:
    model = JudgementArea if target.is_area else KeyJudgement
    return db.session.get(model, target.id)


# ---------------------------------------------------------------------------
# Independent grading
# ---------------------------------------------------------------------------


@bp.get("/<int:review_id>/grading")
@review_page("can_see_grading")
def my_judgements(review: Review, access: Access):
    areas, scope = grading_service.worklist(db.session, review, current_user, access)
    return render_template(
        "grading/my_judgements.html",
        review=review,
        access=access,
        areas=areas,
        scope=scope,
        scale=review.rubric.scale,
        title="Your judgements to grade",
    )


def _grade_form(review: Review, target: JudgementTarget, chosen: list[int]) -> GradeForm:
    form = GradeForm()
    form.grade.choices = grade_choices(review.rubric.scale)
    form.evidence.choices = [
        (c.id, c.label) for c in grading_evidence.choices(db.session, review, target, chosen)
    ]
    return form


def _grade_hints(review: Review, item) -> list[dict]:
    descriptors = {int(k): v for k, v in (item.descriptors or {}).items()}
    hints = []
    for value, _ in grade_choices(review.rubric.scale):
        text = descriptors.get(value)
        hints.append({"hint": {"text": text}} if text else {})
    return hints


@bp.route("/<int:review_id>/grading/<slug>", methods=["GET", "POST"])
@review_page("can_see_grading")
def grade(review: Review, access: Access, slug: str):
    target = _target_or_404(review, slug)
    item = _rubric_item(target)
    scope = grading_service.scope_for(db.session, review, current_user)
    may_grade = scope.allows(access, target)
    mine = grading_service.current_grade(db.session, review, current_user.id, target)
    form = _grade_form(
        review, target, grading_evidence.ids_for(mine.latest_revision) if mine else []
    )
    status = 200
    stale: grading_service.GradeValue | None = None
    was_stale = False

    if form.is_submitted():
        if not may_grade:
            abort(403, description=grading_service.why_cannot_grade(access, scope))
        if form.validate():
            submission = GradeSubmission(
                value=form.grade.data,
                rationale=form.rationale.data or "",
                confidence=form.confidence.data,
                evidence_item_ids=tuple(form.evidence.data or ()),
            )
            try:
                grading_service.submit_grade(
                    db.session,
                    review,
                    target,
                    submission,
                    grader=current_user,
                    access=access,
                    expected_version=version_of(form.version.data),
                )
            except GradingError as error:
                db.session.rollback()
                getattr(form, error.field or "grade").errors.append(str(error))
                status = 400
            except StaleGradeError as error:
                form.grade.errors.append(error.message)
                stale, was_stale = error.current, True
                status = 409
            else:
                message = (
                    "Your grade has been saved."
                    if mine is None
                    else (
                        "Your revised grade has been saved. The earlier one is kept in the history."
                    )
                )
                return saved(message, url_for("grading.grade", review_id=review.id, slug=slug))
        else:
            status = 400
        review = load_review(db.session, review.id)
        mine = grading_service.current_grade(db.session, review, current_user.id, target)
        if was_stale:
            # The newer value is on the page now, so saving again is a deliberate choice.
            # After any other error the form keeps the version it was loaded with.
            form.version.data = str(mine.version) if mine else ""
    elif mine is not None:
        form.grade.data = mine.value
        form.rationale.data = mine.rationale
        form.confidence.data = mine.confidence
        form.evidence.data = grading_evidence.ids_for(mine.latest_revision)
        form.version.data = str(mine.version)

    team = []
    if access.can_see_others_grades(has_own_grade=mine is not None):
        team = [
            g
            for g in grading_service.grades_with_history(db.session, review, target)
            if g.grader_id != current_user.id
        ]
    summary = None
    if team or mine:
        summary = moderation_service.summarise(target, [*team, *([mine] if mine else [])])
    return render_template(
        "grading/grade.html",
        review=review,
        access=access,
        target=target,
        item=item,
        form=form,
        mine=mine,
        may_grade=may_grade,
        team=team,
        summary=summary,
        stale=stale,
        grade_hints=_grade_hints(review, item),
        scale=review.rubric.scale,
        title=f"Grade {target.label}" if may_grade else f"Your grade for {target.label}",
    ), status


@bp.get("/<int:review_id>/grading/<slug>/history")
@review_page("can_see_provisional_grades")
def history(review: Review, access: Access, slug: str):
    target = _target_or_404(review, slug)
    grades = grading_service.grades_with_history(db.session, review, target)
    has_own = any(g.grader_id == current_user.id for g in grades)
    if not access.can_see_others_grades(has_own_grade=has_own):
        grades = [g for g in grades if g.grader_id == current_user.id]
    return render_template(
        "grading/history.html",
        review=review,
        access=access,
        target=target,
        grades=grades,
        scale=review.rubric.scale,
        evidence=grading_evidence.labels_for(db.session, grades),
        title=f"Grade history for {target.label}",
    )


@bp.get("/<int:review_id>/grading/team")
@review_page("can_see_grading_progress")
def team(review: Review, access: Access):
    return render_template(
        "grading/team.html",
        review=review,
        access=access,
        progress=grading_service.team_progress(db.session, review),
        form=None,
        title="Grading progress",
    )


@bp.post("/<int:review_id>/grading/team/<int:member_id>")
@review_page("can_manage_grading")
def allow(review: Review, access: Access, member_id: int):
    member = next((m for m in review.team if m.id == member_id), None)
    form = AllowanceForm()
    if member is None or not form.validate_on_submit():
        abort(404 if member is None else 400)
    allowed = form.may_grade_any.data == "yes"
    grading_service.set_allowance(db.session, review, member, allowed, actor=current_user)
    message = (
        f"{member.user.name} may now grade any judgement."
        if allowed
        else f"{member.user.name} now grades only their assigned areas."
    )
    return saved(message, url_for("grading.team", review_id=review.id))


# ---------------------------------------------------------------------------
# Reconciliation and calibration
# ---------------------------------------------------------------------------


@bp.get("/<int:review_id>/reconciliation")
@review_page("can_see_reconciliation", cached=True)
def reconciliation(review: Review, access: Access):
    matrix = reconciliation_service.build(db.session, review, viewer=current_user, access=access)
    return render_template(
        "grading/reconciliation.html",
        review=review,
        access=access,
        matrix=matrix,
        title="Reconciliation",
    )


@bp.get("/<int:review_id>/calibration")
@review_page("can_see_calibration", cached=True)
def calibration(review: Review, access: Access):
    matrix = reconciliation_service.build(db.session, review, viewer=current_user, access=access)
    return render_template(
        "grading/calibration.html",
        review=review,
        access=access,
        matrix=matrix,
        title="Calibration",
    )


# ---------------------------------------------------------------------------
# Moderation
# ---------------------------------------------------------------------------


@bp.get("/<int:review_id>/moderation")
@review_page("can_see_moderation")
def moderation(review: Review, access: Access):
    items = moderation_service.moderation_items(db.session, review)
    missing = [i for i in items if i.agreed is None]
    areas: dict[int, list] = {}
    for item in items:
        areas.setdefault(item.target.area_number, []).append(item)
    return render_template(
        "grading/moderation.html",
        review=review,
        access=access,
        items=items,
        areas=areas,
        missing=missing,
        scale=review.rubric.scale,
        title="Moderation",
    )


@bp.route("/<int:review_id>/moderation/<slug>", methods=["GET", "POST"])
@review_page("can_see_moderation")
def agree(review: Review, access: Access, slug: str):
    target = _target_or_404(review, slug)
    item = moderation_service.moderation_item(db.session, review, target)
    form = AgreedGradeForm()
    form.grade.choices = grade_choices(review.rubric.scale)
    status = 200
    stale = None
    was_stale = False
    if form.is_submitted():
        if not access.can_moderate:
            abort(
                403,
                description="Only the lead inspector records agreed grades, "
                "in the moderation phase.",
            )
        if form.validate():
            try:
                moderation_service.record_agreed_grade(
                    db.session,
                    review,
                    target,
                    value=form.grade.data,
                    reasons=form.reasons.data or "",
                    actor=current_user,
                    access=access,
                    expected_version=version_of(form.version.data),
                )
            except GradingError as error:
                db.session.rollback()
                getattr(form, error.field or "grade").errors.append(str(error))
                status = 400
            except GradingForbidden as error:
                db.session.rollback()
                abort(403, description=str(error))
            except StaleGradeError as error:
                form.grade.errors.append(error.message)
                stale, was_stale = error.current, True
                status = 409
            else:
                return saved(
                    f"The agreed grade for {target.label} has been recorded.",
                    url_for("grading.moderation", review_id=review.id)
                    + f"#{target.slug.replace('.', '-')}",
                )
        else:
            status = 400
        review = load_review(db.session, review.id)
        item = moderation_service.moderation_item(db.session, review, target)
        if was_stale:
            form.version.data = str(item.agreed.version) if item.agreed else ""
    elif item.agreed is not None:
        form.grade.data = item.agreed.value
        form.reasons.data = item.agreed.reasons
        form.version.data = str(item.agreed.version)
    elif item.derivation is not None and item.derivation.value is not None:
        form.grade.data = item.derivation.value
    derived = item.derivation.value if item.derivation else None
    return render_template(
        "grading/agree.html",
        review=review,
        access=access,
        target=target,
        item=item,
        form=form,
        stale=stale,
        scale=review.rubric.scale,
        derived=derived,
        self_grade=reconciliation_service.sources.self_grades(db.session, review).values.get(
            target.key
        ),
        title=f"Agree the grade for {target.label}",
    ), status


@bp.get("/<int:review_id>/judgements/<slug>/lineage")
@review_page("can_see_moderation")
def lineage(review: Review, access: Access, slug: str):
    target = _target_or_404(review, slug)
    story = moderation_service.lineage(db.session, review, target)
    return render_template(
        "grading/lineage.html",
        review=review,
        access=access,
        target=target,
        story=story,
        scale=review.rubric.scale,
        evidence=grading_evidence.labels_for(db.session, story.grades),
        title=f"How the grade for {target.label} was reached",
    )
