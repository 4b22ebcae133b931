"""Tests for the programme view's national aggregates, against a small hand-built set."""

from __future__ import annotations

import pandas as pd
import pytest

from inspect_app.domain.national_aggregates import (
    disagreement_by_judgement,
    grade_distribution,
    self_evaluation_calibration,
)

SAFE, HEALTHY = "staying-safe", "being-healthy"

# Four published reviews and one draft, two areas each.
GRADES = pd.DataFrame(
    [
        # review, area, grade, region, lead inspectorate, published
        (1, SAFE, 2, "North West", "ofsted", True),
        (1, HEALTHY, 3, "North West", "ofsted", True),
        (2, SAFE, 1, "North West", "csci", True),
        (2, HEALTHY, 3, "North West", "csci", True),
        (3, SAFE, 3, "London", "ofsted", True),
        (3, HEALTHY, 4, "London", "ofsted", True),
        (4, SAFE, 2, "London", "ofsted", True),
        (4, HEALTHY, 2, "London", "ofsted", True),
        (5, SAFE, 4, "London", "csci", False),
        (5, HEALTHY, 4, "London", "csci", False),
    ],
    columns=["review_id", "area", "grade", "region", "lead_inspectorate", "published"],
)


def test_grade_distribution_overall() -> None:
    result = grade_distribution(GRADES)
    assert result.scale == (1, 2, 3, 4)
    safe, healthy = result.overall
    assert (safe.area, safe.group) == (SAFE, None)
    assert safe.counts == {1: 1, 2: 2, 3: 1, 4: 0}  # the draft review does not count
    assert safe.total == 4
    assert safe.mean == pytest.approx(2.0)
    assert safe.percentages == {1: 25.0, 2: 50.0, 3: 25.0, 4: 0.0}
    assert healthy.counts == {1: 0, 2: 1, 3: 2, 4: 1}
    assert healthy.mean == pytest.approx(3.0)


def test_grade_distribution_by_region_and_lead() -> None:
    result = grade_distribution(GRADES)
    by_region = {(row.area, row.group): row.counts for row in result.by_region}
    assert list(by_region) == [
        (SAFE, "London"),
        (SAFE, "North West"),
        (HEALTHY, "London"),
        (HEALTHY, "North West"),
    ]
    assert by_region[(SAFE, "North West")] == {1: 1, 2: 1, 3: 0, 4: 0}
    assert by_region[(HEALTHY, "London")] == {1: 0, 2: 1, 3: 0, 4: 1}
    by_lead = {(row.area, row.group): (row.total, row.mean) for row in result.by_lead_inspectorate}
    assert by_lead == {
        (SAFE, "csci"): (1, 1.0),
        (SAFE, "ofsted"): (3, pytest.approx(7 / 3)),
        (HEALTHY, "csci"): (1, 3.0),
        (HEALTHY, "ofsted"): (3, 3.0),
    }


def test_grade_distribution_without_a_published_column_counts_every_row() -> None:
    result = grade_distribution(GRADES.drop(columns="published"))
    assert result.overall[0].counts == {1: 1, 2: 2, 3: 1, 4: 1}


def test_grade_distribution_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="region"):
        grade_distribution(GRADES.drop(columns="region"))
    with pytest.raises(ValueError, match="grade 5 is not on the scale 1–4"):
        grade_distribution(GRADES.assign(grade=GRADES["grade"].replace(4, 5)))


def test_grade_distribution_of_nothing() -> None:
    result = grade_distribution(GRADES.iloc[0:0])
    assert result.overall == result.by_region == result.by_lead_inspectorate == []


PROVISIONAL = pd.DataFrame(
    [
        # review, judgement, inspector, grade
        (1, "2.3", "ann", 2), (1, "2.3", "bob", 4),   # spread 2
        (2, "2.3", "ann", 3), (2, "2.3", "cat", 3),   # spread 0
        (1, "1.5", "ann", 2), (1, "1.5", "bob", 3),   # spread 1
        (2, "1.5", "dan", 3), (2, "1.5", "cat", 2), (2, "1.5", "eve", 3),  # spread 1
        (1, "3.6", "bob", 1),                         # one grader: does not count
        (3, "2.10", "ann", 3), (3, "2.10", "bob", 4),  # spread 1
    ],
    columns=["review_id", "judgement", "inspector", "grade"],
)  # fmt: skip


def test_disagreement_by_judgement() -> None:
    rows = disagreement_by_judgement(PROVISIONAL)
    assert [(r.judgement, r.reviews, r.mean_spread, r.max_spread, r.disagreement_rate)
            for r in rows] == [
        ("1.5", 2, 1.0, 1, 1.0),  # mean 1, both reviews disagree
        ("2.10", 1, 1.0, 1, 1.0),  # tie with 1.5 on spread and rate: 1.5 before 2.10
        ("2.3", 2, 1.0, 2, 0.5),  # mean (2 + 0) / 2 = 1, only one review disagrees
    ]  # fmt: skip


def test_disagreement_with_no_multiply_graded_judgement() -> None:
    assert disagreement_by_judgement(PROVISIONAL[PROVISIONAL["judgement"] == "3.6"]) == []


SELF = pd.DataFrame(
    [
        # authority, judgement, self grade, agreed grade
        ("NMB", "2.3", 3, 2),  # +1
        ("NMB", "1.5", 4, 2),  # +2
        ("NMB", "3.6", 3, 3),  # 0
        ("CSB", "2.3", 2, 3),  # -1
        ("CSB", "1.5", 3, 3),  # 0
        ("FVD", "2.3", 3, None),  # no agreed grade yet: left out
    ],
    columns=["authority_code", "judgement", "self_grade", "agreed_grade"],
)


def test_self_evaluation_calibration() -> None:
    result = self_evaluation_calibration(SELF)
    overall = result.overall
    assert (overall.key, overall.n) == ("all", 5)
    assert overall.mean_deviation == pytest.approx(2 / 5)  # (1 + 2 + 0 - 1 + 0) / 5
    assert overall.mean_absolute_deviation == pytest.approx(4 / 5)
    assert (overall.over_rated, overall.under_rated, overall.matched) == (2, 1, 2)
    assert overall.verdict == "over-rates"
    nmb, csb = result.by_authority
    assert (nmb.key, nmb.n, nmb.mean_deviation, nmb.verdict) == ("NMB", 3, 1.0, "over-rates")
    assert (csb.key, csb.n, csb.mean_deviation, csb.verdict) == ("CSB", 2, -0.5, "under-rates")
    by_judgement = [(row.key, row.mean_deviation, row.verdict) for row in result.by_judgement]
    assert by_judgement == [
        ("1.5", 1.0, "over-rates"),  # (2 + 0) / 2
        ("2.3", 0.0, "accurate"),  # (1 - 1) / 2: cancels out …
        ("3.6", 0.0, "accurate"),
    ]
    two_three = result.by_judgement[1]
    assert two_three.mean_absolute_deviation == 1.0  # … which the absolute mean shows


def test_self_evaluation_calibration_on_a_lowest_is_best_scale() -> None:
    result = self_evaluation_calibration(SELF, higher_is_better=False)
    assert result.overall.mean_deviation == pytest.approx(-2 / 5)
    assert result.overall.verdict == "under-rates"


def test_self_evaluation_calibration_with_no_comparable_grades() -> None:
    result = self_evaluation_calibration(SELF[SELF["authority_code"] == "FVD"])
    assert result.overall.n == 0
    assert result.overall.mean_deviation is None
    assert result.overall.verdict == "insufficient data"
    assert result.by_authority == result.by_judgement == []
