"""National aggregates for the programme view: grades, disagreement and self-evaluation.

Pure pandas over DataFrames the caller builds from the database; each function
documents the columns it needs (other columns are ignored). Grades are on the
JAR scale where **4 is best**; pass ``higher_is_better=False`` for a scale whose
best end is lowest.

* :func:`grade_distribution` — how many published reviews gave each grade, per
  judgement area: across the programme, by region and by the lead inspector's
  inspectorate.
* :func:`disagreement_by_judgement` — which judgements inspectors disagree on
  most, by the mean spread (highest minus lowest provisional grade) across reviews.
* :func:`self_evaluation_calibration` — how authorities' self-assessment grades
  compare with the agreed grades, overall, per authority and per judgement, in
  the terms of :mod:`inspect_app.domain.agreement` (mean deviation towards the
  better end, over-/under-rated counts and a verdict).

Each also has a form over plain rows (:func:`grade_distribution_from_rows`,
:func:`disagreement_from_rows`, :func:`calibration_from_rows`) that does the counting in
plain Python, and the last two a form over counts that the database has already grouped
(:func:`disagreement_from_spreads`, :func:`calibration_from_counts`). The DataFrame
functions pick their columns and hand the rows on, so every form gives the same figures;
the national view uses the plain forms (building DataFrames and grouping them was most of
the cost of that page).

No Flask or database imports.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from inspect_app.domain.agreement import (
    ACCURATE_THRESHOLD,
    VERDICT_ACCURATE,
    VERDICT_INSUFFICIENT_DATA,
    VERDICT_OVER_RATES,
    VERDICT_UNDER_RATES,
)

JAR_SCALE = (1, 2, 3, 4)

GRADE_COLUMNS = ("review_id", "area", "grade", "region", "lead_inspectorate")
PROVISIONAL_COLUMNS = ("review_id", "judgement", "inspector", "grade")
SELF_EVALUATION_COLUMNS = ("authority_code", "judgement", "self_grade", "agreed_grade")


# --------------------------------------------------------------------------- grades


@dataclass(frozen=True)
class GradeCounts:
    """How many reviews gave each grade for one area, in one group (None: all reviews)."""

    area: str
    group: str | None
    counts: dict[int, int]  # every grade of the scale, in scale order
    total: int
    mean: float | None

    @property
    def percentages(self) -> dict[int, float]:
        return {
            grade: (100.0 * n / self.total if self.total else 0.0)
            for grade, n in self.counts.items()
        }


@dataclass(frozen=True)
class GradeDistribution:
    scale: tuple[int, ...]
    overall: list[GradeCounts]
    by_region: list[GradeCounts]
    by_lead_inspectorate: list[GradeCounts]


def grade_distribution(grades: pd.DataFrame, scale: Sequence[int] = JAR_SCALE) -> GradeDistribution:
    """Agreed grades of published reviews, counted per area.

    ``grades`` has one row per published review and judgement area, with columns
    ``review_id``, ``area`` (e.g. the area code ``staying-safe``), ``grade`` (on
    ``scale``), ``region`` and ``lead_inspectorate`` (the lead inspector's
    inspectorate code). If a boolean ``published`` column is present, only rows
    where it is True count. Areas are listed in order of first appearance, groups
    alphabetically. Raises ValueError for a missing column or a grade off the scale.
    """
    data = _columns(grades, GRADE_COLUMNS, "grades")
    if "published" in grades.columns:
        data = data[grades.loc[data.index, "published"].astype(bool)]
    data = data.dropna(subset=["area", "grade"])
    data = data.assign(grade=_grades_on_scale(data["grade"], scale, "grade"))
    rows = zip(
        data["area"].tolist(),
        _values(data["region"]),
        _values(data["lead_inspectorate"]),
        data["grade"].tolist(),
        strict=True,
    )
    return grade_distribution_from_rows(rows, scale)


def grade_distribution_from_rows(
    rows: Iterable[tuple[Hashable, Hashable | None, Hashable | None, int]],
    scale: Sequence[int] = JAR_SCALE,
) -> GradeDistribution:
    """:func:`grade_distribution` over plain rows of (area, region, lead inspectorate,
    grade), one per published review and area. Areas are listed in order of first
    appearance, groups alphabetically; a row whose region (or lead inspectorate) is None
    counts overall but in no region (or inspectorate). Raises ValueError for a grade off
    the scale."""
    on_scale = set(scale)
    overall: dict[Hashable, dict[int, int]] = {}
    by_region: dict[tuple[Hashable, Hashable], dict[int, int]] = {}
    by_lead: dict[tuple[Hashable, Hashable], dict[int, int]] = {}
    for area, region, lead, grade in rows:
        if grade not in on_scale:
            raise ValueError(f"grade {grade!r} is not on the scale {min(scale)}–{max(scale)}")
        _tally(overall, area, grade)
        if region is not None:
            _tally(by_region, (area, region), grade)
        if lead is not None:
            _tally(by_lead, (area, lead), grade)
    order = {area: i for i, area in enumerate(overall)}  # first appearance
    return GradeDistribution(
        scale=tuple(scale),
        overall=[_grade_counts(area, None, tally, scale) for area, tally in overall.items()],
        by_region=_grouped_counts(by_region, order, scale),
        by_lead_inspectorate=_grouped_counts(by_lead, order, scale),
    )


def _tally(counts: dict, key: Hashable, value: Hashable) -> None:
    tally = counts.get(key)
    if tally is None:
        counts[key] = tally = {}
    tally[value] = tally.get(value, 0) + 1


def _grouped_counts(
    counts: dict[tuple[Hashable, Hashable], dict[int, int]],
    order: dict[Hashable, int],
    scale: Sequence[int],
) -> list[GradeCounts]:
    keys = sorted(counts, key=lambda key: (order[key[0]], str(key[1])))
    return [_grade_counts(area, group, counts[(area, group)], scale) for area, group in keys]


def _grade_counts(
    area: Hashable, group: Hashable | None, tally: dict[int, int], scale: Sequence[int]
) -> GradeCounts:
    counts = {int(grade): tally.get(grade, 0) for grade in scale}
    total = sum(tally.values())
    return GradeCounts(
        area=str(area),
        group=None if group is None else str(group),
        counts=counts,
        total=total,
        mean=sum(grade * n for grade, n in tally.items()) / total,
    )


# --------------------------------------------------------------------------- disagreement


@dataclass(frozen=True)
class JudgementDisagreement:
    """How much inspectors' provisional grades for one judgement differ across reviews.

    ``reviews`` counts reviews where at least two inspectors graded it; the spread
    in a review is its highest grade minus its lowest. ``disagreement_rate`` is the
    share of those reviews with any spread at all.
    """

    judgement: str
    reviews: int
    mean_spread: float
    max_spread: int
    disagreement_rate: float


def disagreement_by_judgement(grades: pd.DataFrame) -> list[JudgementDisagreement]:
    """Judgements ordered by how much inspectors disagree on them, most first.

    ``grades`` has one row per provisional grade: columns ``review_id``,
    ``judgement`` (e.g. ``"2.3"``), ``inspector`` (any id) and ``grade``. Reviews
    where only one inspector graded a judgement do not count. Ties are ordered by
    disagreement rate, then by judgement number.
    """
    data = _columns(grades, PROVISIONAL_COLUMNS, "grades").dropna(subset=["grade"])
    rows = zip(
        _values(data["judgement"]), _values(data["review_id"]), data["grade"].tolist(), strict=True
    )
    return disagreement_from_rows(rows)


def disagreement_from_rows(
    grades: Iterable[tuple[Hashable, Hashable, float]],
) -> list[JudgementDisagreement]:
    """:func:`disagreement_by_judgement` over plain rows of (judgement, review, grade), one
    per provisional grade (each inspector grades a judgement once). Rows whose judgement
    or review is None are left out."""
    graded: dict[tuple[Hashable, Hashable], list] = {}  # (judgement, review) -> [n, high, low]
    for judgement, review, grade in grades:
        if judgement is None or review is None:
            continue
        seen = graded.get((judgement, review))
        if seen is None:
            graded[(judgement, review)] = [1, grade, grade]
        else:
            seen[0] += 1
            seen[1] = max(seen[1], grade)
            seen[2] = min(seen[2], grade)
    spreads: dict[Hashable, dict[float, int]] = {}
    for (judgement, _review), (n, high, low) in graded.items():
        if n >= 2:
            _tally(spreads, judgement, high - low)
    return disagreement_from_spreads(spreads)


def disagreement_from_spreads(
    spreads: Mapping[Hashable, Mapping[float, int]],
) -> list[JudgementDisagreement]:
    """:func:`disagreement_by_judgement` from the spreads already worked out: for each
    judgement, how many reviews (where at least two inspectors graded it) had each spread
    (highest minus lowest provisional grade), e.g. ``{"2.3": {0: 4, 2: 1}}``."""
    summaries = []
    for judgement in sorted(spreads):
        counts = {spread: n for spread, n in spreads[judgement].items() if n}
        if not counts:
            continue
        reviews = sum(counts.values())
        summaries.append(
            JudgementDisagreement(
                judgement=str(judgement),
                reviews=reviews,
                mean_spread=float(sum(spread * n for spread, n in counts.items()) / reviews),
                max_spread=int(max(counts)),
                disagreement_rate=sum(n for spread, n in counts.items() if spread > 0) / reviews,
            )
        )
    return sorted(
        summaries,
        key=lambda d: (-d.mean_spread, -d.disagreement_rate, _natural_key(d.judgement)),
    )


# --------------------------------------------------------------------------- self-evaluation


@dataclass(frozen=True)
class CalibrationSummary:
    """Self-assessment grades against agreed grades for one group of judgements.

    ``key`` is the authority code, the judgement, or ``"all"``. ``mean_deviation``
    is the mean of (self − agreed) towards the better end of the scale: positive
    means authorities rated themselves better than the inspectors did. The verdict
    follows :class:`inspect_app.domain.agreement.SelfCalibration`: "accurate" when
    ``|mean_deviation| < 0.25``, else "over-rates" or "under-rates".
    """

    key: str
    n: int
    mean_deviation: float | None
    mean_absolute_deviation: float | None
    over_rated: int
    under_rated: int
    matched: int
    verdict: str


@dataclass(frozen=True)
class SelfEvaluationCalibration:
    overall: CalibrationSummary
    by_authority: list[CalibrationSummary]  # most over-rating first
    by_judgement: list[CalibrationSummary]  # most over-rated first


def self_evaluation_calibration(
    df: pd.DataFrame, *, higher_is_better: bool = True
) -> SelfEvaluationCalibration:
    """Calibration of self-assessment across authorities.

    ``df`` has one row per review and judgement: columns ``authority_code``,
    ``judgement``, ``self_grade`` and ``agreed_grade``. Rows lacking either grade
    are left out. Lists are ordered by mean deviation, highest first, then by key.
    """
    data = _columns(df, SELF_EVALUATION_COLUMNS, "df").dropna(subset=["self_grade", "agreed_grade"])
    rows = zip(
        _values(data["authority_code"]),
        _values(data["judgement"]),
        data["self_grade"].astype(float).tolist(),
        data["agreed_grade"].astype(float).tolist(),
        strict=True,
    )
    return calibration_from_rows(rows, higher_is_better=higher_is_better)


def calibration_from_rows(
    rows: Iterable[tuple[Hashable, Hashable, float, float]], *, higher_is_better: bool = True
) -> SelfEvaluationCalibration:
    """:func:`self_evaluation_calibration` over plain rows of (authority code, judgement,
    self grade, agreed grade). Every row counts overall; one whose authority (or
    judgement) is None counts in no authority (or judgement)."""
    sign = 1 if higher_is_better else -1
    overall = _Deviations()
    by_authority: dict[Hashable, _Deviations] = {}
    by_judgement: dict[Hashable, _Deviations] = {}
    for authority, judgement, self_grade, agreed_grade in rows:
        deviation = sign * (self_grade - agreed_grade)
        overall.add(deviation)
        if authority is not None:
            _deviations(by_authority, authority).add(deviation)
        if judgement is not None:
            _deviations(by_judgement, judgement).add(deviation)
    return SelfEvaluationCalibration(
        overall=overall.summary("all"),
        by_authority=_ranked(by_authority),
        by_judgement=_ranked(by_judgement),
    )


def calibration_from_counts(
    overall: Mapping[float, int],
    by_authority: Mapping[Hashable, Mapping[float, int]],
    by_judgement: Mapping[Hashable, Mapping[float, int]],
) -> SelfEvaluationCalibration:
    """:func:`self_evaluation_calibration` from deviations already counted: each maps a
    deviation (self − agreed, towards the better end) to how many judgements had it,
    across everything (``overall``), per authority and per judgement."""

    def totals(counts: Mapping[float, int]) -> _Deviations:
        group = _Deviations()
        for deviation, n in counts.items():
            group.add(deviation, n)
        return group

    def groups(counts: Mapping[Hashable, Mapping[float, int]]) -> dict[Hashable, _Deviations]:
        found = {key: totals(tally) for key, tally in counts.items()}
        return {key: group for key, group in found.items() if group.n}

    return SelfEvaluationCalibration(
        overall=totals(overall).summary("all"),
        by_authority=_ranked(groups(by_authority)),
        by_judgement=_ranked(groups(by_judgement)),
    )


class _Deviations:
    """Running totals of self − agreed deviations for one group."""

    __slots__ = ("absolute", "n", "over", "total", "under")

    def __init__(self) -> None:
        self.n = 0
        self.total: float = 0
        self.absolute: float = 0
        self.over = 0
        self.under = 0

    def add(self, deviation: float, times: int = 1) -> None:
        self.n += times
        self.total += deviation * times
        self.absolute += abs(deviation) * times
        if deviation > 0:
            self.over += times
        elif deviation < 0:
            self.under += times

    def summary(self, key: str) -> CalibrationSummary:
        mean = self.total / self.n if self.n else None
        return CalibrationSummary(
            key=key,
            n=self.n,
            mean_deviation=mean,
            mean_absolute_deviation=self.absolute / self.n if self.n else None,
            over_rated=self.over,
            under_rated=self.under,
            matched=self.n - self.over - self.under,
            verdict=_verdict(mean),
        )


def _deviations(groups: dict[Hashable, _Deviations], key: Hashable) -> _Deviations:
    group = groups.get(key)
    if group is None:
        groups[key] = group = _Deviations()
    return group


def _ranked(groups: dict[Hashable, _Deviations]) -> list[CalibrationSummary]:
    """Highest mean deviation first, then by key ("2.9" before "2.10")."""
    keys = sorted(
        sorted(groups),
        key=lambda key: (-groups[key].total / groups[key].n, _natural_key(key)),
    )
    return [groups[key].summary(str(key)) for key in keys]


def _verdict(mean: float | None) -> str:
    if mean is None:
        return VERDICT_INSUFFICIENT_DATA
    if abs(mean) < ACCURATE_THRESHOLD:
        return VERDICT_ACCURATE
    return VERDICT_OVER_RATES if mean > 0 else VERDICT_UNDER_RATES


# --------------------------------------------------------------------------- helpers


def _columns(frame: pd.DataFrame, columns: Sequence[str], name: str) -> pd.DataFrame:
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ValueError(f"{name} lacks the column(s) {', '.join(missing)}")
    return frame.loc[:, list(columns)]


def _values(column: pd.Series) -> list:
    """A column's values as a list, with None for a missing one (NaN, NA, NaT)."""
    return [
        None if missing else value
        for value, missing in zip(column.tolist(), column.isna().tolist(), strict=True)
    ]


def _grades_on_scale(grades: pd.Series, scale: Sequence[int], column: str) -> pd.Series:
    numbers = pd.to_numeric(grades, errors="coerce")
    off = ~numbers.isin(list(scale))
    if off.any():
        bad = grades[off].tolist()[0]
        raise ValueError(f"{column} {bad!r} is not on the scale {min(scale)}–{max(scale)}")
    return numbers.astype("int64")


def _natural_key(value: object) -> tuple[tuple[int, object], ...]:
    """Orders "2.10" after "2.9", and text alphabetically."""
    parts = re.split(r"(\d+)", str(value))
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts if p)
