"""Writing to the append-only audit log."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from inspect_app.models import AuditEvent, User


def record(
    session: Session,
    *,
    action: str,
    actor: User | None,
    summary: str,
    review_id: int | None = None,
    subject: object | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an audit event to the session (committed with the change it describes)."""
    event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        review_id=review_id,
        action=action,
        subject_type=type(subject).__name__ if subject is not None else "",
        subject_id=str(getattr(subject, "id", "") or "") if subject is not None else "",
        summary=summary,
        before=before,
        after=after,
    )
    session.add(event)
    return event
