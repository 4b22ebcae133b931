"""Tests for the generated fictional dataset of 150 authorities."""

from __future__ import annotations

import time
from collections import Counter

import pandas as pd
import pytest

from inspect_app import demo
from inspect_app.domain.benchmarking import benchmark
from inspect_app.domain.demo_dataset import (
    DEMO_REVIEW_AUTHORITIES,
    NORTHMERE_WEAK_INDICATORS,
    PROFILES,
    REGIONS,
    generate_demo_dataset,
    is_real_name,
    periods,
    write_csv,
)
from inspect_app.domain.indicator_import import validate_indicator_file
from inspect_app.domain.indicators import UNITS, load_catalogue


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


@pytest.fixture(scope="module")
def dataset(catalogue):
    return generate_demo_dataset(catalogue=catalogue)


def test_deterministic_from_the_seed(catalogue, dataset) -> None:
    again = generate_demo_dataset(2007, catalogue)
    assert again.authorities == dataset.authorities
    assert again.neighbours == dataset.neighbours
    pd.testing.assert_frame_equal(again.values, dataset.values)
    other = generate_demo_dataset(2008, catalogue)
    assert other.authorities != dataset.authorities
    assert not other.values["value"].equals(dataset.values["value"])


def test_unpacks_as_a_triple(dataset) -> None:
    authorities, neighbours, values = dataset
    assert authorities is dataset.authorities and values is dataset.values
    assert neighbours is dataset.neighbours


def test_generation_is_fast(catalogue) -> None:
    start = time.perf_counter()
    generate_demo_dataset(1, catalogue)
    assert time.perf_counter() - start < 15.0  # a guard against pathological slowness only


def test_150_authorities_in_the_nine_regions(dataset) -> None:
    authorities = dataset.authorities
    assert len(authorities) == 150
    assert len({a.code for a in authorities}) == 150
    assert len({a.name for a in authorities}) == 150
    assert Counter(a.region for a in authorities) == REGIONS
    assert sum(REGIONS.values()) == 150 and len(REGIONS) == 9


def test_the_demo_review_authorities_are_included_as_in_the_demo(dataset) -> None:
    assert tuple(demo.AUTHORITIES) == DEMO_REVIEW_AUTHORITIES  # kept in step with demo.py
    by_code = {a.code: a for a in dataset.authorities}
    for code, name, region in DEMO_REVIEW_AUTHORITIES:
        assert (by_code[code].name, by_code[code].region) == (name, region)


def test_invented_names_are_not_real_authorities(dataset) -> None:
    fixed = {code for code, _, _ in DEMO_REVIEW_AUTHORITIES}
    invented = [a for a in dataset.authorities if a.code not in fixed]
    assert len(invented) == 144
    assert [a.name for a in invented if is_real_name(a.name)] == []
    for real in ("Manchester", "Kent", "Leeds", "Bury", "York", "Sutton", "Brent", "Derby"):
        assert not any(real.lower() in a.name.lower() for a in invented), real
    assert is_real_name("Kent County Council") and is_real_name("Bradford")
    assert not is_real_name("Northmere")
    codes = [a.code for a in dataset.authorities]
    assert all(len(code) == 3 and code.isalpha() and code.isupper() for code in codes)


def test_ten_statistical_neighbours_each(dataset) -> None:
    codes = {a.code for a in dataset.authorities}
    assert set(dataset.neighbours) == codes
    for code, neighbours in dataset.neighbours.items():
        assert len(neighbours) == 10
        assert len(set(neighbours)) == 10
        assert code not in neighbours
        assert set(neighbours) <= codes
    # Northmere's neighbours in the demo reviews are among its ten nearest.
    assert {"FVD", "HLM", "WRK"} <= set(dataset.neighbours["NMB"])


