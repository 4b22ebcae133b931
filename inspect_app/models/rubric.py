"""Stored rubric versions: judgement areas and their key judgements.

A rubric row is immutable once loaded. Loading a changed YAML file adds a new
revision; a review points at the exact revision it started with.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inspect_app.domain.rubric import (
    AreaKind,
    BestEnd,
    GradePoint,
    GradeScale,
    JudgementAreaSpec,
    KeyJudgementSpec,
    RubricSpec,
)
from inspect_app.extensions import db
from inspect_app.models.types import JSONType, UTCDateTime, utcnow


def _int_keys(mapping: dict[str, str] | None) -> dict[int, str]:
    return {int(k): v for k, v in (mapping or {}).items()}


class Rubric(db.Model):
    __tablename__ = "rubric"
    __table_args__ = (
        UniqueConstraint("key", "revision"),
        UniqueConstraint("key", "content_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80))
    version: Mapped[str] = mapped_column(String(40))
    revision: Mapped[int]  # 1, 2, … per key: each distinct content loaded
    title: Mapped[str] = mapped_column(String(300))
    source: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    content_hash: Mapped[str] = mapped_column(String(64))
    grade_scale: Mapped[dict[str, Any]] = mapped_column(JSONType)
    area_grade_rule: Mapped[str | None] = mapped_column(String(40))
    loaded_from: Mapped[str] = mapped_column(String(500), default="")
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    areas: Mapped[list[JudgementArea]] = relationship(
        back_populates="rubric", order_by="JudgementArea.number", cascade="all, delete-orphan"
    )

    @property
    def label(self) -> str:
        return f"{self.title} (version {self.version}, revision {self.revision})"

    @property
    def scale(self) -> GradeScale:
        return GradeScale(
            points=tuple(
                GradePoint(value=p["value"], label=p["label"], descriptor=p["descriptor"])
                for p in self.grade_scale["grades"]
            ),
            best=BestEnd(self.grade_scale["best"]),
        )

    def to_spec(self) -> RubricSpec:
        """The rubric as plain values, for workbooks, reports and exports."""
        return RubricSpec(
            key=self.key,
            version=self.version,
            title=self.title,
            source=self.source,
            description=self.description,
            grade_scale=self.scale,
            area_grade_rule=self.area_grade_rule,
            content_hash=self.content_hash,
            areas=tuple(area.to_spec() for area in self.areas),
        )

    def __repr__(self) -> str:
        return f"<Rubric {self.key} v{self.version} r{self.revision}>"


class JudgementArea(db.Model):
    __tablename__ = "judgement_area"
    __table_args__ = (
        UniqueConstraint("rubric_id", "number"),
        UniqueConstraint("rubric_id", "code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rubric_id: Mapped[int] = mapped_column(ForeignKey("rubric.id"), index=True)
    number: Mapped[int]
    code: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text, default="")
    lead_inspectorates: Mapped[list[str]] = mapped_column(JSONType, default=list)
    descriptors: Mapped[dict[str, str]] = mapped_column(JSONType, default=dict)

    rubric: Mapped[Rubric] = relationship(back_populates="areas")
    key_judgements: Mapped[list[KeyJudgement]] = relationship(
        back_populates="area", order_by="KeyJudgement.position", cascade="all, delete-orphan"
    )

    @property
    def kind_label(self) -> str:
        return {"outcome": "Outcome", "service": "Service", "capacity": "Capacity"}[self.kind]

    @property
    def descriptor_items(self) -> list[tuple[int, str]]:
        return sorted(_int_keys(self.descriptors).items(), reverse=True)

    def to_spec(self) -> JudgementAreaSpec:
        return JudgementAreaSpec(
            number=self.number,
            code=self.code,
            title=self.title,
            kind=AreaKind(self.kind),
            description=self.description,
            lead_inspectorates=tuple(self.lead_inspectorates),
            descriptors=_int_keys(self.descriptors),
            key_judgements=tuple(kj.to_spec() for kj in self.key_judgements),
        )


class KeyJudgement(db.Model):
    __tablename__ = "key_judgement"
    __table_args__ = (UniqueConstraint("area_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("judgement_area.id"), index=True)
    number: Mapped[str] = mapped_column(String(20))
    position: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    evidence_prompts: Mapped[list[str]] = mapped_column(JSONType, default=list)
    descriptors: Mapped[dict[str, str]] = mapped_column(JSONType, default=dict)

    area: Mapped[JudgementArea] = relationship(back_populates="key_judgements")

    @property
    def descriptor_items(self) -> list[tuple[int, str]]:
        return sorted(_int_keys(self.descriptors).items(), reverse=True)

    def to_spec(self) -> KeyJudgementSpec:
        return KeyJudgementSpec(
            number=self.number,
            text=self.text,
            evidence_prompts=tuple(self.evidence_prompts),
            descriptors=_int_keys(self.descriptors),
        )
