"""Evidence: items, their files, their bearing on key judgements, and tracked cases.

File bytes live in the content-addressed evidence store; an :class:`EvidenceBlob`
row records each distinct content once, and :class:`EvidenceFile` rows say which
items (of any review) use it. Items are never deleted, only marked deleted with a
reason, so a stored file stays while any review refers to it.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inspect_app.domain.evidence import EvidenceKind, Stance
from inspect_app.domain.evidence_files import EXTENSIONS
from inspect_app.domain.inspectorates import Inspectorate
from inspect_app.extensions import db
from inspect_app.models.people import User
from inspect_app.models.rubric import KeyJudgement
from inspect_app.models.types import JSONType, UTCDateTime, utcnow


def judgement_sort_key(number: str) -> tuple[int, ...]:
    """Order key judgement numbers as numbers: 2.9 before 2.10."""
    return tuple(int(part) if part.isdigit() else 0 for part in number.split("."))


class EvidenceBlob(db.Model):
    """One distinct file content in the evidence store, named by its SHA-256."""

    __tablename__ = "evidence_blob"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(20))  # sniffed: pdf, docx, xlsx, csv, text …
    media_type: Mapped[str] = mapped_column(String(100))
    extracted_text: Mapped[str] = mapped_column(Text, default="", deferred=True)
    stored_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class EvidenceItem(db.Model):
    __tablename__ = "evidence_item"
    __table_args__ = (
        # The evidence list: a review's items not deleted, newest first, counted and paged
        # from the index alone (is_restricted last, so it filters without reading rows).
        Index(
            "ix_evidence_item_listing",
            "review_id",
            "deleted_at",
            "gathered_on",
            "id",
            "is_restricted",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(30), index=True)
    source: Mapped[str] = mapped_column(String(200))  # who provided it
    gathered_on: Mapped[date]
    inspectorate: Mapped[str | None] = mapped_column(String(40))  # None: from the authority
    neighbourhood: Mapped[str] = mapped_column(String(120), default="")
    is_restricted: Mapped[bool] = mapped_column(default=False)
    notes: Mapped[str] = mapped_column(Text, default="")
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    deletion_reason: Mapped[str] = mapped_column(Text, default="")

    added_by: Mapped[User | None] = relationship(foreign_keys=[added_by_id])
    deleted_by: Mapped[User | None] = relationship(foreign_keys=[deleted_by_id])
    files: Mapped[list[EvidenceFile]] = relationship(
        back_populates="item", order_by="EvidenceFile.id", cascade="all, delete-orphan"
    )
    links: Mapped[list[EvidenceLink]] = relationship(
        back_populates="item", order_by="EvidenceLink.id", cascade="all, delete-orphan"
    )
    tracked_case: Mapped[TrackedCase | None] = relationship(back_populates="item")

    @property
    def evidence_kind(self) -> EvidenceKind:
        return EvidenceKind(self.kind)

    @property
    def kind_label(self) -> str:
        return self.evidence_kind.label

    @property
    def inspectorate_label(self) -> str:
        return Inspectorate(self.inspectorate).label if self.inspectorate else "The authority"

    @property
    def inspectorate_short_label(self) -> str:
        return Inspectorate(self.inspectorate).short_label if self.inspectorate else "Authority"

    @property
    def bearings(self) -> list[tuple[str, str]]:
        """(key judgement number, stance) from its links and any tracked case findings."""
        found = {(link.key_judgement.number, link.stance) for link in self.links}
        if self.tracked_case is not None:
            found |= {(f.key_judgement.number, f.stance) for f in self.tracked_case.findings}
        return sorted(found, key=lambda pair: (judgement_sort_key(pair[0]), pair[1]))

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def sorted_links(self) -> list[EvidenceLink]:
        return sorted(self.links, key=lambda link: judgement_sort_key(link.key_judgement.number))

    def __repr__(self) -> str:
        return f"<EvidenceItem {self.id} {self.kind} {self.title!r}>"


class EvidenceFile(db.Model):
    """A file attached to an evidence item. The name is sanitised metadata only."""

    __tablename__ = "evidence_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    evidence_item_id: Mapped[int] = mapped_column(ForeignKey("evidence_item.id"), index=True)
    blob_sha256: Mapped[str] = mapped_column(ForeignKey("evidence_blob.sha256"), index=True)
    original_name: Mapped[str] = mapped_column(String(200))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    item: Mapped[EvidenceItem] = relationship(back_populates="files")
    blob: Mapped[EvidenceBlob] = relationship(lazy="joined", innerjoin=True)

    @property
    def media_type(self) -> str:
        return self.blob.media_type

    @property
    def size(self) -> int:
        return self.blob.size

    @property
    def download_name(self) -> str:
        """The sanitised name, with the extension its content calls for."""
        allowed = EXTENSIONS.get(self.blob.kind, ())
        if allowed and not self.original_name.lower().endswith(allowed):
            return self.original_name + allowed[0]
        return self.original_name

    @property
    def type_label(self) -> str:
        return {
            "pdf": "PDF",
            "docx": "Word document",
            "xlsx": "Excel workbook",
            "csv": "CSV",
            "text": "Text",
            "markdown": "Markdown",
            "png": "PNG image",
            "jpeg": "JPEG image",
        }.get(self.blob.kind, self.blob.kind)


class EvidenceLink(db.Model):
    """An item's bearing on a key judgement: it supports or contradicts it."""

    __tablename__ = "evidence_link"
    __table_args__ = (
        UniqueConstraint("evidence_item_id", "key_judgement_id"),
        CheckConstraint("stance IN ('supports', 'contradicts')", name="stance_known"),
        # Counting a review's evidence for and against each judgement reads only this.
        Index("ix_evidence_link_bearing", "evidence_item_id", "key_judgement_id", "stance"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    evidence_item_id: Mapped[int] = mapped_column(ForeignKey("evidence_item.id"))
    key_judgement_id: Mapped[int] = mapped_column(ForeignKey("key_judgement.id"), index=True)
    stance: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    linked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    item: Mapped[EvidenceItem] = relationship(back_populates="links")
    key_judgement: Mapped[KeyJudgement] = relationship()
    linked_by: Mapped[User | None] = relationship()

    @property
    def evidence_stance(self) -> Stance:
        return Stance(self.stance)


class TrackedCase(db.Model):
    """A child's journey through services, followed in depth. Pseudonymous reference only."""

    __tablename__ = "tracked_case"
    __table_args__ = (UniqueConstraint("review_id", "reference"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id"), index=True)
    evidence_item_id: Mapped[int] = mapped_column(ForeignKey("evidence_item.id"), unique=True)
    reference: Mapped[str] = mapped_column(String(30))
    age_group: Mapped[str] = mapped_column(String(20), default="")
    services: Mapped[list[str]] = mapped_column(JSONType, default=list)
    summary: Mapped[str] = mapped_column(Text, default="")
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    item: Mapped[EvidenceItem] = relationship(back_populates="tracked_case")
    added_by: Mapped[User | None] = relationship()
    contacts: Mapped[list[TrackedCaseContact]] = relationship(
        back_populates="case",
        order_by=lambda: [TrackedCaseContact.contact_on, TrackedCaseContact.id],
        cascade="all, delete-orphan",
    )
    findings: Mapped[list[TrackedCaseFinding]] = relationship(
        back_populates="case", order_by="TrackedCaseFinding.id", cascade="all, delete-orphan"
    )


class TrackedCaseContact(db.Model):
    """One contact on a tracked child's timeline: when, which service, what happened."""

    __tablename__ = "tracked_case_contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("tracked_case.id"), index=True)
    contact_on: Mapped[date]
    service: Mapped[str] = mapped_column(String(120))
    summary: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    case: Mapped[TrackedCase] = relationship(back_populates="contacts")


class TrackedCaseFinding(db.Model):
    """What tracking the case showed about a key judgement."""

    __tablename__ = "tracked_case_finding"
    __table_args__ = (
        CheckConstraint("stance IN ('supports', 'contradicts')", name="stance_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("tracked_case.id"), index=True)
    key_judgement_id: Mapped[int] = mapped_column(ForeignKey("key_judgement.id"), index=True)
    stance: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    case: Mapped[TrackedCase] = relationship(back_populates="findings")
    key_judgement: Mapped[KeyJudgement] = relationship()
    recorded_by: Mapped[User | None] = relationship()

    @property
    def evidence_stance(self) -> Stance:
        return Stance(self.stance)


__all__ = [
    "EvidenceBlob",
    "EvidenceFile",
    "EvidenceItem",
    "EvidenceLink",
    "TrackedCase",
    "TrackedCaseContact",
    "TrackedCaseFinding",
]
