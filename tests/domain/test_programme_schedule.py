"""A review's standing against its planned dates."""

from __future__ import annotations

from datetime import date

import pytest

from inspect_app.domain.phases import Phase
from inspect_app.domain.programme_schedule import PlannedDates, ScheduleState, schedule_status

PLANNED = PlannedDates(
    analysis_week_on=date(2026, 10, 5),
    fieldwork_week_one_on=date(2026, 11, 2),
    fieldwork_week_two_on=date(2026, 11, 16),
    publication_due_on=date(2027, 1, 18),
)


@pytest.mark.parametrize(
    ("phase", "today", "state", "reason"),
    [
        (
            Phase.SET_UP,
            date(2026, 9, 1),
            ScheduleState.ON_TRACK,
            "The analysis week starts on 5 October 2026.",
        ),
        (
            Phase.SELF_ASSESSMENT,
            date(2026, 10, 5),
            ScheduleState.ON_TRACK,
            "The analysis week starts on 5 October 2026.",
        ),  # due today is not overdue
        (
            Phase.SELF_ASSESSMENT,
            date(2026, 10, 6),
            ScheduleState.OVERDUE,
            "The analysis week was due to start by 5 October 2026; the review is still in "
            "self-assessment.",
        ),
        (
            Phase.ANALYSIS,
            date(2026, 10, 6),
            ScheduleState.ON_TRACK,
            "Fieldwork starts on 2 November 2026.",
        ),
        (
            Phase.ANALYSIS,
            date(2026, 11, 3),
            ScheduleState.OVERDUE,
            "Fieldwork was due to start by 2 November 2026; the review is still in analysis.",
        ),
        (
            Phase.FIELDWORK,
            date(2026, 11, 23),
            ScheduleState.ON_TRACK,
            "Fieldwork ends on 23 November 2026.",
        ),
        (
            Phase.FIELDWORK,
            date(2026, 11, 24),
            ScheduleState.OVERDUE,
            "Fieldwork was due to end by 23 November 2026; the review is still in fieldwork.",
        ),
        (
            Phase.DRAFTING,
            date(2027, 1, 18),
            ScheduleState.ON_TRACK,
            "Publication is due on 18 January 2027.",
        ),
        # The latest missed milestone is the one reported.
        (
            Phase.ANALYSIS,
            date(2027, 2, 1),
            ScheduleState.OVERDUE,
            "Publication was due by 18 January 2027; the review is still in analysis.",
        ),
        (
            Phase.FACTUAL_ACCURACY,
            date(2027, 1, 19),
            ScheduleState.OVERDUE,
            "Publication was due by 18 January 2027; the review is still in factual accuracy "
            "check.",
        ),
    ],
)
def test_against_the_planned_dates(phase, today, state, reason):
    status = schedule_status(phase, PLANNED, today=today)
    assert (status.state, status.reason) == (state, reason)


@pytest.mark.parametrize("phase", [Phase.PUBLISHED, Phase.ACTION_PLAN, Phase.CLOSED])
def test_published_whatever_the_date(phase):
    on_time = schedule_status(
        phase, PLANNED, today=date(2028, 1, 1), published_on=date(2027, 1, 18)
    )
    assert on_time.state is ScheduleState.PUBLISHED
    assert on_time.reason == "Published on 18 January 2027."
    late = schedule_status(phase, PLANNED, today=date(2028, 1, 1), published_on=date(2027, 1, 19))
    assert late.reason == "Published on 19 January 2027, 1 day after the due date."


def test_without_dates():
    status = schedule_status(Phase.FIELDWORK, PlannedDates(), today=date(2026, 1, 1))
    assert status.state is ScheduleState.NOT_SCHEDULED


def test_only_some_dates_planned():
    planned = PlannedDates(publication_due_on=date(2027, 1, 18))
    assert schedule_status(Phase.SET_UP, planned, today=date(2027, 1, 1)).state is (
        ScheduleState.ON_TRACK
    )
    assert schedule_status(Phase.SET_UP, planned, today=date(2027, 1, 19)).state is (
        ScheduleState.OVERDUE
    )


def test_every_state_has_a_label_and_colour():
    assert {s.label for s in ScheduleState} == {"On track", "Overdue", "Published", "Not scheduled"}
    assert ScheduleState.OVERDUE.tag_colour == "red"
