"""Statistics behind joint grading and reconciliation.

Several inspectors (graders), each from an inspectorate, grade the same judgements on an
ordinal scale (1-4, 4 best, in a JAR). Some graders leave some judgements ungraded. The lead
inspector then reconciles the grades and records an agreed grade; the authority's
self-assessment supplies a self-grade. This module turns those grades into:

* per-judgement summaries with flags for the moderation meeting (:func:`judgement_summary`,
  :func:`order_for_discussion`);
* inter-rater agreement: Krippendorff's alpha at the ordinal level plus plain pairwise
  percentages (:func:`agreement`, :func:`agreement_by_area`);
* calibration against the agreed grades, per grader, per inspectorate and for the
  authority's self-assessment (:func:`grader_calibration`, :func:`inspectorate_calibration`,
  :func:`self_assessment_calibration`);
* a suggested area grade from a set of grades by a named rule (:func:`derive_area_grade`).

Direction of the scale: anything that depends on which end of the scale is "better" takes a
``higher_is_better`` argument (``True`` for the JAR 1-4 scale). Krippendorff's ordinal alpha,
spreads and pairwise agreement do not depend on the direction.

Pure Python (plus numpy and krippendorff): no Flask or database imports.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations

import krippendorff
import numpy as np

from inspect_app.domain.inspectorates import Inspectorate

__all__ = [
    "ACCURATE_THRESHOLD",
    "ALPHA_ALL_IDENTICAL",
    "ALPHA_FEWER_THAN_TWO_GRADERS",
    "ALPHA_NOT_COMPUTABLE",
    "ALPHA_NO_PAIRABLE_VALUES",
    "AREA_GRADE_RULES",
    "FLAG_INSPECTORATES_DIFFER",
    "FLAG_SPREAD",
    "SPREAD_THRESHOLD",
    "VERDICT_ACCURATE",
    "VERDICT_INSUFFICIENT_DATA",
    "VERDICT_OVER_RATES",
    "VERDICT_UNDER_RATES",
    "AgreementStats",
    "CalibrationRow",
    "GraderGrade",
    "InspectorateCalibrationRow",
    "JudgementGrades",
    "JudgementSummary",
    "SelfCalibration",
    "agreement",
    "agreement_by_area",
    "default_inspectorate_label",
    "derive_area_grade",
    "grader_calibration",
    "inspectorate_calibration",
    "judgement_summary",
    "order_for_discussion",
    "self_assessment_calibration",
]

FLAG_SPREAD = "spread"
FLAG_INSPECTORATES_DIFFER = "inspectorates_differ"

SPREAD_THRESHOLD = 2
"""Grades spanning this many grade points or more (max - min) are flagged for discussion."""

ALPHA_FEWER_THAN_TWO_GRADERS = "Fewer than two graders: alpha needs at least two"
ALPHA_NO_PAIRABLE_VALUES = (
    "No judgement was graded by two or more graders, so there are no pairable values"
)
ALPHA_ALL_IDENTICAL = "All grades are identical: agreement is perfect but alpha is undefined"
ALPHA_NOT_COMPUTABLE = "Alpha could not be computed from these grades"

ACCURATE_THRESHOLD = 0.25
"""A self-assessment whose mean deviation from the agreed grades is strictly smaller than this
(in absolute value) is judged "accurate"."""

VERDICT_OVER_RATES = "over-rates"
VERDICT_UNDER_RATES = "under-rates"
VERDICT_ACCURATE = "accurate"
VERDICT_INSUFFICIENT_DATA = "insufficient data"

AREA_GRADE_RULES: tuple[str, ...] = ("rounded_median", "lower_median", "mode")


# ---------------------------------------------------------------------------
# Input data
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class GraderGrade:
    """One grader's grade for one judgement.

    ``inspectorate`` is the grader's inspectorate code (e.g. ``"ofsted"``); ``grade`` is a
    point on the review's ordinal scale.
    """

    grader_id: int
    inspectorate: str
    grade: int

    def __post_init__(self) -> None:
        if isinstance(self.grade, bool) or not isinstance(self.grade, int):
            raise TypeError(f"grade must be an int, not {self.grade!r}")


@dataclass(frozen=True)
class JudgementGrades:
    """All grades for one judgement (a key judgement such as "2.3", or an area judgement).

    ``area`` groups judgements for :func:`agreement_by_area` (e.g. the outcome "staying safe").
    ``grades`` holds at most one grade per grader; graders who did not grade the judgement are
    simply absent. ``self_grade`` is the authority's own grade and ``agreed_grade`` the grade
    recorded by the lead inspector after reconciliation; either may be missing.
    """

    judgement_id: str
    area: str
    grades: tuple[GraderGrade, ...]
    self_grade: int | None = None
    agreed_grade: int | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.grades, tuple):
            # Keep the dataclass hashable and immutable even if a list was passed in.
            object.__setattr__(self, "grades", tuple(self.grades))
        seen: set[int] = set()
        for g in self.grades:
            if g.grader_id in seen:
                raise ValueError(
                    f"grader {g.grader_id} graded judgement {self.judgement_id!r} more than once"
                )
            seen.add(g.grader_id)

    @property
    def values(self) -> tuple[int, ...]:
        """The grades alone, in the order given."""
        return tuple(g.grade for g in self.grades)


# ---------------------------------------------------------------------------
# Per-judgement summary and flags
# ---------------------------------------------------------------------------


def default_inspectorate_label(code: str) -> str:
    """Short label for an inspectorate code ("ofsted" -> "Ofsted"); unknown codes unchanged."""
    try:
        return Inspectorate(code).short_label
    except ValueError:
        return code


def _format_grade(value: float) -> str:
    """3.0 -> "3", 2.5 -> "2.5"."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


