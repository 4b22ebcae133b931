"""Moderation: the lead inspector records the agreed grade for every judgement, with reasons.

Reasons are required when the agreed grade differs from the median of the team's grades, and
when an area grade departs from the grade derived from its agreed key judgement grades by the
rubric's rule (an *override*). Every agreed value is kept with the team's grades at the time,
who agreed it, when and why: the lineage the report appendix and exports show.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, object_session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from inspect_app.domain.agreement import (
    GraderGrade,
    JudgementGrades,
    JudgementSummary,
    derive_area_grade,
    judgement_summary,
)
from inspect_app.domain.permissions import Access
from inspect_app.domain.rubric import BestEnd, GradeScale
from inspect_app.models import AgreedGrade, AgreedGradeRevision, Grade, GradeRevision, Review, User
from inspect_app.models.types import utcnow
from inspect_app.services import audit
from inspect_app.services.grading import (
    GradeValue,
    GradingError,
    GradingForbidden,
    JudgementTarget,
    StaleGradeError,
    grades_for_review,
    grades_with_history,
    judgement_targets,
    target_key_of,
)

REASONS_MAX = 10_000

RULE_LABELS = {
    "rounded_median": "rounded median",
    "lower_median": "lower median",
    "mode": "most common grade",
}


@dataclass(frozen=True)
class Derivation:
    """An area grade suggested from its agreed key judgement grades by the rubric's rule."""

    rule: str | None
    value: int | None
    agreed_key_grades: tuple[int, ...]
    key_judgements: int

    @property
    def complete(self) -> bool:
        return self.key_judgements > 0 and len(self.agreed_key_grades) == self.key_judgements

    @property
    def explanation(self) -> str:
        if self.rule is None:
            return "The rubric states no rule for deriving area grades."
        rule = RULE_LABELS.get(self.rule, self.rule)
        if self.key_judgements == 0:
            return "This area has no key judgements to derive a grade from."
        if not self.complete:
            return (
                f"Derived by the rubric's rule ({rule}) once every key judgement in the area has "
                f"an agreed grade: {len(self.agreed_key_grades)} of {self.key_judgements} so far."
            )
        grades = ", ".join(map(str, self.agreed_key_grades))
        return f"The {rule} of the agreed key judgement grades ({grades}) is {self.value}."


@dataclass(frozen=True)
class ModerationItem:
    """Everything the lead needs to agree one judgement."""

    target: JudgementTarget
    team_grades: list[Grade]
    summary: JudgementSummary
    agreed: AgreedGrade | None
    derivation: Derivation | None  # areas only

    @property
    def median(self) -> float | None:
        return self.summary.median

    @property
    def derived_changed(self) -> bool:
        """The key judgement grades moved on since the area grade was agreed."""
        return bool(
            self.agreed is not None
            and self.derivation is not None
            and self.derivation.complete
            and self.agreed.derived_value != self.derivation.value
        )


def reasons_needed(value: int, median: float | None, derived: int | None) -> list[str]:
    """Why reasons must be given for agreeing ``value`` (empty: reasons are optional)."""
    why = []
    if derived is not None and value != derived:
        why.append(f"it overrides the grade derived by the rubric's rule ({derived})")
    if median is None:
        if derived is None:
            why.append("no inspector graded this judgement")
    elif value != median:
        why.append(f"it differs from the median of the team's grades ({_fmt(median)})")
    return why


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def summarise(target: JudgementTarget, grades: list[Grade]) -> JudgementSummary:
    """Median, spread and discussion flags for one judgement's grades."""
    return judgement_summary(
        JudgementGrades(
            judgement_id=target.slug,
            area=target.area_title,
            grades=tuple(
                GraderGrade(g.grader_id, g.grader.inspectorate or "", g.value) for g in grades
            ),
        )
    )


def moderation_items(session: Session, review: Review) -> list[ModerationItem]:
    """One item per judgement, in rubric order. A fixed number of queries."""
    targets = judgement_targets(session, review)
    by_target: dict[Any, list[Grade]] = {}
    for grade in grades_for_review(session, review):
        by_target.setdefault(target_key_of(grade), []).append(grade)
    agreed = {target_key_of(a): a for a in agreed_grades(session, review)}
    derivations = _derivations(review, targets, agreed)
    items = []
    for target in targets:
        grades = by_target.get(target.key, [])
        items.append(
            ModerationItem(
                target=target,
                team_grades=grades,
                summary=summarise(target, grades),
                agreed=agreed.get(target.key),
                derivation=derivations.get(target.id) if target.is_area else None,
            )
        )
    return items


