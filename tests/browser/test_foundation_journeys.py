"""Journeys through the foundation in real headless Chromium."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from inspect_app.domain.phases import Phase
from tests.browser.conftest import assert_accessible, screenshot, sign_in, sign_out


@pytest.fixture
def two_reviews(make):
    review = make.review_in(Phase.SELF_ASSESSMENT)
    make.self_evaluation(review)  # the authority's return lets the review move to analysis
    other = make.review(authority=make.authority("Elsewhere District Council"))
    authority_user = make.authority_user(review.authority)
    make.self_evaluation(review, actor=authority_user)  # analysis needs the authority's return
    make.session.commit()
    return review, other, authority_user


def test_lead_moves_the_review_on_and_signs_out(page, two_reviews):
    review, _, _ = two_reviews
    sign_in(page, review.lead_inspector.user.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("My reviews")
    assert_accessible(page)
    screenshot(page, "dashboard-lead")

    page.get_by_role("link", name=review.reference).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(review.authority.name)
    assert_accessible(page)
    screenshot(page, "review-overview")

    page.get_by_test_id("advance").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("to Analysis")
    assert_accessible(page)
    page.get_by_role("button", name="Move to Analysis").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "The review is now in Analysis"
    )
    expect(page.get_by_test_id("phase-timeline").locator("[aria-current=step]")).to_contain_text(
        "Analysis"
    )
    screenshot(page, "review-moved-on")

    page.get_by_role("link", name="Team").first.click()
    assert_accessible(page)
    screenshot(page, "team")

    sign_out(page)
    expect(page).to_have_url(re.compile(r"/sign-in$"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("signed out")


def test_authority_user_cannot_open_another_authoritys_review(page, two_reviews):
    review, other, authority_user = two_reviews
    sign_in(page, authority_user.email)
    expect(page.get_by_test_id("reviews")).to_contain_text(review.reference)
    expect(page.get_by_test_id("reviews")).not_to_contain_text(other.reference)
    response = page.goto(f"/reviews/{other.id}")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    assert_accessible(page)
    screenshot(page, "authority-404")


def test_sign_in_error_is_accessible(page, two_reviews):
    sign_in(page, "nobody@test.example", "wrong password here")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter a correct email address and password"
    )
    assert page.title().startswith("Error: ")
    assert_accessible(page)
    screenshot(page, "sign-in-error")
