"""The common dataset in the database: catalogue, all-or-nothing import, benchmarking a review."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import func, select

from inspect_app.demo_performance import load_demo_performance_data
from inspect_app.domain.benchmarking import Direction, Trend
from inspect_app.domain.demo_dataset import DemoAuthority, DemoDataset
from inspect_app.domain.evidence import EvidenceKind, Stance
from inspect_app.domain.phases import Phase
from inspect_app.models import (
    AuditEvent,
    Authority,
    AuthorityNeighbour,
    EvidenceItem,
    Indicator,
    IndicatorImport,
    IndicatorValue,
)
from inspect_app.services import indicator_data as svc
from tests.indicator_helpers import csv_bytes, load_shipped_catalogue, set_neighbours, small_dataset


def value_count(session) -> int:
    return session.scalar(select(func.count(IndicatorValue.id)))


def stored(session, authority: Authority, code: str, period: str) -> float | None:
    return session.scalar(
        select(IndicatorValue.value)
        .join(IndicatorValue.indicator)
        .where(
            IndicatorValue.authority_id == authority.id,
            Indicator.code == code,
            IndicatorValue.period == period,
        )
    )


# --------------------------------------------------------------------------- catalogue


def test_catalogue_load_is_idempotent_and_retires_codes_gone_from_the_file(session):
    catalogue = svc.read_catalogue_file()
    first = svc.load_catalogue(session, catalogue)
    assert len(first.added) == len(catalogue) == 30
    again = svc.load_catalogue(session, catalogue)
    assert not again.changed_anything and again.unchanged == 30
    assert (
        session.scalar(
            select(func.count()).where(AuditEvent.action == "indicators.catalogue_loaded")
        )
        == 1
    )

    smaller = type(catalogue)(
        version="1.1",
        title=catalogue.title,
        source=catalogue.source,
        description="",
        indicators=catalogue.indicators[1:],
        content_hash="x" * 64,
    )
    result = svc.load_catalogue(session, smaller)
    assert result.retired == (catalogue.indicators[0].code,)
    assert len(result.changed) == 29  # the version and positions changed
    stored_codes = svc.stored_catalogue(session).codes
    assert stored_codes == smaller.codes  # in file order, without the retired one
    assert session.scalar(select(func.count(Indicator.id))) == 30  # never deleted


# --------------------------------------------------------------------------- import


def test_import_stores_every_row_records_the_import_and_audits_it(make, session):
    load_shipped_catalogue(session)
    a, b = make.authority(), make.authority()
    admin = make.administrator()
    data = csv_bytes(
        [
            (a.code, "LAC-GCSE-5AC", "2006-07", 11.5),
            (b.code.lower(), "lac-gcse-5ac", "2006/07", 13),  # case and separator forgiven
            (a.code, "HLT-INFANT-MORT", "2006", 5.1),
        ]
    )
    outcome = svc.import_indicator_file(
        session, data, "../figures 2007.csv", actor=admin, via="web"
    )
    assert outcome.ok, outcome.problems
    assert (outcome.row_count, outcome.added, outcome.replaced) == (3, 3, 0)
    assert stored(session, b, "LAC-GCSE-5AC", "2006-07") == 13.0
    record = session.scalar(select(IndicatorImport))
    assert record.filename == "figures 2007.csv"  # sanitised
    assert record.imported_by_id == admin.id and record.row_count == 3 and len(record.sha256) == 64
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "indicators.imported"))
    assert event.actor_id == admin.id and event.after["added"] == 3


def test_a_failing_file_writes_nothing_and_lists_every_problem(make, session):
    load_shipped_catalogue(session)
    a = make.authority()
    good = svc.import_indicator_file(
        session,
        csv_bytes([(a.code, "LAC-GCSE-5AC", "2005-06", 10)]),
        "a.csv",
        actor=None,
        via="cli",
    )
    assert good.ok
    before = (value_count(session), session.scalar(select(func.count(IndicatorImport.id))))

    bad = csv_bytes(
        [
            (a.code, "LAC-GCSE-5AC", "2005-06", 99),  # would replace the held 10
            ("NOWHERE", "LAC-GCSE-5AC", "2006-07", 12),  # row 3: unknown authority
            (a.code, "NOT-AN-INDICATOR", "2006-07", 12),  # row 4
            (a.code, "LAC-GCSE-5AC", "2006-07", "twelve"),  # row 5
            (a.code, "LAC-GCSE-5AC", "2006-08", 12),  # row 6
        ]
    )
    outcome = svc.import_indicator_file(session, bad, "bad.csv", actor=None, via="cli")
    assert not outcome.ok
    where = {(p.row, p.column) for p in outcome.problems}
    assert {(3, "authority_code"), (4, "indicator_code"), (5, "value"), (6, "period")} <= where
    assert any("NOWHERE" in p.message for p in outcome.problems)
    assert (value_count(session), session.scalar(select(func.count(IndicatorImport.id)))) == before
    assert stored(session, a, "LAC-GCSE-5AC", "2005-06") == 10.0


def test_reimporting_a_figure_replaces_it_and_the_change_is_audited(make, session):
    load_shipped_catalogue(session)
    a = make.authority()
    first = [(a.code, "LAC-GCSE-5AC", "2006-07", 10), (a.code, "LAC-GCSE-5AC", "2005-06", 9)]
    svc.import_indicator_file(session, csv_bytes(first), "one.csv", actor=None, via="cli")
    second = [(a.code, "LAC-GCSE-5AC", "2006-07", 12.5), (a.code, "LAC-GCSE-5AC", "2005-06", 9)]
    outcome = svc.import_indicator_file(
        session, csv_bytes(second), "two.csv", actor=None, via="cli"
    )
    assert (outcome.added, outcome.replaced, outcome.unchanged) == (0, 1, 1)
    assert value_count(session) == 2
    assert stored(session, a, "LAC-GCSE-5AC", "2006-07") == 12.5
    event = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.action == "indicators.imported")
        .order_by(AuditEvent.id.desc())
    ).first()
    assert event.before["replaced_values"] == [
        {"authority": a.code, "indicator": "LAC-GCSE-5AC", "period": "2006-07", "before": 10.0}
    ]
    assert event.after["replaced_values"][0]["after"] == 12.5


def test_an_indicator_keeps_its_kind_of_period_across_imports(make, session):
    load_shipped_catalogue(session)
    a = make.authority()
    svc.import_indicator_file(
        session,
        csv_bytes([(a.code, "LAC-GCSE-5AC", "2006-07", 10)]),
        "a.csv",
        actor=None,
        via="cli",
    )
    outcome = svc.import_indicator_file(
        session, csv_bytes([(a.code, "LAC-GCSE-5AC", "2007", 11)]), "b.csv", actor=None, via="cli"
    )
    assert [(p.row, p.column) for p in outcome.problems] == [(2, "period")]
    assert "2006-07" in outcome.problems[0].message
    assert value_count(session) == 1


def test_an_empty_catalogue_makes_every_indicator_unknown(make, session):
    a = make.authority()
    outcome = svc.import_indicator_file(
        session,
        csv_bytes([(a.code, "LAC-GCSE-5AC", "2006-07", 10)]),
        "a.csv",
        actor=None,
        via="cli",
    )
    assert [(p.row, p.column) for p in outcome.problems] == [(2, "indicator_code")]


# --------------------------------------------------------------------------- benchmarking


def test_indicator_values_for_filters_by_authority_and_indicator(make, session):
    data = small_dataset(make, session)
    frame = svc.indicator_values_for(session, [data.a.code], ["LAC-PLACEMENTS-3PLUS"])
    assert frame.to_dict("records") == [
        {
            "authority_code": data.a.code,
            "indicator_code": "LAC-PLACEMENTS-3PLUS",
            "period": "2006-07",
            "value": 8.0,
        }
    ]
    assert len(svc.indicator_values_for(session)) == len(data.rows())
    assert svc.neighbour_codes(session, data.a) == [data.b.code, data.c.code]


def test_benchmark_of_a_reviews_authority_matches_hand_computed_figures(make, session):
    data = small_dataset(make, session)
    review = make.review(authority=data.a)
    result = svc.benchmark_review(session, review)

    gcse = result.get("LAC-GCSE-5AC")
    assert gcse.latest_period == "2006-07"
    assert gcse.latest_value == 5.0
    assert gcse.latest_national_average == pytest.approx((5 + 10 + 14 + 21) / 4)  # 12.5
    assert gcse.latest_neighbour_mean == pytest.approx((10 + 14) / 2)  # 12.0; D is no neighbour
    assert gcse.national_average["2005-06"] == pytest.approx((6 + 9 + 13) / 3)
    assert gcse.direction is Direction.WORSE and gcse.flagged
    assert gcse.trend is Trend.DECLINING  # 6 → 5, higher is better
    assert gcse.hypothesis.startswith("Children in care achieving 5 or more GCSEs")

    placements = result.get("LAC-PLACEMENTS-3PLUS")  # lower is better: 8 against 12 is better
    assert placements.latest_neighbour_mean == pytest.approx(12.0)
    assert placements.latest_national_average == pytest.approx((8 + 12 + 12 + 10) / 4)
    assert placements.direction is Direction.BETTER and not placements.flagged

    assert [b.indicator.code for b in result.flagged] == ["LAC-GCSE-5AC"]
    groups = {g.code: g for g in result.outcomes}
    assert len(groups) == 6 and sum(len(g.rows) for g in groups.values()) == 30
    lac = {row.indicator.code: row.benchmark for row in groups["looked-after-children"].rows}
    assert lac["LAC-GCSE-5AC"] is gcse and lac["LAC-HEALTH-CHECK"] is None


def test_an_authority_without_figures_has_no_benchmarks(make, session):
    small_dataset(make, session)
    result = svc.benchmark_authority(session, make.authority())
    assert not result.has_data and len(result.outcomes) == 6


# --------------------------------------------------------------------------- as evidence


def test_a_flagged_benchmark_becomes_data_evidence_linked_to_its_key_judgements(make, session):
    data = small_dataset(make, session)
    review = make.review_in(Phase.ANALYSIS, authority=data.a)
    lead = review.lead_inspector.user
    item = svc.record_benchmark_as_evidence(session, review, "LAC-GCSE-5AC", actor=lead)
    session.flush()
    assert item.evidence_kind is EvidenceKind.DATA
    assert item.title == (
        "Performance data: Children in care achieving 5 or more GCSEs at grades A*–C, 2006-07"
    )
    assert "Hypothesis for fieldwork" in item.notes and "5.0%" in item.notes
    assert [(link.key_judgement.number, link.stance) for link in item.links] == [
        ("3.6", Stance.CONTRADICTS.value)
    ]
    assert svc.recorded_benchmarks(session, review) == {item.title: item.id}
    with pytest.raises(svc.PerformanceEvidenceError, match="already in the evidence"):
        svc.record_benchmark_as_evidence(session, review, "LAC-GCSE-5AC", actor=lead)
    with pytest.raises(svc.PerformanceEvidenceError, match="no data"):
        svc.record_benchmark_as_evidence(session, review, "LAC-HEALTH-CHECK", actor=lead)
    better = svc.record_benchmark_as_evidence(session, review, "LAC-PLACEMENTS-3PLUS", actor=lead)
    assert {link.stance for link in better.links} == {Stance.SUPPORTS.value}
    data_items = select(func.count(EvidenceItem.id)).where(EvidenceItem.kind == "data")
    assert session.scalar(data_items) == 2


# --------------------------------------------------------------------------- demo


def tiny_dataset(codes: list[str]) -> DemoDataset:
    authorities = [DemoAuthority(code, f"Invented {code} Council", "North East") for code in codes]
    neighbours = {code: [c for c in codes if c != code] for code in codes}
    values = pd.DataFrame(
        [(code, "LAC-GCSE-5AC", "2006-07", 10.0 + i) for i, code in enumerate(codes)],
        columns=["authority_code", "indicator_code", "period", "value"],
    )
    return DemoDataset(authorities, neighbours, values)


def test_demo_data_matches_existing_authorities_tops_up_neighbours_and_is_idempotent(make, session):
    existing = make.authority()
    other = make.authority()
    set_neighbours(session, existing, [other])
    dataset = tiny_dataset([existing.code, "QQA", "QQB"])
    first = load_demo_performance_data(session, dataset=dataset)
    assert first.authorities_added == 2 and first.values_added == 3
    assert svc.neighbour_codes(session, existing) == [other.code, "QQA"]  # kept first, topped up
    qqa = session.scalar(select(Authority).where(Authority.code == "QQA"))
    assert qqa.region == "North East"
    assert svc.neighbour_codes(session, qqa) == [existing.code, "QQB"]
    counts = (
        session.scalar(select(func.count(Authority.id))),
        session.scalar(select(func.count(AuthorityNeighbour.rank))),
        value_count(session),
        session.scalar(select(func.count(IndicatorImport.id))),
    )
    again = load_demo_performance_data(session, dataset=dataset)
    assert (again.authorities_added, again.neighbours_added, again.values_added) == (0, 0, 0)
    assert again.values_unchanged == 3
    assert (
        session.scalar(select(func.count(Authority.id))),
        session.scalar(select(func.count(AuthorityNeighbour.rank))),
        value_count(session),
        session.scalar(select(func.count(IndicatorImport.id))),
    ) == counts


def test_an_excel_workbook_is_imported_like_a_csv_file(make, session):
    import io

    from openpyxl import Workbook

    load_shipped_catalogue(session)
    a = make.authority()
    book = Workbook()
    sheet = book.active
    sheet.append(["Authority code", "Indicator code", "Period", "Value"])
    sheet.append([a.code, "CL-EET-19", "2006-07", 71.5])
    out = io.BytesIO()
    book.save(out)
    outcome = svc.import_indicator_file(
        session, out.getvalue(), "figures.csv", actor=None, via="web"
    )  # the content decides the type, not the name
    assert outcome.ok, outcome.problems
    assert stored(session, a, "CL-EET-19", "2006-07") == 71.5
