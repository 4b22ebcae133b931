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

No Flask or database imports.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
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
    areas = list(pd.unique(data["area"]))
    return GradeDistribution(
        scale=tuple(scale),
        overall=_counts(data, None, areas, scale),
        by_region=_counts(data, "region", areas, scale),
        by_lead_inspectorate=_counts(data, "lead_inspectorate", areas, scale),
    )


def _counts(
    data: pd.DataFrame, by: str | None, areas: list[str], scale: Sequence[int]
) -> list[GradeCounts]:
    keys = ["area"] if by is None else ["area", by]
    table = (
        data.groupby(keys, sort=False)["grade"]
        .value_counts()
        .unstack(fill_value=0)
        .reindex(columns=list(scale), fill_value=0)
    )
    means = data.groupby(keys, sort=False)["grade"].mean()
    order = {area: i for i, area in enumerate(areas)}
    rows = sorted(
        table.index,
        key=lambda key: (order[key], "") if by is None else (order[key[0]], str(key[1])),
    )
    result = []
    for key in rows:
        counts = {int(grade): int(n) for grade, n in table.loc[key].items()}
        area, group = (key, None) if by is None else key
        result.append(
            GradeCounts(
                area=str(area),
                group=None if group is None else str(group),
                counts=counts,
                total=sum(counts.values()),
                mean=float(means.loc[key]),
            )
        )
    return result


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
    per_review = data.groupby(["judgement", "review_id"])["grade"].agg(
        graders="count", high="max", low="min"
    )
    per_review = per_review[per_review["graders"] >= 2]
    if per_review.empty:
        return []
    spread = (per_review["high"] - per_review["low"]).rename("spread")
    summary = spread.groupby(level="judgement").agg(
        reviews="count", mean_spread="mean", max_spread="max"
    )
    summary["disagreement_rate"] = (spread > 0).groupby(level="judgement").mean()
    summary = summary.reset_index()
    summary["order"] = summary["judgement"].map(_natural_key)
    summary = summary.sort_values(
        ["mean_spread", "disagreement_rate", "order"], ascending=[False, False, True]
    )
    return [
        JudgementDisagreement(
            judgement=str(row.judgement),
            reviews=int(row.reviews),
            mean_spread=float(row.mean_spread),
            max_spread=int(row.max_spread),
            disagreement_rate=float(row.disagreement_rate),
        )
        for row in summary.itertuples(index=False)
    ]


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
    deviation = data["self_grade"].astype(float) - data["agreed_grade"].astype(float)
    if not higher_is_better:
        deviation = -deviation
    data = data.assign(deviation=deviation)
    overall = _calibration("all", data["deviation"])
    return SelfEvaluationCalibration(
        overall=overall,
        by_authority=_calibrations(data, "authority_code"),
        by_judgement=_calibrations(data, "judgement"),
    )


def _calibrations(data: pd.DataFrame, by: str) -> list[CalibrationSummary]:
    if data.empty:
        return []
    deviation = data["deviation"]
    grouped = deviation.groupby(data[by])
    table = pd.DataFrame(
        {
            "n": grouped.count(),
            "mean": grouped.mean(),
            "mean_abs": deviation.abs().groupby(data[by]).mean(),
            "over": (deviation > 0).groupby(data[by]).sum(),
            "under": (deviation < 0).groupby(data[by]).sum(),
            "matched": (deviation == 0).groupby(data[by]).sum(),
        }
    )
    table["order"] = [_natural_key(key) for key in table.index]
    table = table.sort_values(["mean", "order"], ascending=[False, True])
    return [
        CalibrationSummary(
            key=str(key),
            n=int(row["n"]),
            mean_deviation=float(row["mean"]),
            mean_absolute_deviation=float(row["mean_abs"]),
            over_rated=int(row["over"]),
            under_rated=int(row["under"]),
            matched=int(row["matched"]),
            verdict=_verdict(float(row["mean"])),
        )
        for key, row in table.iterrows()
    ]


def _calibration(key: str, deviation: pd.Series) -> CalibrationSummary:
    n = int(deviation.count())
    mean = float(deviation.mean()) if n else None
    return CalibrationSummary(
        key=key,
        n=n,
        mean_deviation=mean,
        mean_absolute_deviation=float(deviation.abs().mean()) if n else None,
        over_rated=int((deviation > 0).sum()),
        under_rated=int((deviation < 0).sum()),
        matched=int((deviation == 0).sum()),
        verdict=_verdict(mean),
    )


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
