"""A review's recent activity, from the audit log, as its overview page lists it.

Audit summaries name evidence items ("Added case file evidence “…”"), so events about
restricted evidence — restricted items, their links, tracked cases and their timelines —
are left out for anyone who may not see restricted evidence (administrators).
"""

from __future__ import annotations

from sqlalchemy import String, and_, cast, not_, or_, select
from sqlalchemy.orm import Session

from inspect_app.models import AuditEvent, EvidenceItem, EvidenceLink, Review, User

RESTRICTED_SUBJECTS = ("TrackedCase", "TrackedCaseContact", "TrackedCaseFinding")


def recent_activity(
    session: Session, review: Review, *, include_restricted: bool, limit: int = 10
) -> list[tuple[AuditEvent, str]]:
    """The newest events of ``review`` with the name of who did each (one query)."""
    query = (
        select(AuditEvent, User.name)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .where(AuditEvent.review_id == review.id)
    )
    if not include_restricted:
        restricted_items = select(cast(EvidenceItem.id, String)).where(
            EvidenceItem.review_id == review.id, EvidenceItem.is_restricted.is_(True)
        )
        restricted_links = (
            select(cast(EvidenceLink.id, String))
            .join(EvidenceItem, EvidenceLink.evidence_item_id == EvidenceItem.id)
            .where(EvidenceItem.review_id == review.id, EvidenceItem.is_restricted.is_(True))
        )
        query = query.where(
            not_(
                or_(
                    AuditEvent.subject_type.in_(RESTRICTED_SUBJECTS),
                    AuditEvent.action.like("tracked_case.%"),
                    and_(
                        AuditEvent.subject_type == "EvidenceItem",
                        AuditEvent.subject_id.in_(restricted_items),
                    ),
                    and_(
                        AuditEvent.subject_type == "EvidenceLink",
                        AuditEvent.subject_id.in_(restricted_links),
                    ),
                )
            )
        )
    rows = session.execute(query.order_by(AuditEvent.id.desc()).limit(limit)).all()
    return [(event, name or "System") for event, name in rows]
