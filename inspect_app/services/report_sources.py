"""What the report reads from other capabilities: agreed grades with their lineage (every
agreed version, the team's grades at agreement and, for the team's own view, every grade each
member submitted), evidence counts, the evidence index and notes for seeding text.

Read-only, and a fixed number of queries whatever the number of judgements, grades or
evidence items (the report tests count them).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import CompoundSelect, select, union_all
from sqlalchemy.orm import Session, aliased, selectinload

from inspect_app.domain.evidence import EvidenceKind
from inspect_app.domain.inspectorates import Inspectorate
from inspect_app.domain.report import EvidenceIndexRow
from inspect_app.models import (
    AgreedGrade,
    AgreedGradeRevision,
    EvidenceItem,
    EvidenceLink,
    Grade,
    GradeRevision,
    KeyJudgement,
    Review,
    TrackedCase,
    TrackedCaseFinding,
    User,
)
from inspect_app.models.evidence import judgement_sort_key
from inspect_app.models.grading import JudgementKind
from inspect_app.services.grading import JudgementTarget, judgement_targets, target_key_of
from inspect_app.services.reconciliation_sources import EvidenceCount, evidence_counts

__all__ = [
    "AgreedRecord",
    "AgreedVersionRecord",
    "EvidenceNote",
    "GradeHistoryRecord",
    "GradeRevisionRecord",
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
class AgreedVersionRecord:
    """One agreed value recorded for a judgement (an ``AgreedGradeRevision``)."""

    version: int
    value: int
    reasons: str
    is_override: bool
    derived_value: int | None
    recorded_by: str  # name
    recorded_at: datetime | None


@dataclass(frozen=True)
class AgreedRecord:
    """An agreed grade and how it came about."""

    agreed: AgreedGrade
    revisions: int  # agreed values recorded, 1 for a grade agreed once
    team: tuple[TeamGradeAtAgreement, ...]
    versions: tuple[AgreedVersionRecord, ...] = ()  # every agreed value, oldest first


@dataclass(frozen=True)
class GradeRevisionRecord:
    """One value a team member submitted for a judgement (a ``GradeRevision``)."""

    version: int
    value: int
    rationale: str
    recorded_by: str  # name
    recorded_at: datetime | None


@dataclass(frozen=True)
class GradeHistoryRecord:
    """Every value one team member submitted for one judgement, oldest first."""

    grader_name: str
    inspectorate: str  # label
    revisions: tuple[GradeRevisionRecord, ...]


@dataclass
class ReportSources:
    targets: list[JudgementTarget]
    agreed: dict[Any, AgreedRecord] = field(default_factory=dict)  # target key -> record
    evidence: dict[Any, EvidenceCount] = field(default_factory=dict)
    # target key -> each member's history, in the order they first graded (team view only)
    histories: dict[Any, tuple[GradeHistoryRecord, ...]] = field(default_factory=dict)


def _inspectorate_label(code: str | None) -> str:
    if not code:
        return ""
    try:
        return Inspectorate(code).label
    except ValueError:
        return code


def _agreed_versions(
    session: Session, review: Review
) -> dict[int, list[tuple[AgreedVersionRecord, list[dict[str, Any]]]]]:
    """Agreed grade id -> every agreed value recorded with the team's grades then, oldest
    first. One query."""
    out: dict[int, list[tuple[AgreedVersionRecord, list[dict[str, Any]]]]] = defaultdict(list)
    for revision, recorder in session.execute(
        select(AgreedGradeRevision, User.name)
        .join(AgreedGradeRevision.agreed_grade)
        .join(User, User.id == AgreedGradeRevision.recorded_by_id)
        .where(AgreedGrade.review_id == review.id)
        .order_by(AgreedGradeRevision.agreed_grade_id, AgreedGradeRevision.version)
    ):
        record = AgreedVersionRecord(
            version=revision.version,
            value=revision.value,
            reasons=revision.reasons or "",
            is_override=bool(revision.is_override),
            derived_value=revision.derived_value,
            recorded_by=recorder,
            recorded_at=revision.recorded_at,
        )
        out[revision.agreed_grade_id].append((record, revision.team_grades or []))
    return out


def _grade_histories(
    session: Session, review: Review
) -> tuple[dict[Any, tuple[GradeHistoryRecord, ...]], dict[tuple[int, int], str]]:
    """Every grade the team submitted, with every revision and its rationale, by judgement;
    and the rationale of each (grade id, version). One query."""
    grader, recorder = aliased(User), aliased(User)
    rows = session.execute(
        select(
            Grade.id,
            Grade.key_judgement_id,
            Grade.area_id,
            grader.name,
            grader.inspectorate,
            GradeRevision.version,
            GradeRevision.value,
            GradeRevision.rationale,
            recorder.name,
            GradeRevision.recorded_at,
        )
        .select_from(GradeRevision)
        .join(Grade, Grade.id == GradeRevision.grade_id)
        .join(grader, grader.id == Grade.grader_id)
        .join(recorder, recorder.id == GradeRevision.recorded_by_id)
        .where(Grade.review_id == review.id)
        .order_by(Grade.id, GradeRevision.version)
    ).all()
    by_grade: dict[int, tuple[Any, str, str, list[GradeRevisionRecord]]] = {}
    rationales: dict[tuple[int, int], str] = {}
    for grade_id, kj_id, area_id, name, inspectorate, version, value, why, by, at in rows:
        if grade_id not in by_grade:
            key = (
                (JudgementKind.KEY_JUDGEMENT, kj_id)
                if kj_id is not None
                else (JudgementKind.AREA, area_id)
            )
            by_grade[grade_id] = (key, name, _inspectorate_label(inspectorate), [])
        by_grade[grade_id][3].append(GradeRevisionRecord(version, value, why or "", by, at))
        rationales[(grade_id, version)] = why or ""
    histories: dict[Any, list[GradeHistoryRecord]] = defaultdict(list)
    for key, name, inspectorate, revisions in by_grade.values():  # in Grade id order
        histories[key].append(GradeHistoryRecord(name, inspectorate, tuple(revisions)))
    return {key: tuple(h) for key, h in histories.items()}, rationales


def load_sources(session: Session, review: Review, *, with_rationales: bool) -> ReportSources:
    """Agreed grades (with who agreed them), every agreed version with the team's grades at
    the latest agreement, and evidence counts. ``with_rationales`` (the team's own view
    only) also reads every grade each team member submitted for each judgement, with every
    revision and its rationale. At most seven queries, however many judgements, grades and
    revisions there are."""
    targets = judgement_targets(session, review)  # 2 queries
    agreed_rows = session.scalars(  # 2 queries
        select(AgreedGrade)
        .where(AgreedGrade.review_id == review.id)
        .options(selectinload(AgreedGrade.agreed_by))
        .order_by(AgreedGrade.id)
    ).all()
    versions = _agreed_versions(session, review)  # 1 query

    histories: dict[Any, tuple[GradeHistoryRecord, ...]] = {}
    rationales: dict[tuple[int, int], str] = {}
    if with_rationales:
        histories, rationales = _grade_histories(session, review)  # 1 query

    records = {}
    for agreed in agreed_rows:
        recorded = versions.get(agreed.id, [])
        team = recorded[-1][1] if recorded else []
        records[target_key_of(agreed)] = AgreedRecord(
            agreed=agreed,
            revisions=len(recorded) or 1,
            team=tuple(
                TeamGradeAtAgreement(
                    grader_name=str(t.get("grader") or ""),
                    inspectorate=_inspectorate_label(t.get("inspectorate")),
                    grade=t.get("grade", t.get("value")),
                    rationale=rationales.get((t.get("grade_id"), t.get("grade_version")), ""),
                )
                for t in team
            ),
            versions=tuple(record for record, _ in recorded),
        )
    counts_by_target = evidence_counts(session, review, targets).counts  # 1 query
    return ReportSources(
        targets=targets, agreed=records, evidence=counts_by_target, histories=histories
    )


def excerpt(text: str, limit: int = RATIONALE_EXCERPT) -> str:
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _bearing_rows(review: Review) -> CompoundSelect:
    """(evidence item id, key judgement number) for every link and tracked-case finding of
    the review's live evidence."""
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
    return union_all(links, findings)