@dataclass(frozen=True)
class JudgementSummary:
    """Descriptive statistics and moderation flags for one judgement.

    ``median``, ``spread``, ``min`` and ``max`` are ``None`` when nobody graded the judgement.
    ``inspectorate_medians`` maps inspectorate code to the median of its graders' grades, in
    order of first appearance. ``flags`` holds codes (:data:`FLAG_SPREAD`,
    :data:`FLAG_INSPECTORATES_DIFFER`); ``flag_messages`` the matching human-readable text.
    """

    judgement_id: str
    area: str
    count: int
    median: float | None
    spread: int | None
    min: int | None
    max: int | None
    inspectorate_medians: dict[str, float] = field(hash=False)
    flags: tuple[str, ...] = ()
    flag_messages: tuple[str, ...] = ()

    @property
    def needs_discussion(self) -> bool:
        """True when any flag is raised."""
        return bool(self.flags)


def judgement_summary(
    j: JudgementGrades,
    label: Callable[[str], str] | None = None,
    spread_threshold: int = SPREAD_THRESHOLD,
) -> JudgementSummary:
    """Summarise one judgement's grades and flag what the team should discuss.

    Flags:

    * ``"spread"`` when the grades span ``spread_threshold`` (default 2) or more grade points
      (max - min >= 2), e.g. "Grades span 2 grade points (1 to 3)";
    * ``"inspectorates_differ"`` when at least two inspectorates graded the judgement and their
      medians (median of each inspectorate's graders) are not all equal, e.g.
      "Inspectorate medians differ: Ofsted 3, CSCI 2".

    ``label`` turns an inspectorate code into display text for the messages; by default the
    short label of a known :class:`Inspectorate` (otherwise the code itself).
    """
    label = label or default_inspectorate_label
    values = j.values
    by_inspectorate: dict[str, list[int]] = {}
    for g in j.grades:
        by_inspectorate.setdefault(g.inspectorate, []).append(g.grade)
    inspectorate_medians = {
        code: float(statistics.median(grades)) for code, grades in by_inspectorate.items()
    }

    if values:
        lo, hi = min(values), max(values)
        median: float | None = float(statistics.median(values))
        spread: int | None = hi - lo
    else:
        lo = hi = spread = None
        median = None

    flags: list[str] = []
    messages: list[str] = []
    if spread is not None and spread >= spread_threshold:
        flags.append(FLAG_SPREAD)
        messages.append(f"Grades span {spread} grade points ({lo} to {hi})")
    if len(set(inspectorate_medians.values())) > 1:
        flags.append(FLAG_INSPECTORATES_DIFFER)
        detail = ", ".join(
            f"{label(code)} {_format_grade(m)}" for code, m in inspectorate_medians.items()
        )
        messages.append(f"Inspectorate medians differ: {detail}")

    return JudgementSummary(
        judgement_id=j.judgement_id,
        area=j.area,
        count=len(values),
        median=median,
        spread=spread,
        min=lo,
        max=hi,
        inspectorate_medians=inspectorate_medians,
        flags=tuple(flags),
        flag_messages=tuple(messages),
    )


