"""Tests for inspect_app.domain.agreement: hand-worked grading and reconciliation statistics."""

from __future__ import annotations

import math
import random

import krippendorff
import numpy as np
import pytest

from inspect_app.domain.agreement import (
    ALPHA_ALL_IDENTICAL,
    ALPHA_FEWER_THAN_TWO_GRADERS,
    ALPHA_NO_PAIRABLE_VALUES,
    FLAG_INSPECTORATES_DIFFER,
    FLAG_SPREAD,
    VERDICT_ACCURATE,
    VERDICT_INSUFFICIENT_DATA,
    VERDICT_OVER_RATES,
    VERDICT_UNDER_RATES,
    AgreementStats,
    CalibrationRow,
    GraderGrade,
    InspectorateCalibrationRow,
    JudgementGrades,
    agreement,
    agreement_by_area,
    derive_area_grade,
    grader_calibration,
    inspectorate_calibration,
    judgement_summary,
    order_for_discussion,
    self_assessment_calibration,
)

SCALE = (1, 2, 3, 4)
OFSTED = "ofsted"
CSCI = "csci"
HC = "healthcare_commission"

# Fictional graders: id -> inspectorate.
INSPECTORATE_OF = {1: OFSTED, 2: CSCI, 3: HC, 4: OFSTED}


def jg(
    judgement_id: str,
    grades: dict[int, int],
    *,
    area: str = "staying_safe",
    self_grade: int | None = None,
    agreed_grade: int | None = None,
) -> JudgementGrades:
    """Build a JudgementGrades from {grader_id: grade}."""
    return JudgementGrades(
        judgement_id=judgement_id,
        area=area,
        grades=tuple(
            GraderGrade(grader_id=g, inspectorate=INSPECTORATE_OF[g], grade=v)
            for g, v in grades.items()
        ),
        self_grade=self_grade,
        agreed_grade=agreed_grade,
    )


def from_matrix(rows: list[list[float]]) -> list[JudgementGrades]:
    """graders x judgements (nan = missing) -> JudgementGrades, grader ids 1, 2, 3..."""
    out = []
    for col in range(len(rows[0])):
        grades = {
            r + 1: int(rows[r][col]) for r in range(len(rows)) if not math.isnan(rows[r][col])
        }
        out.append(jg(f"j{col}", grades))
    return out


def reference_alpha(rows: list[list[float]]) -> float:
    return float(
        krippendorff.alpha(
            reliability_data=np.array(rows, dtype=float),
            level_of_measurement="ordinal",
            value_domain=list(SCALE),
        )
    )


# ---------------------------------------------------------------------------
# Data classes
# ---------------------------------------------------------------------------


def test_dataclasses_are_frozen_and_reject_duplicate_graders():
    g = GraderGrade(1, OFSTED, 3)
    with pytest.raises(AttributeError):
        g.grade = 4  # type: ignore[misc]
    with pytest.raises(ValueError, match="more than once"):
        JudgementGrades("2.3", "staying_safe", (g, GraderGrade(1, OFSTED, 2)))
    with pytest.raises(TypeError):
        GraderGrade(1, OFSTED, 2.5)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------
# Krippendorff's alpha and pairwise agreement
# ---------------------------------------------------------------------------


