"""What reconciliation reads from other capabilities: the authority's self-grades (from its
latest self-evaluation return) and the evidence bearing on each judgement."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, literal, select, union_all
from sqlalchemy.orm import Session

from inspect_app.domain.evidence import Stance
from inspect_app.models import KeyJudgement, Review
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
    # The database counts distinct items per key judgement and per area: a large review has
    # tens of thousands of links, and fetching them to count in Python dominated the page.
    bearing = union_all(links, findings).cte("bearing")
    item = bearing.c.evidence_item_id
    kj_id, stance = bearing.c.key_judgement_id, bearing.c.stance
    per_judgement = select(
        literal(False).label("is_area"), kj_id.label("id"), stance, func.count(item.distinct())
    ).group_by(kj_id, stance)
    per_area = (
        select(literal(True), KeyJudgement.area_id, stance, func.count(item.distinct()))
        .join(KeyJudgement, KeyJudgement.id == kj_id)
        .group_by(KeyJudgement.area_id, stance)
    )
    found = {
        (bool(is_area), target_id, side): n
        for is_area, target_id, side, n in session.execute(union_all(per_judgement, per_area))
    }
    targets = targets if targets is not None else judgement_targets(session, review)

    counts: dict[Any, EvidenceCount] = {}
    for target in targets:
        counts[target.key] = EvidenceCount(
            supports=found.get((target.is_area, target.id, Stance.SUPPORTS.value), 0),
            contradicts=found.get((target.is_area, target.id, Stance.CONTRADICTS.value), 0),
        )
    return EvidenceCounts(available=True, counts=counts)
