"""The sections report authors write, in the order of the published report.

Every piece of free text in the report is one *section* with a stable key, written in
Markdown and versioned on its own (two authors can work on different sections at once):

- ``introduction``, ``context`` and ``main-findings``;
- for each judgement area (the five outcomes, service management, capacity to improve)
  ``area-N-narrative``, ``area-N-strengths`` ("Major strengths") and ``area-N-weaknesses``
  ("Important weaknesses");
- ``children-summary``: the separate summary for children and young people.

The grades table, the recommendations and the annex are not sections: they are generated
from the agreed grades and the recommendations list. Pure Python.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from inspect_app.domain.rubric import AreaKind

__all__ = [
    "SECTION_MAX",
    "AreaRef",
    "SectionPart",
    "SectionSpec",
    "find_section",
    "report_sections",
]

SECTION_MAX = 50_000  # characters of Markdown in one section


class SectionPart(StrEnum):
    INTRODUCTION = "introduction"
    CONTEXT = "context"
    MAIN_FINDINGS = "main-findings"
    NARRATIVE = "narrative"
    STRENGTHS = "strengths"
    WEAKNESSES = "weaknesses"
    CHILDREN_SUMMARY = "children-summary"


_FRONT = (
    (
        SectionPart.INTRODUCTION,
        "Introduction",
        "What the review covered, when it took place and how the team gathered evidence.",
    ),
    (
        SectionPart.CONTEXT,
        "Context",
        "The area: its population, its services for children and young people and what has "
        "changed recently.",
    ),
    (
        SectionPart.MAIN_FINDINGS,
        "Main findings",
        "The headline findings across all the judgements, in a few short points.",
    ),
)

_AREA_PARTS = (
    (SectionPart.NARRATIVE, "Narrative", "The team’s judgement on this area and why."),
    (SectionPart.STRENGTHS, "Major strengths", "One point per strength, as a bulleted list."),
    (SectionPart.WEAKNESSES, "Important weaknesses", "One point per weakness, as a bulleted list."),
)


@dataclass(frozen=True)
class AreaRef:
    """A judgement area as the report needs it."""

    number: int
    title: str
    kind: AreaKind


@dataclass(frozen=True)
class SectionSpec:
    key: str
    part: SectionPart
    title: str  # e.g. "Staying safe: major strengths"
    hint: str
    area: AreaRef | None = None

    @property
    def group(self) -> str:
        """The report heading the section sits under."""
        if self.area is not None:
            return self.area.title
        if self.part is SectionPart.CHILDREN_SUMMARY:
            return "Summary for children and young people"
        return self.title

    @property
    def area_number(self) -> int | None:
        return self.area.number if self.area else None

    @property
    def is_children_summary(self) -> bool:
        return self.part is SectionPart.CHILDREN_SUMMARY


def _area_order(area: AreaRef) -> tuple[int, int]:
    kinds = list(AreaKind)
    return (kinds.index(area.kind), area.number)


def report_sections(areas: Iterable[AreaRef]) -> tuple[SectionSpec, ...]:
    """Every section of a report on a rubric with these judgement areas, in report order:
    the front sections, then outcomes, service management and capacity to improve, then the
    summary for children and young people."""
    specs = [SectionSpec(part.value, part, title, hint) for part, title, hint in _FRONT]
    for area in sorted(areas, key=_area_order):
        for part, label, hint in _AREA_PARTS:
            title = (
                area.title if part is SectionPart.NARRATIVE else f"{area.title}: {label.lower()}"
            )
            specs.append(SectionSpec(f"area-{area.number}-{part.value}", part, title, hint, area))
    specs.append(
        SectionSpec(
            SectionPart.CHILDREN_SUMMARY.value,
            SectionPart.CHILDREN_SUMMARY,
            "Summary for children and young people",
            "Plain language, short sentences, no jargon: what we found and what will change. "
            "Never name or describe an individual child.",
        )
    )
    return tuple(specs)


_KEY = re.compile(r"^[a-z0-9-]{1,40}$")


def find_section(specs: Iterable[SectionSpec], key: str) -> SectionSpec | None:
    if not _KEY.fullmatch(key or ""):
        return None
    return next((s for s in specs if s.key == key), None)
