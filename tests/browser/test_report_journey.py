"""The report in a real browser: the author drafts a section, the authority checks the draft,
the lead publishes, the authority downloads the PDF and starts its action plan."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pypdf
import pytest
from playwright.sync_api import expect

from inspect_app.domain.phases import Phase
from inspect_app.services import publication, report_drafting
from tests.browser.conftest import assert_accessible, screenshot, sign_in, sign_out
from tests.report_factories import ReportWorld


@pytest.fixture
def world(make) -> ReportWorld:
    return ReportWorld.build(make, Phase.DRAFTING)


def test_author_drafts_lead_publishes_authority_downloads_the_pdf(page, world, session):
    review_id = world.review.id

    # The report author drafts the introduction.
    sign_in(page, world.author.email)
    page.goto(f"/reviews/{review_id}")
    page.get_by_role("navigation", name="Review sections").get_by_role(
        "link", name="Report"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Report")
    expect(page.get_by_test_id("report-status")).to_contain_text("Draft")
    assert_accessible(page)
    screenshot(page, "report-draft")

    page.get_by_test_id("tools-introduction").get_by_role("link", name=re.compile("^Edit")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Introduction")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("Add a starting point")).click()
    expect(page.get_by_test_id("seeded")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "report-section-seeded")
    page.get_by_label("Text (Markdown)").fill(
        "This review looked at services for children and young people in the area.\n\n"
        "- The team met **forty** young people.\n- It read sixty case files."
    )
    page.get_by_role("button", name="Save section").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "‘Introduction’ has been saved"
    )
    expect(page.get_by_test_id("section-introduction")).to_contain_text("forty young people")
    expect(page.get_by_test_id("section-introduction").locator("strong")).to_have_text("forty")

    page.get_by_test_id("tools-introduction").get_by_role(
        "link", name=re.compile("^History")
    ).click()
    expect(page.get_by_test_id("diff")).to_contain_text("forty")
    assert_accessible(page)
    screenshot(page, "report-section-history")

    # Two tabs on the same section: the older tab's save is refused with the newer text.
    page.goto(f"/reviews/{review_id}/report/sections/context")
    other_tab = page.context.new_page()
    other_tab.goto(f"/reviews/{review_id}/report/sections/context")
    other_tab.get_by_label("Text (Markdown)").fill("The area has about 46,000 children.")
    other_tab.get_by_role("button", name="Save section").click()
    expect(other_tab.locator(".govuk-notification-banner--success")).to_be_visible()
    other_tab.close()
    page.get_by_label("Text (Markdown)").fill("The area has about 47,000 children.")
    page.get_by_role("button", name="Save section").click()
    expect(page.get_by_test_id("stale-text")).to_have_text("The area has about 46,000 children.")
    expect(page.get_by_test_id("diff")).to_contain_text("47,000")
    expect(page.locator(".govuk-error-summary")).to_contain_text("was not saved")
    assert_accessible(page)
    screenshot(page, "report-section-stale")

    page.goto(f"/reviews/{review_id}/report/recommendations/new")
    assert_accessible(page)
    page.get_by_label("Recommendation").fill("Publish the thresholds document for partners.")
    page.get_by_role("radio", name="Within six months").check()
    page.get_by_role("button", name="Save recommendation").click()
    expect(page.get_by_test_id("band-six_months")).to_contain_text("Publish the thresholds")
    sign_out(page)

    # The lead moves the review to the factual accuracy check.
    sign_in(page, world.lead.email)
    page.goto(f"/reviews/{review_id}/phase")
    page.get_by_role("button", name="Move to Factual accuracy check").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Factual accuracy check"
    )
    sign_out(page)

    # The authority reads the draft and raises a comment.
    sign_in(page, world.authority_user.email)
    page.goto(f"/reviews/{review_id}/report")
    expect(page.get_by_test_id("section-introduction")).to_contain_text("forty young people")
    expect(page.get_by_test_id("annex")).not_to_contain_text("Team’s grades")
    assert_accessible(page)
    screenshot(page, "report-authority-draft")
    page.get_by_role("navigation", name="Review sections").get_by_role(
        "link", name="Factual accuracy"
    ).click()
    assert_accessible(page)
    page.get_by_label("Which section is your comment about?").select_option("introduction")
    page.get_by_label("The words you are commenting on (optional)").fill("sixty case files")
    page.get_by_label("Your comment", exact=True).fill("The team read sixty-two case files.")
    page.get_by_role("button", name="Send comment").click()
    expect(page.get_by_test_id("unanswered")).to_contain_text("1 comment still to answer")
    screenshot(page, "factual-accuracy-authority")
    sign_out(page)

    # The author accepts the comment and corrects the section in one step.
    sign_in(page, world.author.email)
    page.goto(f"/reviews/{review_id}/report/accuracy")
    page.get_by_role("link", name=re.compile("^Answer")).click()
    assert_accessible(page)
    page.get_by_role("radio", name=re.compile("^Accept")).check()
    corrected = page.get_by_label("Corrected section text")
    corrected.fill(corrected.input_value().replace("sixty case files", "sixty-two case files"))
    page.get_by_label("Reply to the authority").fill("Thank you: corrected.")
    screenshot(page, "factual-accuracy-answer")
    page.get_by_role("button", name="Send answer").click()
    expect(page.get_by_test_id("unanswered")).to_contain_text("0 comments still to answer")
    sign_out(page)

    # The lead publishes, and makes the report public.
    sign_in(page, world.lead.email)
    page.goto(f"/reviews/{review_id}/report")
    page.get_by_role("link", name="Publish the report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Publish the report")
    assert_accessible(page)
    screenshot(page, "report-publish")
    page.get_by_label(re.compile("Also publish it at a public address")).check()
    page.get_by_role("button", name="Publish the report").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "The report has been published (version 1)"
    )
    expect(page.get_by_test_id("report-status")).to_contain_text("Published")
    assert_accessible(page)
    screenshot(page, "report-published")
    public_url = page.get_by_test_id("public-url").get_attribute("href")
    page.get_by_role("link", name="Reopen for re-issue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reopen the report for re-issue")
    assert_accessible(page)
    page.goto(f"/reviews/{review_id}/report")
    published = publication.latest_published(session, review_id)
    expect(page.get_by_test_id("content-hash")).to_have_text(published.content_hash)
    sign_out(page)

    # The authority downloads the PDF: the published version, with its fingerprint.
    sign_in(page, world.authority_user.email)
    page.goto(f"/reviews/{review_id}/report")
    with page.expect_download() as download:
        page.get_by_test_id("downloads").get_by_role("link", name=re.compile("^PDF")).click()
    assert download.value.suggested_filename.endswith("-joint-area-review-v1.pdf")
    data = Path(download.value.path()).read_bytes()
    assert data.startswith(b"%PDF")
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages)
    assert "sixty-two case files" in text
    assert published.content_hash in "".join(text.split())

    # …and starts its action plan.
    page.get_by_role("navigation", name="Review sections").get_by_role(
        "link", name="Action plan"
    ).click()
    expect(page.get_by_test_id("plan-status")).to_contain_text("70 working days")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("Add an action")).first.click()
    assert_accessible(page)
    page.get_by_label("Action").fill("Train every duty social worker on the thresholds.")
    page.get_by_label("Owner").fill("Head of Safeguarding")
    page.get_by_label("Day").fill("1")
    page.get_by_label("Month").fill("6")
    page.get_by_label("Year").fill("2027")
    page.get_by_role("radio", name="In progress").check()
    page.get_by_role("button", name="Save action").click()
    expect(page.get_by_test_id("plan-recommendation-1")).to_contain_text("Head of Safeguarding")
    screenshot(page, "action-plan")
    sign_out(page)

    # Anyone can read the public report, signed out.
    page.goto(public_url)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Joint area review")
    assert_accessible(page)
    screenshot(page, "report-public")
    assert report_drafting.report_for(session, world.review).is_public
