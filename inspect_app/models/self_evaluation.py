"""The authority's self-evaluation: each accepted workbook upload is a new version."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inspect_app.domain.selfeval_workbook import SelfEvaluationEntry as EntryValue
from inspect_app.domain.selfeval_workbook import SelfEvaluationReturn
from inspect_app.extensions import db
from inspect_app.models.evidence import EvidenceItem
from inspect_app.models.people import User
from inspect_app.models.rubric import Rubric
from inspect_app.models.types import UTCDateTime, utcnow


class SelfEvaluation(db.Model):
    """One version of the authority's self-evaluation return. Never changed once stored."""

    __tablename__ = "self_evaluation"
    __table_args__ = (UniqueConstraint("review_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id"), index=True)
    version: Mapped[int]
    rubric_id: Mapped[int] = mapped_column(ForeignKey("rubric.id"))
    evidence_item_id: Mapped[int | None] = mapped_column(ForeignKey("evidence_item.id"))
    filename: Mapped[str] = mapped_column(String(200))
    submitted_via: Mapped[str] = mapped_column(String(20))  # "web" or "command line"
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    rubric: Mapped[Rubric] = relationship()
    evidence_item: Mapped[EvidenceItem | None] = relationship()
    submitted_by: Mapped[User | None] = relationship()
    entries: Mapped[list[SelfEvaluationEntry]] = relationship(
        back_populates="self_evaluation",
        order_by="SelfEvaluationEntry.position",
        cascade="all, delete-orphan",
    )

    @property
    def submitted_by_name(self) -> str:
        return self.submitted_by.name if self.submitted_by else "Imported on the command line"

    @property
    def graded_count(self) -> int:
        return sum(1 for e in self.entries if e.grade is not None)

    def entry_for(self, judgement: str) -> SelfEvaluationEntry | None:
        return next((e for e in self.entries if e.judgement == judgement), None)

    def to_return(self) -> SelfEvaluationReturn:
        """As the plain value the workbook parser produced, e.g. for a diff."""
        return SelfEvaluationReturn(
            rubric_key=self.rubric.key,
            rubric_version=self.rubric.version,
            entries=tuple(e.to_value() for e in self.entries),
        )


class SelfEvaluationEntry(db.Model):
    """The authority's grade, narrative and evidence references for one key judgement or area."""

    __tablename__ = "self_evaluation_entry"
    __table_args__ = (UniqueConstraint("self_evaluation_id", "judgement"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    self_evaluation_id: Mapped[int] = mapped_column(ForeignKey("self_evaluation.id"), index=True)
    position: Mapped[int]
    judgement: Mapped[str] = mapped_column(String(20))  # "2.3", or "2" for the area row
    is_area: Mapped[bool]
    key_judgement_id: Mapped[int | None] = mapped_column(ForeignKey("key_judgement.id"))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("judgement_area.id"))
    grade: Mapped[int | None]
    narrative: Mapped[str] = mapped_column(Text, default="")
    evidence_references: Mapped[str] = mapped_column(Text, default="")

    self_evaluation: Mapped[SelfEvaluation] = relationship(back_populates="entries")

    @property
    def is_blank(self) -> bool:
        return self.grade is None and not self.narrative and not self.evidence_references

    def to_value(self) -> EntryValue:
        return EntryValue(
            judgement=self.judgement,
            is_area=self.is_area,
            grade=self.grade,
            narrative=self.narrative,
            evidence_references=self.evidence_references,
        )


__all__ = ["SelfEvaluation", "SelfEvaluationEntry"]
