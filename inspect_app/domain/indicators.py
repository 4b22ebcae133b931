"""The indicator catalogue: the common dataset inspectors benchmark an area with.

A catalogue file (YAML, ``rubrics/indicators/catalogue.yaml``; format in
``rubrics/INDICATORS.md``) lists performance indicators, each mapped to an
outcome (one of the five Every Child Matters outcomes, or looked after
children) and to the numbered key judgements of the 2005 framework under which a
weakness would be tested in fieldwork.

Validation works like rubric validation (and reuses its machinery): every
problem in a file is collected, with its file, path in the document and line,
and :func:`parse_catalogue_text` raises one :class:`CatalogueValidationError`
listing them all. Problems are :class:`~inspect_app.domain.rubric_validation.RubricProblem`
values (aliased here as :data:`CatalogueProblem`), so they print the same way.

No Flask or database imports.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from inspect_app.domain.rubric import RubricSpec
from inspect_app.domain.rubric_validation import (
    _INVALID,
    RubricProblem,
    _check_unique,
    _Collector,
    _describe,
    _Field,
    _index,
    _join,
    _key_judgement_number,
    _list_of,
    _load_yaml,
    _one_of,
    _optional,
    _quoted_string,
    _read_fields,
    _show,
    _text,
    _valid_items,
    content_hash,
)

DEFAULT_CATALOGUE_PATH = (
    Path(__file__).resolve().parents[2] / "rubrics" / "indicators" / "catalogue.yaml"
)

CatalogueProblem = RubricProblem

# Outcome codes are the area codes of the 2005 rubric, plus looked after children.
OUTCOMES: dict[str, str] = {
    "being-healthy": "Being healthy",
    "staying-safe": "Staying safe",
    "enjoying-and-achieving": "Enjoying and achieving",
    "making-a-positive-contribution": "Making a positive contribution",
    "achieving-economic-well-being": "Achieving economic well-being",
    "looked-after-children": "Looked after children",
}

INDICATOR_CODE = re.compile(r"[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*")
MAX_CODE_LENGTH = 40


@dataclass(frozen=True)
class Unit:
    """A unit of measurement: how values are bounded, formatted and labelled."""

    code: str
    axis_label: str  # e.g. "Per cent" — the y-axis label of a chart
    suffix: str  # appended to a formatted value, e.g. "%" or " per 10,000"
    decimals: int
    minimum: float | None = 0.0
    maximum: float | None = None

    def format(
        self, value: float | None, *, missing: str = "no data", decimals: int | None = None
    ) -> str:
        """E.g. ``14.2%``, ``45.3 per 10,000``, ``1,234``, ``23 days``."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return missing
        places = self.decimals if decimals is None else decimals
        return f"{value:,.{places}f}{self.suffix}"

    def format_difference(self, value: float, *, decimals: int | None = None) -> str:
        """A signed difference, e.g. ``+4.1 percentage points`` or ``−12.0 per 10,000``."""
        places = self.decimals if decimals is None else decimals
        rounded = round(value, places)
        sign = "+" if rounded > 0 else "\N{MINUS SIGN}" if rounded < 0 else ""
        magnitude = f"{abs(rounded):,.{places}f}"
        if self.code == "percent":
            return f"{sign}{magnitude} percentage points"
        return f"{sign}{magnitude}{self.suffix}"


UNITS: dict[str, Unit] = {
    unit.code: unit
    for unit in (
        Unit("percent", "Per cent", "%", 1, 0.0, 100.0),
        Unit("rate per 1,000", "Rate per 1,000", " per 1,000", 1),
        Unit("rate per 10,000", "Rate per 10,000", " per 10,000", 1),
        Unit("rate per 100,000", "Rate per 100,000", " per 100,000", 0),
        Unit("count", "Number", "", 0),
        Unit("days", "Days", " days", 0),
    )
}


