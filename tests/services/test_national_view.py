"""The national programme view's figures against a small hand-built programme.

The programme (tests/national_helpers.py, jar-2005 rubric, grades 1–4 where 4 is best):

======  ===========  ============  =========  ==================  ================================
Review  Region       Lead from     Phase      Agreed (area/kj)    Provisional grades by inspector
======  ===========  ============  =========  ==================  ================================
A       North East   Ofsted        published  1=3 2=2 1.1=3 2.3=2 2.3: 2,4   1.1: 3,3
B       North East   CSCI          published  1=4 2=2 1.1=4 2.3=2 2.3: 1,2   1.1: 3,4
C       South West   Ofsted        act. plan  1=3 2=1             2.3: 3     1.1: 2,2,3
D       South West   Ofsted        fieldwork  –                   1.1: 1,4   (grading still open)
E       South West   CSCI          moderation –                   2.3: 1,4
======  ===========  ============  =========  ==================  ================================

Self-grades (latest return): A 1=4 2=3 2.3=3 (an earlier return said 1=1 2=1); B 1=4 2=2
1.1=3; C 1=3 2=1; E 1=4 (not published, so not compared).
"""

from __future__ import annotations

from datetime import date

import pytest

from inspect_app.domain.inspectorates import Inspectorate
from inspect_app.domain.phases import Phase
from inspect_app.domain.programme_schedule import ScheduleState
from inspect_app.services import moderation
from inspect_app.services import reviews as review_service
from inspect_app.services.national_view import (
    ProgrammeFilters,
    filter_options,
    national_tables,
    national_view,
)
from tests.grading_helpers import GradingWorld, agree, submit
from tests.national_helpers import hand_built_programme
from tests.report_factories import write_minimal_report

TODAY = date(2027, 1, 10)


@pytest.fixture
def programme(make):
    return hand_built_programme(make)


def counts(rows, area, group=None):
    row = next(r for r in rows if r.area == area and r.group == group)
    return row.counts, row.total, round(row.mean, 2)


def test_grade_distribution_counts_published_reviews_only(session, programme):
    view = national_view(session, today=TODAY)
    overall = view.distribution.overall
    assert [r.area for r in overall] == ["being-healthy", "staying-safe"]
    assert counts(overall, "being-healthy") == ({1: 0, 2: 0, 3: 2, 4: 1}, 3, 3.33)
    assert counts(overall, "staying-safe") == ({1: 1, 2: 2, 3: 0, 4: 0}, 3, 1.67)
    assert view.area_title("staying-safe") == "Staying safe"
    assert view.published_reviews == 3


def test_grade_distribution_by_region_and_lead_inspectorate(session, programme):
    view = national_view(session, today=TODAY)
    by_region = view.distribution.by_region
    assert counts(by_region, "being-healthy", "North East") == ({1: 0, 2: 0, 3: 1, 4: 1}, 2, 3.5)
    assert counts(by_region, "being-healthy", "South West") == ({1: 0, 2: 0, 3: 1, 4: 0}, 1, 3.0)
    assert counts(by_region, "staying-safe", "North East") == ({1: 0, 2: 2, 3: 0, 4: 0}, 2, 2.0)
    assert counts(by_region, "staying-safe", "South West") == ({1: 1, 2: 0, 3: 0, 4: 0}, 1, 1.0)
    by_lead = view.distribution.by_lead_inspectorate
    csci, ofsted = Inspectorate.CSCI.label, Inspectorate.OFSTED.label
    assert counts(by_lead, "being-healthy", csci) == ({1: 0, 2: 0, 3: 0, 4: 1}, 1, 4.0)
    assert counts(by_lead, "being-healthy", ofsted) == ({1: 0, 2: 0, 3: 2, 4: 0}, 2, 3.0)
    assert counts(by_lead, "staying-safe", ofsted) == ({1: 1, 2: 1, 3: 0, 4: 0}, 2, 1.5)


def test_disagreement_ranks_judgements_over_reviews_whose_grading_closed(session, programme):
    view = national_view(session, today=TODAY)
    ranked = [
        (d.judgement, d.reviews, round(d.mean_spread, 2), d.max_spread, d.disagreement_rate)
        for d in view.disagreement
    ]
    # 2.3: spreads 2 (A), 1 (B), 3 (E); C had one grader. 1.1: 0 (A), 1 (B), 1 (C); D is open.
    assert ranked == [
        ("jar-2005 2.3", 3, 2.0, 3, 1.0),
        ("jar-2005 1.1", 3, 0.67, 1, pytest.approx(2 / 3)),
    ]
    assert view.graded_reviews == 4  # A, B, C and E
    assert view.judgements["jar-2005 2.3"].number == "2.3"
    assert view.judgements["jar-2005 2.3"].text.startswith("The incidence of child abuse")


