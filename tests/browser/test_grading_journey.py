"""Joint grading in a real browser: two inspectors disagree, the lead moderates."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from inspect_app.domain.phases import Phase
from inspect_app.services import api_tokens
from tests.browser.conftest import assert_accessible, screenshot, sign_in, sign_out
from tests.factories import PASSWORD
from tests.grading_helpers import GradingWorld, submit


@pytest.fixture
def world(make) -> GradingWorld:
    world = GradingWorld.build(make, Phase.FIELDWORK)
    evidence = world.evidence("Child protection conference observed", "2.3")
    world.evidence("Audit of child protection plans", "2.3", stance="contradicts")
    submit(
        world,
        world.generalist,
        "kj-2.3",
        3,
        "Plans we read were sound.",
        "medium",
        evidence=(evidence.id,),
    )
    world.session.commit()
    return world


def grade_in_browser(
    browser, live_server, world, user, grade: str, rationale: str, confidence: str, shot: str
):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_in(page, user.email, PASSWORD)
    page.goto(f"/reviews/{world.review.id}/grading")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your judgements to grade")
    assert_accessible(page)
    screenshot(page, f"grading-{shot}-list")
    page.get_by_role("link", name=re.compile(r"^Grade\s+2\.3$")).click()
    expect(page.get_by_test_id("blind")).to_be_visible()
    assert_accessible(page)
    screenshot(page, f"grading-{shot}-form")
    page.get_by_role("radio", name=re.compile(rf"^{grade} –")).check()
    page.get_by_label("Rationale").fill(rationale)
    page.get_by_role("radio", name=confidence).check()
    page.get_by_role("checkbox", name=re.compile("Child protection conference")).check()
    page.get_by_role("button", name="Submit grade").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Your grade has been saved"
    )
    expect(page.get_by_test_id("team-grades")).to_contain_text("Plans we read were sound.")
    assert_accessible(page)
    screenshot(page, f"grading-{shot}-submitted")
    return context, page


def test_two_inspectors_disagree_and_the_lead_records_the_agreed_grade(
    page, browser, live_server, world
):
    # Two inspectors from different inspectorates grade 2.3 far apart, each blind at first.
    ofsted_context, ofsted_page = grade_in_browser(
        browser,
        live_server,
        world,
        world.ofsted,
        "4",
        "Exceptional multi-agency work: every plan we read was reviewed on time.",
        "High",
        "ofsted",
    )
    csci_context, csci_page = grade_in_browser(
        browser,
        live_server,
        world,
        world.csci,
        "2",
        "Six of fourteen case files lacked any analysis of risk.",
        "Medium",
        "csci",
    )
    expect(csci_page.get_by_test_id("team-grades")).to_contain_text("Exceptional multi-agency")
    expect(csci_page.locator(".app-flag-list")).to_contain_text(
        "Grades span 2 grade points (2 to 4)"
    )

    # The Ofsted inspector revises; the history keeps both versions.
    ofsted_page.reload()
    ofsted_page.get_by_role("radio", name=re.compile("^3 –")).check()
    ofsted_page.get_by_label("Rationale").fill("Revised after hearing the CSCI case file findings.")
    ofsted_page.get_by_role("button", name="Save revised grade").click()
    expect(ofsted_page.get_by_test_id("my-grade")).to_contain_text("3 – Good")
    ofsted_page.get_by_role("link", name=re.compile("2 versions")).click()
    expect(ofsted_page.get_by_role("heading", level=1)).to_have_text("Grade history for 2.3")
    expect(ofsted_page.get_by_test_id(f"history-{world.ofsted.id}")).to_contain_text(
        "Exceptional multi-agency work"
    )
    assert_accessible(ofsted_page)
    screenshot(ofsted_page, "grading-history")
    ofsted_context.close()

    # The CSCI inspector has the form open in two tabs: the older tab's save is refused.
    old_tab = csci_context.new_page()
    old_tab.goto(csci_page.url)
    csci_page.get_by_label("Rationale").fill(
        "Six of fourteen case files lacked any analysis of risk; management oversight is "
        "not recorded."
    )
    csci_page.get_by_role("button", name="Save revised grade").click()
    expect(csci_page.locator(".govuk-notification-banner--success")).to_contain_text(
        "revised grade has been saved"
    )
    old_tab.get_by_role("radio", name=re.compile("^1 –")).check()
    old_tab.get_by_role("button", name="Save revised grade").click()
    expect(old_tab.get_by_test_id("stale")).to_contain_text("management oversight")
    expect(old_tab.locator(".govuk-error-summary")).to_contain_text("was not saved")
    assert_accessible(old_tab)
    screenshot(old_tab, "grading-stale")
    csci_context.close()

    # The lead moves the review to moderation, sees the flag and records the agreed grade.
    sign_in(page, world.lead.email, PASSWORD)
    page.goto(f"/reviews/{world.review.id}/grading/team")
    expect(page.get_by_test_id("progress")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "grading-progress")
    page.goto(f"/reviews/{world.review.id}/phase")
    page.get_by_role("button", name="Move to Moderation").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "The review is now in Moderation"
    )

    page.get_by_role("navigation", name="Review sections").get_by_role(
        "link", name="Reconciliation"
    ).click()
    flagged = page.get_by_test_id("matrix-flagged")
    expect(flagged.locator("tbody tr").first).to_contain_text("2.3")
    expect(flagged).to_contain_text("Inspectorate medians differ")
    expect(page.get_by_test_id("flagged-count")).to_have_text("1")
    assert_accessible(page)
    screenshot(page, "reconciliation")

    page.get_by_role("navigation", name="Review sections").get_by_role(
        "link", name="Moderation"
    ).click()
    expect(page.get_by_test_id("missing")).to_contain_text("still lack an agreed grade")
    assert_accessible(page)
    screenshot(page, "moderation")
    page.get_by_role("link", name=re.compile(r"^Record\s+the agreed grade for 2\.3$")).click()
    expect(page.get_by_test_id("team-grades")).to_contain_text("Six of fourteen case files")
    assert_accessible(page)
    page.get_by_role("radio", name=re.compile("^2 –")).check()
    page.get_by_role("button", name="Record agreed grade").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Give the reasons for the agreed grade"
    )
    assert page.title().startswith("Error: ")
    assert_accessible(page)
    screenshot(page, "agree-needs-reasons")
    page.get_by_label("Reasons").fill(
        "The case file sample outweighs the positive conference observation: risk "
        "analysis is missing too often for a good grade."
    )
    page.get_by_role("button", name="Record agreed grade").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "The agreed grade for 2.3 has been recorded"
    )
    expect(page.get_by_test_id("moderation-kj-2.3")).to_contain_text("2 – Adequate")
    screenshot(page, "moderation-agreed")

    page.get_by_test_id("moderation-kj-2.3").get_by_role("link", name=re.compile("Lineage")).click()
    expect(page.get_by_test_id("agreed-history")).to_contain_text("risk analysis is missing")
    expect(page.get_by_test_id("agreed-history")).to_contain_text(world.lead.name)
    assert_accessible(page)
    screenshot(page, "lineage")

    page.goto(f"/reviews/{world.review.id}/calibration")
    expect(page.get_by_test_id("grader-calibration")).to_contain_text(world.ofsted.name)
    assert_accessible(page)
    screenshot(page, "calibration")
    sign_out(page)


def test_the_authority_never_sees_grades_and_tokens_are_made_on_the_profile(page, world, make):
    authority_user = make.authority_user(world.review.authority)
    make.session.commit()
    sign_in(page, authority_user.email, PASSWORD)
    page.goto(f"/reviews/{world.review.id}")
    nav = page.get_by_role("navigation", name="Review sections")
    expect(nav).not_to_contain_text("Grading")
    expect(nav).not_to_contain_text("Reconciliation")
    response = page.goto(f"/reviews/{world.review.id}/reconciliation")
    assert response.status == 404
    response = page.goto(f"/api/v1/reviews/{world.review.id}/reconciliation")
    assert response.status == 404
    assert "Plans we read were sound" not in page.content()
    page.goto("/")
    sign_out(page)

    sign_in(page, world.csci.email, PASSWORD)
    page.get_by_role("link", name="Your profile").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your profile")
    assert_accessible(page)
    page.get_by_label("Name for the token").fill("Moderation spreadsheet")
    page.get_by_role("button", name="Create token").click()
    secret = page.locator("#new-token-value").input_value()
    assert secret.startswith(api_tokens.PREFIX)
    assert_accessible(page)
    screenshot(page, "profile-new-token")
    page.goto("/profile")  # the token is never shown again
    assert secret not in page.content()
    page.get_by_role("button", name=re.compile("Revoke")).click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("revoked")
    assert_accessible(page)
