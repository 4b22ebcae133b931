"""The performance data pack: PDF, HTML and XLSX exports of a review's performance page."""

from __future__ import annotations

import io
import re

import openpyxl
import pypdf
import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from inspect_app.domain.phases import Phase
from inspect_app.models import AuditEvent
from tests.indicator_helpers import small_dataset

FORMATS = ("pdf", "html", "xlsx")
TITLES = (
    "Children in care achieving 5 or more GCSEs at grades A*–C",
    "Children in care with three or more placements in the year",
)


@pytest.fixture
def data(make, session):
    return small_dataset(make, session)


@pytest.fixture
def review(make, session, data):
    review = make.review_in(Phase.ANALYSIS, authority=data.a)
    session.commit()
    return review


def page_url(review) -> str:
    return f"/reviews/{review.id}/performance"


def download(pages, review, fmt: str, status: int = 200):
    response = pages.client.get(f"{page_url(review)}/export.{fmt}")
    assert response.status_code == status, (fmt, response.status_code)
    return response


def exports_audited(session, review) -> list[AuditEvent]:
    session.expire_all()
    return list(
        session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "performance.exported", AuditEvent.review_id == review.id)
            .order_by(AuditEvent.id)
        )
    )


def pdf_text(data: bytes) -> tuple[str, list[str]]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    texts = [page.extract_text() for page in reader.pages]
    return " ".join(" ".join(texts).split()), texts


def summary_rows(page: BeautifulSoup) -> dict[str, list[str]]:
    """The page's benchmark summary, as text: {indicator code: [value, period, neighbours,
    national, trend, direction]} for the indicators with data."""
    rows = {}
    for tr in page.select("tr[data-testid^=row-]"):
        if not tr.select_one("[data-testid=value]"):
            continue
        value = tr.select_one("[data-testid=value]")
        period = value.select_one("span").get_text(strip=True)
        rows[tr["data-testid"].removeprefix("row-")] = [
            value.get_text(" ", strip=True).removesuffix(period).strip(),
            period,
            *(
                tr.select_one(f"[data-testid={k}]").get_text(" ", strip=True)
                for k in ("neighbours", "national", "trend", "direction")
            ),
        ]
    return rows


def trend_tables(page: BeautifulSoup, selector: str) -> list[list[list[str]]]:
    return [
        [[c.get_text(strip=True) for c in tr.select("th, td")] for tr in table.select("tbody tr")]
        for table in page.select(selector)
    ]


# --------------------------------------------------------------------------- the page


def test_the_page_offers_the_three_downloads(pages, review):
    pages.sign_in(review.lead_inspector.user)
    page = pages.get(page_url(review))
    links = page.select("[data-testid=downloads] a")
    assert [a.get_text(strip=True) for a in links] == ["PDF", "HTML", "Excel (figures only)"]
    for link, fmt in zip(links, FORMATS, strict=True):
        assert link["href"] == f"{page_url(review)}/export.{fmt}"


# --------------------------------------------------------------------------- PDF


def test_the_team_pdf_has_the_titles_figures_hypotheses_and_page_numbers(
    pages, session, review, data
):
    pages.sign_in(review.lead_inspector.user)
    response = download(pages, review, "pdf")
    assert response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    text, per_page = pdf_text(response.data)
    assert f"Performance data pack: {data.a.name}" in text
    assert review.reference in text
    for title in TITLES:
        assert title in text
    # LAC-GCSE-5AC in 2006-07: A 5.0%, neighbours (10 + 14) / 2, national (5+10+14+21) / 4.
    for figure in ("5.0%", "12.0%", "12.5%", "6.0%", "11.0%", "9.3%"):
        assert figure in text
    assert "Hypotheses for the analysis week" in text
    assert "markedly worse than statistical neighbours (5.0% vs 12.0% in 2006-07)" in text
    count = len(per_page)
    assert count > 1
    for number, page_text in enumerate(per_page, start=1):
        assert f"Page {number} of {count}" in page_text
    [event] = exports_audited(session, review)
    assert event.actor_id == review.lead_inspector.user.id
    assert event.after["format"] == "pdf" and event.after["with_team_working"] is True
    assert event.after["hypotheses"] == 1 and event.after["indicators"] == 2


# --------------------------------------------------------------------------- HTML


def test_the_html_has_a_chart_and_a_data_table_per_indicator_as_on_the_page(pages, review):
    pages.sign_in(review.lead_inspector.user)
    page = pages.get(page_url(review))
    response = download(pages, review, "html")
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    doc = BeautifulSoup(html, "html.parser")
    panels = doc.select("section.indicator")
    assert len(panels) == len(page.select("[data-testid^=indicator-]")) == 2
    for panel in panels:
        svg = panel.select_one("svg[role=img]")
        assert svg is not None and svg.select_one("title").text in TITLES
        assert panel.select_one("table.trend-table caption")
    assert len(doc.select("svg[role=img]")) == 2
    # Each chart's table holds the page's figures.
    assert trend_tables(doc, "table.trend-table") == trend_tables(page, "[data-testid^=table-]")
    assert trend_tables(doc, "#indicator-lac-gcse-5ac table.trend-table")[0] == [
        ["2005-06", "6.0%", "11.0%", "9.3%"],
        ["2006-07", "5.0%", "12.0%", "12.5%"],
    ]
    # Standalone but CSP-safe: no inline styles; the stylesheet is a file the app serves.
    assert not doc.select("style") and not doc.select("[style]") and not doc.select("script")
    [link] = doc.select("link[rel=stylesheet]")
    css = pages.client.get(link["href"])
    assert css.status_code == 200 and css.mimetype == "text/css"
    assert "@page" in css.get_data(as_text=True) and ".chart-and-table" in css.get_data(
        as_text=True
    )
    assert "Hypotheses for the analysis week" in doc.get_text()
    assert len(doc.select("h1")) == 1


