"""Benchmark an authority's indicators against the national average and its statistical neighbours.

Inspectors in analysis week compare each indicator of the common dataset with the
national average and with the mean of the authority's statistical neighbours,
and turn marked weaknesses into hypotheses to test in fieldwork.
:func:`benchmark` does that for one authority.

Input: a DataFrame of values with columns ``authority_code``, ``indicator_code``,
``period`` (canonical, e.g. ``"2006-07"`` or ``"2006"``) and ``value`` — the
``rows`` of an import result, or what the database holds. Other columns are
ignored; rows for indicators not in the catalogue are ignored; NaN values count
as missing; if an authority has two values for one indicator and period their
mean is used.

The rules (all in :class:`BenchmarkRules`, with these defaults):

* **national average** for a period: the mean over every authority with a value
  for it (the authority itself included).
* **neighbour mean** for a period: the mean over the statistical neighbours with a
  value for it (missing values ignored; the authority itself never counts).
* **latest period**: the latest period in which the authority has a value; the
  comparison with neighbours is made there. Periods sort by their text, which
  orders ``"2006"``, ``"2006-07"``, ``"2007"`` correctly.
* **trend**: the authority's value in its latest period against its value in its
  earliest period. A change of at most 5 % of the earliest value
  (``trend_tolerance``) is ``stable``; otherwise ``improving`` or ``declining``
  according to ``higher_is_better``. None with fewer than two periods.
* **direction** against neighbours, in the latest period: ``similar`` when the
  gap is at most 5 % of the neighbour mean (``similar_tolerance``), otherwise
  ``better`` or ``worse`` according to ``higher_is_better``. None when no
  neighbour has a value then.
* **gap_to_neighbours** is authority value − neighbour mean, in the indicator's
  unit (so for a lower-is-better indicator a positive gap is worse);
  ``relative_gap`` is that divided by the neighbour mean's size.
* **flagged** (markedly worse than neighbours): worse, by more than 10 % of the
  neighbour mean (``marked_relative``) **and** by more than one standard
  deviation of the neighbours' values (``marked_sd``; sample SD, used when at
  least two neighbours have a value). Both tests must pass: the relative test
  ignores trivial gaps on indicators whose neighbours barely differ; the SD test
  ignores gaps that are within the ordinary spread of similar authorities.
  Flagged indicators carry a hypothesis for fieldwork.

Everything is computed with vectorised pandas; the per-indicator loop only builds
the result values. No Flask or database imports.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import pandas as pd

from inspect_app.domain.indicators import Indicator, IndicatorCatalogue

VALUE_COLUMNS = ("authority_code", "indicator_code", "period", "value")
_KEY = ["indicator_code", "period"]


class Trend(StrEnum):
    IMPROVING = "improving"
    DECLINING = "declining"
    STABLE = "stable"


class Direction(StrEnum):
    BETTER = "better"
    WORSE = "worse"
    SIMILAR = "similar"


@dataclass(frozen=True)
class BenchmarkRules:
    """Tolerances for trends, directions and flags (see the module docstring)."""

    trend_tolerance: float = 0.05
    similar_tolerance: float = 0.05
    marked_relative: float = 0.10
    marked_sd: float = 1.0


DEFAULT_RULES = BenchmarkRules()


@dataclass(frozen=True)
class IndicatorBenchmark:
    """One indicator for one authority: its series, the comparators and what they suggest.

    The three series are keyed by every period in which any authority has a value
    (in period order), with None where a series has no value.
    """

    indicator: Indicator
    authority_code: str
    periods: tuple[str, ...]
    authority_values: dict[str, float | None]
    national_average: dict[str, float | None]
    neighbour_mean: dict[str, float | None]
    neighbour_count: dict[str, int]  # neighbours with a value, per period
    latest_period: str
    earliest_period: str
    trend: Trend | None
    direction: Direction | None
    gap_to_neighbours: float | None
    relative_gap: float | None
    neighbour_sd: float | None  # in the latest period
    flagged: bool
    hypothesis: str | None

    @property
    def latest_value(self) -> float:
        value = self.authority_values[self.latest_period]
        assert value is not None
        return value

    @property
    def latest_neighbour_mean(self) -> float | None:
        return self.neighbour_mean[self.latest_period]

    @property
    def latest_national_average(self) -> float | None:
        return self.national_average[self.latest_period]

    @property
    def national_direction(self) -> Direction | None:
        """The latest value against the national average, with the ``similar`` tolerance
        of the default rules."""
        national = self.latest_national_average
        if national is None:
            return None
        return _direction(
            self.latest_value - national, national, self.indicator.higher_is_better, DEFAULT_RULES
        )


# --------------------------------------------------------------------------- benchmark


def benchmark(
    values: pd.DataFrame,
    authority_code: str,
    neighbours: Sequence[str],
    catalogue: IndicatorCatalogue,
    *,
    rules: BenchmarkRules = DEFAULT_RULES,
    national: pd.DataFrame | None = None,
) -> list[IndicatorBenchmark]:
    """Benchmark every catalogue indicator for which the authority has a value.

    Results are in catalogue order. ``neighbours`` are authority codes (the
    authority itself is ignored if listed); neighbours without values simply do
    not count.

    ``national`` (columns ``indicator_code``, ``period``, ``value``): the national
    averages worked out elsewhere (e.g. by the database), so that ``values`` need hold
    only the authority's and its neighbours' rows. Without it they are the means of
    ``values``.
    """
    data = _prepare(values, catalogue)
    own = data[data["authority_code"] == authority_code]
    if own.empty:
        return []
    neighbour_codes = set(neighbours) - {authority_code}
    if national is None:
        national_mean = data.groupby(_KEY)["value"].mean()
    else:
        national_mean = (
            national.assign(
                indicator_code=national["indicator_code"].astype(str),
                period=national["period"].astype(str),
                value=pd.to_numeric(national["value"], errors="coerce").astype("float64"),
            )
            .dropna(subset=["value"])
            .groupby(_KEY)["value"]
            .mean()
        )
    table = pd.concat(
        [
            own.groupby(_KEY)["value"].mean().rename("authority"),
            national_mean.rename("national"),
            data[data["authority_code"].isin(neighbour_codes)]
            .groupby(_KEY)["value"]
            .agg(neighbour_mean="mean", neighbour_sd="std", neighbour_count="count"),
        ],
        axis=1,
    )
    indicators = own["indicator_code"].unique()
    table = table[table.index.get_level_values(0).isin(indicators)].sort_index()
    table["neighbour_count"] = table["neighbour_count"].fillna(0).astype("int64")
    summary = _summarise(table, catalogue, rules)
    results = []
    for indicator in catalogue:
        if indicator.code not in summary.index:
            continue
        results.append(
            _build(
                indicator, authority_code, table.loc[indicator.code], summary.loc[indicator.code]
            )
        )
    return results


def flagged_hypotheses(benchmarks: Iterable[IndicatorBenchmark]) -> list[str]:
    """The hypotheses of the flagged indicators, in order."""
    return [b.hypothesis for b in benchmarks if b.flagged and b.hypothesis]


def hypothesis_text(
    indicator: Indicator,
    value: float,
    neighbour_mean: float,
    period: str,
    trend: Trend | None = None,
    since: str | None = None,
) -> str:
    """E.g. "Children in care with three or more placements in the year: markedly worse than
    statistical neighbours (14.2% vs 10.1% in 2006-07), and declining since 2004-05; test in
    fieldwork under 2.6 / 1.5." """
    text = (
        f"{indicator.title}: markedly worse than statistical neighbours "
        f"({indicator.format(value)} vs {indicator.format(neighbour_mean)} in {period})"
    )
    if since is not None and trend is Trend.DECLINING:
        text += f", and declining since {since}"
    elif since is not None and trend is Trend.IMPROVING:
        text += f", though improving since {since}"
    return text + f"; test in fieldwork under {' / '.join(indicator.key_judgements)}."