@dataclass(frozen=True)
class Indicator:
    """One indicator of the common dataset."""

    code: str  # e.g. "LAC-GCSE-5AC"
    title: str
    outcome: str  # a key of OUTCOMES
    key_judgements: tuple[str, ...]  # 2005 numbers, e.g. ("3.6",)
    unit: str  # a key of UNITS
    higher_is_better: bool
    description: str
    source: str
    decimals: int | None = None  # overrides the unit's decimal places when set

    @property
    def outcome_title(self) -> str:
        return OUTCOMES[self.outcome]

    @property
    def unit_spec(self) -> Unit:
        return UNITS[self.unit]

    @property
    def places(self) -> int:
        """Decimal places for display: the indicator's own, else the unit's."""
        return self.unit_spec.decimals if self.decimals is None else self.decimals

    def format(self, value: float | None, *, missing: str = "no data") -> str:
        """E.g. ``14.2%`` or ``45.3 per 10,000`` (``missing`` for None or NaN)."""
        return self.unit_spec.format(value, missing=missing, decimals=self.places)

    def format_difference(self, value: float) -> str:
        return self.unit_spec.format_difference(value, decimals=self.places)


@dataclass(frozen=True)
class IndicatorCatalogue:
    """A validated catalogue; iterate it for indicators in file order."""

    version: str
    title: str
    source: str
    description: str
    indicators: tuple[Indicator, ...]
    content_hash: str = ""

    def __iter__(self) -> Iterator[Indicator]:
        return iter(self.indicators)

    def __len__(self) -> int:
        return len(self.indicators)

    def __contains__(self, code: object) -> bool:
        return any(indicator.code == code for indicator in self.indicators)

    def __getitem__(self, code: str) -> Indicator:
        for indicator in self.indicators:
            if indicator.code == code:
                return indicator
        raise KeyError(code)

    def get(self, code: str) -> Indicator | None:
        return next((i for i in self.indicators if i.code == code), None)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(indicator.code for indicator in self.indicators)

    def for_outcome(self, outcome: str) -> tuple[Indicator, ...]:
        return tuple(i for i in self.indicators if i.outcome == outcome)

    def for_key_judgement(self, number: str) -> tuple[Indicator, ...]:
        return tuple(i for i in self.indicators if number in i.key_judgements)

    def to_frame(self) -> pd.DataFrame:
        """One row per indicator, indexed by ``code``: title, outcome, unit, higher_is_better,
        position (file order)."""
        frame = pd.DataFrame(
            {
                "code": [i.code for i in self.indicators],
                "title": [i.title for i in self.indicators],
                "outcome": [i.outcome for i in self.indicators],
                "unit": [i.unit for i in self.indicators],
                "higher_is_better": pd.Series(
                    [i.higher_is_better for i in self.indicators], dtype=bool
                ),
                "position": range(len(self.indicators)),
            }
        )
        return frame.set_index("code")


class CatalogueValidationError(Exception):
    """Raised when a catalogue file has problems; ``problems`` lists every one found."""

    def __init__(self, problems: Iterable[RubricProblem]) -> None:
        self.problems: list[RubricProblem] = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


# --------------------------------------------------------------------------- public functions


def parse_catalogue_text(
    text: str, filename: str, *, rubric: RubricSpec | None = None
) -> IndicatorCatalogue:
    """Parse and validate one catalogue YAML document.

    With ``rubric``, every key judgement number must also exist in that rubric.
    Raises :class:`CatalogueValidationError` listing all problems, ordered by line.
    """
    collector = _Collector(filename)
    document = _load_yaml(text, collector)
    if document is _INVALID:
        raise CatalogueValidationError(collector.problems)
    fields = _read_fields(collector, document, "", _CATALOGUE_FIELDS, "the catalogue document")
    if fields is not _INVALID:
        _check_catalogue(collector, fields, rubric)
    if collector.problems:
        raise CatalogueValidationError(sorted(collector.problems, key=lambda p: p.line or 0))
    return _build(fields, content_hash(document))


