"""The evidence items a grade rests on: choosing them on the grade form and linking them.

Links belong to a grade *revision* (table ``grade_evidence``), so each revision keeps the
evidence it cited and no link is ever removed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from inspect_app.domain.evidence import EvidenceKind
from inspect_app.models import Grade, GradeRevision, KeyJudgement, Review
from inspect_app.models.evidence import EvidenceItem, EvidenceLink
from inspect_app.models.grading import grade_evidence


@dataclass(frozen=True)
class EvidenceChoice:
    id: int
    label: str


def live_items(session: Session, review: Review, ids: Sequence[int]) -> list[EvidenceItem]:
    """Those of ``ids`` that are live (not deleted) evidence items of ``review``, by id."""
    return list(
        session.scalars(
            select(EvidenceItem)
            .where(
                EvidenceItem.id.in_(list(ids)),
                EvidenceItem.review_id == review.id,
                EvidenceItem.deleted_at.is_(None),
            )
            .order_by(EvidenceItem.id)
        )
    )


def ids_for(revision: GradeRevision | None) -> list[int]:
    return revision.evidence_item_ids if revision is not None else []


def choices(
    session: Session, review: Review, target, chosen: Iterable[int] = ()
) -> list[EvidenceChoice]:
    """Evidence to offer on a grade form: the live items linked to the judgement (for an area,
    to any of its key judgements), plus any the grade already cites. One query."""
    key_judgements = select(KeyJudgement.id).where(
        KeyJudgement.area_id == target.area_id if target.is_area else KeyJudgement.id == target.id
    )
    linked = select(EvidenceLink.evidence_item_id).where(
        EvidenceLink.key_judgement_id.in_(key_judgements)
    )
    chosen = list(chosen)
    condition = EvidenceItem.id.in_(linked)
    if chosen:
        condition = condition | EvidenceItem.id.in_(chosen)
    rows = session.execute(
        select(EvidenceItem.id, EvidenceItem.title, EvidenceItem.kind, EvidenceItem.source)
        .where(EvidenceItem.review_id == review.id, EvidenceItem.deleted_at.is_(None), condition)
        .order_by(EvidenceItem.title, EvidenceItem.id)
    ).all()
    return [
        EvidenceChoice(item_id, f"{title} ({EvidenceKind(kind).label.lower()}, {source})")
        for item_id, title, kind, source in rows
    ]


def labels_for(session: Session, grades: Iterable[Grade]) -> dict[int, list[str]]:
    """Revision id -> titles of the evidence it cites, for history and lineage pages."""
    revision_ids = [rev.id for grade in grades for rev in grade.revisions]
    if not revision_ids:
        return {}
    rows = session.execute(
        select(grade_evidence.c.grade_revision_id, EvidenceItem.title)
        .join(EvidenceItem, EvidenceItem.id == grade_evidence.c.evidence_item_id)
        .where(grade_evidence.c.grade_revision_id.in_(revision_ids))
        .order_by(EvidenceItem.title)
    ).all()
    out: dict[int, list[str]] = {}
    for revision_id, title in rows:
        out.setdefault(revision_id, []).append(title)
    return out
