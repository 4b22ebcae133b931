"""Where a review stands against its planned dates: on track, overdue or published.

A review is *overdue* when a planned date has passed and the review has not yet reached
the phase that date stands for:

* the analysis week has begun → the review should be in analysis (or later);
* fieldwork week 1 has begun → fieldwork;
* a week after fieldwork week 2 began → moderation (fieldwork is over);
* the publication due date has passed → published.

The latest missed milestone is reported. A review in the published, action plan or closed
phase is *published*; one without any planned date is *not scheduled*. Dates are compared
with ``today``, which the caller passes in (so tests can fix it). No Flask or database imports.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from inspect_app.domain.phases import Phase

FIELDWORK_WEEK = timedelta(days=7)


class ScheduleState(StrEnum):
    ON_TRACK = "on_track"
    OVERDUE = "overdue"
    PUBLISHED = "published"
    NOT_SCHEDULED = "not_scheduled"

    @property
    def label(self) -> str:
        return {
            ScheduleState.ON_TRACK: "On track",
            ScheduleState.OVERDUE: "Overdue",
            ScheduleState.PUBLISHED: "Published",
            ScheduleState.NOT_SCHEDULED: "Not scheduled",
        }[self]

    @property
    def tag_colour(self) -> str:
        """The GOV.UK tag colour modifier for this state."""
        return {
            ScheduleState.ON_TRACK: "blue",
            ScheduleState.OVERDUE: "red",
            ScheduleState.PUBLISHED: "green",
            ScheduleState.NOT_SCHEDULED: "grey",
        }[self]


@dataclass(frozen=True)
class PlannedDates:
    analysis_week_on: date | None = None
    fieldwork_week_one_on: date | None = None
    fieldwork_week_two_on: date | None = None
    publication_due_on: date | None = None

    @property
    def any(self) -> bool:
        return any(
            d is not None
            for d in (
                self.analysis_week_on,
                self.fieldwork_week_one_on,
                self.fieldwork_week_two_on,
                self.publication_due_on,
            )
        )


@dataclass(frozen=True)
class ScheduleStatus:
    state: ScheduleState
    reason: str  # a sentence saying why, for the page and the exports

    @property
    def label(self) -> str:
        return self.state.label


def _day(d: date) -> str:
    return f"{d.day} {d.strftime('%B %Y')}"


@dataclass(frozen=True)
class _Milestone:
    due_by: date
    phase: Phase  # the phase the review should have reached once due_by has passed
    missed: str  # "… by <date>"
    next: str  # "… on <date>"


def _milestones(planned: PlannedDates) -> list[_Milestone]:
    """The milestones with a planned date, in programme order."""
    out: list[_Milestone] = []
    if planned.analysis_week_on:
        out.append(
            _Milestone(
                planned.analysis_week_on,
                Phase.ANALYSIS,
                "The analysis week was due to start",
                "The analysis week starts",
            )
        )
    if planned.fieldwork_week_one_on:
        out.append(
            _Milestone(
                planned.fieldwork_week_one_on,
                Phase.FIELDWORK,
                "Fieldwork was due to start",
                "Fieldwork starts",
            )
        )
    if planned.fieldwork_week_two_on:
        out.append(
            _Milestone(
                planned.fieldwork_week_two_on + FIELDWORK_WEEK,
                Phase.MODERATION,
                "Fieldwork was due to end",
                "Fieldwork ends",
            )
        )
    if planned.publication_due_on:
        out.append(
            _Milestone(
                planned.publication_due_on,
                Phase.PUBLISHED,
                "Publication was due",
                "Publication is due",
            )
        )
    return out


def schedule_status(
    phase: Phase,
    planned: PlannedDates,
    *,
    today: date,
    published_on: date | None = None,
) -> ScheduleStatus:
    """The review's standing against its planned dates on ``today``."""
    if phase.is_at_least(Phase.PUBLISHED):
        if published_on is None:
            return ScheduleStatus(ScheduleState.PUBLISHED, "Published.")
        reason = f"Published on {_day(published_on)}"
        due = planned.publication_due_on
        if due is not None and published_on > due:
            late = (published_on - due).days
            reason += f", {late} {'day' if late == 1 else 'days'} after the due date"
        return ScheduleStatus(ScheduleState.PUBLISHED, reason + ".")
    if not planned.any:
        return ScheduleStatus(ScheduleState.NOT_SCHEDULED, "No dates have been planned.")
    milestones = _milestones(planned)
    missed = [m for m in milestones if today > m.due_by and not phase.is_at_least(m.phase)]
    if missed:
        m = missed[-1]
        return ScheduleStatus(
            ScheduleState.OVERDUE,
            f"{m.missed} by {_day(m.due_by)}; the review is still in {phase.label.lower()}.",
        )
    upcoming = [m for m in milestones if not phase.is_at_least(m.phase)]
    if upcoming:
        m = upcoming[0]
        return ScheduleStatus(ScheduleState.ON_TRACK, f"{m.next} on {_day(m.due_by)}.")
    return ScheduleStatus(ScheduleState.ON_TRACK, "Every planned milestone so far has been met.")
