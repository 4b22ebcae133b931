"""What a rubric is, as plain immutable values.

A rubric library file (YAML under ``rubrics/``) is parsed and validated by
``inspect_app.domain.rubric_validation`` into a :class:`RubricSpec`. Nothing
here imports Flask or the database: the loader, the workbook builder and the
report all read these values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class AreaKind(StrEnum):
    OUTCOME = "outcome"
    SERVICE = "service"
    CAPACITY = "capacity"


class BestEnd(StrEnum):
    """Which end of a grade scale is best. For JAR grades 4 is best: ``highest``."""

    HIGHEST = "highest"
    LOWEST = "lowest"


# Rules by which an area grade may be derived from its key judgement grades.
AREA_GRADE_RULES: frozenset[str] = frozenset({"rounded_median", "lower_median", "mode"})


@dataclass(frozen=True)
class GradePoint:
    value: int
    label: str
    descriptor: str


@dataclass(frozen=True)
class GradeScale:
    points: tuple[GradePoint, ...]
    best: BestEnd = BestEnd.HIGHEST

    @property
    def values(self) -> tuple[int, ...]:
        return tuple(p.value for p in self.points)

    @property
    def minimum(self) -> int:
        return min(self.values)

    @property
    def maximum(self) -> int:
        return max(self.values)

    def contains(self, value: int) -> bool:
        return value in self.values

    def label_for(self, value: int) -> str:
        for point in self.points:
            if point.value == value:
                return point.label
        raise KeyError(value)

    def describe(self) -> str:
        """E.g. ``1–4`` — used in messages such as "not on the scale 1–4"."""
        return f"{self.minimum}–{self.maximum}"

    def is_better(self, a: int, b: int) -> bool:
        """True when grade ``a`` is better than grade ``b`` on this scale."""
        return a > b if self.best is BestEnd.HIGHEST else a < b


@dataclass(frozen=True)
class KeyJudgementSpec:
    number: str  # "2.3": area number, dot, item number
    text: str
    evidence_prompts: tuple[str, ...] = ()
    descriptors: dict[int, str] = field(default_factory=dict)  # grade value -> descriptor


@dataclass(frozen=True)
class JudgementAreaSpec:
    number: int
    code: str  # stable slug, e.g. "staying-safe"
    title: str  # e.g. "Staying safe"
    kind: AreaKind
    description: str = ""
    lead_inspectorates: tuple[str, ...] = ()  # Inspectorate codes
    descriptors: dict[int, str] = field(default_factory=dict)
    key_judgements: tuple[KeyJudgementSpec, ...] = ()


@dataclass(frozen=True)
class RubricSpec:
    key: str  # e.g. "jar-2005"
    version: str  # e.g. "1.0"
    title: str
    source: str
    grade_scale: GradeScale
    areas: tuple[JudgementAreaSpec, ...]
    area_grade_rule: str | None = None
    description: str = ""
    content_hash: str = ""  # SHA-256 of the canonical JSON form of the parsed document

    def key_judgements(self) -> list[KeyJudgementSpec]:
        return [kj for area in self.areas for kj in area.key_judgements]
