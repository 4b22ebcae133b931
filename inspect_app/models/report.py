"""The report of a review: its sections, recommendations, factual accuracy comments,
published versions and the authority's action plan.

- :class:`Report` — one per review: whether the lead has reopened the published report for a
  formal re-issue, and whether the published report is public (and at which address).
- :class:`ReportSection` — one piece of Markdown (keys in ``domain/report_sections.py``),
  with a ``version`` for optimistic locking; every save is kept as an append-only
  :class:`ReportSectionRevision`.
- :class:`Recommendation` — text, band, judgement area and the body responsible.
- :class:`AccuracyComment` — the authority's comment on a section during the factual
  accuracy check, and the report author's answer.
- :class:`PublishedReport` — the frozen snapshot of a published version: the whole report
  document as JSON with its SHA-256 content hash. Never changed or deleted (ORM guards here,
  database triggers in migration 0005).
- :class:`ActionPlan` and :class:`PlannedAction` — the authority's response, per recommendation.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inspect_app.domain.action_plan import ActionStatus
from inspect_app.domain.report import Band
from inspect_app.extensions import db
from inspect_app.models.people import User
from inspect_app.models.rubric import JudgementArea
from inspect_app.models.types import JSONType, UTCDateTime, utcnow


class ReportRecordIsPermanent(RuntimeError):
    """Published reports and section revisions are never changed or deleted."""


class Report(db.Model):
    """The report of one review: re-issue and publicity state."""

    __tablename__ = "report"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id"), unique=True)
    reissue_open: Mapped[bool] = mapped_column(Boolean, default=False)
    reissue_reasons: Mapped[str] = mapped_column(Text, default="")
    reissue_opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    reissue_opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    is_public: Mapped[bool] = mapped_column(Boolean, default=False)
    public_slug: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    reissue_opened_by: Mapped[User | None] = relationship()


class ReportSection(db.Model):
    """The current text of one section of a review's report."""

    __tablename__ = "report_section"
    __table_args__ = (UniqueConstraint("review_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id"), index=True)
    key: Mapped[str] = mapped_column(String(40))
    body_md: Mapped[str] = mapped_column(Text, default="")
    updated_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    updated_by: Mapped[User] = relationship()
    revisions: Mapped[list[ReportSectionRevision]] = relationship(
        back_populates="section", order_by="ReportSectionRevision.version"
    )


class ReportSectionRevision(db.Model):
    """Every saved text of a section, in order: append-only."""

    __tablename__ = "report_section_revision"
    __table_args__ = (UniqueConstraint("section_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("report_section.id"), index=True)
    version: Mapped[int]
    body_md: Mapped[str] = mapped_column(Text)
    saved_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    note: Mapped[str] = mapped_column(String(200), default="")  # e.g. "Factual accuracy"

    section: Mapped[ReportSection] = relationship(back_populates="revisions")
    saved_by: Mapped[User] = relationship()


BANDS = ", ".join(f"'{b.value}'" for b in Band)
STATUSES = ", ".join(f"'{s.value}'" for s in ActionStatus)


class Recommendation(db.Model):
    """A recommendation of the report. Numbered in report order when the report is built."""

    __tablename__ = "recommendation"
    __table_args__ = (CheckConstraint(f"band IN ({BANDS})", name="band_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id"), index=True)
    text_md: Mapped[str] = mapped_column(Text)
    band: Mapped[str] = mapped_column(String(20))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("judgement_area.id"))
    responsible_body: Mapped[str] = mapped_column(String(200), default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    area: Mapped[JudgementArea | None] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    updated_by: Mapped[User] = relationship(foreign_keys=[updated_by_id])

    @property
    def report_band(self) -> Band:
        return Band(self.band)


COMMENT_STATUSES = ("open", "accepted", "rejected")


class AccuracyComment(db.Model):
    """The authority's comment on the draft's factual accuracy, and the author's answer."""

    __tablename__ = "accuracy_comment"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'accepted', 'rejected')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id"), index=True)
    section_key: Mapped[str] = mapped_column(String(40))
    passage: Mapped[str] = mapped_column(Text, default="")  # the words commented on, if any
    comment: Mapped[str] = mapped_column(Text)
    raised_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    status: Mapped[str] = mapped_column(String(20), default="open")
    reply: Mapped[str] = mapped_column(Text, default="")
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    raised_by: Mapped[User] = relationship(foreign_keys=[raised_by_id])
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    @property
    def status_label(self) -> str:
        return {"open": "Awaiting answer", "accepted": "Accepted", "rejected": "Rejected"}[
            self.status
        ]


class PublishedReport(db.Model):
    """A published version of the report, frozen: the document as published and its hash."""

    __tablename__ = "published_report"
    __table_args__ = (UniqueConstraint("review_id", "version_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id"), index=True)
    version_number: Mapped[int]
    document: Mapped[dict[str, Any]] = mapped_column(JSONType)
    content_hash: Mapped[str] = mapped_column(String(64))
    reasons: Mapped[str] = mapped_column(Text, default="")  # why it was re-issued
    published_on: Mapped[date]
    published_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    published_by: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<PublishedReport review={self.review_id} v{self.version_number}>"


class ActionPlan(db.Model):
    """The authority's action plan for a review: submitted once, then kept up to date."""

    __tablename__ = "action_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id"), unique=True)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    submitted_by: Mapped[User | None] = relationship()


class PlannedAction(db.Model):
    """One action the authority will take on a recommendation."""

    __tablename__ = "planned_action"
    __table_args__ = (CheckConstraint(f"status IN ({STATUSES})", name="status_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id"), index=True)
    recommendation_id: Mapped[int] = mapped_column(ForeignKey("recommendation.id"), index=True)
    description: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(200))
    target_on: Mapped[date]
    status: Mapped[str] = mapped_column(String(20), default=ActionStatus.NOT_STARTED.value)
    progress_note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    recommendation: Mapped[Recommendation] = relationship()
    updated_by: Mapped[User] = relationship(foreign_keys=[updated_by_id])

    @property
    def action_status(self) -> ActionStatus:
        return ActionStatus(self.status)


def _refuse_change(mapper, connection, target) -> None:
    raise ReportRecordIsPermanent(f"{type(target).__name__} rows are never changed")


def _refuse_delete(mapper, connection, target) -> None:
    raise ReportRecordIsPermanent(f"{type(target).__name__} rows are never deleted")


for _model in (PublishedReport, ReportSectionRevision):
    event.listen(_model, "before_update", _refuse_change)
    event.listen(_model, "before_delete", _refuse_delete)


__all__ = [
    "COMMENT_STATUSES",
    "AccuracyComment",
    "ActionPlan",
    "PlannedAction",
    "PublishedReport",
    "Recommendation",
    "Report",
    "ReportRecordIsPermanent",
    "ReportSection",
    "ReportSectionRevision",
]