def load_catalogue(
    path: str | os.PathLike[str] = DEFAULT_CATALOGUE_PATH, *, rubric: RubricSpec | None = None
) -> IndicatorCatalogue:
    """Read a catalogue file as UTF-8 and validate it (see :func:`parse_catalogue_text`)."""
    filename = os.fspath(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise CatalogueValidationError(
            [RubricProblem(filename, "", f"cannot read file: {reason}")]
        ) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        message = f"file is not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})"
        raise CatalogueValidationError([RubricProblem(filename, "", message, line)]) from None
    return parse_catalogue_text(text, filename, rubric=rubric)


# --------------------------------------------------------------------------- field parsers


def _indicator_code(collector: _Collector, value: Any, path: str) -> Any:
    code = _text(collector, value, path)
    if code is _INVALID:
        return _INVALID
    if not INDICATOR_CODE.fullmatch(code) or len(code) > MAX_CODE_LENGTH:
        collector.add(
            path,
            f"{_show(code)} is not a valid indicator code: use capital letters and digits "
            f"separated by single hyphens, at most {MAX_CODE_LENGTH} characters, "
            'e.g. "LAC-GCSE-5AC"',
        )
        return _INVALID
    return code


def _boolean(collector: _Collector, value: Any, path: str) -> Any:
    if not isinstance(value, bool):
        collector.add(path, f"expected true or false, got {_describe(value)}")
        return _INVALID
    return value


def _key_judgements(collector: _Collector, value: Any, path: str) -> Any:
    numbers = _list_of(
        _key_judgement_number,
        empty_message='list at least one key judgement number, e.g. ["3.6"]',
    )(collector, value, path)
    if numbers is _INVALID:
        return _INVALID
    seen: set[str] = set()
    for i, number in enumerate(numbers):
        if number is _INVALID:
            continue
        if number in seen:
            collector.add(_index(path, i), f'key judgement "{number}" is listed twice')
        seen.add(number)
    return numbers


def _decimals(collector: _Collector, value: Any, path: str) -> Any:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 4:
        collector.add(path, f"expected a whole number from 0 to 4, got {_describe(value)}")
        return _INVALID
    return value


_INDICATOR_FIELDS = {
    "code": _Field(_indicator_code),
    "title": _Field(_text),
    "outcome": _Field(_one_of(OUTCOMES)),
    "key_judgements": _Field(_key_judgements),
    "unit": _Field(_one_of(UNITS)),
    "higher_is_better": _Field(_boolean),
    "description": _Field(_text),
    "source": _Field(_text),
    "decimals": _optional(_decimals, None),
}


def _indicator(collector: _Collector, value: Any, path: str) -> Any:
    return _read_fields(collector, value, path, _INDICATOR_FIELDS, "an indicator")


_CATALOGUE_FIELDS = {
    "version": _Field(_quoted_string("1.0")),
    "title": _Field(_text),
    "source": _Field(_text),
    "description": _optional(_text, ""),
    "indicators": _Field(
        _list_of(_indicator, empty_message="a catalogue needs at least one indicator")
    ),
}


# --------------------------------------------------------------------------- cross-checks


def _check_catalogue(
    collector: _Collector, fields: dict[str, Any], rubric: RubricSpec | None
) -> None:
    indicators = list(_valid_items(fields["indicators"], "indicators"))
    _check_unique(collector, indicators, "code", "indicator code")
    _check_unique(collector, indicators, "title", "indicator title")
    if rubric is None:
        return
    known = {kj.number for area in rubric.areas for kj in area.key_judgements}
    for item_path, indicator in indicators:
        numbers = indicator["key_judgements"]
        if numbers is _INVALID:
            continue
        for i, number in enumerate(numbers):
            if number is not _INVALID and number not in known:
                collector.add(
                    _index(_join(item_path, "key_judgements"), i),
                    f'key judgement "{number}" is not in rubric "{rubric.key}" '
                    f'version "{rubric.version}"',
                )


def _build(fields: dict[str, Any], digest: str) -> IndicatorCatalogue:
    return IndicatorCatalogue(
        version=fields["version"],
        title=fields["title"],
        source=fields["source"],
        description=fields["description"],
        indicators=tuple(
            Indicator(
                code=item["code"],
                title=item["title"],
                outcome=item["outcome"],
                key_judgements=tuple(item["key_judgements"]),
                unit=item["unit"],
                higher_is_better=item["higher_is_better"],
                description=item["description"],
                source=item["source"],
                decimals=item["decimals"],
            )
            for item in fields["indicators"]
        ),
        content_hash=digest,
    )
