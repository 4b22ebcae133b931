"""Every page renders for the people who may see it, as a well-formed GOV.UK page."""

from __future__ import annotations

from pathlib import Path

import pytest

from inspect_app.domain.phases import Phase


@pytest.fixture
def world(make):
    review = make.review_in(Phase.FIELDWORK)
    admin = make.administrator()
    authority_user = make.authority_user(review.authority)
    make.session.commit()
    return review, admin, authority_user


def test_sign_in_page(pages):
    page = pages.get("/sign-in")
    assert pages.text(page, "h1") == "Sign in to JAR Workbench"
    assert page.select_one("input#email[type=email]")
    assert page.select_one("input#password[type=password]")


def test_signed_out_user_is_sent_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


def test_lead_sees_every_review_page(world, pages):
    review, _, _ = world
    pages.sign_in(review.lead_inspector.user)
    dashboard = pages.get("/")
    assert review.reference in pages.text(dashboard, "[data-testid=reviews]")
    overview = pages.get(f"/reviews/{review.id}")
    assert pages.text(overview, "h1") == f"Joint area review of {review.authority.name}"
    assert "Fieldwork" in pages.text(overview, "[data-testid=phase-timeline] [aria-current=step]")
    team = pages.get(f"/reviews/{review.id}/team")
    assert len(team.select("[data-testid=team] tbody tr")) == len(review.team)
    member = review.team[1]
    pages.get(f"/reviews/{review.id}/team/{member.id}")
    pages.get(f"/reviews/{review.id}/declaration")
    pages.get(f"/reviews/{review.id}/dates")
    advance = pages.get(f"/reviews/{review.id}/phase")
    assert "Moderation" in pages.text(advance, "h1")
    rubrics = pages.get("/rubrics/")
    assert "jar-2005" in rubrics.get_text()
    rubric_page = pages.get(f"/rubrics/{review.rubric_id}")
    assert rubric_page.select_one("#kj-2\\.3")


def test_administrator_pages(world, pages):
    review, admin, _ = world
    pages.sign_in(admin)
    pages.get("/admin/")
    users = pages.get("/admin/users")
    assert admin.email in users.get_text()
    pages.get("/admin/users/new")
    pages.get(f"/admin/users/{admin.id}")
    authorities = pages.get("/admin/authorities")
    assert review.authority.name in authorities.get_text()
    pages.get("/admin/authorities/new")
    pages.get(f"/admin/authorities/{review.authority_id}")
    pages.get("/admin/reviews/new")
    pages.get(f"/reviews/{review.id}")
    pages.get(f"/reviews/{review.id}/team")


def test_authority_user_sees_its_review_without_team_workings(world, pages):
    review, _, authority_user = world
    pages.sign_in(authority_user)
    dashboard = pages.get("/")
    assert review.reference in dashboard.get_text()
    overview = pages.get(f"/reviews/{review.id}")
    assert overview.select_one("[data-testid=activity]") is None
    assert overview.select_one("[data-testid=advance]") is None
    assert "Team" not in [
        a.get_text() for a in overview.select("nav[aria-label='Review sections'] a")
    ]
    pages.get(f"/rubrics/{review.rubric_id}")


def test_static_pages_and_errors(world, pages):
    pages.get("/accessibility")
    pages.get("/privacy")
    _, admin, _ = world
    pages.sign_in(admin)
    page = pages.get("/no-such-page", status=404)
    assert pages.text(page, "h1") == "Page not found"


def test_health_check(client, app):
    Path(app.config["EVIDENCE_DIR"]).mkdir(parents=True, exist_ok=True)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "evidence_store": "ok"}


def test_govuk_assets_are_served(client):
    response = client.get("/assets/images/favicon.svg")
    assert response.status_code == 200
    response.close()
    css = client.get("/static/govuk/govuk-frontend.min.css")
    assert css.status_code == 200
    css.close()
