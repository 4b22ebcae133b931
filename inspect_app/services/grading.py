"""Independent grading: each inspector grades the judgements assigned to them, blind.

A judgement is a key judgement (``kj-2.3``) or a whole judgement area (``area-2``); both are
described by a :class:`JudgementTarget`. Every submission is kept as a revision; the latest is
the grade that counts. Saving against a stale version raises :class:`StaleGradeError` with the
newer value and who made it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from inspect_app.domain.permissions import Access
from inspect_app.domain.rubric import GradeScale
from inspect_app.models import (
    Grade,
    GradeRevision,
    GradingAllowance,
    JudgementArea,
    Review,
    TeamMember,
    User,
)
from inspect_app.models.evidence import EvidenceItem
from inspect_app.models.grading import Confidence, JudgementKind
from inspect_app.models.types import utcnow
from inspect_app.services import audit, grading_evidence

RATIONALE_MAX = 10_000


# ---------------------------------------------------------------------------
# What can be graded
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class JudgementTarget:
    """A key judgement or a judgement area of a review's rubric, as something to grade."""

    kind: JudgementKind
    id: int  # key_judgement.id or judgement_area.id
    area_id: int
    area_number: int
    area_title: str
    number: str  # "2.3" for a key judgement, "2" for an area
    text: str  # the key judgement's wording, or the area's title
    position: int  # order within the rubric

    @property
    def is_area(self) -> bool:
        return self.kind is JudgementKind.AREA

    @property
    def slug(self) -> str:
        """Stable identifier in URLs and the API: ``kj-2.3`` or ``area-2``."""
        return f"area-{self.number}" if self.is_area else f"kj-{self.number}"

    @property
    def label(self) -> str:
        """Short name: ``2.3`` or ``Area 2: Staying safe``."""
        return f"Area {self.number}: {self.area_title}" if self.is_area else self.number

    @property
    def title(self) -> str:
        """Full name for headings and lists."""
        if self.is_area:
            return f"{self.area_title} (area {self.number} overall)"
        return f"{self.number} {self.text}"

    @property
    def key(self) -> tuple[JudgementKind, int]:
        return (self.kind, self.id)

    def columns(self) -> dict[str, int | None]:
        """The foreign key columns that point at this judgement."""
        if self.is_area:
            return {"key_judgement_id": None, "area_id": self.id}
        return {"key_judgement_id": self.id, "area_id": None}


def target_key_of(row: Any) -> tuple[JudgementKind, int]:
    """The :attr:`JudgementTarget.key` of a Grade or AgreedGrade row."""
    if row.key_judgement_id is not None:
        return (JudgementKind.KEY_JUDGEMENT, row.key_judgement_id)
    return (JudgementKind.AREA, row.area_id)


def judgement_targets(session: Session, review: Review) -> list[JudgementTarget]:
    """Every judgement of the review's rubric in order: each area's key judgements, then the
    area itself. Two queries."""
    areas = session.scalars(
        select(JudgementArea)
        .where(JudgementArea.rubric_id == review.rubric_id)
        .options(selectinload(JudgementArea.key_judgements))
        .order_by(JudgementArea.number)
    ).all()
    targets: list[JudgementTarget] = []
    for area in areas:
        for kj in area.key_judgements:
            targets.append(
                JudgementTarget(
                    JudgementKind.KEY_JUDGEMENT,
                    kj.id,
                    area.id,
                    area.number,
                    area.title,
                    kj.number,
                    kj.text,
                    len(targets),
                )
            )
        targets.append(
            JudgementTarget(
                JudgementKind.AREA,
                area.id,
                area.id,
                area.number,
                area.title,
                str(area.number),
                area.title,
                len(targets),
            )
        )
    return targets


def find_target(targets: Iterable[JudgementTarget], slug: str) -> JudgementTarget | None:
    return next((t for t in targets if t.slug == slug), None)


# ---------------------------------------------------------------------------
# Who may grade what
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class GradingScope:
    """The facts that decide which judgements a user may grade on a review."""

    assigned_area_ids: frozenset[int]
    may_grade_any: bool
    has_conflict: bool

    def allows(self, access: Access, target: JudgementTarget) -> bool:
        return access.can_grade_judgement(
            target.area_id,
            assigned_area_ids=self.assigned_area_ids,
            may_grade_any=self.may_grade_any,
            has_conflict=self.has_conflict,
        )