def test_alpha_worked_by_hand_tiny_ordinal_dataset():
    # Two graders, three judgements:   j1  j2  j3
    #                        grader A:  1   2   3
    #                        grader B:  1   3   3
    # Pairable values: 1,1 | 2,3 | 3,3 -> n_1 = 2, n_2 = 1, n_3 = 3, n = 6.
    # Coincidence matrix o (each unit has m = 2 values, so each ordered pair adds 1/(m-1) = 1):
    #          1  2  3
    #     1 [  2  0  0 ]
    #     2 [  0  0  1 ]
    #     3 [  0  1  2 ]
    # Ordinal distance d(c,k) = (sum_{g=c..k} n_g - (n_c + n_k)/2)^2:
    #     d(1,2) = (2+1   - 3/2)^2 = 1.5^2 =  2.25
    #     d(2,3) = (1+3   - 4/2)^2 = 2^2   =  4
    #     d(1,3) = (2+1+3 - 5/2)^2 = 3.5^2 = 12.25
    # Observed:  sum o_ck d_ck               = o_23 d_23 + o_32 d_32 = 2 * 4 = 8
    # Expected:  sum_{c!=k} n_c n_k d_ck     = 2 * (2*1*2.25 + 2*3*12.25 + 1*3*4)
    #                                        = 2 * (4.5 + 73.5 + 12) = 180
    # alpha = 1 - (n - 1) * observed / expected = 1 - 5 * 8 / 180 = 7/9
    judgements = [jg("1.1", {1: 1, 2: 1}), jg("1.2", {1: 2, 2: 3}), jg("1.3", {1: 3, 2: 3})]
    stats = agreement(judgements, SCALE)
    assert stats.alpha == pytest.approx(7 / 9)
    assert stats.alpha_message is None
    assert stats.exact_agreement == pytest.approx(2 / 3)
    assert stats.within_one == pytest.approx(1.0)
    assert (stats.pairs, stats.judgements_compared, stats.graders) == (3, 3, 2)


def test_perfect_agreement_with_variation_gives_alpha_one():
    judgements = [jg("2.1", {1: 1, 2: 1}), jg("2.2", {1: 3, 2: 3}), jg("2.3", {1: 4, 2: 4})]
    stats = agreement(judgements, SCALE)
    assert stats.alpha == pytest.approx(1.0)
    assert stats.alpha_message is None
    assert stats.exact_agreement == 1.0
    assert stats.within_one == 1.0
    assert stats.pairs == 3


def test_systematic_disagreement_one_grade_apart():
    # Grader A is always exactly one grade above grader B.
    rows = [[2, 3, 4, 3], [1, 2, 3, 2]]
    # By hand: pairable values n_1 = 1, n_2 = 3, n_3 = 3, n_4 = 1, n = 8.
    # o_12 = o_21 = 1, o_23 = o_32 = 2, o_34 = o_43 = 1.
    # d(1,2) = (4/2)^2 = 4, d(2,3) = (6/2)^2 = 9, d(3,4) = (4/2)^2 = 4,
    # d(1,3) = (7 - 2)^2 = 25, d(2,4) = (7 - 2)^2 = 25, d(1,4) = (8 - 1)^2 = 49.
    # observed = 2 * (1*4 + 2*9 + 1*4) = 52
    # expected = 2 * (1*3*4 + 1*3*25 + 1*1*49 + 3*3*9 + 3*1*25 + 3*1*4) = 2 * 304 = 608
    # alpha = 1 - 7 * 52 / 608 = 244 / 608
    stats = agreement(from_matrix(rows), SCALE)
    assert stats.alpha == pytest.approx(244 / 608)
    assert stats.alpha == pytest.approx(reference_alpha(rows))
    assert stats.exact_agreement == 0.0
    assert stats.within_one == 1.0
    assert stats.pairs == 4
    assert stats.judgements_compared == 4


def test_missing_data():
    nan = math.nan
    # graders x judgements; judgement j3 has one grade only, so it is not pairable.
    rows = [
        [3, 2, 4, 1],
        [3, nan, 4, nan],
        [nan, 3, 4, nan],
    ]
    # Pairable values: (3,3) | (2,3) | (4,4,4) -> n_2 = 1, n_3 = 3, n_4 = 3, n = 7.
    # o_33 = 2, o_23 = o_32 = 1, o_44 = 6 ordered pairs * 1/(3-1) = 3.
    # d(2,3) = (4/2)^2 = 4, d(3,4) = (6/2)^2 = 9, d(2,4) = (7 - 2)^2 = 25.
    # observed = 2 * 1 * 4 = 8; expected = 2 * (1*3*4 + 1*3*25 + 3*3*9) = 336
    # alpha = 1 - 6 * 8 / 336 = 6/7
    stats = agreement(from_matrix(rows), SCALE)
    assert stats.alpha == pytest.approx(6 / 7)
    assert stats.alpha == pytest.approx(reference_alpha(rows))
    # Pairs: j0 one pair (equal), j1 one pair (differ by 1), j2 three pairs (equal).
    assert stats.pairs == 5
    assert stats.exact_agreement == pytest.approx(4 / 5)
    assert stats.within_one == pytest.approx(1.0)
    assert stats.judgements_compared == 3
    assert stats.graders == 3


