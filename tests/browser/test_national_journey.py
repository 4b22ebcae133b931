"""A programme lead opens the national programme view, filters it by region and downloads
the spreadsheet; the view and a review's performance data page pass axe."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from inspect_app.domain.inspectorates import Inspectorate
from inspect_app.domain.phases import Phase
from tests.browser.conftest import assert_accessible, screenshot, sign_in
from tests.indicator_helpers import small_dataset
from tests.national_helpers import hand_built_programme


@pytest.fixture
def world(make, session):
    programme = hand_built_programme(make)
    lead = make.inspector(Inspectorate.HMI_PROBATION, name="Rowena Programme-Lead")
    lead.programme_lead = True
    data = small_dataset(make, session)
    review = make.review_in(Phase.ANALYSIS, authority=data.a)
    session.commit()
    return programme, lead, review


def test_programme_lead_filters_the_national_view_and_downloads_the_spreadsheet(page, world):
    programme, lead, _ = world
    sign_in(page, lead.email)
    page.get_by_role("link", name="National programme").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("National programme")
    reviews = page.get_by_test_id("table-reviews")
    for review in (programme.a, programme.c, programme.d):
        expect(reviews).to_contain_text(review.reference)
    expect(page.get_by_test_id("grades-chart").locator("svg")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "national")

    page.get_by_label("Region", exact=True).select_option("South West")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_load_state()
    assert "region=South+West" in page.url
    expect(page.get_by_role("link", name="Clear filters")).to_be_visible()
    south_west = [r.reference for r in (programme.c, programme.d, programme.e)]
    rows = page.get_by_test_id("table-reviews").locator("tbody tr")
    expect(rows).to_have_count(len(south_west))
    for reference in south_west:
        expect(rows.filter(has_text=reference)).to_have_count(1)
    expect(page.get_by_test_id("table-reviews")).not_to_contain_text(programme.a.reference)
    # The grade breakdowns open without JavaScript's help: they are <details> elements.
    page.get_by_text("Grades by region", exact=True).click()
    expect(page.get_by_test_id("table-grades-by-region")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "national-south-west")

    with page.expect_download() as download:
        page.get_by_test_id("export-xlsx").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    book = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    about = {row[0]: row[1] for row in book["About"].iter_rows(values_only=True)}
    assert about["Region"] == "South West"
    sheet = book["Reviews"]
    references = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(references) == sorted(south_west)
    regions = {row[2] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert regions == {"South West"}


def test_national_view_and_performance_page_fit_the_screen(page, world, make, session):
    """Nothing is wider than the window, from a phone to a wide screen: wide tables scroll
    inside their own focusable region."""
    _, lead, review = world
    sign_in(page, review.lead_inspector.user.email)
    page.goto(f"/reviews/{review.id}/performance")
    expect(page.get_by_role("heading", level=1)).to_have_text("Performance data")
    assert_accessible(page)
    screenshot(page, "performance-page")
    for width in (1280, 800, 375):
        page.set_viewport_size({"width": width, "height": 900})
        assert page.evaluate("document.documentElement.scrollWidth") <= width, width
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_test_id("sign-out").click()
    sign_in(page, lead.email)
    page.goto("/national")
    for width in (1280, 800, 375):
        page.set_viewport_size({"width": width, "height": 900})
        assert page.evaluate("document.documentElement.scrollWidth") <= width, width