# --------------------------------------------------------------------------- XLSX


def test_the_workbook_holds_the_pages_figures(pages, session, review):
    pages.sign_in(review.lead_inspector.user)
    page = pages.get(page_url(review))
    response = download(pages, review, "xlsx")
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["About", "Benchmarks", "Values by period"]
    sheet = book["Benchmarks"]
    header = [c.value for c in sheet[1]]
    col = {name: header.index(name) for name in header}
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=2)]
    assert len(rows) == len(page.select("tr[data-testid^=row-]")) == 30
    shown = summary_rows(page)
    pct = "{:.1f}%".format
    from_sheet = {
        r[col["Indicator code"]]: [
            pct(r[col[review.authority.name]]),
            r[col["Latest period"]],
            pct(r[col["Statistical neighbours (mean)"]]),
            pct(r[col["National average"]]),
            r[col["Trend"]],
            r[col["Against neighbours"]],
        ]
        for r in rows
        if r[col["Latest period"]] is not None
    }
    assert from_sheet == shown
    assert shown["LAC-GCSE-5AC"] == [
        "5.0%",
        "2006-07",
        "12.0%",
        "12.5%",
        "Declining",
        "Markedly worse",
    ]
    gcse = next(r for r in rows if r[col["Indicator code"]] == "LAC-GCSE-5AC")
    assert gcse[col["National average"]] == pytest.approx(12.5)  # a number, not text
    assert gcse[col["Markedly worse than neighbours"]] == "Yes"
    assert gcse[col["Hypothesis"]].startswith("Children in care achieving")
    # Every period's figures, as in the charts' tables.
    values = book["Values by period"]
    vheader = [c.value for c in values[1]]
    vcol = {name: vheader.index(name) for name in vheader}
    by_period = [
        [
            r[vcol["Period"]],
            pct(r[vcol[review.authority.name]]),
            pct(r[vcol["Statistical neighbours (mean)"]]),
            pct(r[vcol["National average"]]),
        ]
        for r in ([c.value for c in row] for row in values.iter_rows(min_row=2))
    ]
    assert by_period == [
        row for table in trend_tables(page, "[data-testid^=table-]") for row in table
    ]
    [event] = exports_audited(session, review)
    assert event.after["format"] == "xlsx"


def test_text_in_the_workbook_is_never_a_formula(make, pages, session):
    authority = make.authority(name='=HYPERLINK("http://x.example") Council')
    data = small_dataset(make, session, a=authority)
    review = make.review_in(Phase.ANALYSIS, authority=data.a)
    session.commit()
    pages.sign_in(review.lead_inspector.user)
    book = openpyxl.load_workbook(io.BytesIO(download(pages, review, "xlsx").data))
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row]
    risky = [c for c in cells if isinstance(c.value, str) and c.value.startswith("=")]
    assert risky, "the authority's name is in the workbook"
    assert all(c.data_type == "s" for c in risky)
    assert all(c.quotePrefix for c in risky)


# --------------------------------------------------------------------------- who sees what


def test_the_authoritys_exports_have_its_figures_but_no_flags_or_hypotheses(
    make, pages, session, review, data
):
    user = make.authority_user(data.a)
    session.commit()
    pages.sign_in(user)
    pdf, _ = pdf_text(download(pages, review, "pdf").data)
    html = download(pages, review, "html").get_data(as_text=True)
    book = openpyxl.load_workbook(io.BytesIO(download(pages, review, "xlsx").data))
    sheet_text = " ".join(
        str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value
    )
    html_text = BeautifulSoup(html, "html.parser").get_text(" ")
    for text in (pdf, html_text, sheet_text):
        assert TITLES[0] in text
        assert not re.search(r"hypothes|markedly", text, re.IGNORECASE), text[:300]
    assert all(figure in pdf and figure in html_text for figure in ("5.0%", "12.0%", "12.5%"))
    doc = BeautifulSoup(html, "html.parser")
    assert len(doc.select("svg[role=img]")) == 2
    assert "Markedly" not in html and "flagged" not in html
    header = [c.value for c in book["Benchmarks"][1]]
    assert "Hypothesis" not in header and "Markedly worse than neighbours" not in header
    gcse = next(
        [c.value for c in r]
        for r in book["Benchmarks"].iter_rows(min_row=2)
        if r[1].value == "LAC-GCSE-5AC"
    )
    assert gcse[header.index("Against neighbours")] == "Worse"
    events = exports_audited(session, review)
    assert [e.after["format"] for e in events] == list(FORMATS)
    assert all(e.actor_id == user.id and e.after["with_team_working"] is False for e in events)


@pytest.mark.parametrize("who", ["other_authority", "outsider_inspector"])
def test_people_outside_the_review_get_404_and_nothing_is_audited(
    make, pages, session, review, who
):
    user = make.authority_user(make.authority()) if who == "other_authority" else make.inspector()
    session.commit()
    pages.sign_in(user)
    for fmt in FORMATS:
        download(pages, review, fmt, status=404)
    assert exports_audited(session, review) == []