def allowances(session: Session, review: Review) -> dict[int, bool]:
    """user id -> may grade any judgement, for members the lead has decided about."""
    rows = session.execute(
        select(GradingAllowance.user_id, GradingAllowance.may_grade_any).where(
            GradingAllowance.review_id == review.id
        )
    ).all()
    return {user_id: allowed for user_id, allowed in rows}


def scope_for(session: Session, review: Review, user: User) -> GradingScope:
    """``review`` should have its team and assignments loaded (``load_review`` does)."""
    member = review.member_for(user.id)
    if member is None:
        return GradingScope(frozenset(), False, False)
    allowed = session.scalar(
        select(GradingAllowance.may_grade_any).where(
            GradingAllowance.review_id == review.id, GradingAllowance.user_id == user.id
        )
    )
    return GradingScope(
        assigned_area_ids=frozenset(a.area_id for a in member.assignments),
        may_grade_any=bool(allowed),
        has_conflict=bool(member.has_conflict),
    )


def set_allowance(
    session: Session, review: Review, member: TeamMember, may_grade_any: bool, *, actor: User
) -> None:
    """Let ``member`` grade judgements beyond their assigned areas, or stop them."""
    row = session.scalar(
        select(GradingAllowance).where(
            GradingAllowance.review_id == review.id, GradingAllowance.user_id == member.user_id
        )
    )
    before = bool(row and row.may_grade_any)
    changes = {"may_grade_any": may_grade_any, "changed_by_id": actor.id, "changed_at": utcnow()}
    if row is None:
        row = GradingAllowance(review_id=review.id, user_id=member.user_id, **changes)
        session.add(row)
    else:
        for name, value in changes.items():
            setattr(row, name, value)
    session.flush()
    audit.record(
        session,
        action="grading.allowance_changed",
        actor=actor,
        review_id=review.id,
        subject=row,
        summary=f"{member.user.name} "
        + ("may now grade any judgement" if may_grade_any else "grades only their assigned areas"),
        before={"user_id": member.user_id, "may_grade_any": before},
        after={"user_id": member.user_id, "may_grade_any": may_grade_any},
    )


# ---------------------------------------------------------------------------
# Submitting a grade
# ---------------------------------------------------------------------------


