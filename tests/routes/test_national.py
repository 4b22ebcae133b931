"""The national programme view: who may see it, what it shows, its exports and its cost."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from inspect_app.domain.inspectorates import Inspectorate
from inspect_app.models import AuditEvent
from inspect_app.services import national_view
from tests.national_helpers import NationalBuilder, Plan, hand_built_programme
from tests.querycount import count_queries

TODAY = date(2027, 1, 10)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    """The schedule is judged on 10 January 2027, whatever the clock says."""
    monkeypatch.setattr(national_view, "today_in_uk", lambda: TODAY)


@pytest.fixture
def programme(make):
    return hand_built_programme(make)


@pytest.fixture
def admin(make):
    user = make.administrator()
    make.session.commit()
    return user


@pytest.fixture
def programme_lead(make):
    user = make.inspector(Inspectorate.CSCI, name="Priya Programme-Lead")
    user.programme_lead = True
    make.session.commit()
    return user


def exports(session) -> list[AuditEvent]:
    session.rollback()  # see what the requests committed
    return list(
        session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "national.exported")
            .order_by(AuditEvent.id)
        )
    )


def table_rows(page, key: str) -> list[list[str]]:
    table = page.select_one(f"[data-testid=table-{key}]")
    assert table is not None, key
    return [
        [" ".join(cell.get_text(" ").split()) for cell in row.select("th, td")]
        for row in table.select("tbody tr")
    ]


# --------------------------------------------------------------------------- permissions


def test_administrator_and_programme_lead_see_it(programme, admin, programme_lead, pages):
    for user in (admin, programme_lead):
        pages.sign_in(user)
        page = pages.get("/national")
        assert pages.text(page, "h1") == "National programme"
        nav = [a.get_text(strip=True) for a in page.select(".govuk-service-navigation__link")]
        assert "National programme" in nav
        pages.client.post("/sign-out")


def test_everybody_else_gets_a_404(make, programme, pages, client):
    inspector = make.inspector()  # even the lead of reviews in the programme
    lead_of_a = programme.a.team[0].user
    authority_user = make.authority_user(programme.a.authority)
    authority_user.programme_lead = True  # the flag does not open it to an authority
    make.session.commit()
    for user in (inspector, lead_of_a, authority_user):
        pages.sign_in(user)
        for url in ("/national", "/national/export.xlsx", "/national/export.csv"):
            assert client.get(url).status_code == 404, (user.email, url)
        page = pages.get("/")
        nav = [a.get_text(strip=True) for a in page.select(".govuk-service-navigation__link")]
        assert "National programme" not in nav
        client.post("/sign-out")


def test_signed_out_people_are_sent_to_sign_in(client):
    for url in ("/national", "/national/export.xlsx", "/national/export.csv"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/sign-in")


# --------------------------------------------------------------------------- the page


def test_page_shows_reviews_schedule_grades_disagreement_and_calibration(programme, admin, pages):
    pages.sign_in(admin)
    page = pages.get("/national")
    reviews = {row[0].split()[0]: row for row in table_rows(page, "reviews")}
    a = reviews[programme.a.reference]
    assert a[1:4] == ["Northmere Borough Council", "North East", "Published"]
    assert a[-1].startswith("Published Published on 1 March 2026, 14 days after")
    d = reviews[programme.d.reference]
    assert d[-1].startswith("Overdue Fieldwork was due to end by 15 December 2026")
    assert page.select_one(f"a[href='/reviews/{programme.a.id}']")  # administrators can open it
    assert pages.text(page, "[data-testid=count-reviews]") == "5"
    assert pages.text(page, "[data-testid=count-published]") == "3"

    assert table_rows(page, "grades") == [
        ["Being healthy", "1", "2", "0", "0", "3", "3.33"],
        ["Staying safe", "0", "0", "2", "1", "3", "1.67"],
    ]
    assert ["Being healthy", "North East", "1", "1", "0", "0", "2", "3.50"] in table_rows(
        page, "grades-by-region"
    )
    assert ["Staying safe", "Ofsted", "0", "0", "1", "1", "2", "1.50"] in table_rows(
        page, "grades-by-inspectorate"
    )
    chart = page.select_one("[data-testid=grades-chart] svg")
    assert chart is not None and chart.get("role") == "img"
    assert not page.select("[style]")

    disagreement = table_rows(page, "disagreement")
    assert [row[:2] for row in disagreement] == [["jar-2005", "2.3"], ["jar-2005", "1.1"]]
    assert disagreement[0][3:] == ["3", "2.00", "3", "3"]

    assert "+0.25" in pages.text(page, "[data-testid=calibration-overall]")
    by_authority = table_rows(page, "calibration-by-authority")
    assert by_authority[0][0] == "Northmere Borough Council"
    assert by_authority[0][-1] == "over-rates"
    assert by_authority[-1][0] == "Fenwick Vale Council"


def test_programme_lead_sees_references_without_links(programme, programme_lead, pages):
    pages.sign_in(programme_lead)
    page = pages.get("/national")
    assert not page.select_one(f"a[href='/reviews/{programme.a.id}']")  # not on the team


def test_filters_narrow_every_section(programme, admin, pages):
    pages.sign_in(admin)
    page = pages.get("/national?region=North+East&lead_inspectorate=csci")
    assert [row[0].split()[0] for row in table_rows(page, "reviews")] == [programme.b.reference]
    assert table_rows(page, "grades") == [
        ["Being healthy", "1", "0", "0", "0", "1", "4.00"],
        ["Staying safe", "0", "0", "1", "0", "1", "2.00"],
    ]
    assert page.select_one("#region option[selected]")["value"] == "North East"
    csv_link = page.select_one("[data-testid=csv-grades]")["href"]
    assert "region=North+East" in csv_link and "lead_inspectorate=csci" in csv_link
    empty = pages.get("/national?phase=closed")
    assert empty.select_one("[data-testid=empty-reviews]")
    assert empty.select_one("[data-testid=empty-grades]")


def test_a_filter_off_the_list_is_an_error_naming_it(session, programme, admin, pages, client):
    pages.sign_in(admin)
    page = pages.get("/national?region=Atlantis&fieldwork_year=1066")
    summary = pages.text(page, ".govuk-error-summary")
    assert "Region: choose one of the options in the list" in summary
    assert "Year of fieldwork: choose one of the options in the list" in summary
    assert page.title.text.startswith("Error: ")
    response = client.get("/national/export.xlsx?phase=nonsense")
    assert response.status_code == 400
    assert "Phase: choose one of the options" in response.get_data(as_text=True)
    response = client.get("/national/export.csv?section=everything")
    assert response.status_code == 400
    assert "There is no section called “everything”" in response.get_data(as_text=True)
    assert exports(session) == []


# --------------------------------------------------------------------------- exports


def test_xlsx_export_holds_the_page_figures_and_is_audited(
    session, programme, admin, pages, client
):
    pages.sign_in(admin)
    page = pages.get("/national?region=North+East")
    response = client.get("/national/export.xlsx?region=North+East")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert "attachment" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == [
        "About",
        "Reviews",
        "Grades",
        "Grades by region",
        "Grades by lead inspectorate",
        "Disagreement",
        "Calibration by authority",
        "Calibration by judgement",
    ]
    about = {row[0].value: row[1].value for row in book["About"].iter_rows()}
    assert about["Region"] == "North East" and about["Reviews"] == 2

    def shown(cell) -> str:
        if cell.value is None:
            return "–"
        if cell.number_format == "0.00":
            return f"{cell.value:.2f}"
        return str(cell.value)

    def sheet_as_page(title: str) -> list[list[str]]:
        return [[shown(cell) for cell in row] for row in book[title].iter_rows(min_row=2)]

    for key, title in (
        ("grades", "Grades"),
        ("grades-by-region", "Grades by region"),
        ("grades-by-inspectorate", "Grades by lead inspectorate"),
        ("disagreement", "Disagreement"),
        ("calibration-by-authority", "Calibration by authority"),
        ("calibration-by-judgement", "Calibration by judgement"),
    ):
        assert sheet_as_page(title) == table_rows(page, key), title
    references = [row[0] for row in book["Reviews"].iter_rows(min_row=2, values_only=True)]
    assert references == [programme.a.reference, programme.b.reference]

    [event] = exports(session)
    assert event.actor_id == admin.id
    assert event.after["format"] == "xlsx"
    assert event.after["filters"] == {"region": "North East"}
    assert event.after["reviews"] == 2


def test_csv_export_of_the_reviews_and_of_a_section(
    session, programme, programme_lead, pages, client
):
    pages.sign_in(programme_lead)
    response = client.get("/national/export.csv?fieldwork_year=2026")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Reference", "Authority", "Region", "Phase"]
    assert [r[0] for r in rows[1:]] == [
        programme.b.reference,
        programme.c.reference,
        programme.d.reference,
        programme.e.reference,
    ]
    b = rows[1]
    assert b[rows[0].index("Published on")] == "2026-06-01"
    assert b[rows[0].index("Schedule")] == "Published"

    response = client.get("/national/export.csv?section=disagreement")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[1][:2] == ["jar-2005", "2.3"]
    assert rows[1][3:] == ["3", "2.00", "3", "3"]
    events = exports(session)
    assert [(e.after["format"], e.after["section"]) for e in events] == [
        ("csv", "reviews"),
        ("csv", "disagreement"),
    ]
    assert all(e.actor_id == programme_lead.id for e in events)


# --------------------------------------------------------------------------- cost


def build_programme(make, count: int, prefix: str) -> None:
    build = NationalBuilder(make)
    lead = make.inspector(Inspectorate.OFSTED)
    regions = ("North East", "South West", "London")
    for i in range(count):
        authority = build.authority(f"{prefix} Council {i}", regions[i % 3])
        build.review(
            Plan(
                authority,
                lead,
                agreed={"1": 1 + i % 4, "2": 1 + (i + 1) % 4, "2.3": 2},
                provisional={"2.3": [1 + i % 4, 2, 3], "1.1": [3, 3]},
                self_grades=[{"1": 3, "2.3": 3}],
                published_on=None,
            )
        )
    make.session.commit()


def statements(pages, url: str) -> int:
    with count_queries() as seen:
        response = pages.client.get(url)
        assert response.status_code == 200
    return len(seen)


def test_queries_do_not_grow_with_the_number_of_reviews(make, admin, pages):
    build_programme(make, 3, "Testdale")
    pages.sign_in(admin)
    few = {url: statements(pages, url) for url in ("/national", "/national/export.xlsx")}
    build_programme(make, 27, "Westdale")
    many = {url: statements(pages, url) for url in ("/national", "/national/export.xlsx")}
    assert many == few
    page = pages.get("/national")
    assert pages.text(page, "[data-testid=count-reviews]") == "30"
    assert few["/national"] <= 12
