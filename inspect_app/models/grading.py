"""Joint grading: each inspector's provisional grades and the agreed grades.

A judgement being graded (a "judgement target") is either a key judgement or a whole
judgement area (an outcome, service management, capacity to improve). Grades and agreed
grades point at exactly one of the two, enforced by a CHECK constraint.

Nothing here is ever deleted. A :class:`Grade` is the current value of one inspector's grade
for one judgement; every value submitted is kept as an append-only :class:`GradeRevision`.
Likewise an :class:`AgreedGrade` and its :class:`AgreedGradeRevision` rows. Both current rows
carry a ``version`` used by SQLAlchemy for optimistic locking, so a save from a stale page is
refused rather than silently overwriting somebody else's change.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    String,
    Table,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, object_session, relationship

from inspect_app.extensions import db
from inspect_app.models.evidence import EvidenceItem
from inspect_app.models.people import User
from inspect_app.models.rubric import JudgementArea, KeyJudgement
from inspect_app.models.types import JSONType, UTCDateTime, utcnow

ONE_TARGET = "(key_judgement_id IS NULL) <> (area_id IS NULL)"


class Confidence(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class JudgementKind(StrEnum):
    KEY_JUDGEMENT = "key_judgement"
    AREA = "area"


class GradingRecordIsPermanent(RuntimeError):
    """Grades, agreed grades and their revisions are never deleted or rewritten."""


class Grade(db.Model):
    """One inspector's current (latest submitted) grade for one judgement on one review."""

    __tablename__ = "grade"
    __table_args__ = (
        CheckConstraint(ONE_TARGET, name="one_target"),
        CheckConstraint("confidence IN ('low', 'medium', 'high')", name="confidence_known"),
        # NULLs are distinct in unique constraints (SQLite and PostgreSQL), so these two
        # say: one grade per grader per key judgement, and one per grader per area.
        UniqueConstraint("review_id", "grader_id", "key_judgement_id"),
        UniqueConstraint("review_id", "grader_id", "area_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id"), index=True)
    grader_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    key_judgement_id: Mapped[int | None] = mapped_column(ForeignKey("key_judgement.id"), index=True)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("judgement_area.id"), index=True)
    value: Mapped[int]
    rationale: Mapped[str] = mapped_column(Text)
    confidence: Mapped[str] = mapped_column(String(10))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    grader: Mapped[User] = relationship()
    key_judgement: Mapped[KeyJudgement | None] = relationship()
    area: Mapped[JudgementArea | None] = relationship()
    revisions: Mapped[list[GradeRevision]] = relationship(
        back_populates="grade", order_by="GradeRevision.version"
    )

    @property
    def kind(self) -> JudgementKind:
        return JudgementKind.KEY_JUDGEMENT if self.key_judgement_id else JudgementKind.AREA

    @property
    def target_id(self) -> int:
        return self.key_judgement_id or self.area_id  # type: ignore[return-value]

    @property
    def confidence_label(self) -> str:
        return Confidence(self.confidence).label

    @property
    def latest_revision(self) -> GradeRevision | None:
        return self.revisions[-1] if self.revisions else None

    def __repr__(self) -> str:
        return f"<Grade {self.id} {self.kind} {self.target_id} = {self.value} v{self.version}>"


# The evidence items a grade rests on, as at each revision: a new revision gets its own links,
# so earlier revisions keep theirs and no link is ever deleted.
grade_evidence = Table(
    "grade_evidence",
    db.metadata,
    Column("grade_revision_id", ForeignKey("grade_revision.id"), primary_key=True),
    Column("evidence_item_id", ForeignKey("evidence_item.id"), primary_key=True, index=True),
)