class GradingError(ValueError):
    """A grade that cannot be saved as given; ``field`` names the form field at fault."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class GradingForbidden(PermissionError):
    """The user may not grade this judgement now."""


@dataclass(frozen=True)
class GradeValue:
    """What a grade currently says and who last saved it: shown when a save was stale."""

    value: int
    label: str
    rationale: str
    confidence: str
    version: int
    saved_by: str
    saved_at: datetime

    def as_dict(self) -> dict[str, Any]:
        return {
            "grade": self.value,
            "grade_label": self.label,
            "rationale": self.rationale,
            "confidence": self.confidence,
            "version": self.version,
            "saved_by": self.saved_by,
            "saved_at": self.saved_at.isoformat(),
        }


class StaleGradeError(Exception):
    """The grade was saved by somebody (or another window) since the page was loaded."""

    def __init__(self, current: GradeValue | None, what: str = "grade") -> None:
        self.current = current
        if current is None:
            message = (
                f"This {what} changed while you were editing it. Nothing was saved; "
                "reload the page and try again."
            )
        else:
            when = current.saved_at.strftime("%-d %B %Y at %H:%M")
            message = (
                f"This {what} was changed while you were editing it: {current.saved_by} saved "
                f"{current.value} – {current.label} (version {current.version}) on {when}. "
                "Your change was not saved. Check the newer value and save again if you still "
                "want to change it."
            )
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class GradeSubmission:
    value: int | None
    rationale: str
    confidence: str | None
    evidence_item_ids: tuple[int, ...] = field(default_factory=tuple)


def _grade_query(review: Review, grader_id: int, target: JudgementTarget):
    columns = target.columns()
    query = select(Grade).where(Grade.review_id == review.id, Grade.grader_id == grader_id)
    if target.is_area:
        return query.where(Grade.area_id == columns["area_id"])
    return query.where(Grade.key_judgement_id == columns["key_judgement_id"])


def grade_value(grade: Grade, scale: GradeScale) -> GradeValue:
    latest = grade.latest_revision
    return GradeValue(
        value=grade.value,
        label=scale.label_for(grade.value),
        rationale=grade.rationale,
        confidence=grade.confidence,
        version=grade.version,
        saved_by=latest.recorded_by.name if latest else grade.grader.name,
        saved_at=grade.updated_at,
    )


def current_grade(
    session: Session, review: Review, grader_id: int, target: JudgementTarget
) -> Grade | None:
    return session.scalar(
        _grade_query(review, grader_id, target).options(
            selectinload(Grade.revisions).selectinload(GradeRevision.recorded_by),
            selectinload(Grade.grader),
        )
    )


def _validate(submission: GradeSubmission, scale: GradeScale) -> tuple[int, str, str]:
    if submission.value is None or not scale.contains(submission.value):
        raise GradingError(f"Select a grade on the scale {scale.describe()}", "grade")
    rationale = (submission.rationale or "").strip()
    if not rationale:
        raise GradingError("Enter the rationale for your grade", "rationale")
    if len(rationale) > RATIONALE_MAX:
        raise GradingError(
            f"The rationale must be {RATIONALE_MAX:,} characters or fewer", "rationale"
        )
    try:
        confidence = Confidence(submission.confidence or "")
    except ValueError:
        raise GradingError("Select how confident you are in this grade", "confidence") from None
    return submission.value, rationale, confidence.value


def submit_grade(
    session: Session,
    review: Review,
    target: JudgementTarget,
    submission: GradeSubmission,
    *,
    grader: User,
    access: Access,
    expected_version: int | None,
) -> Grade:
    """Save ``grader``'s grade for ``target``: a first grade or a revision of their grade.

    ``expected_version`` is the version the grader's page showed (``None`` for a first grade).
    Raises :class:`GradingForbidden`, :class:`GradingError` (with the field at fault) or
    :class:`StaleGradeError` (after rolling the session back) — never loses an update.
    """
    scope = scope_for(session, review, grader)
    if not scope.allows(access, target):
        raise GradingForbidden(why_cannot_grade(access, scope))
    scale = review.rubric.scale
    value, rationale, confidence = _validate(submission, scale)
    evidence = _check_evidence(session, review, submission.evidence_item_ids)
    evidence_ids = tuple(item.id for item in evidence)

    grade = current_grade(session, review, grader.id, target)
    if grade is None and expected_version is not None:
        raise StaleGradeError(None)
    if grade is not None and expected_version != grade.version:
        raise StaleGradeError(grade_value(grade, scale))

    now = utcnow()
    before = None
    if grade is None:
        grade = Grade(
            review_id=review.id,
            grader=grader,
            **target.columns(),
            value=value,
            rationale=rationale,
            confidence=confidence,
            submitted_at=now,
            updated_at=now,
        )
        session.add(grade)
        next_version = 1
        action, verb = "grading.grade_submitted", "graded"
    else:
        before = {
            "grade": grade.value,
            "confidence": grade.confidence,
            "rationale": grade.rationale,
            "version": grade.version,
            "evidence_item_ids": _latest_evidence_ids(grade),
        }
        grade.value = value
        grade.rationale = rationale
        grade.confidence = confidence
        grade.updated_at = now  # always an UPDATE, so the version moves on
        next_version = grade.version + 1
        action, verb = "grading.grade_revised", "revised their grade for"
    session.add(
        GradeRevision(
            grade=grade,
            version=next_version,
            value=value,
            rationale=rationale,
            confidence=confidence,
            recorded_by=grader,
            recorded_at=now,
            evidence_items=evidence,
        )
    )
    try:
        session.flush()
    except (StaleDataError, IntegrityError):
        # Another save won the race between our read and our write.
        session.rollback()
        newer = current_grade(session, review, grader.id, target)
        raise StaleGradeError(grade_value(newer, scale) if newer else None) from None
    audit.record(
        session,
        action=action,
        actor=grader,
        review_id=review.id,
        subject=grade,
        # The summary shows on the review's activity feed, so it never gives the grade away:
        # grading is blind. The value is in ``after`` and in the grade's revisions.
        summary=f"{grader.name} {verb} {target.label}",
        before=before,
        after={
            "target": target.slug,
            "grade": value,
            "confidence": confidence,
            "rationale": rationale,
            "version": next_version,
            "evidence_item_ids": list(evidence_ids),
        },
    )
    return grade


def why_cannot_grade(access: Access, scope: GradingScope) -> str:
    if not access.is_grader:
        return "Only the lead inspector and inspectors on the team grade judgements."
    if not access.grading_is_open:
        return (
            "Grades are given and revised during analysis and fieldwork only. "
            f"This review is in {access.review_phase.label}."
        )
    if scope.has_conflict:
        return "You have declared a conflict of interest, so you cannot grade on this review."
    return (
        "This judgement is outside the areas assigned to you. "
        "Ask the lead inspector to let you grade it."
    )


# Evidence links. The link table (``grade_evidence``) joins a grade revision to the evidence
# items it rests on, so every revision keeps its own links and nothing is ever deleted.


def _check_evidence(session: Session, review: Review, ids: Sequence[int]) -> list[EvidenceItem]:
    wanted = list(dict.fromkeys(int(i) for i in ids))
    if not wanted:
        return []
    found = grading_evidence.live_items(session, review, wanted)
    missing = [i for i in wanted if i not in {item.id for item in found}]
    if missing:
        raise GradingError(
            "Choose evidence items from this review only "
            f"(not found: {', '.join(map(str, missing))})",
            "evidence",
        )
    return found


def _latest_evidence_ids(grade: Grade) -> list[int]:
    latest = grade.latest_revision
    return grading_evidence.ids_for(latest) if latest is not None else []


# ---------------------------------------------------------------------------
# Reading grades
# ---------------------------------------------------------------------------


def grades_for_review(session: Session, review: Review) -> list[Grade]:
    """Every current grade on the review, with its grader. One or two queries."""
    return list(
        session.scalars(
            select(Grade)
            .where(Grade.review_id == review.id)
            .options(selectinload(Grade.grader))
            .order_by(Grade.id)
        )
    )


def grades_with_history(session: Session, review: Review, target: JudgementTarget) -> list[Grade]:
    """Every grader's grade for one judgement with all its revisions."""
    query = select(Grade).where(Grade.review_id == review.id)
    if target.is_area:
        query = query.where(Grade.area_id == target.id)
    else:
        query = query.where(Grade.key_judgement_id == target.id)
    return list(
        session.scalars(
            query.options(
                selectinload(Grade.grader),
                selectinload(Grade.revisions).selectinload(GradeRevision.recorded_by),
            ).order_by(Grade.id)
        )
    )


