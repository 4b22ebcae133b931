"""Tests for benchmarking an authority against the national average and its neighbours.

The tiny dataset: five authorities (A is benchmarked; B, C, D are its neighbours;
E is not), two periods, two indicators — one where higher is better
(LAC-GCSE-5AC) and one where lower is better (LAC-PLACEMENTS-3PLUS). Expected
figures are worked out by hand in the comments.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from inspect_app.domain.benchmarking import (
    BenchmarkRules,
    Direction,
    Trend,
    benchmark,
    flagged_hypotheses,
)
from inspect_app.domain.indicators import load_catalogue

GCSE, MOVES = "LAC-GCSE-5AC", "LAC-PLACEMENTS-3PLUS"
EARLY, LATE = "2005-06", "2006-07"
NEIGHBOURS = ["B", "C", "D"]


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


def frame(rows: list[tuple[str, str, str, float | None]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["authority_code", "indicator_code", "period", "value"])


TINY = frame(
    [
        # GCSE (higher is better)
        ("A", GCSE, EARLY, 10), ("B", GCSE, EARLY, 12), ("C", GCSE, EARLY, 14),
        ("D", GCSE, EARLY, 16), ("E", GCSE, EARLY, 20),
        ("A", GCSE, LATE, 9), ("B", GCSE, LATE, 13), ("C", GCSE, LATE, 14),
        ("D", GCSE, LATE, 15), ("E", GCSE, LATE, 22),
        # Three or more placements (lower is better); D has no value in the early period
        ("A", MOVES, EARLY, 12), ("B", MOVES, EARLY, 11), ("C", MOVES, EARLY, 10),
        ("D", MOVES, EARLY, None), ("E", MOVES, EARLY, 8),
        ("A", MOVES, LATE, 10), ("B", MOVES, LATE, 10), ("C", MOVES, LATE, 12),
        ("D", MOVES, LATE, 14), ("E", MOVES, LATE, 9),
    ]
)  # fmt: skip


@pytest.fixture(scope="module")
def tiny(catalogue):
    return {b.indicator.code: b for b in benchmark(TINY, "A", NEIGHBOURS, catalogue)}


def test_results_in_catalogue_order_for_indicators_the_authority_has(catalogue) -> None:
    results = benchmark(TINY, "A", NEIGHBOURS, catalogue)
    assert [b.indicator.code for b in results] == [MOVES, GCSE]  # catalogue order
    assert all(b.authority_code == "A" for b in results)


def test_higher_is_better_arithmetic(tiny) -> None:
    gcse = tiny[GCSE]
    assert gcse.periods == (EARLY, LATE)
    assert gcse.authority_values == {EARLY: 10.0, LATE: 9.0}
    # national: (10+12+14+16+20)/5 = 14.4 and (9+13+14+15+22)/5 = 14.6
    assert gcse.national_average == pytest.approx({EARLY: 14.4, LATE: 14.6})
    # neighbours B, C, D: (12+14+16)/3 = 14 and (13+14+15)/3 = 14
    assert gcse.neighbour_mean == pytest.approx({EARLY: 14.0, LATE: 14.0})
    assert gcse.neighbour_count == {EARLY: 3, LATE: 3}
    assert gcse.latest_period == LATE and gcse.earliest_period == EARLY
    assert gcse.latest_value == 9.0
    assert gcse.latest_neighbour_mean == pytest.approx(14.0)
    assert gcse.latest_national_average == pytest.approx(14.6)
    # gap 9 - 14 = -5; relative -5/14; sample SD of 13, 14, 15 is 1
    assert gcse.gap_to_neighbours == pytest.approx(-5.0)
    assert gcse.relative_gap == pytest.approx(-5 / 14)
    assert gcse.neighbour_sd == pytest.approx(1.0)
    assert gcse.direction is Direction.WORSE
    # 10 -> 9 is a fall of 1 > 5 % of 10
    assert gcse.trend is Trend.DECLINING
    # worse by 5 > 10 % of 14 (1.4) and > 1 SD (1.0)
    assert gcse.flagged is True
    assert gcse.national_direction is Direction.WORSE


def test_lower_is_better_arithmetic(tiny) -> None:
    moves = tiny[MOVES]
    # national ignores D's missing value: (12+11+10+8)/4 = 10.25; (10+10+12+14+9)/5 = 11
    assert moves.national_average == pytest.approx({EARLY: 10.25, LATE: 11.0})
    # neighbours: (11+10)/2 = 10.5 with D missing; (10+12+14)/3 = 12
    assert moves.neighbour_mean == pytest.approx({EARLY: 10.5, LATE: 12.0})
    assert moves.neighbour_count == {EARLY: 2, LATE: 3}
    assert moves.gap_to_neighbours == pytest.approx(-2.0)
    assert moves.relative_gap == pytest.approx(-2 / 12)
    assert moves.neighbour_sd == pytest.approx(2.0)
    # a lower value is better here: 10 against 12 is better, and 12 -> 10 is improving
    assert moves.direction is Direction.BETTER
    assert moves.trend is Trend.IMPROVING
    assert moves.flagged is False
    assert moves.hypothesis is None
    assert moves.national_direction is Direction.BETTER  # 10 against 11


def test_hypothesis_for_a_flagged_indicator(tiny) -> None:
    assert tiny[GCSE].hypothesis == (
        "Children in care achieving 5 or more GCSEs at grades A*–C: markedly worse than "
        "statistical neighbours (9.0% vs 14.0% in 2006-07), and declining since 2005-06; "
        "test in fieldwork under 3.6."
    )
    assert flagged_hypotheses(tiny.values()) == [tiny[GCSE].hypothesis]


def test_lower_is_better_markedly_worse_is_flagged(catalogue) -> None:
    data = frame(
        [
            ("A", MOVES, EARLY, 14.0), ("A", MOVES, LATE, 14.2),
            ("B", MOVES, LATE, 9.5), ("C", MOVES, LATE, 10.1), ("D", MOVES, LATE, 10.7),
        ]
    )  # fmt: skip
    (moves,) = benchmark(data, "A", NEIGHBOURS, catalogue)
    # gap 14.2 - 10.1 = +4.1: higher is worse here; > 1.01 and > SD 0.6
    assert moves.direction is Direction.WORSE
    assert moves.gap_to_neighbours == pytest.approx(4.1)
    assert moves.trend is Trend.STABLE  # 14.0 -> 14.2 is within 5 %
    assert moves.flagged
    assert moves.hypothesis == (
        "Children in care with three or more placements in the year: markedly worse than "
        "statistical neighbours (14.2% vs 10.1% in 2006-07); test in fieldwork under 2.6 / 1.5."
    )


def test_worse_within_the_neighbours_spread_is_not_flagged(catalogue) -> None:
    # neighbours 5, 15, 25: mean 15, SD 10. A at 12 is 20 % worse but within one SD.
    data = frame([("A", GCSE, LATE, 12), ("B", GCSE, LATE, 5), ("C", GCSE, LATE, 15),
                  ("D", GCSE, LATE, 25)])  # fmt: skip
    (gcse,) = benchmark(data, "A", NEIGHBOURS, catalogue)
    assert gcse.direction is Direction.WORSE
    assert not gcse.flagged


def test_worse_by_less_than_ten_percent_is_not_flagged(catalogue) -> None:
    # neighbours 49.9, 50, 50.1: mean 50, SD 0.1. A at 47 is 6 % worse: beyond the
    # 5 % "similar" band and many SDs out, but not 10 % worse.
    data = frame([("A", GCSE, LATE, 47), ("B", GCSE, LATE, 49.9), ("C", GCSE, LATE, 50),
                  ("D", GCSE, LATE, 50.1)])  # fmt: skip
    (gcse,) = benchmark(data, "A", NEIGHBOURS, catalogue)
    assert gcse.direction is Direction.WORSE
    assert not gcse.flagged


def test_similar_stable_and_single_period(catalogue) -> None:
    data = frame([("A", GCSE, LATE, 14.5), ("B", GCSE, LATE, 14.0), ("C", GCSE, LATE, 14.2)])
    (gcse,) = benchmark(data, "A", NEIGHBOURS, catalogue)
    assert gcse.direction is Direction.SIMILAR  # 0.4 within 5 % of 14.1
    assert gcse.trend is None  # one period only
    assert gcse.earliest_period == gcse.latest_period == LATE
    assert not gcse.flagged


def test_with_one_neighbour_only_the_relative_test_applies(catalogue) -> None:
    data = frame([("A", GCSE, LATE, 8), ("B", GCSE, LATE, 12)])
    (gcse,) = benchmark(data, "A", NEIGHBOURS, catalogue)
    assert gcse.neighbour_sd is None
    assert gcse.flagged


def test_no_neighbour_values_means_no_comparison(catalogue) -> None:
    data = frame([("A", GCSE, EARLY, 8), ("A", GCSE, LATE, 8), ("E", GCSE, LATE, 12)])
    (gcse,) = benchmark(data, "A", NEIGHBOURS, catalogue)
    assert gcse.direction is None
    assert gcse.gap_to_neighbours is None and gcse.relative_gap is None
    assert gcse.neighbour_mean == {EARLY: None, LATE: None}
    assert gcse.neighbour_count == {EARLY: 0, LATE: 0}
    assert gcse.national_average == pytest.approx({EARLY: 8.0, LATE: 10.0})
    assert gcse.trend is Trend.STABLE
    assert not gcse.flagged


def test_latest_period_is_the_authoritys_latest(catalogue) -> None:
    # B has a later period than A; A is compared in its own latest period.
    data = frame([("A", GCSE, EARLY, 8), ("B", GCSE, EARLY, 12), ("B", GCSE, LATE, 30)])
    (gcse,) = benchmark(data, "A", NEIGHBOURS, catalogue)
    assert gcse.periods == (EARLY, LATE)
    assert gcse.authority_values == {EARLY: 8.0, LATE: None}
    assert gcse.latest_period == EARLY
    assert gcse.gap_to_neighbours == pytest.approx(-4.0)


def test_periods_sort_in_time_order(catalogue) -> None:
    infant = "HLT-INFANT-MORT"
    data = frame([("A", infant, "2007", 5), ("A", infant, "2004", 4), ("B", infant, "2005", 4)])
    (result,) = benchmark(data, "A", ["B"], catalogue)
    assert result.periods == ("2004", "2005", "2007")
    assert result.latest_period == "2007"
    assert result.trend is Trend.DECLINING  # infant mortality: lower is better


def test_inputs_are_tolerated(catalogue) -> None:
    data = frame(
        [
            ("A", GCSE, LATE, 9),
            ("A", GCSE, LATE, 11),  # duplicate: mean 10
            ("B", GCSE, LATE, 14),
            ("A", "NOT-IN-CATALOGUE", LATE, 1),
            ("A", MOVES, LATE, None),  # no value at all: indicator left out
        ]
    ).assign(row=range(5))  # extra columns are ignored
    # A listed among its own neighbours is ignored; unknown neighbours simply do not count
    (gcse,) = benchmark(data, "A", ["A", "B", "ZZZ"], catalogue)
    assert gcse.authority_values == {LATE: 10.0}
    assert gcse.neighbour_mean == {LATE: 14.0}
    assert benchmark(data, "Q", ["B"], catalogue) == []


def test_missing_columns_are_an_error(catalogue) -> None:
    with pytest.raises(ValueError, match="value"):
        benchmark(TINY.drop(columns="value"), "A", NEIGHBOURS, catalogue)


def test_rules_can_be_changed(catalogue) -> None:
    strict = BenchmarkRules(marked_relative=0.5)
    (moves, gcse) = benchmark(TINY, "A", NEIGHBOURS, catalogue, rules=strict)
    assert not gcse.flagged  # 5/14 = 36 % is not more than 50 %
    loose = BenchmarkRules(similar_tolerance=0.2)
    (moves, gcse) = benchmark(TINY, "A", NEIGHBOURS, catalogue, rules=loose)
    assert moves.direction is Direction.SIMILAR  # 2/12 = 17 % within 20 %


def test_values_are_plain_python_numbers(tiny) -> None:
    gcse = tiny[GCSE]
    for series in (gcse.authority_values, gcse.national_average, gcse.neighbour_mean):
        assert all(v is None or type(v) is float for v in series.values())
    assert type(gcse.gap_to_neighbours) is float
    assert all(type(n) is int for n in gcse.neighbour_count.values())
    assert not any(isinstance(v, float) and math.isnan(v) for v in gcse.neighbour_mean.values())


def test_indicators_with_and_without_a_trend_or_comparison_together(catalogue) -> None:
    """One indicator with one period and no neighbours beside one with both (pandas 3 turns
    the None labels of a mixed column into NaN)."""
    data = frame(
        [("A", GCSE, EARLY, 10), ("A", GCSE, LATE, 8), ("B", GCSE, LATE, 12),
         ("A", MOVES, LATE, 9), ("E", MOVES, LATE, 10)]
    )  # fmt: skip
    results = {b.indicator.code: b for b in benchmark(data, "A", NEIGHBOURS, catalogue)}
    assert results[GCSE].trend is Trend.DECLINING and results[GCSE].direction is Direction.WORSE
    assert results[MOVES].trend is None and results[MOVES].direction is None