def order_for_discussion(summaries: Iterable[JudgementSummary]) -> list[JudgementSummary]:
    """Order summaries for the moderation meeting.

    Flagged judgements come first, largest spread first (ties keep their original order); the
    unflagged ones follow in their original order.
    """
    items = list(summaries)
    flagged = [s for s in items if s.needs_discussion]
    rest = [s for s in items if not s.needs_discussion]
    flagged.sort(key=lambda s: -(s.spread or 0))  # list.sort is stable
    return flagged + rest


# ---------------------------------------------------------------------------
# Inter-rater agreement
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AgreementStats:
    """Agreement among graders over a set of judgements.

    * ``alpha``: Krippendorff's alpha at the ordinal level, or ``None`` when it is undefined,
      in which case ``alpha_message`` says why (it is ``None`` whenever ``alpha`` is a
      number). Never NaN.
    * ``exact_agreement`` / ``within_one``: the share of grader pairs on the same judgement
      (both graders graded it) whose grades are equal / differ by at most one grade point;
      ``None`` when there are no such pairs. Every pair counts once, so a judgement graded
      by four graders contributes six pairs (unlike alpha, which weights each judgement by
      1 / (graders - 1)).
    * ``pairs``: the number of such pairs; ``judgements_compared``: judgements with two or
      more grades; ``graders``: distinct graders who graded at least one judgement.
    """

    alpha: float | None
    alpha_message: str | None
    exact_agreement: float | None
    within_one: float | None
    pairs: int
    judgements_compared: int
    graders: int


def _check_scale(scale_values: Sequence[int]) -> list[int]:
    scale = sorted(set(scale_values))
    if len(scale) < 2:
        raise ValueError("scale_values must contain at least two distinct values")
    return scale


def agreement(judgements: Sequence[JudgementGrades], scale_values: Sequence[int]) -> AgreementStats:
    """Inter-rater agreement over ``judgements`` on a scale with values ``scale_values``.

    Alpha is computed with ``krippendorff.alpha(level_of_measurement="ordinal")`` on a
    graders x judgements matrix with ``nan`` for missing grades, and ``value_domain`` set to
    the scale values in ascending order (ordinal alpha does not depend on which end is best).
    Alpha is reported as ``None`` with an explanatory ``alpha_message`` when:

    * fewer than two graders graded anything (:data:`ALPHA_FEWER_THAN_TWO_GRADERS`);
    * no judgement was graded by two or more graders (:data:`ALPHA_NO_PAIRABLE_VALUES`);
    * every pairable grade (a grade on a judgement that at least one other grader also
      graded) is the same value. The expected disagreement is then zero and alpha is 0/0.
      Agreement is perfect, but we deliberately report ``None`` rather than 1.0, because the
      data cannot distinguish reliable grading from a grader who always gives the same grade
      (:data:`ALPHA_ALL_IDENTICAL`). ``exact_agreement`` is 1.0 in that case.

    Raises ``ValueError`` if ``scale_values`` has fewer than two distinct values or a grade
    lies outside it.
    """
    scale = _check_scale(scale_values)
    allowed = set(scale)
    grader_ids: list[int] = []
    seen_graders: set[int] = set()
    for j in judgements:
        for g in j.grades:
            if g.grade not in allowed:
                raise ValueError(
                    f"grade {g.grade} for judgement {j.judgement_id!r} is not on the scale {scale}"
                )
            if g.grader_id not in seen_graders:
                seen_graders.add(g.grader_id)
                grader_ids.append(g.grader_id)

    pairs = exact = within = 0
    compared = 0
    pairable_values: set[int] = set()
    for j in judgements:
        values = j.values
        if len(values) < 2:
            continue
        compared += 1
        pairable_values.update(values)
        for a, b in combinations(values, 2):
            pairs += 1
            exact += a == b
            within += abs(a - b) <= 1

    alpha, message = _alpha(judgements, grader_ids, scale, compared, pairable_values)
    return AgreementStats(
        alpha=alpha,
        alpha_message=message,
        exact_agreement=exact / pairs if pairs else None,
        within_one=within / pairs if pairs else None,
        pairs=pairs,
        judgements_compared=compared,
        graders=len(grader_ids),
    )


