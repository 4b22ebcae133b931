"""The performance data page and the import page pass axe and their charts render under the
Content Security Policy; a hypothesis is recorded as evidence with JavaScript off."""

from __future__ import annotations

import pytest

from inspect_app.domain.phases import Phase
from tests.browser.conftest import assert_accessible, screenshot, sign_in
from tests.indicator_helpers import small_dataset


@pytest.fixture
def world(make, session):
    data = small_dataset(make, session)
    review = make.review_in(Phase.ANALYSIS, authority=data.a)
    admin = make.administrator()
    session.commit()
    return review, admin


def test_performance_and_import_pages_pass_axe(page, world):
    review, admin = world
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, review.lead_inspector.user.email)
    page.goto(f"/reviews/{review.id}/performance")
    chart = page.locator("[data-testid=indicator-LAC-GCSE-5AC] svg")
    assert chart.bounding_box()["width"] > 200  # drawn, not blocked
    assert_accessible(page)
    screenshot(page, "performance")

    page.get_by_test_id("sign-out").click()
    sign_in(page, admin.email)
    page.goto("/admin/indicators/import")
    page.set_input_files(
        "input[type=file]",
        files=[{"name": "bad.csv", "mimeType": "text/csv", "buffer": b"authority_code\nX\n"}],
    )
    page.get_by_role("button", name="Check and import").click()
    page.wait_for_load_state()
    assert page.locator("[data-testid=import-problems]").is_visible()
    assert_accessible(page)
    screenshot(page, "indicator-import-errors")
    assert not [e for e in errors if "Content Security Policy" in e]


def test_a_hypothesis_is_recorded_as_evidence_without_javascript(browser, live_server, world):
    review, _ = world
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        sign_in(page, review.lead_inspector.user.email)
        page.goto(f"/reviews/{review.id}/performance")
        page.get_by_test_id("hypotheses").get_by_role("button").first.click()
        page.wait_for_load_state()
        assert "/evidence/" in page.url
        assert "has been added to the evidence" in page.content()
    finally:
        context.close()
