"""The common dataset as stored: catalogue indicators, their values per authority and period,
and a record of every import.

The catalogue itself is data (``rubrics/indicators/catalogue.yaml``, see
``rubrics/INDICATORS.md``); :class:`Indicator` rows mirror it so that values can refer to
indicators by key and the catalogue version a figure was loaded against is known.
Indicator codes are never renamed, so ``Indicator.code`` is stable.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inspect_app.domain.indicators import OUTCOMES, UNITS
from inspect_app.domain.indicators import Indicator as IndicatorSpec
from inspect_app.extensions import db
from inspect_app.models.people import Authority, User
from inspect_app.models.types import JSONType, UTCDateTime, utcnow


class Indicator(db.Model):
    """One indicator of the catalogue, as last loaded."""

    __tablename__ = "indicator"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    outcome: Mapped[str] = mapped_column(String(40))  # a key of domain.indicators.OUTCOMES
    unit: Mapped[str] = mapped_column(String(40))  # a key of domain.indicators.UNITS
    higher_is_better: Mapped[bool]
    key_judgements: Mapped[list[str]] = mapped_column(JSONType)  # 2005 numbers, main one first
    description: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(Text, default="")
    decimals: Mapped[int | None]
    position: Mapped[int] = mapped_column(default=0)  # order in the catalogue file
    in_catalogue: Mapped[bool] = mapped_column(default=True)  # False once retired from the file
    catalogue_version: Mapped[str] = mapped_column(String(20))
    catalogue_digest: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    @property
    def outcome_title(self) -> str:
        return OUTCOMES.get(self.outcome, self.outcome)

    @property
    def unit_label(self) -> str:
        unit = UNITS.get(self.unit)
        return unit.axis_label if unit else self.unit

    def to_spec(self) -> IndicatorSpec:
        """The domain value the benchmarking and chart modules work with."""
        return IndicatorSpec(
            code=self.code,
            title=self.title,
            outcome=self.outcome,
            key_judgements=tuple(self.key_judgements or ()),
            unit=self.unit,
            higher_is_better=self.higher_is_better,
            description=self.description,
            source=self.source,
            decimals=self.decimals,
        )

    def __repr__(self) -> str:
        return f"<Indicator {self.code}>"


class IndicatorImport(db.Model):
    """One accepted file of indicator values: who imported it, when, and what it changed."""

    __tablename__ = "indicator_import"
    __table_args__ = (CheckConstraint("via IN ('web', 'cli', 'demo')", name="via_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    via: Mapped[str] = mapped_column(String(10))
    filename: Mapped[str] = mapped_column(String(255))  # sanitised
    sha256: Mapped[str] = mapped_column(String(64))
    row_count: Mapped[int]
    added_count: Mapped[int] = mapped_column(default=0)
    replaced_count: Mapped[int] = mapped_column(default=0)
    unchanged_count: Mapped[int] = mapped_column(default=0)

    imported_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<IndicatorImport {self.id} {self.filename} {self.row_count} rows>"


class IndicatorValue(db.Model):
    """One figure: an authority's value for an indicator in a period (``2006-07`` or ``2006``)."""

    __tablename__ = "indicator_value"
    __table_args__ = (
        UniqueConstraint("authority_id", "indicator_id", "period"),
        Index("ix_indicator_value_indicator_period", "indicator_id", "period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("authority.id", ondelete="CASCADE"))
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id"))
    period: Mapped[str] = mapped_column(String(7))
    value: Mapped[float] = mapped_column(Float)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("indicator_import.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    authority: Mapped[Authority] = relationship()
    indicator: Mapped[Indicator] = relationship()

    def __repr__(self) -> str:
        return f"<IndicatorValue {self.authority_id}/{self.indicator_id} {self.period}>"


__all__ = ["Indicator", "IndicatorImport", "IndicatorValue"]
