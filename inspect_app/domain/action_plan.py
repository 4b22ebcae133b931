"""The authority's action plan in response to the published report: rules, no storage.

The plan is due 70 working days after publication (England and Wales bank holidays
excluded: :func:`inspect_app.domain.working_days.action_plan_due`). A plan not submitted by
then is overdue; so is an action past its target date and not yet completed. Pure Python.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from inspect_app.domain.working_days import action_plan_due, working_days_between

__all__ = ["ActionStatus", "PlanStatus", "is_action_overdue", "plan_status"]


class ActionStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"

    @property
    def label(self) -> str:
        return {
            ActionStatus.NOT_STARTED: "Not started",
            ActionStatus.IN_PROGRESS: "In progress",
            ActionStatus.COMPLETED: "Completed",
        }[self]

    @property
    def tag_colour(self) -> str:
        return {
            ActionStatus.NOT_STARTED: "grey",
            ActionStatus.IN_PROGRESS: "blue",
            ActionStatus.COMPLETED: "green",
        }[self]


def is_action_overdue(target_on: date, status: ActionStatus | str, today: date) -> bool:
    return ActionStatus(status) is not ActionStatus.COMPLETED and target_on < today


@dataclass(frozen=True)
class PlanStatus:
    """Where the action plan stands on ``today``."""

    published_on: date
    due_on: date
    submitted_on: date | None
    today: date
    actions: int
    completed: int
    in_progress: int
    overdue_actions: int
    recommendations_without_actions: int

    @property
    def is_submitted(self) -> bool:
        return self.submitted_on is not None

    @property
    def is_overdue(self) -> bool:
        """Not submitted and the due date has passed."""
        return not self.is_submitted and self.today > self.due_on

    @property
    def was_late(self) -> bool:
        return self.submitted_on is not None and self.submitted_on > self.due_on

    @property
    def working_days_left(self) -> int:
        """Working days from today to the due date (0 once it has passed)."""
        if self.today >= self.due_on:
            return 0
        return working_days_between(self.today, self.due_on)

    @property
    def percent_complete(self) -> int:
        return round(100 * self.completed / self.actions) if self.actions else 0

    @property
    def needs_attention(self) -> bool:
        return self.is_overdue or self.overdue_actions > 0


def plan_status(
    *,
    published_on: date,
    submitted_on: date | None,
    today: date,
    actions: Iterable[tuple[date, ActionStatus | str]],
    recommendations_without_actions: int = 0,
) -> PlanStatus:
    """Summarise a plan from its actions' (target date, status) pairs."""
    listed = [(target, ActionStatus(status)) for target, status in actions]
    return PlanStatus(
        published_on=published_on,
        due_on=action_plan_due(published_on),
        submitted_on=submitted_on,
        today=today,
        actions=len(listed),
        completed=sum(1 for _, s in listed if s is ActionStatus.COMPLETED),
        in_progress=sum(1 for _, s in listed if s is ActionStatus.IN_PROGRESS),
        overdue_actions=sum(1 for t, s in listed if is_action_overdue(t, s, today)),
        recommendations_without_actions=recommendations_without_actions,
    )