class GradeRevision(db.Model):
    """Every value ever submitted for a grade: the lineage behind the current value."""

    __tablename__ = "grade_revision"
    __table_args__ = (UniqueConstraint("grade_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    grade_id: Mapped[int] = mapped_column(ForeignKey("grade.id"), index=True)
    version: Mapped[int]  # the grade's version once this value was saved: 1, 2, …
    value: Mapped[int]
    rationale: Mapped[str] = mapped_column(Text)
    confidence: Mapped[str] = mapped_column(String(10))
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    grade: Mapped[Grade] = relationship(back_populates="revisions")
    recorded_by: Mapped[User] = relationship()
    evidence_items: Mapped[list[EvidenceItem]] = relationship(
        secondary=grade_evidence, order_by=EvidenceItem.id
    )

    @property
    def evidence_item_ids(self) -> list[int]:
        return [item.id for item in self.evidence_items]

    @property
    def confidence_label(self) -> str:
        return Confidence(self.confidence).label


class AgreedGrade(db.Model):
    """The grade the lead inspector records for a judgement at moderation, with reasons."""

    __tablename__ = "agreed_grade"
    __table_args__ = (
        CheckConstraint(ONE_TARGET, name="one_target"),
        CheckConstraint("NOT is_override OR derived_value IS NOT NULL", name="override_of_derived"),
        UniqueConstraint("review_id", "key_judgement_id"),
        UniqueConstraint("review_id", "area_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id"), index=True)
    key_judgement_id: Mapped[int | None] = mapped_column(ForeignKey("key_judgement.id"), index=True)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("judgement_area.id"), index=True)
    value: Mapped[int]
    reasons: Mapped[str] = mapped_column(Text, default="")
    team_median: Mapped[float | None] = mapped_column(Float)
    derived_value: Mapped[int | None]  # areas: the rubric rule applied to the agreed key grades
    is_override: Mapped[bool] = mapped_column(Boolean, default=False)
    agreed_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    agreed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    agreed_by: Mapped[User] = relationship()
    key_judgement: Mapped[KeyJudgement | None] = relationship()
    area: Mapped[JudgementArea | None] = relationship()
    revisions: Mapped[list[AgreedGradeRevision]] = relationship(
        back_populates="agreed_grade", order_by="AgreedGradeRevision.version"
    )

    @property
    def kind(self) -> JudgementKind:
        return JudgementKind.KEY_JUDGEMENT if self.key_judgement_id else JudgementKind.AREA

    @property
    def target_id(self) -> int:
        return self.key_judgement_id or self.area_id  # type: ignore[return-value]

    def __repr__(self) -> str:
        return f"<AgreedGrade {self.id} {self.kind} {self.target_id} = {self.value}>"


class AgreedGradeRevision(db.Model):
    """Every agreed value recorded, who recorded it, when, why, and the team's grades then."""

    __tablename__ = "agreed_grade_revision"
    __table_args__ = (UniqueConstraint("agreed_grade_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreed_grade_id: Mapped[int] = mapped_column(ForeignKey("agreed_grade.id"), index=True)
    version: Mapped[int]
    value: Mapped[int]
    reasons: Mapped[str] = mapped_column(Text, default="")
    team_median: Mapped[float | None] = mapped_column(Float)
    derived_value: Mapped[int | None]
    is_override: Mapped[bool] = mapped_column(Boolean, default=False)
    # [{"grade_id", "grade_version", "grader_id", "grader", "inspectorate", "value"}, …]
    team_grades: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    agreed_grade: Mapped[AgreedGrade] = relationship(back_populates="revisions")
    recorded_by: Mapped[User] = relationship()


class GradingAllowance(db.Model):
    """The lead inspector lets a member grade judgements beyond their assigned areas."""

    __tablename__ = "grading_allowance"
    __table_args__ = (UniqueConstraint("review_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    may_grade_any: Mapped[bool] = mapped_column(Boolean, default=False)
    changed_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


def _refuse_delete(mapper, connection, target) -> None:
    raise GradingRecordIsPermanent(f"{type(target).__name__} rows are never deleted")


def _refuse_update(mapper, connection, target) -> None:
    session = object_session(target)
    if session is not None and session.is_modified(target, include_collections=False):
        raise GradingRecordIsPermanent(f"{type(target).__name__} rows are never changed")


for _model in (Grade, AgreedGrade, GradeRevision, AgreedGradeRevision):
    event.listen(_model, "before_delete", _refuse_delete)
for _model in (GradeRevision, AgreedGradeRevision):
    event.listen(_model, "before_update", _refuse_update)


__all__ = [
    "AgreedGrade",
    "AgreedGradeRevision",
    "Confidence",
    "Grade",
    "GradeRevision",
    "GradingAllowance",
    "GradingRecordIsPermanent",
    "JudgementKind",
    "grade_evidence",
]