# --------------------------------------------------------------------------- internals


def _prepare(values: pd.DataFrame, catalogue: IndicatorCatalogue) -> pd.DataFrame:
    missing = [column for column in VALUE_COLUMNS if column not in values.columns]
    if missing:
        raise ValueError(f"values lack the column(s) {', '.join(missing)}")
    data = values.loc[:, list(VALUE_COLUMNS)]
    data = data.assign(
        authority_code=data["authority_code"].astype(str),
        indicator_code=data["indicator_code"].astype(str),
        period=data["period"].astype(str),
        value=pd.to_numeric(data["value"], errors="coerce").astype("float64"),
    )
    return data[data["indicator_code"].isin(catalogue.codes) & data["value"].notna()]


def _summarise(
    table: pd.DataFrame, catalogue: IndicatorCatalogue, rules: BenchmarkRules
) -> pd.DataFrame:
    """One row per indicator: latest and earliest periods, trend, direction, gap, flag."""
    own = table[table["authority"].notna()].reset_index()  # sorted by period per indicator
    latest = own.drop_duplicates("indicator_code", keep="last").set_index("indicator_code")
    earliest = own.drop_duplicates("indicator_code", keep="first").set_index("indicator_code")
    summary = pd.DataFrame(
        {
            "latest_period": latest["period"],
            "latest": latest["authority"],
            "earliest_period": earliest["period"],
            "earliest": earliest["authority"],
            "periods": own.groupby("indicator_code").size(),
            "neighbour_mean": latest["neighbour_mean"],
            "neighbour_sd": latest["neighbour_sd"],
        }
    )
    higher = catalogue.to_frame()["higher_is_better"].reindex(summary.index).to_numpy(dtype=bool)
    better_sign = np.where(higher, 1.0, -1.0)

    change = (summary["latest"] - summary["earliest"]) * better_sign
    steady = change.abs() <= rules.trend_tolerance * summary["earliest"].abs()
    summary["trend"] = np.select(
        [summary["periods"] < 2, steady, change > 0],
        [None, Trend.STABLE.value, Trend.IMPROVING.value],
        default=Trend.DECLINING.value,
    )

    mean = summary["neighbour_mean"]
    gap = summary["latest"] - mean
    better_gap = gap * better_sign
    similar = gap.abs() <= rules.similar_tolerance * mean.abs()
    summary["direction"] = np.select(
        [mean.isna(), similar, better_gap > 0],
        [None, Direction.SIMILAR.value, Direction.BETTER.value],
        default=Direction.WORSE.value,
    )
    summary["gap"] = gap
    summary["relative_gap"] = gap / mean.abs().where(mean != 0)
    beyond_relative = gap.abs() > rules.marked_relative * mean.abs()
    sd = summary["neighbour_sd"]
    beyond_spread = sd.isna() | (gap.abs() > rules.marked_sd * sd)
    summary["flagged"] = (
        (summary["direction"] == Direction.WORSE.value) & beyond_relative & (beyond_spread)
    )
    return summary


