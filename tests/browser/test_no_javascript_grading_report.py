"""Grading, moderation and report writing work with JavaScript switched off."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from inspect_app.domain.phases import Phase
from tests.browser.conftest import sign_in, sign_out
from tests.factories import PASSWORD
from tests.grading_helpers import GradingWorld, submit
from tests.report_factories import ReportWorld


@pytest.fixture
def no_js_page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def test_grading_and_moderation_without_javascript(no_js_page, make):
    page = no_js_page
    world = GradingWorld.build(make, Phase.FIELDWORK)
    submit(world, world.ofsted, "kj-2.3", 4, "Every plan reviewed on time.", "high")
    world.session.commit()

    sign_in(page, world.csci.email, PASSWORD)
    page.goto(f"/reviews/{world.review.id}/grading/kj-2.3")
    expect(page.get_by_test_id("blind")).to_be_visible()
    page.get_by_role("radio", name=re.compile("^2 –")).check()
    page.get_by_label("Rationale").fill("Six of fourteen case files lacked any analysis of risk.")
    page.get_by_role("radio", name="Medium").check()
    page.get_by_role("button", name="Submit grade").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Your grade has been saved"
    )
    expect(page.get_by_test_id("team-grades")).to_contain_text("Every plan reviewed on time.")
    sign_out(page)

    sign_in(page, world.lead.email, PASSWORD)
    page.goto(f"/reviews/{world.review.id}/phase")
    page.get_by_role("button", name="Move to Moderation").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Moderation")
    page.goto(f"/reviews/{world.review.id}/reconciliation")
    expect(page.get_by_test_id("matrix-flagged")).to_contain_text("Grades span 2 grade points")
    expect(page.get_by_test_id("agreement-by-area")).to_be_hidden()
    page.locator("summary", has_text="Agreement by judgement area").click()  # native <details>
    expect(page.get_by_test_id("agreement-by-area")).to_be_visible()

    page.goto(f"/reviews/{world.review.id}/moderation/kj-2.3")
    page.get_by_role("radio", name=re.compile("^2 –")).check()
    page.get_by_role("button", name="Record agreed grade").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Give the reasons")
    page.get_by_label("Reasons").fill("The case file sample outweighs the observation.")
    page.get_by_role("button", name="Record agreed grade").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "The agreed grade for 2.3 has been recorded"
    )
    expect(page.get_by_test_id("moderation-kj-2.3")).to_contain_text("2 – Adequate")


def test_report_writing_and_the_accuracy_check_without_javascript(no_js_page, make):
    page = no_js_page
    world = ReportWorld.build(make, Phase.DRAFTING)

    sign_in(page, world.author.email)
    page.goto(f"/reviews/{world.review.id}/report/sections/introduction")
    page.get_by_label("Text (Markdown)").fill("The team met **forty** young people.")
    page.get_by_role("button", name="Save section").click()
    expect(page.get_by_test_id("section-introduction").locator("strong")).to_have_text("forty")
    page.goto(f"/reviews/{world.review.id}/report/recommendations/new")
    page.get_by_label("Recommendation").fill("Publish the thresholds document for partners.")
    page.get_by_role("radio", name="In the longer term").check()
    page.get_by_role("button", name="Save recommendation").click()
    expect(page.get_by_test_id("band-longer_term")).to_contain_text("Publish the thresholds")
    sign_out(page)

    sign_in(page, world.lead.email)
    page.goto(f"/reviews/{world.review.id}/phase")
    page.get_by_role("button", name="Move to Factual accuracy check").click()
    sign_out(page)

    sign_in(page, world.authority_user.email)
    page.goto(f"/reviews/{world.review.id}/report/accuracy")
    page.get_by_label("Which section is your comment about?").select_option("introduction")
    page.get_by_label("Your comment", exact=True).fill("We met forty-two young people.")
    page.get_by_role("button", name="Send comment").click()
    expect(page.get_by_test_id("unanswered")).to_contain_text("1 comment still to answer")