def test_self_evaluation_calibration_uses_the_latest_return_of_published_reviews(
    session, programme
):
    calibration = national_view(session, today=TODAY).calibration
    # Deviations self − agreed: A +1 +1 +1 (2.3), B 0 0 −1 (1.1), C 0 0.
    overall = calibration.overall
    assert (overall.n, overall.over_rated, overall.under_rated, overall.matched) == (8, 3, 1, 4)
    assert overall.mean_deviation == pytest.approx(0.25)
    assert overall.mean_absolute_deviation == pytest.approx(0.5)
    assert overall.verdict == "over-rates"  # 0.25 is not below the 0.25 threshold
    by_authority = {
        c.key: (c.n, round(c.mean_deviation, 2), c.verdict) for c in calibration.by_authority
    }
    codes = {k: a.code for k, a in programme.authorities.items()}
    assert by_authority == {
        codes["A"]: (3, 1.0, "over-rates"),
        codes["B"]: (3, -0.33, "under-rates"),
        codes["C"]: (2, 0.0, "accurate"),
    }
    assert [c.key for c in calibration.by_authority] == [codes["A"], codes["C"], codes["B"]]
    assert [(c.key, round(c.mean_deviation, 2)) for c in calibration.by_judgement] == [
        ("jar-2005 2.3", 1.0),
        ("jar-2005 1", 0.33),
        ("jar-2005 2", 0.33),
        ("jar-2005 1.1", -1.0),
    ]


def test_schedule_against_today(session, programme):
    view = national_view(session, today=TODAY)
    status = {r.reference: r.schedule for r in view.reviews}
    assert status[programme.a.reference].state is ScheduleState.PUBLISHED
    assert status[programme.a.reference].reason == (
        "Published on 1 March 2026, 14 days after the due date."
    )
    assert status[programme.b.reference].reason == "Published on 1 June 2026."
    assert status[programme.d.reference].state is ScheduleState.OVERDUE
    assert status[programme.d.reference].reason == (
        "Fieldwork was due to end by 15 December 2026; the review is still in fieldwork."
    )
    assert status[programme.e.reference].state is ScheduleState.ON_TRACK
    assert status[programme.e.reference].reason == "Publication is due on 1 March 2027."
    assert view.schedule_counts == {
        ScheduleState.PUBLISHED: 3,
        ScheduleState.OVERDUE: 1,
        ScheduleState.ON_TRACK: 1,
    }
    later = national_view(session, today=date(2027, 3, 2))
    assert {r.reference: r.schedule.state for r in later.reviews}[programme.e.reference] is (
        ScheduleState.OVERDUE
    )


def test_reviews_carry_region_phase_dates_and_lead_inspectorate(session, programme):
    view = national_view(session, today=TODAY)
    # Ordered by the start of fieldwork.
    assert [r.reference for r in view.reviews] == [
        programme.a.reference,
        programme.b.reference,
        programme.c.reference,
        programme.d.reference,
        programme.e.reference,
    ]
    b = next(r for r in view.reviews if r.reference == programme.b.reference)
    assert (b.authority_name, b.region, b.phase, b.lead_inspectorate, b.published_on) == (
        "Fenwick Vale Council",
        "North East",
        Phase.PUBLISHED,
        "csci",
        date(2026, 6, 1),
    )


@pytest.mark.parametrize(
    ("filters", "reviews", "being_healthy"),
    [
        (ProgrammeFilters(region="North East"), "AB", {3: 1, 4: 1}),
        (ProgrammeFilters(lead_inspectorate="csci"), "BE", {4: 1}),
        (ProgrammeFilters(phase=Phase.FIELDWORK), "D", None),
        (ProgrammeFilters(publication_year=2027), "C", {3: 1}),
        (ProgrammeFilters(fieldwork_year=2026), "BCDE", {3: 1, 4: 1}),
        (ProgrammeFilters(rubric="jar-2007"), "", None),
        (ProgrammeFilters(region="South West", lead_inspectorate="ofsted"), "CD", {3: 1}),
    ],
)
def test_filters(session, programme, filters, reviews, being_healthy):
    view = national_view(session, filters, today=TODAY)
    by_letter = {getattr(programme, k.lower()).reference: k for k in "ABCDE"}
    assert "".join(sorted(by_letter[r.reference] for r in view.reviews)) == reviews
    overall = {r.area: r for r in view.distribution.overall}
    if being_healthy is None:
        assert "being-healthy" not in overall
    else:
        got = {g: n for g, n in overall["being-healthy"].counts.items() if n}
        assert got == being_healthy


