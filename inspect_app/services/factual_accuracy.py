"""The factual accuracy check: the authority comments on the draft, the author answers.

During the factual accuracy phase the authority raises comments against a section of the
draft, optionally quoting the passage. The report author (or lead) accepts each — usually
correcting the section in the same step — or rejects it, always with a reply. The review
cannot be published while any comment is unanswered (``ReviewFacts``
``unanswered_accuracy_comments``).
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from inspect_app.domain.permissions import Access
from inspect_app.domain.report_sections import find_section
from inspect_app.models import AccuracyComment, Review, User
from inspect_app.models.types import utcnow
from inspect_app.services import audit
from inspect_app.services.report_drafting import (
    ReportError,
    ReportForbidden,
    save_section,
    section_or_none,
    section_specs,
)

__all__ = [
    "COMMENT_MAX",
    "PASSAGE_MAX",
    "REPLY_MAX",
    "StaleCommentError",
    "answer_comment",
    "comments_for",
    "raise_comment",
    "unanswered_count",
]

COMMENT_MAX = 5_000
PASSAGE_MAX = 2_000
REPLY_MAX = 5_000


class StaleCommentError(Exception):
    def __init__(self) -> None:
        self.message = (
            "This comment was answered by somebody else while you were looking at it. The "
            "page now shows their answer."
        )
        super().__init__(self.message)


def unanswered_count(session: Session, review_id: int) -> int:
    return (
        session.scalar(
            select(func.count(AccuracyComment.id)).where(
                AccuracyComment.review_id == review_id, AccuracyComment.status == "open"
            )
        )
        or 0
    )


def comments_for(session: Session, review: Review) -> list[AccuracyComment]:
    """Every comment, open ones first, then in the order raised. Three queries."""
    rows = session.scalars(
        select(AccuracyComment)
        .where(AccuracyComment.review_id == review.id)
        .options(selectinload(AccuracyComment.raised_by), selectinload(AccuracyComment.answered_by))
        .order_by(AccuracyComment.id)
    ).all()
    return sorted(rows, key=lambda c: (not c.is_open, c.id))


def raise_comment(
    session: Session,
    review: Review,
    *,
    section_key: str,
    passage: str,
    comment: str,
    actor: User,
    access: Access,
) -> AccuracyComment:
    if not access.can_comment_on_accuracy:
        raise ReportForbidden(
            "The authority comments on the draft during the factual accuracy check only."
        )
    spec = find_section(section_specs(review), section_key or "")
    if spec is None:
        raise ReportError("Select the section your comment is about", "section_key")
    comment = (comment or "").strip()
    passage = (passage or "").strip()
    if not comment:
        raise ReportError("Enter your comment", "comment")
    if len(comment) > COMMENT_MAX:
        raise ReportError(f"The comment must be {COMMENT_MAX:,} characters or fewer", "comment")
    if len(passage) > PASSAGE_MAX:
        raise ReportError(f"The passage must be {PASSAGE_MAX:,} characters or fewer", "passage")
    row = AccuracyComment(
        review_id=review.id,
        section_key=spec.key,
        passage=passage,
        comment=comment,
        raised_by=actor,
        raised_at=utcnow(),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        action="report.accuracy_comment_raised",
        actor=actor,
        review_id=review.id,
        subject=row,
        summary=f"Raised a factual accuracy comment on ‘{spec.title}’",
        after={"section": spec.key, "passage": passage, "comment": comment},
    )
    return row


def answer_comment(
    session: Session,
    review: Review,
    comment: AccuracyComment,
    *,
    accept: bool | None,
    reply: str,
    expected_version: int | None,
    actor: User,
    access: Access,
    revised_text: str | None = None,
    section_version: int | None = None,
) -> AccuracyComment:
    """Accept (optionally saving the corrected section in the same step) or reject.

    Raises :class:`ReportForbidden`, :class:`ReportError`, :class:`StaleCommentError`, or
    ``StaleSectionError`` when the section changed since the page was loaded.
    """
    if not access.can_answer_accuracy_comments:
        raise ReportForbidden(
            "The report author or lead inspector answers comments, during the factual "
            "accuracy check."
        )
    if accept is None:
        raise ReportError("Say whether you accept or reject the comment", "decision")
    reply = (reply or "").strip()
    if not reply:
        raise ReportError("Enter your reply to the authority", "reply")
    if len(reply) > REPLY_MAX:
        raise ReportError(f"The reply must be {REPLY_MAX:,} characters or fewer", "reply")
    if expected_version != comment.version or not comment.is_open:
        raise StaleCommentError()

    if accept and revised_text is not None:
        current = section_or_none(session, review, comment.section_key)
        if current is None or current.body_md != revised_text.strip():
            save_section(
                session,
                review,
                comment.section_key,
                revised_text,
                expected_version=section_version,
                actor=actor,
                access=access,
                note=f"Factual accuracy comment {comment.id} accepted",
            )
    comment.status = "accepted" if accept else "rejected"
    comment.reply = reply
    comment.answered_by = actor
    comment.answered_at = utcnow()
    try:
        session.flush()
    except StaleDataError:
        session.rollback()
        raise StaleCommentError() from None
    audit.record(
        session,
        action="report.accuracy_comment_answered",
        actor=actor,
        review_id=review.id,
        subject=comment,
        summary=f"{'Accepted' if accept else 'Rejected'} factual accuracy comment {comment.id}",
        before={"status": "open"},
        after={"status": comment.status, "reply": reply},
    )
    return comment