def moderation_item(session: Session, review: Review, target: JudgementTarget) -> ModerationItem:
    return next(i for i in moderation_items(session, review) if i.target == target)


def agreed_grades(session: Session, review: Review) -> list[AgreedGrade]:
    return list(
        session.scalars(
            select(AgreedGrade)
            .where(AgreedGrade.review_id == review.id)
            .options(selectinload(AgreedGrade.agreed_by))
            .order_by(AgreedGrade.id)
        )
    )


def _derivations(
    review: Review, targets: list[JudgementTarget], agreed: dict[Any, AgreedGrade]
) -> dict[int, Derivation]:
    rule = review.rubric.area_grade_rule
    higher = review.rubric.scale.best is BestEnd.HIGHEST
    out = {}
    for area in (t for t in targets if t.is_area):
        keys = [t for t in targets if not t.is_area and t.area_id == area.id]
        values = tuple(agreed[t.key].value for t in keys if t.key in agreed)
        value = None
        if rule and keys and len(values) == len(keys):
            value = derive_area_grade(values, rule, higher_is_better=higher)
        out[area.id] = Derivation(rule, value, values, len(keys))
    return out


def missing_agreed_judgements(review: Review) -> tuple[str, ...]:
    """Labels of every judgement without an agreed grade (for the phase rules)."""
    session = object_session(review)
    if session is None:
        return ()
    targets = judgement_targets(session, review)
    agreed = {
        target_key_of(row)
        for row in session.execute(
            select(AgreedGrade.key_judgement_id, AgreedGrade.area_id).where(
                AgreedGrade.review_id == review.id
            )
        )
    }
    return tuple(t.label for t in targets if t.key not in agreed)


def agreed_value(agreed: AgreedGrade, scale: GradeScale) -> GradeValue:
    return GradeValue(
        value=agreed.value,
        label=scale.label_for(agreed.value),
        rationale=agreed.reasons,
        confidence="",
        version=agreed.version,
        saved_by=agreed.agreed_by.name,
        saved_at=agreed.agreed_at,
    )


def _current_agreed(session: Session, review: Review, target: JudgementTarget):
    query = select(AgreedGrade).where(AgreedGrade.review_id == review.id)
    if target.is_area:
        query = query.where(AgreedGrade.area_id == target.id)
    else:
        query = query.where(AgreedGrade.key_judgement_id == target.id)
    return session.scalar(query.options(selectinload(AgreedGrade.agreed_by)))


