"""The performance page fetches only the authority's and its neighbours' figures and lets
the database work out the national averages: the result must be what benchmarking every
stored figure gives."""

from __future__ import annotations

import random

import pandas as pd
import pytest

from inspect_app.domain.benchmarking import benchmark
from inspect_app.services import indicator_data as svc
from tests.indicator_helpers import load_shipped_catalogue, set_neighbours
from tests.querycount import count_queries

CODES = ("LAC-GCSE-5AC", "LAC-PLACEMENTS-3PLUS", "HLT-MMR-2", "CL-EET-19")
PERIODS = ("2004-05", "2005-06", "2006-07", "2007-08")


def test_national_averages_are_the_mean_over_every_authority(make, session):
    load_shipped_catalogue(session)
    people = [make.authority() for _ in range(3)]
    frame = pd.DataFrame(
        [
            (people[0].code, "LAC-GCSE-5AC", "2006-07", 5.0),
            (people[1].code, "LAC-GCSE-5AC", "2006-07", 10.0),
            (people[2].code, "LAC-GCSE-5AC", "2006-07", 21.0),
            (people[0].code, "LAC-GCSE-5AC", "2005-06", 6.0),
        ],
        columns=["authority_code", "indicator_code", "period", "value"],
    )
    svc.store_values(session, frame)
    averages = svc.national_averages(session).set_index(["indicator_code", "period"])["value"]
    assert averages.to_dict() == {
        ("LAC-GCSE-5AC", "2005-06"): pytest.approx(6.0),
        ("LAC-GCSE-5AC", "2006-07"): pytest.approx(12.0),
    }


def test_benchmarking_from_the_database_matches_benchmarking_every_figure(make, session):
    load_shipped_catalogue(session)
    rng = random.Random(7)
    people = [make.authority() for _ in range(14)]
    subject = people[0]
    set_neighbours(session, subject, people[1:6])
    rows = [
        (a.code, code, period, round(rng.uniform(5, 80), 1))
        for a in people
        for code in CODES
        for period in PERIODS
        if not (a is people[9] and period == "2004-05")  # a gap: averages over who has one
    ]
    svc.store_values(session, pd.DataFrame(rows, columns=list(svc_columns())))
    session.flush()

    with count_queries() as seen:
        result = svc.benchmark_authority(session, subject)
    everything = benchmark(
        svc.indicator_values_for(session),
        subject.code,
        [a.code for a in people[1:6]],
        result.catalogue,
    )
    assert len(result.benchmarks) == len(CODES) == len(everything)
    for fast, full in zip(result.benchmarks, everything, strict=True):
        assert fast.indicator.code == full.indicator.code
        assert fast.periods == full.periods
        assert fast.authority_values == full.authority_values
        assert fast.neighbour_mean == pytest.approx(full.neighbour_mean)
        assert fast.national_average == pytest.approx(full.national_average)
        assert (fast.direction, fast.trend, fast.flagged) == (
            full.direction,
            full.trend,
            full.flagged,
        )
    assert len(seen) <= 4  # catalogue, neighbours, their figures, national averages


def svc_columns() -> tuple[str, ...]:
    return ("authority_code", "indicator_code", "period", "value")
