"""The authority's action plan: written after publication, followed by the team."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from inspect_app.domain.phases import Phase
from inspect_app.domain.working_days import action_plan_due
from inspect_app.models import ActionPlan, PlannedAction
from inspect_app.services import action_plans, publication, report_drafting
from inspect_app.services.action_plans import ActionDetails
from inspect_app.services.report_drafting import ReportError
from inspect_app.services.reviews import load_review
from tests.report_factories import ReportWorld, advance


@pytest.fixture
def world(make) -> ReportWorld:
    world = ReportWorld.build(make, Phase.FACTUAL_ACCURACY)
    review = load_review(world.session, world.review.id)
    publication.publish_first_version(
        world.session, review, actor=world.lead, today=date(2026, 12, 1)
    )
    advance(world.session, world.review, Phase.PUBLISHED)
    world.session.commit()
    return world


def plan_url(world, path=""):
    return f"/reviews/{world.review.id}/action-plan{path}"


def recs(world):
    return report_drafting.numbered(
        report_drafting.recommendations_for(world.session, world.review)
    )


def action_form(**changes):
    form = {
        "description": "Train every duty social worker on thresholds.",
        "owner": "Head of Safeguarding",
        "target_on": ["1", "3", "2027"],
        "status": "in_progress",
        "progress_note": "",
    }
    form.update(changes)
    return form


def test_the_plan_is_due_70_working_days_after_publication(world, pages):
    pages.sign_in(world.authority_user)
    page = pages.get(plan_url(world))
    due = action_plan_due(date(2026, 12, 1))
    assert due == date(2027, 3, 12)
    status = pages.text(page, "[data-testid=plan-status]")
    assert "1 December 2026" in status and "12 March 2027" in status
    assert len(page.select("[data-testid^=plan-recommendation-]")) == 4


def test_the_authority_adds_actions_and_submits_the_plan(world, pages, session):
    pages.sign_in(world.authority_user)
    (_, first), *rest = recs(world)
    page = pages.post(
        plan_url(world, f"/recommendations/{first.id}/actions/new"),
        action_form(description="", target_on=["", "", ""]),
        status=400,
    )
    summary = pages.text(page, ".govuk-error-summary")
    assert "Enter the action" in summary
    pages.post(plan_url(world, f"/recommendations/{first.id}/actions/new"), action_form())
    page = pages.post(plan_url(world, "/submit"), {}, status=400)
    assert "Recommendations without actions: 2, 3, 4." in pages.text(page, ".govuk-error-summary")
    for _, rec in rest:
        pages.post(plan_url(world, f"/recommendations/{rec.id}/actions/new"), action_form())
    pages.post(plan_url(world, "/submit"), {})
    plan = session.scalars(select(ActionPlan)).one()
    assert plan.submitted_by_id == world.authority_user.id
    page = pages.get(plan_url(world))
    assert "Submitted on" in pages.text(page, "[data-testid=plan-status]")
    action = session.scalars(select(PlannedAction)).first()
    pages.post(
        plan_url(world, f"/actions/{action.id}"),
        action_form(status="completed", progress_note="Done in February.", version="1"),
    )
    session.expire_all()
    assert session.get(PlannedAction, action.id).status == "completed"
    page = pages.get(plan_url(world))
    assert "1 of 4 actions completed" in pages.text(page, "[data-testid=plan-status]")


def test_the_lead_follows_progress_but_cannot_write_the_plan(world, pages):
    pages.sign_in(world.lead)
    page = pages.get(plan_url(world))
    assert not page.select("a[href*='/actions/new']")
    _, first = recs(world)[0]
    pages.get(plan_url(world, f"/recommendations/{first.id}/actions/new"), status=403)
    pages.post(plan_url(world, "/submit"), {}, status=403)
    nav = [a.get_text() for a in page.select("nav[aria-label='Review sections'] a")]
    assert "Action plan" in nav


def test_overdue_plans_and_actions_are_flagged(world, pages, session, monkeypatch):
    _, first = recs(world)[0]
    action_plans.add_action(
        session,
        world.review,
        first,
        ActionDetails("Audit referrals.", "LSCB", date(2027, 1, 15), "not_started"),
        actor=world.authority_user,
        access=world.access(world.authority_user),
    )
    session.commit()
    monkeypatch.setattr(
        "inspect_app.report.action_plan_routes.today_in_uk", lambda: date(2027, 3, 15)
    )
    pages.sign_in(world.lead)
    page = pages.get(plan_url(world))
    assert "The action plan is overdue" in pages.text(page, "[data-testid=plan-overdue]")
    assert "Overdue" in pages.text(page, "[data-testid=plan-recommendation-1]")
    assert "1 past their target date" in pages.text(page, "[data-testid=plan-status]")


def test_the_action_plan_opens_only_after_publication(make, pages):
    world = ReportWorld.build(make, Phase.FACTUAL_ACCURACY)
    pages.sign_in(world.authority_user)
    pages.get(plan_url(world), status=404)
    _, first = recs(world)[0]
    with pytest.raises(report_drafting.ReportForbidden):
        action_plans.add_action(
            world.session,
            world.review,
            first,
            ActionDetails("Too early.", "Someone", date(2027, 1, 1), "not_started"),
            actor=world.authority_user,
            access=world.access(world.authority_user),
        )


def test_a_recommendation_with_actions_cannot_be_removed_in_a_reissue(world, session):
    _, first = recs(world)[0]
    action_plans.add_action(
        session,
        world.review,
        first,
        ActionDetails("Act.", "Owner", date(2027, 2, 1), "in_progress"),
        actor=world.authority_user,
        access=world.access(world.authority_user),
    )
    review = load_review(session, world.review.id)
    publication.reopen_for_reissue(
        session, review, reasons="Correction", actor=world.lead, access=world.access(world.lead)
    )
    with pytest.raises(ReportError, match="action plan has actions"):
        report_drafting.remove_recommendation(
            session, review, first, actor=world.lead, access=world.access(world.lead)
        )
