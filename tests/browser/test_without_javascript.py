"""The forms of the foundation, the evidence store and the self-evaluation, with JavaScript off.

GOV.UK Frontend only enhances these pages (the file upload drop zone, error summary focus);
every form must still work as plain HTML. Each journey runs in a browser context with
JavaScript disabled.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect
from sqlalchemy import select

from inspect_app.domain.inspectorates import Inspectorate
from inspect_app.domain.phases import Phase
from inspect_app.models import EvidenceItem, Review, SelfEvaluation
from tests.browser.conftest import assert_accessible, screenshot, sign_in, sign_out
from tests.domain.evidence_samples import docx_bytes, pdf_bytes


@pytest.fixture
def no_js(browser, live_server) -> Iterator[Page]:
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def test_the_lead_forms_the_team_and_plans_the_dates(no_js, make, session):
    page = no_js
    review = make.review()
    make.inspector(Inspectorate.HMIC, name="Nadia Okoro")
    make.session.commit()
    sign_in(page, review.lead_inspector.user.email)
    page.goto(f"/reviews/{review.id}/team")

    page.get_by_role("combobox", name="Inspector").select_option(
        label="Nadia Okoro (HM Inspectorate of Constabulary)"
    )
    page.get_by_role("button", name="Add to the team").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Nadia Okoro")

    page.get_by_role("link", name="Change Nadia Okoro’s role and areas").click()
    page.get_by_label("2. Staying safe").check()
    page.get_by_label("6. Service management").check()
    page.get_by_role("button", name="Save changes").click()
    row = page.get_by_test_id("team").locator("tr", has_text="Nadia Okoro")
    expect(row).to_contain_text("2. Staying safe")
    expect(row).to_contain_text("6. Service management")

    page.goto(f"/reviews/{review.id}/declaration")
    page.get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Save declaration").click()
    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()

    page.goto(f"/reviews/{review.id}/dates")
    fieldset = page.get_by_role("group", name="Publication due")
    fieldset.get_by_label("Day").fill("31")
    fieldset.get_by_label("Month").fill("2")
    page.get_by_role("button", name="Save dates").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Publication due")
    fieldset = page.get_by_role("group", name="Publication due")
    fieldset.get_by_label("Day").fill("25")
    fieldset.get_by_label("Month").fill("1")
    fieldset.get_by_label("Year").fill("2027")
    page.get_by_role("button", name="Save dates").click()
    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()
    session.expire_all()
    saved = session.get(Review, review.id)
    assert saved.publication_due_on.isoformat() == "2027-01-25"
    newcomer = next(m for m in saved.team if m.user.name == "Nadia Okoro")
    assert sorted(a.area.number for a in newcomer.assignments) == [2, 6]

    # The rubric browser's grade descriptors open without JavaScript (<details>).
    page.goto(f"/rubrics/{review.rubric_id}")
    page.get_by_text("Grade descriptors for Staying safe").click()
    expect(
        page.locator("details", has_text="Grade descriptors for Staying safe")
    ).to_have_attribute("open", "")
    sign_out(page)
    expect(page).to_have_url(re.compile(r"/sign-in$"))


def test_an_inspector_adds_two_files_links_them_and_searches(no_js, make, session, tmp_path):
    page = no_js
    review = make.review_in(Phase.FIELDWORK)
    make.session.commit()
    sign_in(page, review.lead_inspector.user.email)
    page.goto(f"/reviews/{review.id}/evidence/new")
    page.get_by_label("Title").fill("Children's Trust board papers")
    page.get_by_label("Source").fill("Northmere Children's Trust")
    page.get_by_label("Day").fill("2")
    page.get_by_label("Month").fill("10")
    page.get_by_label("Year").fill("2026")
    minutes, actions = tmp_path / "minutes.pdf", tmp_path / "actions.docx"
    minutes.write_bytes(pdf_bytes("Scorecard reviewed quarterly by the board."))
    actions.write_bytes(docx_bytes("Action log of the board", "Looked after"))
    page.locator("input[type=file][name=files]").set_input_files([minutes, actions])
    page.get_by_role("button", name="Add evidence").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "has been added to the evidence"
    )
    expect(page.get_by_test_id("files").locator("tbody tr")).to_have_count(2)

    choose = page.get_by_label("Key judgement")
    choose.select_option(
        choose.locator("option", has_text=re.compile(r"^6\.1 ")).get_attribute("value")
    )
    page.get_by_label("Supports", exact=True).check()
    page.get_by_label("Note").fill("The board holds partners to account.")
    page.get_by_role("button", name="Link to the key judgement").click()
    expect(page.get_by_test_id("links")).to_contain_text("6.1")

    page.goto(f"/reviews/{review.id}/evidence")
    page.get_by_label("Search").fill("scorecard quarterly")
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"q=scorecard"))
    expect(page.get_by_test_id("evidence")).to_contain_text("Children's Trust board papers")
    item = session.scalars(
        select(EvidenceItem).where(EvidenceItem.title == "Children's Trust board papers")
    ).one()
    assert sorted(f.original_name for f in item.files) == ["actions.docx", "minutes.pdf"]


def test_the_authority_returns_its_workbook(no_js, make, session, tmp_path):
    page = no_js
    review = make.review_in(Phase.SELF_ASSESSMENT)
    authority_user = make.authority_user(review.authority)
    make.session.commit()
    sign_in(page, authority_user.email)
    page.goto(f"/reviews/{review.id}/self-evaluation")
    with page.expect_download() as download_info:
        page.get_by_test_id("download-workbook").click()
    blank = tmp_path / "blank.xlsx"
    download_info.value.save_as(blank)

    book = load_workbook(blank)
    book["Staying safe"]["C7"] = 9
    book.save(tmp_path / "wrong.xlsx")
    page.get_by_label("Upload your completed workbook").set_input_files(tmp_path / "wrong.xlsx")
    page.get_by_role("button", name="Upload the self-evaluation").click()
    expect(page.get_by_test_id("workbook-problems")).to_contain_text(
        'Staying safe!C7: grade "9" is not on the scale 1–4'
    )

    book["Staying safe"]["C7"] = 3
    book["Staying safe"]["D7"] = "Re-registrations fell to 9%."
    book.save(tmp_path / "filled.xlsx")
    page.get_by_label("Upload your completed workbook").set_input_files(tmp_path / "filled.xlsx")
    page.get_by_role("button", name="Upload the self-evaluation").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Version 1 of your self-evaluation has been received."
    )
    returned = session.scalars(select(SelfEvaluation).where(SelfEvaluation.review_id == review.id))
    assert [r.version for r in returned] == [1]


def test_the_sign_in_page_and_the_authoritys_own_pages_pass_axe(page, make):
    review = make.review_in(Phase.FIELDWORK)
    authority_user = make.authority_user(review.authority)
    make.session.commit()
    page.goto("/sign-in")
    assert_accessible(page)
    screenshot(page, "sign-in")
    sign_in(page, authority_user.email)
    assert_accessible(page)
    screenshot(page, "dashboard-authority")
    for path, name in [
        (f"/reviews/{review.id}", "review-overview-authority"),
        (f"/rubrics/{review.rubric_id}", "rubric-authority"),
        ("/privacy", "privacy"),
    ]:
        response = page.goto(path)
        assert response.status == 200, path
        assert_accessible(page)
        screenshot(page, name)