def test_filters_reach_disagreement_and_calibration(session, programme):
    view = national_view(session, ProgrammeFilters(region="North East"), today=TODAY)
    # Only A and B: 2.3 spreads 2 and 1; 1.1 spreads 0 and 1.
    assert [(d.judgement, d.mean_spread) for d in view.disagreement] == [
        ("jar-2005 2.3", 1.5),
        ("jar-2005 1.1", 0.5),
    ]
    assert view.calibration.overall.n == 6
    assert view.calibration.overall.mean_deviation == pytest.approx(2 / 6)


def test_an_empty_programme(session):
    view = national_view(session, today=TODAY)
    assert view.reviews == []
    assert view.distribution.overall == []
    assert view.disagreement == []
    assert view.calibration.overall.n == 0
    assert view.chart_svg() == ""
    tables = national_tables(view)
    assert all(not t.rows for t in tables.values())
    options = filter_options(session)
    assert options.publication_years == [] and options.fieldwork_years == []


def test_filter_options(session, programme):
    options = filter_options(session)
    assert options.regions == ["North East", "South West"]
    assert options.publication_years == [2027, 2026]
    assert options.fieldwork_years == [2026, 2025]
    assert options.grade_labels[4] == "Outstanding"
    assert list(options.grade_labels) == [4, 3, 2, 1]


def test_tables_hold_the_view_figures(session, programme):
    view = national_view(session, today=TODAY)
    tables = national_tables(view)
    grades = tables["grades"]
    assert grades.headers[:5] == (
        "Judgement area",
        "4 Outstanding",
        "3 Good",
        "2 Adequate",
        "1 Inadequate",
    )
    assert grades.rows == (
        ("Being healthy", 1, 2, 0, 0, 3, 3.33),
        ("Staying safe", 0, 0, 2, 1, 3, 1.67),
    )
    disagreement = tables["disagreement"]
    assert disagreement.rows[0][:2] == ("jar-2005", "2.3")
    assert disagreement.rows[0][3:] == (3, 2.0, 3, 3)
    assert disagreement.rows[1][3:] == (3, 0.67, 1, 2)
    assert len(tables["reviews"].rows) == 5


def test_the_chart_draws_a_bar_per_area(session, programme):
    svg = national_view(session, today=TODAY).chart_svg()
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert "style=" not in svg  # the Content Security Policy forbids inline styles
    assert "Being healthy: 1 outstanding, 2 good, 0 adequate, 0 inadequate" in svg


def test_figures_from_grades_given_through_the_services(make, session):
    """The view reads what grading, moderation and publication really write."""
    world = GradingWorld.build(make, Phase.FIELDWORK)
    submit(world, world.csci, "kj-2.3", 1, "Referrals are slow.", "high")
    submit(world, world.ofsted, "kj-2.3", 4, "Referrals are fast.", "medium")
    world.advance(Phase.MODERATION)
    agree(world, "area-2", 2, "Referrals are slow to be acknowledged.")
    make.agree_all(world.review, grade=3)
    review = world.review
    while review.current_phase is not Phase.PUBLISHED:
        if review.current_phase is Phase.DRAFTING:
            write_minimal_report(session, review)
        review_service.advance_phase(session, review, review.current_phase.next, actor=world.lead)
    session.commit()
    assert moderation.missing_agreed_judgements(review) == ()

    view = national_view(session)
    row = next(r for r in view.reviews if r.review_id == review.id)
    assert row.schedule.state is ScheduleState.PUBLISHED
    assert row.lead_inspectorate == "ofsted"
    staying_safe = next(r for r in view.distribution.overall if r.area == "staying-safe")
    assert staying_safe.counts == {1: 0, 2: 1, 3: 0, 4: 0}
    assert [(d.judgement, d.max_spread) for d in view.disagreement] == [("jar-2005 2.3", 3)]
    # The factory's self-evaluation graded each area's first key judgement 3; all agreed 3,
    # so every comparison matches.
    assert view.calibration.overall.n == len(review.rubric.areas)
    assert view.calibration.overall.matched == len(review.rubric.areas)