def test_judgements_without_grades_are_harmless():
    judgements = [*from_matrix([[1, 3], [2, 3]]), jg("empty", {})]
    assert agreement(judgements, SCALE) == agreement(judgements[:2], SCALE)


def test_one_grader_only():
    stats = agreement([jg("2.1", {1: 3}), jg("2.2", {1: 2})], SCALE)
    assert stats.alpha is None
    assert stats.alpha_message == ALPHA_FEWER_THAN_TWO_GRADERS
    assert stats.exact_agreement is None
    assert stats.within_one is None
    assert (stats.pairs, stats.judgements_compared, stats.graders) == (0, 0, 1)


def test_no_judgements_at_all():
    stats = agreement([], SCALE)
    assert stats == AgreementStats(
        alpha=None,
        alpha_message=ALPHA_FEWER_THAN_TWO_GRADERS,
        exact_agreement=None,
        within_one=None,
        pairs=0,
        judgements_compared=0,
        graders=0,
    )


def test_no_overlap_between_graders():
    stats = agreement([jg("2.1", {1: 3}), jg("2.2", {2: 1}), jg("2.3", {3: 4})], SCALE)
    assert stats.alpha is None
    assert stats.alpha_message == ALPHA_NO_PAIRABLE_VALUES
    assert stats.pairs == 0
    assert stats.exact_agreement is None
    assert stats.graders == 3


def test_all_identical_grades_alpha_undefined_not_nan():
    # Decision: with no variation the expected disagreement is 0 and alpha is 0/0. We report
    # None with a message (not 1.0), while exact agreement shows the agreement is perfect.
    stats = agreement([jg("2.1", {1: 3, 2: 3}), jg("2.2", {1: 3, 2: 3, 3: 3})], SCALE)
    assert stats.alpha is None
    assert stats.alpha_message == ALPHA_ALL_IDENTICAL
    assert stats.exact_agreement == 1.0
    assert stats.within_one == 1.0
    assert stats.pairs == 4


def test_identical_pairable_grades_ignore_unpaired_ones():
    # The lone grade 1 on 2.2 is not pairable, so it does not rescue alpha.
    stats = agreement([jg("2.1", {1: 3, 2: 3}), jg("2.2", {3: 1})], SCALE)
    assert stats.alpha is None
    assert stats.alpha_message == ALPHA_ALL_IDENTICAL


def test_grade_off_the_scale_or_bad_scale_is_an_error():
    with pytest.raises(ValueError, match="not on the scale"):
        agreement([jg("2.1", {1: 5, 2: 3})], SCALE)
    with pytest.raises(ValueError, match="two distinct"):
        agreement([jg("2.1", {1: 3, 2: 3})], [3])


def test_scale_order_does_not_matter_for_alpha():
    judgements = from_matrix([[2, 3, 4, 3], [1, 2, 3, 2]])
    assert agreement(judgements, [4, 3, 2, 1]) == agreement(judgements, SCALE)


def test_alpha_is_never_nan_and_matches_krippendorff_on_random_data():
    rng = random.Random(20051)
    for _ in range(300):
        n_graders = rng.randint(1, 4)
        n_judgements = rng.randint(1, 5)
        rows = [
            [
                math.nan if rng.random() < 0.35 else float(rng.choice(SCALE))
                for _ in range(n_judgements)
            ]
            for _ in range(n_graders)
        ]
        stats = agreement(from_matrix(rows), SCALE)
        if stats.alpha is None:
            assert stats.alpha_message
        else:
            assert stats.alpha_message is None
            assert math.isfinite(stats.alpha)
            assert stats.alpha == pytest.approx(reference_alpha(rows))