def test_values_cover_every_indicator_and_period(catalogue, dataset) -> None:
    values = dataset.values
    assert list(values.columns) == ["authority_code", "indicator_code", "period", "value"]
    assert set(values["indicator_code"]) == set(catalogue.codes)
    assert set(PROFILES) == set(catalogue.codes)
    assert not values.duplicated(["authority_code", "indicator_code", "period"]).any()
    assert values["value"].notna().all()
    for code in catalogue.codes:
        expected = set(periods(PROFILES[code].calendar))
        assert set(values.loc[values["indicator_code"] == code, "period"]) == expected
    assert periods() == ["2004-05", "2005-06", "2006-07", "2007-08"]
    assert periods(calendar=True) == ["2004", "2005", "2006", "2007"]
    # A few values are suppressed at random, never for the demo review authorities.
    total = 150 * len(catalogue) * 4
    assert 0.95 * total < len(values) < total
    counts = values.groupby("authority_code").size()
    for code, _, _ in DEMO_REVIEW_AUTHORITIES:
        assert counts[code] == len(catalogue) * 4


def test_values_are_plausible(catalogue, dataset) -> None:
    values = dataset.values
    for indicator in catalogue:
        own = values.loc[values["indicator_code"] == indicator.code, "value"]
        profile = PROFILES[indicator.code]
        assert own.min() >= profile.low and own.max() <= profile.high, indicator.code
        unit = UNITS[indicator.unit]
        assert own.min() >= (unit.minimum or 0)
        if unit.maximum is not None:
            assert own.max() <= unit.maximum
        # The spread of the national mean around the anchor stays within the trend's reach.
        assert abs(own.mean() - profile.mean) < 2 * abs(profile.trend) + 0.15 * profile.spread + 0.5
    means = values.groupby("indicator_code")["value"].mean()
    # National anchors of JAR.md: children in care 12 % against 59 % of all children, etc.
    assert 10 <= means["LAC-GCSE-5AC"] <= 14
    assert 55 <= means["EA-GCSE-5AC"] <= 63
    assert 8 <= means["LAC-CAUTIONED"] <= 11
    assert 65 <= means["CL-EET-19"] <= 75
    assert 60 <= means["LAC-STABILITY-2YRS"] <= 70
    assert means["LAC-PERM-EXCL"] > 4 * means["EA-PERM-EXCL"]


def test_deprivation_makes_neighbours_alike(dataset) -> None:
    # Values correlate with the characteristics that choose neighbours: an authority's
    # neighbours are closer to it, on average, than authorities in general.
    values = dataset.values
    poverty = values[(values["indicator_code"] == "EW-CHILD-POVERTY")]
    latest = poverty[poverty["period"] == "2007-08"].set_index("authority_code")["value"]
    gaps_to_neighbours = [
        abs(latest[code] - latest.reindex(neighbours).mean())
        for code, neighbours in dataset.neighbours.items()
        if code in latest
    ]
    spread = (latest - latest.mean()).abs().mean()
    assert sum(gaps_to_neighbours) / len(gaps_to_neighbours) < 0.7 * spread


def test_northmere_is_markedly_worse_on_three_children_in_care_indicators(
    catalogue, dataset
) -> None:
    results = benchmark(dataset.values, "NMB", dataset.neighbours["NMB"], catalogue)
    assert len(results) == len(catalogue)
    flagged = {b.indicator.code for b in results if b.flagged}
    assert flagged == set(NORTHMERE_WEAK_INDICATORS)
    assert all(catalogue[code].outcome == "looked-after-children" for code in flagged)
    for result in results:
        if result.flagged:
            assert result.hypothesis.startswith(result.indicator.title + ": markedly worse")


def test_northmere_stays_flagged_whatever_the_seed(catalogue) -> None:
    for seed in (1, 99):
        data = generate_demo_dataset(seed, catalogue)
        results = benchmark(data.values, "NMB", data.neighbours["NMB"], catalogue)
        assert {b.indicator.code for b in results if b.flagged} == set(NORTHMERE_WEAK_INDICATORS)


def test_write_csv_gives_an_importable_file(tmp_path, catalogue, dataset) -> None:
    path = write_csv(tmp_path / "demo-values.csv", dataset)
    data = path.read_bytes()
    assert data.startswith(b"authority_code,indicator_code,period,value\n")
    codes = {a.code for a in dataset.authorities}
    result = validate_indicator_file(data, path.name, codes, catalogue)
    assert result.ok, result.problems[:5]
    assert result.row_count == len(dataset.values)
    assert result.rows["value"].tolist() == dataset.values["value"].tolist()
