"""The evidence coverage map: what evidence bears on each key judgement, and from whom."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, literal, select, union_all
from sqlalchemy.orm import Session

from inspect_app.domain.evidence import (
    EvidenceBearing,
    EvidenceKind,
    JudgementCoverage,
    Stance,
    summarise_coverage,
)
from inspect_app.models import (
    EvidenceItem,
    EvidenceLink,
    JudgementArea,
    KeyJudgement,
    Review,
    TrackedCase,
    TrackedCaseFinding,
)
from inspect_app.services.evidence import key_judgements_for
from inspect_app.services.self_evaluation import latest_self_grades


@dataclass(frozen=True)
class CoverageRow:
    key_judgement: KeyJudgement
    coverage: JudgementCoverage
    self_grade: int | None


@dataclass(frozen=True)
class AreaCoverage:
    area: JudgementArea
    rows: list[CoverageRow]


@dataclass(frozen=True)
class ChildrensViews:
    item: EvidenceItem
    judgements: int  # how many key judgements it informs


@dataclass(frozen=True)
class CoverageMap:
    areas: list[AreaCoverage]
    childrens_views: list[ChildrensViews]
    unlinked_items: int

    @property
    def rows(self) -> list[CoverageRow]:
        return [row for area in self.areas for row in area.rows]

    @property
    def without_evidence(self) -> list[CoverageRow]:
        return [r for r in self.rows if r.coverage.has_no_evidence]

    @property
    def single_source(self) -> list[CoverageRow]:
        return [r for r in self.rows if r.coverage.is_single_source]


def _bearings(session: Session, review: Review) -> list[EvidenceBearing]:
    live = (EvidenceItem.review_id == review.id, EvidenceItem.deleted_at.is_(None))
    columns = (EvidenceItem.kind, EvidenceItem.inspectorate, EvidenceItem.source)
    links = (
        select(KeyJudgement.number, EvidenceLink.evidence_item_id, EvidenceLink.stance, *columns)
        .join(EvidenceLink.item)
        .join(EvidenceLink.key_judgement)
        .where(*live)
    )
    findings = (
        select(
            KeyJudgement.number, TrackedCase.evidence_item_id, TrackedCaseFinding.stance, *columns
        )
        .join(TrackedCaseFinding.case)
        .join(TrackedCase.item)
        .join(TrackedCaseFinding.key_judgement)
        .where(*live)
    )
    return [
        EvidenceBearing(
            judgement=number,
            item_id=item_id,
            stance=Stance(stance),
            kind=EvidenceKind(kind),
            inspectorate=inspectorate,
            source=source,
        )
        for number, item_id, stance, kind, inspectorate, source in session.execute(
            union_all(links, findings)
        )
    ]


def coverage_map(session: Session, review: Review, *, include_restricted: bool) -> CoverageMap:
    """Coverage of every key judgement of the review's rubric, in a fixed number of queries.

    Counts include restricted evidence (they disclose nothing about it); the list of
    children's views items shows restricted ones only when ``include_restricted``.
    """
    key_judgements = key_judgements_for(session, review.rubric_id)
    coverage = summarise_coverage([kj.number for kj in key_judgements], _bearings(session, review))
    self_grades = latest_self_grades(session, review)
    areas: list[AreaCoverage] = []
    for kj in key_judgements:
        if not areas or areas[-1].area.id != kj.area_id:
            areas.append(AreaCoverage(kj.area, []))
        areas[-1].rows.append(CoverageRow(kj, coverage[kj.number], self_grades.get(kj.number)))
    return CoverageMap(
        areas=areas,
        childrens_views=_childrens_views(session, review, include_restricted),
        unlinked_items=_unlinked_count(session, review),
    )


def _childrens_views(
    session: Session, review: Review, include_restricted: bool
) -> list[ChildrensViews]:
    linked = (
        select(func.count(EvidenceLink.id))
        .where(EvidenceLink.evidence_item_id == EvidenceItem.id)
        .correlate(EvidenceItem)
        .scalar_subquery()
    )
    query = select(EvidenceItem, linked).where(
        EvidenceItem.review_id == review.id,
        EvidenceItem.deleted_at.is_(None),
        EvidenceItem.kind == EvidenceKind.CHILDRENS_VIEWS.value,
    )
    if not include_restricted:
        query = query.where(EvidenceItem.is_restricted.is_(False))
    rows = session.execute(
        query.order_by(EvidenceItem.gathered_on.desc(), EvidenceItem.id.desc())
    ).all()
    return [ChildrensViews(item, count) for item, count in rows]


def _unlinked_count(session: Session, review: Review) -> int:
    has_link = select(literal(1)).where(EvidenceLink.evidence_item_id == EvidenceItem.id)
    has_finding = (
        select(literal(1))
        .select_from(TrackedCaseFinding)
        .join(TrackedCaseFinding.case)
        .where(TrackedCase.evidence_item_id == EvidenceItem.id)
    )
    return (
        session.scalar(
            select(func.count(EvidenceItem.id)).where(
                EvidenceItem.review_id == review.id,
                EvidenceItem.deleted_at.is_(None),
                EvidenceItem.kind != EvidenceKind.SELF_EVALUATION.value,
                ~has_link.exists(),
                ~has_finding.exists(),
            )
        )
        or 0
    )
