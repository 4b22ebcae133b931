"""Review pages: who may see and do what, and the forms behind them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from inspect_app.domain.inspectorates import Inspectorate
from inspect_app.domain.phases import Phase
from inspect_app.models import AuditEvent, Review


@pytest.fixture
def review(make):
    review = make.review_in(Phase.SELF_ASSESSMENT)
    make.session.commit()
    return review


def test_outsiders_get_404_for_every_review_page(make, pages, review):
    outsider = make.inspector()
    other_authority_user = make.authority_user(make.authority())
    make.session.commit()
    for user in (outsider, other_authority_user):
        pages.client.post("/sign-out")
        pages.sign_in(user)
        for path in ("", "/team", "/phase", "/dates", "/declaration", f"/team/{review.team[1].id}"):
            pages.get(f"/reviews/{review.id}{path}", status=404)


def test_the_authority_user_gets_404_for_the_teams_pages(make, pages, review):
    authority_user = make.authority_user(review.authority)
    make.session.commit()
    pages.sign_in(authority_user)
    pages.get(f"/reviews/{review.id}", status=200)
    for path in ("/team", "/phase", "/dates", f"/team/{review.team[1].id}"):
        pages.get(f"/reviews/{review.id}{path}", status=404)


def test_team_members_who_are_not_lead_get_403_for_lead_actions(pages, review):
    inspector = review.team[1].user
    pages.sign_in(inspector)
    pages.get(f"/reviews/{review.id}/team")
    for path in ("/phase", "/dates", f"/team/{review.team[1].id}"):
        pages.get(f"/reviews/{review.id}{path}", status=403)
    response = pages.client.post(f"/reviews/{review.id}/phase", data={"version": "1"})
    assert response.status_code == 403


def test_lead_moves_the_review_on(make, pages, review, session):
    make.self_evaluation(review)  # analysis needs the authority's return
    make.session.commit()
    pages.sign_in(review.lead_inspector.user)
    pages.post(f"/reviews/{review.id}/phase", {"version": str(review.version)})
    session.expire_all()
    assert session.get(Review, review.id).phase == Phase.ANALYSIS
    overview = pages.get(f"/reviews/{review.id}")
    assert "The review is now in Analysis." in overview.get_text()


def test_a_stale_phase_form_is_refused_with_a_message(pages, review, session):
    pages.sign_in(review.lead_inspector.user)
    stale = str(review.version - 1)
    page = pages.post(f"/reviews/{review.id}/phase", {"version": stale}, status=200)
    assert "Somebody else changed this review" in pages.text(page, ".govuk-error-summary")
    session.expire_all()
    assert session.get(Review, review.id).phase == Phase.SELF_ASSESSMENT


def test_unmet_preconditions_are_stated_on_the_page(make, pages):
    review = make.review()
    make.session.commit()
    pages.sign_in(review.lead_inspector.user)
    page = pages.get(f"/reviews/{review.id}/phase")
    unmet = pages.text(page, "[data-testid=unmet]")
    assert "at least two inspectors" in unmet
    assert "declare their interests" in unmet
    refused = pages.post(
        f"/reviews/{review.id}/phase", {"version": str(review.version)}, status=200
    )
    assert "at least two inspectors" in pages.text(refused, ".govuk-error-summary")


def test_lead_adds_a_member_and_assigns_areas(make, pages, review, session):
    newcomer = make.inspector(Inspectorate.HMIC, name="Newcomer Inspector")
    make.session.commit()
    pages.sign_in(review.lead_inspector.user)
    pages.post(f"/reviews/{review.id}/team", {"user_id": newcomer.id, "role": "inspector"})
    session.expire_all()
    review = session.get(Review, review.id)
    member = review.member_for(newcomer.id)
    assert member is not None and member.role == "inspector"
    area_ids = [a.id for a in review.rubric.areas[:2]]
    pages.post(f"/reviews/{review.id}/team/{member.id}", {"role": "inspector", "areas": area_ids})
    session.expire_all()
    assert sorted(
        a.area_id for a in session.get(Review, review.id).member_for(newcomer.id).assignments
    ) == sorted(area_ids)
    logged = session.scalars(
        select(AuditEvent.action).where(AuditEvent.review_id == review.id)
    ).all()
    assert "team.member_added" in logged and "team.areas_assigned" in logged


def test_adding_nobody_shows_an_error(pages, review):
    pages.sign_in(review.lead_inspector.user)
    page = pages.post(f"/reviews/{review.id}/team", {"user_id": 0, "role": "inspector"}, status=400)
    assert "Select an inspector to add" in pages.text(page, ".govuk-error-summary")


def test_member_declares_a_conflict(pages, review, session):
    member = review.team[1]
    pages.sign_in(member.user)
    page = pages.post(
        f"/reviews/{review.id}/declaration", {"has_conflict": "yes", "details": ""}, status=200
    )
    assert "Describe the conflict" in pages.text(page, ".govuk-error-summary")
    pages.post(
        f"/reviews/{review.id}/declaration",
        {"has_conflict": "yes", "details": "My sister manages a children's home there"},
    )
    session.expire_all()
    member = session.get(Review, review.id).team[1]
    assert member.has_conflict is True and member.assignments == []
    # The lead sees what was declared; other members see only that a conflict was declared.
    other = review.team[2].user
    pages.client.post("/sign-out")
    pages.sign_in(review.lead_inspector.user)
    team = pages.get(f"/reviews/{review.id}/team")
    details = [p.get_text(strip=True) for p in team.select("[data-testid=conflict-details]")]
    assert details == ["My sister manages a children's home there"]
    pages.client.post("/sign-out")
    pages.sign_in(other)
    team = pages.get(f"/reviews/{review.id}/team")
    assert "Conflict declared" in team.get_text()
    assert not team.select("[data-testid=conflict-details]")


def test_lead_changes_dates_and_bad_dates_are_explained(pages, review, session):
    pages.sign_in(review.lead_inspector.user)
    base = {"version": str(review.version)}
    fields = [
        "set_up_on",
        "analysis_week_on",
        "fieldwork_week_one_on",
        "fieldwork_week_two_on",
        "publication_due_on",
    ]
    values = ["7 9 2026", "5 10 2026", "2 11 2026", "16 11 2026", "18 1 2027"]
    data = {**base}
    for field, value in zip(fields, values, strict=True):
        data[field] = value.split()
    data["publication_due_on"] = ["31", "2", "2027"]
    page = pages.post(f"/reviews/{review.id}/dates", data, status=200)
    assert "Publication due must be a real date" in pages.text(page, ".govuk-error-summary")
    data["publication_due_on"] = ["1", "11", "2026"]
    page = pages.post(f"/reviews/{review.id}/dates", data, status=200)
    assert "publication date must be after the fieldwork week 2 date" in pages.text(
        page, ".govuk-error-summary"
    )
    data["publication_due_on"] = ["25", "1", "2027"]
    pages.post(f"/reviews/{review.id}/dates", data)
    session.expire_all()
    assert session.get(Review, review.id).publication_due_on.isoformat() == "2027-01-25"
