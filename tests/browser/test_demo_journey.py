"""The journey the foundation promises, on the fictional demo itself."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from inspect_app.config import PROJECT_ROOT
from inspect_app.demo import DEMO_PASSWORD, load_demo
from inspect_app.models import Review
from tests.browser.conftest import assert_accessible, screenshot, sign_in, sign_out


@pytest.fixture
def demo(session):
    load_demo(session, PROJECT_ROOT / "rubrics")
    session.commit()
    reviews = session.scalars(select(Review).order_by(Review.id)).all()
    northmere = next(r for r in reviews if r.authority.code == "NMB")
    elsewhere = next(r for r in reviews if r.authority.code != "NMB")
    return northmere, elsewhere


def test_demo_lead_moves_the_review_on_and_authority_is_kept_out_of_others(page, demo):
    northmere, elsewhere = demo
    current = northmere.current_phase
    sign_in(page, "helen.marsh@ofsted.example", DEMO_PASSWORD)
    page.get_by_role("link", name=northmere.reference).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Joint area review of Northmere Borough Council"
    )
    page.goto(f"/reviews/{northmere.id}/phase")
    page.get_by_role("button", name=f"Move to {current.next.label}").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"The review is now in {current.next.label}"
    )
    screenshot(page, "demo-moved-on")
    sign_out(page)
    expect(page).to_have_url(re.compile(r"/sign-in$"))

    sign_in(page, "janet.holloway@northmere.example", DEMO_PASSWORD)
    expect(page.get_by_test_id("reviews")).to_contain_text(northmere.reference)
    response = page.goto(f"/reviews/{elsewhere.id}")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    assert_accessible(page)
