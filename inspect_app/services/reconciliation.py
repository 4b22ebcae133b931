"""The reconciliation matrix: judgements × graders, with agreement and calibration.

Builds everything the reconciliation page, the API and ``flask reconcile`` show, in a fixed
number of queries whatever the size of the team or rubric, and hands the numbers to
:mod:`inspect_app.domain.agreement`.

Blindness: given a viewer, a judgement's grades are only visible once the viewer has
submitted their own grade for it or the review has reached moderation. Hidden grades are
left out of every statistic shown to that viewer, so nothing leaks through the numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from inspect_app.domain.agreement import (
    AgreementStats,
    CalibrationRow,
    GraderGrade,
    InspectorateCalibrationRow,
    JudgementGrades,
    JudgementSummary,
    SelfCalibration,
    agreement,
    agreement_by_area,
    grader_calibration,
    inspectorate_calibration,
    judgement_summary,
    order_for_discussion,
    self_assessment_calibration,
)
from inspect_app.domain.inspectorates import Inspectorate
from inspect_app.domain.permissions import Access, ReviewRole
from inspect_app.domain.rubric import BestEnd, GradeScale
from inspect_app.models import AgreedGrade, Grade, JudgementArea, KeyJudgement, Review, User
from inspect_app.models.grading import JudgementKind
from inspect_app.services import reconciliation_sources as sources
from inspect_app.services.grading import JudgementTarget, target_key_of


@dataclass(frozen=True)
class GraderColumn:
    user_id: int
    name: str
    inspectorate: str
    on_team: bool

    @property
    def inspectorate_label(self) -> str:
        return _inspectorate_label(self.inspectorate)


@dataclass(frozen=True)
class InspectorateGroup:
    code: str
    graders: tuple[GraderColumn, ...]

    @property
    def label(self) -> str:
        return _inspectorate_label(self.code)

    @property
    def short_label(self) -> str:
        try:
            return Inspectorate(self.code).short_label
        except ValueError:
            return self.code


def _inspectorate_label(code: str) -> str:
    try:
        return Inspectorate(code).label
    except ValueError:
        return code or "No inspectorate"


@dataclass(frozen=True)
class Cell:
    grader: GraderColumn
    grade: Grade | None
    visible: bool  # False: submitted, but the viewer may not see the value yet

    @property
    def submitted(self) -> bool:
        return self.grade is not None


@dataclass
class Row:
    target: JudgementTarget
    cells: list[Cell]
    visible: bool
    summary: JudgementSummary
    self_grade: int | None
    agreed: AgreedGrade | None
    evidence: sources.EvidenceCount | None

    @property
    def submitted(self) -> int:
        return sum(1 for c in self.cells if c.submitted)

    @property
    def flagged(self) -> bool:
        return self.visible and self.summary.needs_discussion


@dataclass(frozen=True)
class AreaAgreement:
    area_title: str
    stats: AgreementStats


@dataclass(frozen=True)
class NamedCalibration:
    name: str
    row: CalibrationRow


@dataclass
class Reconciliation:
    review: Review
    scale: GradeScale
    groups: list[InspectorateGroup]
    rows: list[Row]  # flagged first, then rubric order
    overall: AgreementStats
    by_area: list[AreaAgreement]
    blind: bool  # the viewer cannot yet see every judgement's grades
    self_grades_available: bool
    evidence_available: bool
    calibration: list[NamedCalibration] = field(default_factory=list)
    inspectorate_calibration: list[InspectorateCalibrationRow] = field(default_factory=list)
    self_calibration: SelfCalibration | None = None

    @property
    def graders(self) -> list[GraderColumn]:
        return [g for group in self.groups for g in group.graders]

    @property
    def flagged(self) -> list[Row]:
        return [r for r in self.rows if r.flagged]

    @property
    def unflagged(self) -> list[Row]:
        return [r for r in self.rows if not r.flagged]

    @property
    def visible_count(self) -> int:
        return sum(1 for r in self.rows if r.visible)

    @property
    def agreed_count(self) -> int:
        return sum(1 for r in self.rows if r.agreed is not None)

    @property
    def higher_is_better(self) -> bool:
        return self.scale.best is BestEnd.HIGHEST


def _columns(review: Review, grades: list[Grade]) -> list[InspectorateGroup]:
    """Graders grouped by inspectorate, lead's inspectorate first, then by name. A former
    member who graded stays in the matrix."""
    graders: dict[int, GraderColumn] = {}
    lead = review.lead_inspector
    for member in review.team:
        if member.role in (ReviewRole.LEAD_INSPECTOR, ReviewRole.INSPECTOR):
            user = member.user
            graders[user.id] = GraderColumn(user.id, user.name, user.inspectorate or "", True)
    for grade in grades:
        if grade.grader_id not in graders:
            user: User = grade.grader
            graders[user.id] = GraderColumn(user.id, user.name, user.inspectorate or "", False)
    lead_inspectorate = lead.user.inspectorate if lead else None
    order = [i.value for i in Inspectorate]

    def group_key(code: str) -> tuple[int, int, str]:
        return (code != lead_inspectorate, order.index(code) if code in order else 99, code)

    groups: dict[str, list[GraderColumn]] = {}
    for column in graders.values():
        groups.setdefault(column.inspectorate, []).append(column)
    return [
        InspectorateGroup(code, tuple(sorted(cols, key=lambda c: (not c.on_team, c.name))))
        for code, cols in sorted(groups.items(), key=lambda kv: group_key(kv[0]))
    ]


def rubric_targets(session: Session, review: Review) -> list[JudgementTarget]:
    """The same list as :func:`inspect_app.services.grading.judgement_targets` (each area's
    key judgements, then the area), in one query of plain columns."""
    rows = session.execute(
        select(
            JudgementArea.id,
            JudgementArea.number,
            JudgementArea.title,
            KeyJudgement.id,
            KeyJudgement.number,
            KeyJudgement.text,
        )
        .outerjoin(KeyJudgement, KeyJudgement.area_id == JudgementArea.id)
        .where(JudgementArea.rubric_id == review.rubric_id)
        .order_by(JudgementArea.number, JudgementArea.id, KeyJudgement.position)
    ).all()
    targets: list[JudgementTarget] = []
    area: tuple | None = None

    def close(area: tuple) -> None:
        area_id, number, title = area
        targets.append(
            JudgementTarget(
                JudgementKind.AREA,
                area_id,
                area_id,
                number,
                title,
                str(number),
                title,
                len(targets),
            )
        )

    for area_id, area_number, area_title, kj_id, kj_number, kj_text in rows:
        if area is None or area[0] != area_id:
            if area is not None:
                close(area)
            area = (area_id, area_number, area_title)
        if kj_id is not None:
            targets.append(
                JudgementTarget(
                    JudgementKind.KEY_JUDGEMENT,
                    kj_id,
                    area_id,
                    area_number,
                    area_title,
                    kj_number,
                    kj_text,
                    len(targets),
                )
            )
    if area is not None:
        close(area)
    return targets


def _grades(session: Session, review: Review) -> list[Grade]:
    """Every current grade with its grader, in one statement (a grader on the team is
    already in the session, and one who left is joined in)."""
    return list(
        session.scalars(
            select(Grade)
            .where(Grade.review_id == review.id)
            .options(joinedload(Grade.grader))
            .order_by(Grade.id)
        )
    )


def _agreed(session: Session, review: Review) -> list[AgreedGrade]:
    """Every agreed grade with who agreed it (the API shows the name), in one statement."""
    return list(
        session.scalars(
            select(AgreedGrade)
            .where(AgreedGrade.review_id == review.id)
            .options(joinedload(AgreedGrade.agreed_by))
            .order_by(AgreedGrade.id)
        )
    )


def build(
    session: Session,
    review: Review,
    *,
    viewer: User | None = None,
    access: Access | None = None,
) -> Reconciliation:
    """The matrix as ``viewer`` may see it (everything when no viewer is given, as in the CLI).

    ``review`` should come from ``load_review`` (team and users loaded).
    """
    scale = review.rubric.scale
    higher = scale.best is BestEnd.HIGHEST
    targets = rubric_targets(session, review)
    grades = _grades(session, review)
    agreed = {target_key_of(a): a for a in _agreed(session, review)}
    self_grades = sources.self_grades(session, review, targets)
    evidence = sources.evidence_counts(session, review, targets)
    groups = _columns(review, grades)
    columns = [g for group in groups for g in group.graders]

    by_target: dict[Any, dict[int, Grade]] = {}
    for grade in grades:
        by_target.setdefault(target_key_of(grade), {})[grade.grader_id] = grade

    unblinded = viewer is None or (access is not None and access.grades_are_unblinded)
    rows: list[Row] = []
    judgements: list[JudgementGrades] = []
    visible_judgements: list[JudgementGrades] = []
    for target in targets:
        graded = by_target.get(target.key, {})
        visible = unblinded or (
            viewer is not None
            and access is not None
            and access.can_see_others_grades(has_own_grade=viewer.id in graded)
        )
        shown = list(graded.values()) if visible else []
        agreed_row = agreed.get(target.key)
        jg = JudgementGrades(
            judgement_id=target.slug,
            area=target.area_title,
            grades=tuple(
                GraderGrade(g.grader_id, g.grader.inspectorate or "", g.value) for g in shown
            ),
            self_grade=self_grades.values.get(target.key),
            agreed_grade=agreed_row.value if agreed_row else None,
        )
        judgements.append(jg)
        if visible:
            visible_judgements.append(jg)
        rows.append(
            Row(
                target=target,
                cells=[Cell(c, graded.get(c.user_id), visible) for c in columns],
                visible=visible,
                summary=judgement_summary(jg),
                self_grade=jg.self_grade,
                agreed=agreed_row,
                evidence=evidence.counts.get(target.key) if evidence.available else None,
            )
        )

    order = {s.judgement_id: i for i, s in enumerate(order_for_discussion(r.summary for r in rows))}
    rows.sort(key=lambda r: order[r.target.slug])
    result = Reconciliation(
        review=review,
        scale=scale,
        groups=groups,
        rows=rows,
        overall=agreement(visible_judgements, scale.values),
        by_area=[
            AreaAgreement(area, stats)
            for area, stats in agreement_by_area(visible_judgements, scale.values).items()
        ],
        blind=not unblinded,
        self_grades_available=self_grades.available,
        evidence_available=evidence.available,
    )
    if unblinded:
        names = {c.user_id: c.name for c in columns}
        result.calibration = [
            NamedCalibration(names.get(row.grader_id, str(row.grader_id)), row)
            for row in grader_calibration(judgements, higher_is_better=higher)
        ]
        result.inspectorate_calibration = inspectorate_calibration(
            judgements, higher_is_better=higher
        )
        result.self_calibration = self_assessment_calibration(judgements, higher_is_better=higher)
    return result
