"""Evidence and self-evaluation journeys in headless Chromium, with axe on every new page."""

from __future__ import annotations

import re
from datetime import date

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from inspect_app.domain.evidence import EvidenceKind, Stance
from inspect_app.domain.phases import Phase
from inspect_app.services import case_tracking
from inspect_app.services import evidence as svc
from inspect_app.services.case_tracking import CaseDetails
from tests.browser.conftest import assert_accessible, screenshot, sign_in, sign_out
from tests.domain.evidence_samples import pdf_bytes
from tests.evidence_helpers import add


@pytest.fixture
def self_assessment(make):
    review = make.review_in(Phase.SELF_ASSESSMENT)
    authority_user = make.authority_user(review.authority, name="Janet Holloway")
    make.session.commit()
    return review, authority_user


def test_the_authority_returns_its_self_evaluation(page, self_assessment, tmp_path):
    review, authority_user = self_assessment
    sign_in(page, authority_user.email)
    page.get_by_role("link", name=review.reference).click()
    page.get_by_role("link", name="Self-evaluation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Self-evaluation")
    assert_accessible(page)
    screenshot(page, "self-evaluation-authority")

    with page.expect_download() as download_info:
        page.get_by_test_id("download-workbook").click()
    download = download_info.value
    assert download.suggested_filename == f"self-evaluation-{review.reference}.xlsx"
    blank = tmp_path / download.suggested_filename
    download.save_as(blank)

    # An error workbook first: a grade off the scale, a grade without a narrative, a formula.
    book = load_workbook(blank)
    book["Staying safe"]["C7"] = 5
    book["Staying safe"]["D7"] = "Re-registrations are falling."
    book["Staying safe"]["C8"] = 3
    book["Being healthy"]["C5"] = "=2+1"
    book["Being healthy"]["D5"] = "Health visiting reaches every family."
    wrong = tmp_path / "wrong.xlsx"
    book.save(wrong)
    page.get_by_label("Upload your completed workbook").set_input_files(wrong)
    page.get_by_role("button", name="Upload the self-evaluation").click()
    problems = page.get_by_test_id("workbook-problems")
    expect(problems).to_contain_text('Staying safe!C7: grade "5" is not on the scale 1–4')
    expect(problems).to_contain_text("Staying safe!D8: narrative is required when a grade is given")
    expect(problems).to_contain_text("Being healthy!C5: formulas are not allowed")
    expect(problems).to_contain_text("Nothing was saved")
    assert page.title().startswith("Error: ")
    assert_accessible(page)
    screenshot(page, "self-evaluation-errors")

    # Then the filled workbook.
    book = load_workbook(blank)
    book["Staying safe"]["C7"] = 3
    book["Staying safe"]["D7"] = "Re-registrations fell to 9% (national 13%)."
    book["Staying safe"]["E7"] = "Child protection register statistics 2006"
    book["Staying safe"]["C12"] = 3
    book["Staying safe"]["D12"] = "Safeguarding is secure; partners work well together."
    filled = tmp_path / "filled.xlsx"
    book.save(filled)
    page.get_by_label("Upload your completed workbook").set_input_files(filled)
    page.get_by_role("button", name="Upload the self-evaluation").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Version 1 of your self-evaluation has been received."
    )
    row = page.get_by_test_id("se-area-2").locator("[data-judgement='2.3']")
    expect(row).to_contain_text("3 – Good")
    expect(row).to_contain_text("Re-registrations fell to 9% (national 13%).")
    assert_accessible(page)
    screenshot(page, "self-evaluation-received")

    # A revised return is a new version; the first is kept.
    book["Staying safe"]["C7"] = 2
    book["Staying safe"]["D7"] = "Re-registrations fell, but our audit found weak assessments."
    book.save(filled)
    page.get_by_label("Upload your completed workbook").set_input_files(filled)
    page.get_by_role("button", name="Upload the self-evaluation").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Version 2")
    expect(page.get_by_test_id("versions").locator("tbody tr")).to_have_count(2)
    sign_out(page)

    # The lead sees it beside each key judgement and can move the review on.
    sign_in(page, review.lead_inspector.user.email)
    page.goto(f"/reviews/{review.id}/self-evaluation")
    expect(page.get_by_test_id("se-area-2").locator("[data-judgement='2.3']")).to_contain_text(
        "our audit found weak assessments"
    )
    assert_accessible(page)
    page.goto(f"/reviews/{review.id}/self-evaluation/versions/1")
    assert_accessible(page)
    screenshot(page, "self-evaluation-version")
    page.goto(f"/reviews/{review.id}/self-evaluation")
    page.get_by_test_id("compare-link").click()
    changes = page.get_by_test_id("changes")
    expect(changes.locator("tr[data-judgement='2.3'][data-field='grade']")).to_contain_text(
        "2 – Adequate"
    )
    assert_accessible(page)
    screenshot(page, "self-evaluation-compare")
    page.goto(f"/reviews/{review.id}")
    expect(page.get_by_test_id("advance")).to_have_text("Move to Analysis")


