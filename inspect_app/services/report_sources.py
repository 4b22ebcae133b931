"""What the report reads from other capabilities: agreed grades with their lineage, the
team's grades at agreement, evidence counts, the evidence index and notes for seeding text.

Read-only, and a fixed number of queries whatever the number of judgements, grades or
evidence items (the report tests count them).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, union_all
from sqlalchemy.orm import Session, selectinload

from inspect_app.domain.evidence import EvidenceKind
from inspect_app.domain.inspectorates import Inspectorate
from inspect_app.domain.report import EvidenceIndexRow
from inspect_app.models import (
    AgreedGrade,
    AgreedGradeRevision,
    EvidenceItem,
    EvidenceLink,
    GradeRevision,
    KeyJudgement,
    Review,
    TrackedCase,
    TrackedCaseFinding,
)
from inspect_app.models.evidence import judgement_sort_key
from inspect_app.services.grading import JudgementTarget, judgement_targets, target_key_of
from inspect_app.services.reconciliation_sources import EvidenceCount, evidence_counts

__all__ = [
    "AgreedRecord",
    "EvidenceNote",
    "ReportSources",
    "TeamGradeAtAgreement",
    "evidence_index",
    "evidence_notes",
    "load_sources",
]

RATIONALE_EXCERPT = 280  # characters of a team member's rationale shown in the team's annex


@dataclass(frozen=True)
class TeamGradeAtAgreement:
    grader_name: str
    inspectorate: str  # label
    grade: int | None
    rationale: str  # the rationale of the grade as it stood then ("" if not known)


@dataclass(frozen=True)
class AgreedRecord:
    """An agreed grade and how it came about."""

    agreed: AgreedGrade
    revisions: int  # agreed values recorded, 1 for a grade agreed once
    team: tuple[TeamGradeAtAgreement, ...]


@dataclass
class ReportSources:
    targets: list[JudgementTarget]
    agreed: dict[Any, AgreedRecord] = field(default_factory=dict)  # target key -> record
    evidence: dict[Any, EvidenceCount] = field(default_factory=dict)


def _inspectorate_label(code: str | None) -> str:
    if not code:
        return ""
    try:
        return Inspectorate(code).label
    except ValueError:
        return code


def load_sources(session: Session, review: Review, *, with_rationales: bool) -> ReportSources:
    """Agreed grades (with who agreed them), their revisions and the team's grades at the
    latest agreement, and evidence counts. ``with_rationales`` also reads each team grade's
    rationale as it stood then (for the team's own view only). At most seven queries."""
    targets = judgement_targets(session, review)  # 2 queries
    agreed_rows = session.scalars(  # 2 queries
        select(AgreedGrade)
        .where(AgreedGrade.review_id == review.id)
        .options(selectinload(AgreedGrade.agreed_by))
        .order_by(AgreedGrade.id)
    ).all()
    latest: dict[int, tuple[int, list[dict[str, Any]]]] = {}
    counts: dict[int, int] = defaultdict(int)
    for agreed_id, version, team in session.execute(  # 1 query
        select(
            AgreedGradeRevision.agreed_grade_id,
            AgreedGradeRevision.version,
            AgreedGradeRevision.team_grades,
        )
        .join(AgreedGradeRevision.agreed_grade)
        .where(AgreedGrade.review_id == review.id)
        .order_by(AgreedGradeRevision.agreed_grade_id, AgreedGradeRevision.version)
    ):
        counts[agreed_id] += 1
        latest[agreed_id] = (version, team or [])

    rationales: dict[tuple[int, int], str] = {}
    if with_rationales:
        wanted = {
            (t.get("grade_id"), t.get("grade_version"))
            for _, team in latest.values()
            for t in team
            if t.get("grade_id")
        }
        grade_ids = {g for g, _ in wanted}
        if grade_ids:
            for grade_id, version, rationale in session.execute(  # 1 query
                select(
                    GradeRevision.grade_id, GradeRevision.version, GradeRevision.rationale
                ).where(GradeRevision.grade_id.in_(grade_ids))
            ):
                if (grade_id, version) in wanted:
                    rationales[(grade_id, version)] = rationale

    records = {}
    for agreed in agreed_rows:
        _, team = latest.get(agreed.id, (0, []))
        records[target_key_of(agreed)] = AgreedRecord(
            agreed=agreed,
            revisions=counts.get(agreed.id, 1),
            team=tuple(
                TeamGradeAtAgreement(
                    grader_name=str(t.get("grader") or ""),
                    inspectorate=_inspectorate_label(t.get("inspectorate")),
                    grade=t.get("grade", t.get("value")),
                    rationale=rationales.get((t.get("grade_id"), t.get("grade_version")), ""),
                )
                for t in team
            ),
        )
    counts_by_target = evidence_counts(session, review, targets).counts  # 1 query
    return ReportSources(targets=targets, agreed=records, evidence=counts_by_target)


def excerpt(text: str, limit: int = RATIONALE_EXCERPT) -> str:
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _bearings(session: Session, review: Review) -> dict[int, set[str]]:
    """Evidence item id -> the numbers of the key judgements it bears on. One query."""
    live = (EvidenceItem.review_id == review.id, EvidenceItem.deleted_at.is_(None))
    links = (
        select(EvidenceLink.evidence_item_id, KeyJudgement.number)
        .join(EvidenceLink.item)
        .join(EvidenceLink.key_judgement)
        .where(*live)
    )
    findings = (
        select(TrackedCase.evidence_item_id, KeyJudgement.number)
        .join(TrackedCaseFinding.case)
        .join(TrackedCase.item)
        .join(TrackedCaseFinding.key_judgement)
        .where(*live)
    )
    out: dict[int, set[str]] = defaultdict(set)
    for item_id, number in session.execute(union_all(links, findings)):
        out[item_id].add(number)
    return out


def _kind_label(kind: str) -> str:
    try:
        return EvidenceKind(kind).label
    except ValueError:
        return kind


def evidence_index(session: Session, review: Review) -> list[EvidenceIndexRow]:
    """Every live evidence item of the review, restricted ones flagged. Two queries."""
    bearings = _bearings(session, review)
    rows = session.execute(
        select(
            EvidenceItem.id,
            EvidenceItem.title,
            EvidenceItem.kind,
            EvidenceItem.inspectorate,
            EvidenceItem.gathered_on,
            EvidenceItem.is_restricted,
        )
        .where(EvidenceItem.review_id == review.id, EvidenceItem.deleted_at.is_(None))
        .order_by(EvidenceItem.gathered_on, EvidenceItem.id)
    ).all()
    return [
        EvidenceIndexRow(
            title=title,
            kind=_kind_label(kind),
            inspectorate=_inspectorate_label(inspectorate) or "The authority",
            date=gathered_on,
            restricted=bool(restricted),
            judgements=", ".join(sorted(bearings.get(item_id, ()), key=judgement_sort_key)),
        )
        for item_id, title, kind, inspectorate, gathered_on, restricted in rows
    ]


@dataclass(frozen=True)
class EvidenceNote:
    key_judgement: str  # "2.3"
    stance: str  # supports / contradicts
    title: str
    note: str


def evidence_notes(session: Session, review: Review) -> list[EvidenceNote]:
    """Notes on the links between *unrestricted* evidence and key judgements, for seeding
    report text. Restricted evidence (case files, anything about an individual child) is
    never offered as a starting point for text the authority and public will read."""
    rows = session.execute(
        select(KeyJudgement.number, EvidenceLink.stance, EvidenceItem.title, EvidenceLink.note)
        .join(EvidenceLink.item)
        .join(EvidenceLink.key_judgement)
        .where(
            EvidenceItem.review_id == review.id,
            EvidenceItem.deleted_at.is_(None),
            EvidenceItem.is_restricted.is_(False),
        )
        .order_by(EvidenceLink.id)
    ).all()
    notes = [
        EvidenceNote(number, stance, title, (note or "").strip())
        for number, stance, title, note in rows
    ]
    return sorted(notes, key=lambda n: judgement_sort_key(n.key_judgement))