def test_agreement_by_area_keeps_first_appearance_order():
    judgements = [
        jg("2.1", {1: 3, 2: 3}, area="staying_safe"),
        jg("1.1", {1: 1, 2: 2}, area="being_healthy"),
        jg("2.2", {1: 4, 2: 2}, area="staying_safe"),
        jg("1.2", {1: 2}, area="being_healthy"),
    ]
    by_area = agreement_by_area(judgements, SCALE)
    assert list(by_area) == ["staying_safe", "being_healthy"]
    safe = by_area["staying_safe"]
    assert (safe.pairs, safe.exact_agreement, safe.within_one) == (2, 0.5, 0.5)
    healthy = by_area["being_healthy"]
    assert (healthy.pairs, healthy.exact_agreement, healthy.within_one) == (1, 0.0, 1.0)
    assert healthy.judgements_compared == 1
    overall = agreement(judgements, SCALE)
    assert overall.pairs == 3
    assert overall.exact_agreement == pytest.approx(1 / 3)


# ---------------------------------------------------------------------------
# Judgement summaries and flags
# ---------------------------------------------------------------------------


def test_summary_spread_of_two_is_flagged():
    s = judgement_summary(jg("2.3", {1: 1, 4: 3, 2: 2}))
    assert (s.count, s.median, s.spread, s.min, s.max) == (3, 2.0, 2, 1, 3)
    assert s.inspectorate_medians == {OFSTED: 2.0, CSCI: 2.0}
    assert s.flags == (FLAG_SPREAD,)
    assert s.flag_messages == ("Grades span 2 grade points (1 to 3)",)
    assert s.needs_discussion


def test_summary_inspectorate_medians_differ():
    s = judgement_summary(jg("2.3", {1: 3, 2: 2}))
    assert s.spread == 1
    assert s.median == 2.5
    assert s.inspectorate_medians == {OFSTED: 3.0, CSCI: 2.0}
    assert s.flags == (FLAG_INSPECTORATES_DIFFER,)
    assert s.flag_messages == ("Inspectorate medians differ: Ofsted 3, CSCI 2",)
    assert s.needs_discussion


def test_summary_custom_labels_and_half_medians():
    s = judgement_summary(jg("2.3", {1: 3, 4: 2, 2: 2}), label=str.upper)
    assert s.inspectorate_medians == {OFSTED: 2.5, CSCI: 2.0}
    assert s.flag_messages == ("Inspectorate medians differ: OFSTED 2.5, CSCI 2",)


def test_summary_both_flags():
    s = judgement_summary(jg("2.3", {1: 4, 2: 1}))
    assert s.flags == (FLAG_SPREAD, FLAG_INSPECTORATES_DIFFER)
    assert s.flag_messages == (
        "Grades span 3 grade points (1 to 4)",
        "Inspectorate medians differ: Ofsted 4, CSCI 1",
    )


def test_summary_neither_flag():
    s = judgement_summary(jg("2.3", {1: 3, 4: 3, 2: 3, 3: 3}))
    assert s.flags == ()
    assert s.flag_messages == ()
    assert not s.needs_discussion
    s = judgement_summary(jg("2.3", {1: 2, 4: 3}))  # one inspectorate, spread 1
    assert s.flags == ()
    s = judgement_summary(jg("2.3", {1: 2, 4: 3, 2: 3, 3: 2}))  # medians 2.5, 3, 2 differ
    assert s.flags == (FLAG_INSPECTORATES_DIFFER,)


def test_summary_of_ungraded_judgement():
    s = judgement_summary(jg("2.3", {}))
    assert (s.count, s.median, s.spread, s.min, s.max) == (0, None, None, None, None)
    assert s.inspectorate_medians == {}
    assert not s.needs_discussion