@dataclass(frozen=True)
class WorkItem:
    """One line of "my judgements to grade"."""

    target: JudgementTarget
    grade: Grade | None
    may_grade: bool
    assigned: bool


@dataclass(frozen=True)
class WorkArea:
    area_number: int
    area_title: str
    assigned: bool
    items: list[WorkItem]

    @property
    def graded(self) -> int:
        return sum(1 for i in self.items if i.grade is not None)


def worklist(
    session: Session, review: Review, user: User, access: Access
) -> tuple[list[WorkArea], GradingScope]:
    """The judgements a user grades, grouped by area: their assigned areas first, then any
    other judgement they have graded or may grade."""
    scope = scope_for(session, review, user)
    targets = judgement_targets(session, review)
    mine = {
        target_key_of(g): g
        for g in session.scalars(
            select(Grade).where(Grade.review_id == review.id, Grade.grader_id == user.id)
        )
    }
    areas: dict[int, WorkArea] = {}
    for target in targets:
        grade = mine.get(target.key)
        may = scope.allows(access, target)
        assigned = target.area_id in scope.assigned_area_ids
        if not (assigned or grade is not None or may):
            continue
        area = areas.get(target.area_id)
        if area is None:
            area = areas[target.area_id] = WorkArea(
                target.area_number, target.area_title, assigned, []
            )
        area.items.append(WorkItem(target, grade, may, assigned))
    ordered = sorted(areas.values(), key=lambda a: (not a.assigned, a.area_number))
    return ordered, scope


@dataclass(frozen=True)
class GraderProgress:
    member: TeamMember
    may_grade_any: bool
    assigned_judgements: int
    graded_assigned: int
    graded_total: int


def team_progress(session: Session, review: Review) -> list[GraderProgress]:
    """How far each grader has got: for the lead's grading team page. Bounded queries."""
    targets = judgement_targets(session, review)
    per_area: dict[int, int] = {}
    for target in targets:
        per_area[target.area_id] = per_area.get(target.area_id, 0) + 1
    area_of = {t.key: t.area_id for t in targets}
    graded: dict[int, list[int]] = {}
    for grade in session.scalars(select(Grade).where(Grade.review_id == review.id)):
        graded.setdefault(grade.grader_id, []).append(area_of.get(target_key_of(grade), 0))
    allowed = allowances(session, review)
    rows = []
    for member in review.team:
        if member.role not in ("lead_inspector", "inspector"):
            continue
        assigned = {a.area_id for a in member.assignments}
        mine = graded.get(member.user_id, [])
        rows.append(
            GraderProgress(
                member=member,
                may_grade_any=allowed.get(member.user_id, False),
                assigned_judgements=sum(per_area.get(a, 0) for a in assigned),
                graded_assigned=sum(1 for a in mine if a in assigned),
                graded_total=len(mine),
            )
        )
    return rows
