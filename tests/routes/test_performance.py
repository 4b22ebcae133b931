"""The performance data page of a review, recording a benchmark as evidence, and the import page."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from sqlalchemy import func, select

from inspect_app.domain.permissions import ReviewRole
from inspect_app.domain.phases import Phase
from inspect_app.models import AuditEvent, EvidenceItem, IndicatorImport, IndicatorValue
from inspect_app.services import indicator_data as svc
from tests.indicator_helpers import csv_bytes, load_shipped_catalogue, set_neighbours, small_dataset
from tests.querycount import count_queries


@pytest.fixture
def data(make, session):
    return small_dataset(make, session)


@pytest.fixture
def review(make, session, data):
    review = make.review_in(Phase.ANALYSIS, authority=data.a)
    session.commit()
    return review


def url(review) -> str:
    return f"/reviews/{review.id}/performance"


def value_count(session) -> int:
    return session.scalar(select(func.count(IndicatorValue.id)))


# --------------------------------------------------------------------------- the page


def test_the_team_sees_every_indicator_by_outcome_with_charts_tables_and_hypotheses(
    pages, review, data
):
    pages.sign_in(review.lead_inspector.user)
    page = pages.get(url(review))
    assert pages.text(page, "h1") == "Performance data"
    assert page.select_one(".app-sub-navigation [aria-current=page]").text.strip() == (
        "Performance data"
    )
    # Every catalogue indicator appears, grouped under the six outcomes.
    outcomes = page.select("section.app-outcome")
    assert len(outcomes) == 6
    assert pages.text(page, "[data-testid=neighbour-list]") == (
        f"Statistical neighbours, closest first: {data.b.name}, {data.c.name}."
    )
    assert len(page.select("tr[data-testid^=row-]")) == 30
    row = page.select_one("[data-testid=row-LAC-GCSE-5AC]")
    assert pages.text(row, "[data-testid=value]") == "5.0% 2006-07"
    assert pages.text(row, "[data-testid=neighbours]") == "12.0%"
    assert pages.text(row, "[data-testid=national]") == "12.5%"  # (5 + 10 + 14 + 21) / 4
    assert pages.text(row, "[data-testid=trend]") == "Declining"
    assert pages.text(row, "[data-testid=direction]") == "Markedly worse"
    better = page.select_one("[data-testid=row-LAC-PLACEMENTS-3PLUS]")
    assert pages.text(better, "[data-testid=direction]") == "Better"
    assert "No data for" in pages.text(page, "[data-testid=row-LAC-HEALTH-CHECK]")
    # A chart and its data table for each indicator with data.
    panel = page.select_one("[data-testid=indicator-LAC-GCSE-5AC]")
    svg = panel.select_one("svg[role=img]")
    assert svg is not None and svg.select_one("title").text.startswith("Children in care")
    assert not svg.select("script") and not svg.has_attr("style")
    table = panel.select_one("[data-testid=table-LAC-GCSE-5AC]")
    cells = [
        [c.get_text(strip=True) for c in tr.select("th, td")] for tr in table.select("tbody tr")
    ]
    assert cells == [["2005-06", "6.0%", "11.0%", "9.3%"], ["2006-07", "5.0%", "12.0%", "12.5%"]]
    assert len(page.select("[data-testid^=indicator-]")) == 2
    # The hypothesis for the analysis week, with a way to record it as evidence.
    hypotheses = page.select("[data-testid=hypotheses] li")
    assert len(hypotheses) == 1
    assert "markedly worse than statistical neighbours (5.0% vs 12.0% in 2006-07)" in (
        hypotheses[0].text
    )
    assert hypotheses[0].select_one("[data-testid=record-LAC-GCSE-5AC]")


def test_the_authority_sees_its_own_figures_but_not_the_teams_hypotheses(make, pages, review, data):
    user = make.authority_user(data.a)
    make.session.commit()
    pages.sign_in(user)
    page = pages.get(url(review))
    row = page.select_one("[data-testid=row-LAC-GCSE-5AC]")
    assert pages.text(row, "[data-testid=value]") == "5.0% 2006-07"
    assert pages.text(row, "[data-testid=direction]") == "Worse"  # not "Markedly worse"
    assert page.select_one("[data-testid=indicator-LAC-GCSE-5AC] svg")
    html = str(page)
    assert "Hypotheses" not in html and "markedly" not in html.lower()
    assert not page.select("form[action$='/performance/evidence']")


@pytest.mark.parametrize("who", ["other_authority", "outsider_inspector"])
def test_people_outside_the_review_get_404(make, pages, review, who):
    user = make.authority_user(make.authority()) if who == "other_authority" else make.inspector()
    make.session.commit()
    pages.sign_in(user)
    pages.get(url(review), status=404)
    response = pages.client.post(f"{url(review)}/evidence", data={"indicator": "LAC-GCSE-5AC"})
    assert response.status_code == 404


def test_an_authority_without_figures_says_so(make, pages, session):
    load_shipped_catalogue(session)
    review = make.review()
    session.commit()
    pages.sign_in(review.lead_inspector.user)
    page = pages.get(url(review))
    assert "No performance data has been imported" in pages.text(page, "[data-testid=no-data]")


def test_the_page_issues_a_bounded_number_of_queries(make, pages, session):
    """The same statements for 4 authorities over 2 periods as for 24 over 4 periods."""
    load_shipped_catalogue(session)
    codes = ("LAC-GCSE-5AC", "HLT-MMR-2", "CL-EET-19")

    def world(authorities: int, periods: list[str]):
        people = [make.authority() for _ in range(authorities)]
        set_neighbours(session, people[0], people[1:6])
        rows = [
            (a.code, code, period, 40 + i + j)
            for i, a in enumerate(people)
            for j, period in enumerate(periods)
            for code in codes
        ]
        frame = pd.DataFrame(rows, columns=["authority_code", "indicator_code", "period", "value"])
        svc.store_values(session, frame)
        return make.review_in(Phase.ANALYSIS, authority=people[0])

    small = world(4, ["2005-06", "2006-07"])
    large = world(24, ["2003-04", "2004-05", "2005-06", "2006-07"])
    session.commit()
    admin = make.administrator()
    session.commit()
    pages.sign_in(admin)

    def statements(review) -> int:
        with count_queries() as seen:
            pages.get(url(review))
        return len(seen)

    assert statements(small) == statements(large) <= 15


# --------------------------------------------------------------------------- record as evidence


def test_recording_a_hypothesis_creates_linked_data_evidence(pages, review, session):
    lead = review.lead_inspector.user
    pages.sign_in(lead)
    response = pages.client.post(f"{url(review)}/evidence", data={"indicator": "LAC-GCSE-5AC"})
    assert response.status_code == 303
    item = session.scalar(select(EvidenceItem).where(EvidenceItem.kind == "data"))
    assert response.headers["Location"].endswith(f"/reviews/{review.id}/evidence/{item.id}")
    assert [(link.key_judgement.number, link.stance) for link in item.links] == [
        ("3.6", "contradicts")
    ]
    shown = pages.get(response.headers["Location"])
    assert "has been added to the evidence" in shown.text
    page = pages.get(url(review))
    recorded = page.select("[data-testid=recorded-LAC-GCSE-5AC] a")
    assert recorded and recorded[0]["href"].endswith(f"/evidence/{item.id}")
    again = pages.client.post(f"{url(review)}/evidence", data={"indicator": "LAC-GCSE-5AC"})
    assert again.status_code == 400
    assert "already in the evidence" in pages.check(again.get_data(as_text=True)).text
    assert session.scalar(select(func.count()).where(EvidenceItem.kind == "data")) == 1


def test_recording_needs_an_inspector_who_may_add_evidence(make, pages, review, session, data):
    author = make.inspector()
    make.member(review, author, ReviewRole.REPORT_AUTHOR)
    own_authority = make.authority_user(data.a)
    admin = make.administrator()
    session.commit()
    for user, status in ((author, 403), (admin, 403), (own_authority, 404)):
        pages.client.post("/sign-out")
        pages.sign_in(user)
        response = pages.client.post(f"{url(review)}/evidence", data={"indicator": "LAC-GCSE-5AC"})
        assert response.status_code == status, user
    pages.client.post("/sign-out")
    pages.sign_in(review.lead_inspector.user)
    response = pages.client.post(f"{url(review)}/evidence", data={"indicator": "NO-SUCH-CODE"})
    assert response.status_code == 400
    assert session.scalar(select(func.count()).where(EvidenceItem.kind == "data")) == 0


# --------------------------------------------------------------------------- import page


def upload(pages, content: bytes, name: str = "figures.csv"):
    return pages.client.post(
        "/admin/indicators/import",
        data={"file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def test_the_import_page_is_for_administrators_only(make, pages, session):
    inspector = make.inspector()
    session.commit()
    pages.sign_in(inspector)
    pages.get("/admin/indicators/import", status=404)
    assert upload(pages, b"x").status_code == 404


def test_a_bad_file_shows_every_problem_with_row_and_column_and_writes_nothing(
    make, pages, session, data
):
    admin = make.administrator()
    session.commit()
    before = value_count(session)
    pages.sign_in(admin)
    bad = csv_bytes(
        [
            (data.a.code, "LAC-GCSE-5AC", "2006-07", 7),
            ("NOWHERE", "LAC-GCSE-5AC", "2006-07", 7),
            (data.a.code, "LAC-GCSE-5AC", "2007-08", "12%"),
        ]
    )
    response = upload(pages, bad)
    assert response.status_code == 400
    page = pages.check(response.get_data(as_text=True))
    summary = page.select_one("[data-testid=import-problems]")
    items = [" ".join(li.text.split()) for li in summary.select(".govuk-error-summary__list li")]
    assert any(item.startswith("Row 3, authority_code:") and "NOWHERE" in item for item in items)
    assert any(item.startswith("Row 4, value:") for item in items)
    assert "Nothing was imported" in summary.text
    assert value_count(session) == before
    assert svc.indicator_values_for(session, [data.a.code], ["LAC-GCSE-5AC"])["value"].tolist() == [
        6.0,
        5.0,
    ]
    assert session.scalar(select(func.count(IndicatorImport.id))) == 0


def test_an_unreadable_or_missing_file_is_explained(make, pages, session):
    admin = make.administrator()
    session.commit()
    pages.sign_in(admin)
    response = pages.client.post("/admin/indicators/import", data={})
    assert response.status_code == 400
    assert "Choose a CSV or Excel file" in response.get_data(as_text=True)
    response = upload(pages, b"\x00\x01not a table", "x.csv")
    assert response.status_code == 400
    assert pages.check(response.get_data(as_text=True)).select_one("[data-testid=import-problems]")


def test_a_good_file_is_imported_with_a_banner_of_counts(make, pages, session, data):
    admin = make.administrator()
    session.commit()
    pages.sign_in(admin)
    good = csv_bytes(
        [
            (data.a.code, "LAC-GCSE-5AC", "2006-07", 7),  # replaces 5
            (data.a.code, "LAC-GCSE-5AC", "2007-08", 8),  # new
        ]
    )
    response = upload(pages, good, "update.csv")
    assert response.status_code == 303
    page = pages.get(response.headers["Location"])
    assert "Imported 2 rows from update.csv: 1 new, 1 replaced, 0 unchanged." in page.text
    assert "update.csv" in pages.text(page, "[data-testid=imports]")
    assert svc.indicator_values_for(session, [data.a.code], ["LAC-GCSE-5AC"])["value"].tolist() == [
        6.0,
        7.0,
        8.0,
    ]
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "indicators.imported"))
    assert event.actor_id == admin.id and event.after["replaced"] == 1