def test_order_for_discussion():
    summaries = [
        judgement_summary(jg("a", {1: 3, 2: 3})),  # no flag
        judgement_summary(jg("b", {1: 3, 2: 2})),  # differ, spread 1
        judgement_summary(jg("c", {1: 1, 4: 3})),  # spread 2
        judgement_summary(jg("d", {1: 2})),  # no flag
        judgement_summary(jg("e", {1: 1, 2: 4})),  # spread 3 + differ
        judgement_summary(jg("f", {1: 4, 2: 3})),  # differ, spread 1
    ]
    ordered = order_for_discussion(summaries)
    assert [s.judgement_id for s in ordered] == ["e", "c", "b", "f", "a", "d"]
    assert order_for_discussion([]) == []


# ---------------------------------------------------------------------------
# Calibration
# ---------------------------------------------------------------------------


CALIBRATION_DATA = [
    # grader 1 (Ofsted): +1, +1, 0 ; grader 2 (CSCI): -1, 0 ; grader 4 (Ofsted): -1
    jg("2.1", {1: 4, 2: 2}, self_grade=4, agreed_grade=3),
    jg("2.2", {1: 3, 2: 2, 4: 1}, self_grade=3, agreed_grade=2),
    jg("2.3", {1: 2}, self_grade=2, agreed_grade=2),
    jg("2.4", {1: 1, 3: 2}, self_grade=4),  # no agreed grade yet: ignored
]


def test_grader_calibration():
    rows = grader_calibration(CALIBRATION_DATA)
    assert rows == [
        CalibrationRow(1, OFSTED, 3, pytest.approx(2 / 3), pytest.approx(2 / 3)),
        CalibrationRow(2, CSCI, 2, pytest.approx(-0.5), pytest.approx(0.5)),
        CalibrationRow(4, OFSTED, 1, -1.0, 1.0),
        CalibrationRow(3, HC, 0, None, None),
    ]


def test_inspectorate_calibration():
    rows = inspectorate_calibration(CALIBRATION_DATA)
    # Ofsted deviations: +1, +1, 0, -1 -> mean 0.25, mean absolute 0.75, two graders.
    assert rows == [
        InspectorateCalibrationRow(OFSTED, 2, 4, 0.25, 0.75),
        InspectorateCalibrationRow(CSCI, 1, 2, -0.5, 0.5),
        InspectorateCalibrationRow(HC, 0, 0, None, None),
    ]


def test_self_assessment_over_rates():
    cal = self_assessment_calibration(CALIBRATION_DATA)
    # self - agreed: +1, +1, 0 -> mean 2/3
    assert cal.n == 3
    assert cal.mean_deviation == pytest.approx(2 / 3)
    assert cal.mean_absolute_deviation == pytest.approx(2 / 3)
    assert (cal.over_rated, cal.under_rated, cal.matched) == (2, 0, 1)
    assert cal.verdict == VERDICT_OVER_RATES


def test_self_assessment_under_rates_and_accurate():
    under = self_assessment_calibration(
        [jg("1", {}, self_grade=2, agreed_grade=3), jg("2", {}, self_grade=3, agreed_grade=3)]
    )
    assert under.mean_deviation == -0.5
    assert (under.over_rated, under.under_rated, under.matched) == (0, 1, 1)
    assert under.verdict == VERDICT_UNDER_RATES

    # Mean deviation 0.2 (< 0.25): accurate even though one grade was over-rated.
    accurate = self_assessment_calibration(
        [jg(str(i), {}, self_grade=3, agreed_grade=3) for i in range(4)]
        + [jg("x", {}, self_grade=4, agreed_grade=3)]
    )
    assert accurate.mean_deviation == pytest.approx(0.2)
    assert accurate.verdict == VERDICT_ACCURATE

    # Exactly 0.25 is not "accurate": the threshold is strict.
    boundary = self_assessment_calibration(
        [jg(str(i), {}, self_grade=3, agreed_grade=3) for i in range(3)]
        + [jg("x", {}, self_grade=4, agreed_grade=3)]
    )
    assert boundary.mean_deviation == 0.25
    assert boundary.verdict == VERDICT_OVER_RATES