def _bearings(session: Session, review: Review) -> dict[int, frozenset[str]]:
    """Evidence item id -> the numbers of the key judgements it bears on. One query."""
    session.flush()  # the connection's own statements do not flush for themselves
    found: dict[int, set[str]] = defaultdict(set)
    # fetched at once, as a plain statement: iterating the result row by row, or the ORM's
    # row loading, costs more than the query itself
    for item_id, number in session.connection().execute(_bearing_rows(review)).all():
        found[item_id].add(number)
    return {item_id: frozenset(numbers) for item_id, numbers in found.items()}


def _kind_label(kind: str) -> str:
    try:
        return EvidenceKind(kind).label
    except ValueError:
        return kind


def evidence_index(session: Session, review: Review) -> list[EvidenceIndexRow]:
    """Every live evidence item of the review, restricted ones flagged. Two queries.

    A large review has tens of thousands of items but only a few kinds, inspectorates and
    combinations of key judgements: each label and each list of judgements is worked out
    once, not once per item. (Joining each item's judgement numbers in the database instead,
    with a grouped subquery, took PostgreSQL 84 s on a review not yet analysed.)"""
    bearings = _bearings(session, review)
    # run as a plain statement: the ORM's row loading costs more than the query here
    rows = (
        session.connection()
        .execute(
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
        )
        .all()
    )
    kinds: dict[str, str] = {}
    inspectorates: dict[str | None, str] = {}
    judgements: dict[frozenset[str], str] = {}
    no_judgements: frozenset[str] = frozenset()
    index = []
    for item_id, title, kind, inspectorate, gathered_on, restricted in rows:
        kind_label = kinds.get(kind)
        if kind_label is None:
            kind_label = kinds[kind] = _kind_label(kind)
        by = inspectorates.get(inspectorate)
        if by is None:
            by = inspectorates[inspectorate] = _inspectorate_label(inspectorate) or "The authority"
        numbers = bearings.get(item_id, no_judgements)
        listed = judgements.get(numbers)
        if listed is None:
            listed = judgements[numbers] = ", ".join(sorted(numbers, key=judgement_sort_key))
        index.append(
            EvidenceIndexRow(
                title=title,
                kind=kind_label,
                inspectorate=by,
                date=gathered_on,
                restricted=bool(restricted),
                judgements=listed,
            )
        )
    return index


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
