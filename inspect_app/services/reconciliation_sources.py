"""What reconciliation reads from other capabilities: the authority's self-grades (from its
latest self-evaluation return) and the evidence bearing on each judgement."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import case, func, literal, literal_column, select, union_all
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
    # Each row of ``bearing`` is a distinct (key judgement, item, stance): a link is unique
    # per item and key judgement, and a finding only adds what no link of its case's item
    # already says (several findings saying the same count once). So a key judgement's
    # count is a plain count of rows; only an area, where one item may bear on several of
    # its key judgements, needs a distinct count. The stance is carried as 1 (supports) or
    # 0 (contradicts), and the area joined in once, so the database sorts small rows.
    links = (
        select(
            EvidenceLink.key_judgement_id.label("key_judgement_id"),
            KeyJudgement.area_id.label("area_id"),
            EvidenceLink.evidence_item_id.label("evidence_item_id"),
            _supports(EvidenceLink.stance).label("supports"),
        )
        .join(EvidenceLink.item)
        .join(KeyJudgement, KeyJudgement.id == EvidenceLink.key_judgement_id)
        .where(*live)
    )
    linked_alike = (
        select(EvidenceLink.id)
        .where(
            EvidenceLink.evidence_item_id == TrackedCase.evidence_item_id,
            EvidenceLink.key_judgement_id == TrackedCaseFinding.key_judgement_id,
            EvidenceLink.stance == TrackedCaseFinding.stance,
        )
        .exists()
    )
    findings = (
        select(
            TrackedCaseFinding.key_judgement_id,
            KeyJudgement.area_id,
            TrackedCase.evidence_item_id,
            _supports(TrackedCaseFinding.stance),
        )
        .distinct()
        .join(TrackedCaseFinding.case)
        .join(TrackedCase.item)
        .join(KeyJudgement, KeyJudgement.id == TrackedCaseFinding.key_judgement_id)
        .where(*live, ~linked_alike)
    )
    bearing = union_all(links, findings).cte("bearing")
    item, supports = bearing.c.evidence_item_id, bearing.c.supports
    per_judgement = select(
        literal(False).label("is_area"),
        bearing.c.key_judgement_id.label("id"),
        func.sum(supports).label("supports"),
        (func.count() - func.sum(supports)).label("contradicts"),
    ).group_by(bearing.c.key_judgement_id)
    per_area = select(
        literal(True),
        bearing.c.area_id,
        func.count(case((supports == _ONE, item)).distinct()),
        func.count(case((supports == _ZERO, item)).distinct()),
    ).group_by(bearing.c.area_id)
    found = {
        (bool(is_area), target_id): EvidenceCount(supports=int(n_for), contradicts=int(n_against))
        for is_area, target_id, n_for, n_against in session.execute(
            union_all(per_judgement, per_area)
        )
    }
    targets = targets if targets is not None else judgement_targets(session, review)
    none = EvidenceCount()
    counts: dict[Any, EvidenceCount] = {
        target.key: found.get((target.is_area, target.id), none) for target in targets
    }
    return EvidenceCounts(available=True, counts=counts)


_ONE, _ZERO = literal_column("1"), literal_column("0")


def _supports(stance: Any) -> Any:
    """1 for a supporting stance, 0 for a contradicting one."""
    return case((stance == Stance.SUPPORTS.value, _ONE), else_=_ZERO)