def test_self_assessment_without_data():
    cal = self_assessment_calibration([jg("1", {1: 3}, self_grade=3), jg("2", {}, agreed_grade=2)])
    assert cal.n == 0
    assert cal.mean_deviation is None
    assert cal.mean_absolute_deviation is None
    assert (cal.over_rated, cal.under_rated, cal.matched) == (0, 0, 0)
    assert cal.verdict == VERDICT_INSUFFICIENT_DATA


def test_calibration_when_lowest_is_best():
    # On a scale where 1 is best, a self-grade of 1 against an agreed 2 is over-rating, and a
    # grader giving 1 against an agreed 2 is being generous (positive deviation).
    data = [
        jg("a", {1: 1, 2: 3}, self_grade=1, agreed_grade=2),
        jg("b", {1: 2, 2: 3}, self_grade=1, agreed_grade=2),
    ]
    cal = self_assessment_calibration(data, higher_is_better=False)
    assert cal.mean_deviation == 1.0
    assert cal.over_rated == 2
    assert cal.verdict == VERDICT_OVER_RATES
    assert self_assessment_calibration(data).verdict == VERDICT_UNDER_RATES

    rows = grader_calibration(data, higher_is_better=False)
    assert [(r.grader_id, r.mean_deviation, r.mean_absolute_deviation) for r in rows] == [
        (1, 0.5, 0.5),
        (2, -1.0, 1.0),
    ]
    insp = inspectorate_calibration(data, higher_is_better=False)
    assert [(r.inspectorate, r.mean_deviation) for r in insp] == [(OFSTED, 0.5), (CSCI, -1.0)]


# ---------------------------------------------------------------------------
# derive_area_grade
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("grades", "rule", "expected"),
    [
        # rounded_median: odd count, even count with halfway median rounded to the worse grade,
        # even count whose middle values are two apart (median is a whole grade).
        ([3, 1, 4], "rounded_median", 3),
        ([2, 3], "rounded_median", 2),
        ([1, 2, 3, 4], "rounded_median", 2),
        ([2, 4], "rounded_median", 3),
        ([4, 4, 3, 3], "rounded_median", 3),
        ([3], "rounded_median", 3),
        # lower_median: the worse of the two middle values.
        ([3, 1, 4], "lower_median", 3),
        ([2, 4], "lower_median", 2),
        ([1, 2, 3, 4], "lower_median", 2),
        ([3, 3, 4, 4], "lower_median", 3),
        # mode: most common, tie -> worse.
        ([3, 3, 2, 4], "mode", 3),
        ([4, 4, 2, 2, 3], "mode", 2),
        ([1, 4], "mode", 1),
        ([4, 4, 4, 1, 1], "mode", 4),
    ],
)
def test_derive_area_grade(grades, rule, expected):
    assert derive_area_grade(grades, rule) == expected


@pytest.mark.parametrize(
    ("grades", "rule", "expected"),
    [
        ([2, 3], "rounded_median", 3),
        ([2, 4], "rounded_median", 3),
        ([1, 2, 3, 4], "rounded_median", 3),
        ([2, 4], "lower_median", 4),
        ([1, 2, 3, 4], "lower_median", 3),
        ([4, 4, 2, 2, 3], "mode", 4),
        ([1, 4], "mode", 4),
        ([1, 1, 4], "mode", 1),
    ],
)
def test_derive_area_grade_lowest_is_best(grades, rule, expected):
    assert derive_area_grade(grades, rule, higher_is_better=False) == expected


@pytest.mark.parametrize("rule", ["rounded_median", "lower_median", "mode"])
def test_derive_area_grade_empty(rule):
    assert derive_area_grade([], rule) is None


def test_derive_area_grade_unknown_rule():
    with pytest.raises(ValueError, match="unknown rule"):
        derive_area_grade([1, 2], "mean")
    with pytest.raises(ValueError, match="unknown rule"):
        derive_area_grade([], "mean")


def test_derive_area_grade_returns_int():
    result = derive_area_grade([2, 3], "rounded_median")
    assert type(result) is int
