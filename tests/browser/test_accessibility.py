"""Every foundation page passes axe, and the main journey works with JavaScript off."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from inspect_app.domain.phases import Phase
from tests.browser.conftest import assert_accessible, screenshot, sign_in


@pytest.fixture
def world(make):
    review = make.review_in(Phase.FIELDWORK)
    admin = make.administrator()
    make.session.commit()
    return review, admin


def test_every_page_passes_axe(page, world):
    review, admin = world
    sign_in(page, admin.email)
    member = review.team[1]
    for path, name in [
        ("/", "dashboard-admin"),
        ("/admin/", "admin"),
        ("/admin/users", "admin-users"),
        ("/admin/users/new", "admin-user-new"),
        (f"/admin/users/{admin.id}", "admin-user-edit"),
        ("/admin/authorities", "admin-authorities"),
        ("/admin/authorities/new", "admin-authority-new"),
        ("/admin/reviews/new", "admin-review-new"),
        (f"/reviews/{review.id}/dates", "review-dates"),
        (f"/reviews/{review.id}/team/{member.id}", "team-member"),
        ("/rubrics/", "rubrics"),
        (f"/rubrics/{review.rubric_id}", "rubric"),
        ("/accessibility", "accessibility"),
    ]:
        response = page.goto(path)
        assert response.status == 200, path
        assert_accessible(page)
        screenshot(page, name)

    # a form with errors
    page.goto("/admin/users/new")
    page.get_by_role("button", name="Create user").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "admin-user-new-errors")

    page.get_by_test_id("sign-out").click()
    sign_in(page, review.lead_inspector.user.email)
    page.goto(f"/reviews/{review.id}/declaration")
    assert_accessible(page)
    screenshot(page, "declaration")


def test_the_lead_journey_works_without_javascript(browser, live_server, world):
    review, _ = world
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, review.lead_inspector.user.email)
        expect(page.get_by_role("heading", level=1)).to_have_text("My reviews")
        page.goto(f"/reviews/{review.id}/phase")
        page.get_by_role("button", name="Move to Moderation").click()
        expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
            "The review is now in Moderation"
        )
        page.get_by_test_id("sign-out").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to JAR Workbench")
    finally:
        context.close()