def _alpha(
    judgements: Sequence[JudgementGrades],
    grader_ids: list[int],
    scale: list[int],
    compared: int,
    pairable_values: set[int],
) -> tuple[float | None, str | None]:
    # Check every degenerate case before calling krippendorff, which would raise (no pairable
    # values) or divide by zero and return nan with a RuntimeWarning (no variation).
    if len(grader_ids) < 2:
        return None, ALPHA_FEWER_THAN_TWO_GRADERS
    if compared == 0:
        return None, ALPHA_NO_PAIRABLE_VALUES
    if len(pairable_values) < 2:
        return None, ALPHA_ALL_IDENTICAL

    row = {grader_id: i for i, grader_id in enumerate(grader_ids)}
    matrix = np.full((len(grader_ids), len(judgements)), np.nan, dtype=float)
    for col, j in enumerate(judgements):
        for g in j.grades:
            matrix[row[g.grader_id], col] = g.grade
    value = float(
        krippendorff.alpha(
            reliability_data=matrix,
            level_of_measurement="ordinal",
            value_domain=scale,
        )
    )
    if not math.isfinite(value):  # defensive: should be unreachable after the checks above
        return None, ALPHA_NOT_COMPUTABLE
    return value, None


def agreement_by_area(
    judgements: Sequence[JudgementGrades], scale_values: Sequence[int]
) -> dict[str, AgreementStats]:
    """:func:`agreement` for each area, keyed by area in order of first appearance.

    For the overall figure call :func:`agreement` on all the judgements.
    """
    by_area: dict[str, list[JudgementGrades]] = {}
    for j in judgements:
        by_area.setdefault(j.area, []).append(j)
    return {area: agreement(items, scale_values) for area, items in by_area.items()}


# ---------------------------------------------------------------------------
# Calibration against agreed grades
# ---------------------------------------------------------------------------


def _deviation(grade: int, agreed: int, higher_is_better: bool) -> int:
    """Signed distance of ``grade`` from ``agreed``: positive means ``grade`` is better."""
    return grade - agreed if higher_is_better else agreed - grade


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


@dataclass(frozen=True)
class CalibrationRow:
    """How one grader's grades compare with the agreed grades.

    ``n`` counts judgements with both this grader's grade and an agreed grade.
    ``mean_deviation`` is the mean of (grade - agreed) measured towards the better end of the
    scale: positive means the grader was more generous than the team, negative harsher.
    Both means are ``None`` when ``n`` is 0.
    """

    grader_id: int
    inspectorate: str
    n: int
    mean_deviation: float | None
    mean_absolute_deviation: float | None


@dataclass(frozen=True)
class InspectorateCalibrationRow:
    """:class:`CalibrationRow` pooled over every grade given by an inspectorate's graders.

    ``graders`` counts the inspectorate's graders with at least one comparable grade.
    """

    inspectorate: str
    graders: int
    n: int
    mean_deviation: float | None
    mean_absolute_deviation: float | None


def grader_calibration(
    judgements: Sequence[JudgementGrades], higher_is_better: bool = True
) -> list[CalibrationRow]:
    """One :class:`CalibrationRow` per grader, in order of first appearance.

    Graders with no comparable judgement yet (no agreed grades) are listed with ``n == 0``.
    A grader's inspectorate is taken from their first grade.
    """
    inspectorate_of: dict[int, str] = {}
    deviations: dict[int, list[int]] = {}
    for j in judgements:
        for g in j.grades:
            inspectorate_of.setdefault(g.grader_id, g.inspectorate)
            devs = deviations.setdefault(g.grader_id, [])
            if j.agreed_grade is not None:
                devs.append(_deviation(g.grade, j.agreed_grade, higher_is_better))
    return [
        CalibrationRow(
            grader_id=grader_id,
            inspectorate=inspectorate_of[grader_id],
            n=len(devs),
            mean_deviation=_mean(devs),
            mean_absolute_deviation=_mean([abs(d) for d in devs]),
        )
        for grader_id, devs in deviations.items()
    ]


