"""What reconciliation reads from other capabilities: the authority's self-grades (from its
latest self-evaluation return) and the evidence bearing on each judgement."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, union_all
from sqlalchemy.orm import Session

from inspect_app.domain.evidence import Stance
from inspect_app.models import Review
from inspect_app.models.evidence import EvidenceItem, EvidenceLink, TrackedCase, TrackedCaseFinding
from inspect_app.services.self_evaluation import latest_self_grades


@dataclass(frozen=True)
class SelfGrades:
    available: bool  # the authority has returned a self-evaluation
    values: dict[Any, int] = field(default_factory=dict)  # judgement target key -> self-grade


@dataclass(frozen=True)
class EvidenceCount:
    """Distinct evidence items supporting / contradicting a judgement (for an area: any of its
    key judgements). Links and tracked-case findings both count, once per item."""

    supports: int = 0
    contradicts: int = 0


@dataclass(frozen=True)
class EvidenceCounts:
    available: bool
    counts: dict[Any, EvidenceCount] = field(default_factory=dict)  # target key -> counts


def self_grades(session: Session, review: Review, targets: list | None = None) -> SelfGrades:
    """Self-grades keyed like :attr:`JudgementTarget.key`. Two queries at most."""
    from inspect_app.services.grading import judgement_targets

    by_number = latest_self_grades(session, review)
    if not by_number:
        return SelfGrades(available=False)
    values = {}
    for target in targets if targets is not None else judgement_targets(session, review):
        grade = by_number.get(target.number)
        if grade is not None:
            values[target.key] = grade
    return SelfGrades(available=True, values=values)


def evidence_counts(
    session: Session, review: Review, targets: list | None = None
) -> EvidenceCounts:
    """Supporting and contradicting evidence items per key judgement and per area (an item
    counts once per judgement and stance, whether linked directly or through a tracked case
    finding; deleted items do not count). One query, plus the targets if not given."""
    from inspect_app.services.grading import judgement_targets

    live = (EvidenceItem.review_id == review.id, EvidenceItem.deleted_at.is_(None))
    links = (
        select(EvidenceLink.key_judgement_id, EvidenceLink.evidence_item_id, EvidenceLink.stance)
        .join(EvidenceLink.item)
        .where(*live)
    )
    findings = (
        select(
            TrackedCaseFinding.key_judgement_id,
            TrackedCase.evidence_item_id,
            TrackedCaseFinding.stance,
        )
        .join(TrackedCaseFinding.case)
        .join(TrackedCase.item)
        .where(*live)
    )
    bearings: dict[int, dict[str, set[int]]] = {}
    for kj_id, item_id, stance in session.execute(union_all(links, findings)):
        bearings.setdefault(kj_id, {}).setdefault(stance, set()).add(item_id)

    counts: dict[Any, EvidenceCount] = {}
    by_area: dict[int, dict[str, set[int]]] = {}
    targets = targets if targets is not None else judgement_targets(session, review)
    for target in targets:
        if target.is_area:
            continue
        mine = bearings.get(target.id, {})
        area = by_area.setdefault(target.area_id, {})
        for stance, items in mine.items():
            area.setdefault(stance, set()).update(items)
        counts[target.key] = _count(mine)
    for target in targets:
        if target.is_area:
            counts[target.key] = _count(by_area.get(target.id, {}))
    return EvidenceCounts(available=True, counts=counts)


def _count(stances: dict[str, set[int]]) -> EvidenceCount:
    return EvidenceCount(
        supports=len(stances.get(Stance.SUPPORTS.value, ())),
        contradicts=len(stances.get(Stance.CONTRADICTS.value, ())),
    )