def _direction(gap: float, mean: float, higher_is_better: bool, rules: BenchmarkRules) -> Direction:
    if abs(gap) <= rules.similar_tolerance * abs(mean):
        return Direction.SIMILAR
    return Direction.BETTER if (gap > 0) == higher_is_better else Direction.WORSE


def _number(value: object) -> float | None:
    if value is None:
        return None
    number = float(value)  # type: ignore[arg-type]
    return None if math.isnan(number) else number


def _series(frame: pd.DataFrame, column: str) -> dict[str, float | None]:
    return {str(period): _number(value) for period, value in frame[column].items()}


def _build(
    indicator: Indicator, authority_code: str, rows: pd.DataFrame, summary: pd.Series
) -> IndicatorBenchmark:
    # A column mixing labels and None is inferred as a string column (pandas 3), where None
    # becomes NaN: anything but a label is "no value".
    trend = Trend(summary["trend"]) if isinstance(summary["trend"], str) else None
    direction = Direction(summary["direction"]) if isinstance(summary["direction"], str) else None
    flagged = bool(summary["flagged"])
    latest_period = str(summary["latest_period"])
    earliest_period = str(summary["earliest_period"])
    hypothesis = None
    if flagged:
        hypothesis = hypothesis_text(
            indicator,
            float(summary["latest"]),
            float(summary["neighbour_mean"]),
            latest_period,
            trend,
            earliest_period if earliest_period != latest_period else None,
        )
    return IndicatorBenchmark(
        indicator=indicator,
        authority_code=authority_code,
        periods=tuple(str(period) for period in rows.index),
        authority_values=_series(rows, "authority"),
        national_average=_series(rows, "national"),
        neighbour_mean=_series(rows, "neighbour_mean"),
        neighbour_count={str(p): int(n) for p, n in rows["neighbour_count"].items()},
        latest_period=latest_period,
        earliest_period=earliest_period,
        trend=trend,
        direction=direction,
        gap_to_neighbours=_number(summary["gap"]),
        relative_gap=_number(summary["relative_gap"]),
        neighbour_sd=_number(summary["neighbour_sd"]),
        flagged=flagged,
        hypothesis=hypothesis,
    )