def inspectorate_calibration(
    judgements: Sequence[JudgementGrades], higher_is_better: bool = True
) -> list[InspectorateCalibrationRow]:
    """One :class:`InspectorateCalibrationRow` per inspectorate, in order of first appearance.

    Every comparable grade counts once (so a grader who graded more judgements weighs more).
    """
    deviations: dict[str, list[int]] = {}
    graders: dict[str, set[int]] = {}
    for j in judgements:
        for g in j.grades:
            devs = deviations.setdefault(g.inspectorate, [])
            who = graders.setdefault(g.inspectorate, set())
            if j.agreed_grade is not None:
                devs.append(_deviation(g.grade, j.agreed_grade, higher_is_better))
                who.add(g.grader_id)
    return [
        InspectorateCalibrationRow(
            inspectorate=code,
            graders=len(graders[code]),
            n=len(devs),
            mean_deviation=_mean(devs),
            mean_absolute_deviation=_mean([abs(d) for d in devs]),
        )
        for code, devs in deviations.items()
    ]


@dataclass(frozen=True)
class SelfCalibration:
    """How the authority's self-assessment compares with the agreed grades.

    ``n`` counts judgements with both a self-grade and an agreed grade. ``mean_deviation`` is
    the mean of (self - agreed) towards the better end of the scale (positive: the authority
    rated itself better than the inspectors did). ``over_rated`` / ``under_rated`` /
    ``matched`` count judgements where the self-grade was better / worse / equal.

    ``verdict`` is :data:`VERDICT_ACCURATE` ("accurate") when ``|mean_deviation| < 0.25``
    (:data:`ACCURATE_THRESHOLD`), otherwise "over-rates" or "under-rates" by the sign, and
    "insufficient data" when ``n`` is 0. The mean lets over- and under-rating cancel out;
    the counts and ``mean_absolute_deviation`` show whether that happened.
    """

    n: int
    mean_deviation: float | None
    mean_absolute_deviation: float | None
    over_rated: int
    under_rated: int
    matched: int
    verdict: str


def self_assessment_calibration(
    judgements: Sequence[JudgementGrades], higher_is_better: bool = True
) -> SelfCalibration:
    """Compare the authority's self-grades with the agreed grades (see :class:`SelfCalibration`)."""
    devs = [
        _deviation(j.self_grade, j.agreed_grade, higher_is_better)
        for j in judgements
        if j.self_grade is not None and j.agreed_grade is not None
    ]
    mean = _mean(devs)
    if mean is None:
        verdict = VERDICT_INSUFFICIENT_DATA
    elif abs(mean) < ACCURATE_THRESHOLD:
        verdict = VERDICT_ACCURATE
    elif mean > 0:
        verdict = VERDICT_OVER_RATES
    else:
        verdict = VERDICT_UNDER_RATES
    return SelfCalibration(
        n=len(devs),
        mean_deviation=mean,
        mean_absolute_deviation=_mean([abs(d) for d in devs]),
        over_rated=sum(d > 0 for d in devs),
        under_rated=sum(d < 0 for d in devs),
        matched=sum(d == 0 for d in devs),
        verdict=verdict,
    )


# ---------------------------------------------------------------------------
# Deriving an area grade
# ---------------------------------------------------------------------------


def derive_area_grade(
    grades: Sequence[int], rule: str, higher_is_better: bool = True
) -> int | None:
    """Suggest one grade from ``grades`` by ``rule``; ``None`` if there are no grades.

    Every rule resolves ties towards the WORSE grade, the conservative inspection convention
    (a judgement is not raised on a tie); "worse" is the lower value when
    ``higher_is_better`` and the higher value otherwise.

    * ``"rounded_median"``: the median; a median halfway between two grades (even count)
      rounds to the worse of the two. Middle values 2 and 4 give 3.
    * ``"lower_median"``: "lower" in quality: with an even count, the worse of the two
      middle values. Middle values 2 and 4 give 2 when higher is better, 4 when lower is.
    * ``"mode"``: the most common grade; several equally common grades give the worst one.

    This is only a suggestion: the lead inspector may depart from it with reasons.
    Raises ``ValueError`` for an unknown rule (even if ``grades`` is empty).
    """
    if rule not in AREA_GRADE_RULES:
        raise ValueError(f"unknown rule {rule!r}; expected one of {', '.join(AREA_GRADE_RULES)}")
    values = list(grades)
    if not values:
        return None
    worse = min if higher_is_better else max

    if rule == "rounded_median":
        median = statistics.median(values)
        if float(median).is_integer():
            return int(median)
        return int(math.floor(median) if higher_is_better else math.ceil(median))
    if rule == "lower_median":
        return statistics.median_low(values) if higher_is_better else statistics.median_high(values)
    # mode
    counts = Counter(values)
    top = max(counts.values())
    return worse(value for value, count in counts.items() if count == top)
