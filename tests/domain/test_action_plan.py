"""The action plan's due date (70 working days after publication) and overdue flags."""

from __future__ import annotations

from datetime import date

from inspect_app.domain.action_plan import ActionStatus, is_action_overdue, plan_status
from inspect_app.domain.working_days import action_plan_due

PUBLISHED = date(2026, 12, 1)  # Christmas, Boxing Day and New Year fall in the 70 days


def test_the_plan_is_due_70_working_days_after_publication_without_bank_holidays():
    # 70 weekdays after 1 December 2026 is 9 March 2027; the three bank holidays push it on.
    assert action_plan_due(PUBLISHED) == date(2027, 3, 12)
    status = plan_status(published_on=PUBLISHED, submitted_on=None, today=PUBLISHED, actions=[])
    assert status.due_on == date(2027, 3, 12)
    assert status.working_days_left == 70


def test_an_unsubmitted_plan_is_overdue_after_its_due_date():
    due = action_plan_due(PUBLISHED)
    on_the_day = plan_status(published_on=PUBLISHED, submitted_on=None, today=due, actions=[])
    assert not on_the_day.is_overdue
    late = plan_status(
        published_on=PUBLISHED, submitted_on=None, today=date(2027, 3, 15), actions=[]
    )
    assert late.is_overdue and late.needs_attention and late.working_days_left == 0
    submitted = plan_status(
        published_on=PUBLISHED, submitted_on=date(2027, 3, 15), today=date(2027, 4, 1), actions=[]
    )
    assert not submitted.is_overdue and submitted.was_late


def test_actions_past_their_target_and_not_completed_are_overdue():
    today = date(2027, 2, 1)
    assert is_action_overdue(date(2027, 1, 31), ActionStatus.IN_PROGRESS, today)
    assert not is_action_overdue(date(2027, 1, 31), ActionStatus.COMPLETED, today)
    assert not is_action_overdue(today, ActionStatus.NOT_STARTED, today)
    status = plan_status(
        published_on=PUBLISHED,
        submitted_on=date(2027, 1, 20),
        today=today,
        actions=[
            (date(2027, 1, 10), "completed"),
            (date(2027, 1, 15), "in_progress"),
            (date(2027, 6, 1), "not_started"),
        ],
    )
    assert (status.actions, status.completed, status.in_progress) == (3, 1, 1)
    assert status.overdue_actions == 1 and status.percent_complete == 33
