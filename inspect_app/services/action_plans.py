"""The authority's action plan: actions per recommendation, submission and progress.

After publication the authority writes, for each recommendation, the actions it will take,
who owns each, by when, and how far each has got. It submits the plan (due 70 working days
after the first publication) and keeps the statuses up to date; the lead inspector and the
team follow progress. Overdue plans and actions are flagged (``domain/action_plan.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from inspect_app.domain.action_plan import ActionStatus, PlanStatus, is_action_overdue, plan_status
from inspect_app.domain.permissions import Access
from inspect_app.models import (
    ActionPlan,
    PlannedAction,
    PublishedReport,
    Recommendation,
    Review,
    User,
)
from inspect_app.models.types import utcnow
from inspect_app.services import audit
from inspect_app.services.report_drafting import (
    ReportError,
    ReportForbidden,
    numbered,
    recommendations_for,
)

__all__ = [
    "DESCRIPTION_MAX",
    "OWNER_MAX",
    "ActionDetails",
    "PlanView",
    "StaleActionError",
    "add_action",
    "plan_for",
    "remove_action",
    "submit_plan",
    "update_action",
]

DESCRIPTION_MAX = 5_000
OWNER_MAX = 200


class StaleActionError(Exception):
    def __init__(self) -> None:
        self.message = (
            "Somebody else changed this action while you were editing it. Your change was not "
            "saved: the page now shows the latest version."
        )
        super().__init__(self.message)


@dataclass(frozen=True)
class RecommendationActions:
    number: int
    recommendation: Recommendation
    actions: list[PlannedAction]


@dataclass(frozen=True)
class PlanView:
    plan: ActionPlan | None
    first_published: PublishedReport
    rows: list[RecommendationActions]
    status: PlanStatus
    today: date

    def is_overdue(self, action: PlannedAction) -> bool:
        return is_action_overdue(action.target_on, action.status, self.today)


def _first_publication(session: Session, review: Review) -> PublishedReport | None:
    return session.scalar(
        select(PublishedReport)
        .where(PublishedReport.review_id == review.id)
        .order_by(PublishedReport.version_number)
        .limit(1)
    )


def plan_for(session: Session, review: Review, *, today: date) -> PlanView | None:
    """The plan with its actions grouped by recommendation (None before publication).
    Five queries."""
    first = _first_publication(session, review)
    if first is None:
        return None
    plan = session.scalar(
        select(ActionPlan)
        .where(ActionPlan.review_id == review.id)
        .options(selectinload(ActionPlan.submitted_by))
    )
    actions = session.scalars(
        select(PlannedAction)
        .where(PlannedAction.review_id == review.id)
        .options(selectinload(PlannedAction.updated_by))
        .order_by(PlannedAction.target_on, PlannedAction.id)
    ).all()
    by_recommendation: dict[int, list[PlannedAction]] = {}
    for action in actions:
        by_recommendation.setdefault(action.recommendation_id, []).append(action)
    rows = [
        RecommendationActions(number, rec, by_recommendation.get(rec.id, []))
        for number, rec in numbered(recommendations_for(session, review))
    ]
    status = plan_status(
        published_on=first.published_on,
        submitted_on=plan.submitted_at.date() if plan and plan.submitted_at else None,
        today=today,
        actions=[(a.target_on, a.status) for a in actions],
        recommendations_without_actions=sum(1 for r in rows if not r.actions),
    )
    return PlanView(plan, first, rows, status, today)


@dataclass(frozen=True)
class ActionDetails:
    description: str
    owner: str
    target_on: date | None
    status: str | None
    progress_note: str = ""


def _clean(details: ActionDetails) -> ActionDetails:
    description = (details.description or "").strip()
    if not description:
        raise ReportError("Enter the action", "description")
    if len(description) > DESCRIPTION_MAX:
        raise ReportError(
            f"The action must be {DESCRIPTION_MAX:,} characters or fewer", "description"
        )
    owner = " ".join((details.owner or "").split())
    if not owner:
        raise ReportError("Enter who owns the action", "owner")
    if len(owner) > OWNER_MAX:
        raise ReportError(f"The owner must be {OWNER_MAX} characters or fewer", "owner")
    if details.target_on is None:
        raise ReportError("Enter the target date", "target_on")
    try:
        status = ActionStatus(details.status or "")
    except ValueError:
        raise ReportError("Select the action’s status", "status") from None
    return ActionDetails(
        description, owner, details.target_on, status.value, (details.progress_note or "").strip()
    )


def _check(access: Access) -> None:
    if not access.can_edit_action_plan:
        raise ReportForbidden(
            "The authority writes its action plan once the report is published, until the "
            "review is closed."
        )


def _ensure_plan(session: Session, review: Review) -> ActionPlan:
    plan = session.scalar(select(ActionPlan).where(ActionPlan.review_id == review.id))
    if plan is None:
        plan = ActionPlan(review_id=review.id)
        session.add(plan)
        session.flush()
    return plan


def _as_dict(action: PlannedAction) -> dict:
    return {
        "recommendation_id": action.recommendation_id,
        "description": action.description,
        "owner": action.owner,
        "target_on": action.target_on.isoformat(),
        "status": action.status,
        "progress_note": action.progress_note,
    }


def add_action(
    session: Session,
    review: Review,
    recommendation: Recommendation,
    details: ActionDetails,
    *,
    actor: User,
    access: Access,
) -> PlannedAction:
    _check(access)
    if recommendation.review_id != review.id:
        raise ReportError("That recommendation is not part of this review.")
    clean = _clean(details)
    _ensure_plan(session, review)
    action = PlannedAction(
        review_id=review.id,
        recommendation=recommendation,
        description=clean.description,
        owner=clean.owner,
        target_on=clean.target_on,
        status=clean.status,
        progress_note=clean.progress_note,
        created_by_id=actor.id,
        updated_by=actor,
    )
    session.add(action)
    session.flush()
    audit.record(
        session,
        action="action_plan.action_added",
        actor=actor,
        review_id=review.id,
        subject=action,
        summary=f"Added an action to the action plan, owned by {clean.owner}",
        after=_as_dict(action),
    )
    return action


def update_action(
    session: Session,
    review: Review,
    action: PlannedAction,
    details: ActionDetails,
    *,
    expected_version: int | None,
    actor: User,
    access: Access,
) -> PlannedAction:
    _check(access)
    clean = _clean(details)
    if expected_version != action.version:
        raise StaleActionError()
    before = _as_dict(action)
    action.description = clean.description
    action.owner = clean.owner
    action.target_on = clean.target_on
    action.status = clean.status
    action.progress_note = clean.progress_note
    action.updated_by = actor
    action.updated_at = utcnow()
    try:
        session.flush()
    except StaleDataError:
        session.rollback()
        raise StaleActionError() from None
    audit.record(
        session,
        action="action_plan.action_changed",
        actor=actor,
        review_id=review.id,
        subject=action,
        summary=f"Updated an action: {ActionStatus(clean.status).label.lower()}",
        before=before,
        after=_as_dict(action),
    )
    return action


def remove_action(
    session: Session, review: Review, action: PlannedAction, *, actor: User, access: Access
) -> None:
    _check(access)
    audit.record(
        session,
        action="action_plan.action_removed",
        actor=actor,
        review_id=review.id,
        subject=action,
        summary="Removed an action from the action plan",
        before=_as_dict(action),
    )
    session.delete(action)
    session.flush()


def submit_plan(session: Session, review: Review, *, actor: User, access: Access) -> ActionPlan:
    _check(access)
    covered = set(
        session.scalars(
            select(PlannedAction.recommendation_id).where(PlannedAction.review_id == review.id)
        )
    )
    missing = [
        n for n, rec in numbered(recommendations_for(session, review)) if rec.id not in covered
    ]
    if missing:
        listed = ", ".join(str(n) for n in missing)
        raise ReportError(
            "Add at least one action for every recommendation before submitting the plan. "
            f"Recommendation{'s' if len(missing) > 1 else ''} without actions: {listed}.",
            "submit",
        )
    plan = _ensure_plan(session, review)
    if plan.submitted_at is not None:
        raise ReportError("The action plan has already been submitted.", "submit")
    plan.submitted_at = utcnow()
    plan.submitted_by = actor
    session.flush()
    audit.record(
        session,
        action="action_plan.submitted",
        actor=actor,
        review_id=review.id,
        subject=plan,
        summary="Submitted the action plan",
        after={"submitted_at": plan.submitted_at.isoformat()},
    )
    return plan