def record_agreed_grade(
    session: Session,
    review: Review,
    target: JudgementTarget,
    *,
    value: int | None,
    reasons: str,
    actor: User,
    access: Access,
    expected_version: int | None,
) -> AgreedGrade:
    """Record (or change) the agreed grade for ``target``.

    Raises :class:`GradingForbidden`, :class:`GradingError` (field ``grade`` or ``reasons``)
    or :class:`StaleGradeError` (after rolling back) when the page was out of date.
    """
    if not access.can_moderate:
        raise GradingForbidden(
            "Only the lead inspector records agreed grades, in the moderation phase."
        )
    scale = review.rubric.scale
    if value is None or not scale.contains(value):
        raise GradingError(f"Select an agreed grade on the scale {scale.describe()}", "grade")
    reasons = (reasons or "").strip()
    if len(reasons) > REASONS_MAX:
        raise GradingError(f"The reasons must be {REASONS_MAX:,} characters or fewer", "reasons")

    item = moderation_item(session, review, target)
    derived = item.derivation.value if item.derivation is not None else None
    needed = reasons_needed(value, item.median, derived)
    if needed and not reasons:
        raise GradingError(
            "Give the reasons for the agreed grade: " + " and ".join(needed), "reasons"
        )

    agreed = _current_agreed(session, review, target)
    if agreed is None and expected_version is not None:
        raise StaleGradeError(None, "agreed grade")
    if agreed is not None and expected_version != agreed.version:
        raise StaleGradeError(agreed_value(agreed, scale), "agreed grade")

    now = utcnow()
    is_override = derived is not None and value != derived
    team = [
        {
            "grade_id": g.id,
            "grade_version": g.version,
            "grader_id": g.grader_id,
            "grader": g.grader.name,
            "inspectorate": g.grader.inspectorate,
            "grade": g.value,
        }
        for g in item.team_grades
    ]
    before = None
    if agreed is None:
        agreed = AgreedGrade(review_id=review.id, **target.columns())
        session.add(agreed)
        next_version = 1
        action, verb = "moderation.grade_agreed", "Agreed"
    else:
        before = {
            "grade": agreed.value,
            "reasons": agreed.reasons,
            "is_override": agreed.is_override,
            "version": agreed.version,
        }
        next_version = agreed.version + 1
        action, verb = "moderation.agreed_grade_changed", "Changed the agreed grade for"
    agreed.value = value
    agreed.reasons = reasons
    agreed.team_median = item.median
    agreed.derived_value = derived
    agreed.is_override = is_override
    agreed.agreed_by = actor
    agreed.agreed_at = now
    session.add(
        AgreedGradeRevision(
            agreed_grade=agreed,
            version=next_version,
            value=value,
            reasons=reasons,
            team_median=item.median,
            derived_value=derived,
            is_override=is_override,
            team_grades=team,
            recorded_by=actor,
            recorded_at=now,
        )
    )
    try:
        session.flush()
    except (StaleDataError, IntegrityError):
        session.rollback()
        newer = _current_agreed(session, review, target)
        raise StaleGradeError(
            agreed_value(newer, scale) if newer else None, "agreed grade"
        ) from None
    audit.record(
        session,
        action=action,
        actor=actor,
        review_id=review.id,
        subject=agreed,
        summary=f"{verb} {target.label}: {value} – {scale.label_for(value)}"
        + (" (override of the derived grade)" if is_override else ""),
        before=before,
        after={
            "target": target.slug,
            "grade": value,
            "reasons": reasons,
            "team_median": item.median,
            "derived": derived,
            "is_override": is_override,
            "version": next_version,
            "team_grades": team,
        },
    )
    return agreed


@dataclass(frozen=True)
class Lineage:
    """The full story of one judgement's grade."""

    item: ModerationItem
    grades: list[Grade]  # with revisions
    agreed_revisions: list[AgreedGradeRevision]


def lineage(session: Session, review: Review, target: JudgementTarget) -> Lineage:
    """One judgement's lineage: the team's grades with every revision, and every agreed value
    with who recorded it, when, why and the team's grades at the time."""
    item = moderation_item(session, review, target)
    revisions: list[AgreedGradeRevision] = []
    if item.agreed is not None:
        revisions = list(
            session.scalars(
                select(AgreedGradeRevision)
                .where(AgreedGradeRevision.agreed_grade_id == item.agreed.id)
                .options(selectinload(AgreedGradeRevision.recorded_by))
                .order_by(AgreedGradeRevision.version)
            )
        )
    return Lineage(item, grades_with_history(session, review, target), revisions)


def review_lineage(session: Session, review: Review) -> list[Lineage]:
    """Every judgement's lineage in rubric order, for the report appendix and exports.

    A fixed number of queries however many judgements, grades and revisions there are.
    """
    items = moderation_items(session, review)
    grades: dict[Any, list[Grade]] = {}
    for grade in session.scalars(
        select(Grade)
        .where(Grade.review_id == review.id)
        .options(
            selectinload(Grade.grader),
            selectinload(Grade.revisions).selectinload(GradeRevision.recorded_by),
            selectinload(Grade.revisions).selectinload(GradeRevision.evidence_items),
        )
        .order_by(Grade.id)
    ):
        grades.setdefault(target_key_of(grade), []).append(grade)
    revisions: dict[int, list[AgreedGradeRevision]] = {}
    for revision in session.scalars(
        select(AgreedGradeRevision)
        .join(AgreedGradeRevision.agreed_grade)
        .where(AgreedGrade.review_id == review.id)
        .options(selectinload(AgreedGradeRevision.recorded_by))
        .order_by(AgreedGradeRevision.agreed_grade_id, AgreedGradeRevision.version)
    ):
        revisions.setdefault(revision.agreed_grade_id, []).append(revision)
    return [
        Lineage(
            item,
            grades.get(item.target.key, []),
            revisions.get(item.agreed.id, []) if item.agreed is not None else [],
        )
        for item in items
    ]