@pytest.fixture
def fieldwork(make, session):
    review = make.review_in(Phase.FIELDWORK)
    lead = review.lead_inspector.user
    kjs = {kj.number: kj for kj in svc.key_judgements_for(session, review.rubric_id)}
    views = add(
        session,
        review,
        lead,
        title="TellUs survey results",
        source="TellUs survey",
        kind=EvidenceKind.CHILDRENS_VIEWS,
        notes="84% feel safe in school.",
    )
    svc.link_to_judgement(
        session, views, kjs["2.2"], stance=Stance.SUPPORTS, note="Most feel safe", actor=lead
    )
    case = case_tracking.start_tracking(
        session,
        review,
        CaseDetails(
            "NMB-CT-04", ("Children's social care", "School"), "Looked after since six.", "5 to 10"
        ),
        actor=lead,
    )
    case_tracking.add_contact(
        session,
        case,
        contact_on=date(2025, 9, 1),
        service="School",
        summary="Personal education plan reviewed.",
        actor=lead,
    )
    case_tracking.add_finding(
        session,
        case,
        kjs["3.6"],
        stance=Stance.SUPPORTS,
        text="The plan drives extra support.",
        actor=lead,
    )
    session.commit()
    return review, case


def test_an_inspector_uploads_a_pdf_and_links_it_to_a_key_judgement(page, fieldwork, tmp_path):
    review, _ = fieldwork
    sign_in(page, review.lead_inspector.user.email)
    page.goto(f"/reviews/{review.id}")
    page.get_by_role("navigation", name="Review sections").get_by_role(
        "link", name="Evidence"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Evidence")
    assert_accessible(page)

    page.get_by_test_id("add-evidence").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add evidence")
    assert_accessible(page)
    screenshot(page, "evidence-add")

    # A refused file first: nothing is kept and the reason is given.
    bad = tmp_path / "minutes.docx"
    bad.write_bytes(pdf_bytes("Really a PDF"))
    page.get_by_label("Title").fill("LSCB annual report 2005-06")
    page.get_by_label("Source").fill("Northmere Local Safeguarding Children Board")
    page.get_by_label("Day").fill("14")
    page.get_by_label("Month").fill("9")
    page.get_by_label("Year").fill("2026")
    page.locator("input[type=file][name=files]").set_input_files(bad)
    page.get_by_role("button", name="Add evidence").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "'minutes.docx' was refused: its name ends in .docx but its content is a PDF document"
    )
    assert_accessible(page)
    screenshot(page, "evidence-add-refused")

    pdf = tmp_path / "LSCB annual report.pdf"
    pdf.write_bytes(pdf_bytes("Independent chair appointed; section 11 audits complete."))
    page.get_by_label("Notes").fill("Candid about delays in the east area team.")
    page.locator("input[type=file][name=files]").set_input_files(pdf)
    page.get_by_role("button", name="Add evidence").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "“LSCB annual report 2005-06” has been added to the evidence."
    )
    expect(page.get_by_test_id("files")).to_contain_text("LSCB annual report.pdf")
    assert_accessible(page)

    choose = page.get_by_label("Key judgement")
    choose.select_option(
        choose.locator("option", has_text=re.compile(r"^2\.4 ")).get_attribute("value")
    )
    page.get_by_label("Supports", exact=True).check()
    page.get_by_label("Note").fill("All statutory partners attend; audits completed.")
    page.get_by_role("button", name="Link to the key judgement").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "The evidence now supports key judgement 2.4."
    )
    expect(page.get_by_test_id("links")).to_contain_text("2.4")
    expect(page.get_by_test_id("links")).to_contain_text("Supports")
    assert_accessible(page)
    screenshot(page, "evidence-item-linked")

    with page.expect_download() as download_info:
        page.get_by_test_id("files").get_by_role("link").click()
    assert download_info.value.suggested_filename == "LSCB annual report.pdf"

    page.goto(f"/reviews/{review.id}/evidence?q=section+audits")
    expect(page.get_by_test_id("evidence")).to_contain_text("LSCB annual report 2005-06")
    assert_accessible(page)
    screenshot(page, "evidence-search")

    page.goto(f"/reviews/{review.id}/evidence")
    assert_accessible(page)
    screenshot(page, "evidence-list")

    page.get_by_role("navigation", name="Review sections").get_by_role(
        "link", name="Coverage"
    ).click()
    row = page.locator("tr[data-judgement='2.4']")
    expect(row.locator("[data-count=supports]")).to_have_text("1")
    expect(row.locator("[data-flag]")).to_contain_text("Single source")
    expect(page.get_by_test_id("childrens-views")).to_contain_text("TellUs survey results")
    assert_accessible(page)
    screenshot(page, "evidence-coverage")


def test_the_other_evidence_pages_pass_axe(page, fieldwork):
    review, case = fieldwork
    sign_in(page, review.lead_inspector.user.email)
    item_id = case.evidence_item_id
    for path, name in [
        (f"/reviews/{review.id}/tracked-cases", "tracked-cases"),
        (f"/reviews/{review.id}/tracked-cases/{case.id}", "tracked-case"),
        (f"/reviews/{review.id}/tracked-cases/new", "tracked-case-new"),
        (f"/reviews/{review.id}/evidence/{item_id}", "evidence-restricted-item"),
        (f"/reviews/{review.id}/evidence/{item_id}/edit", "evidence-edit"),
        (f"/reviews/{review.id}/evidence/{item_id}/delete", "evidence-delete"),
        (f"/reviews/{review.id}/self-evaluation", "self-evaluation-team"),
    ]:
        response = page.goto(path)
        assert response.status == 200, path
        assert_accessible(page)
        screenshot(page, name)

    page.goto(f"/reviews/{review.id}/tracked-cases/{case.id}")
    page.get_by_role("button", name="Record the finding").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select a key judgement")
    assert_accessible(page)
