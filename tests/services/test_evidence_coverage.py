"""Case tracking and the evidence coverage map."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from inspect_app.domain.evidence import EvidenceKind, Stance
from inspect_app.domain.inspectorates import Inspectorate
from inspect_app.domain.phases import Phase
from inspect_app.models import AuditEvent
from inspect_app.services import case_tracking
from inspect_app.services import evidence as svc
from inspect_app.services.case_tracking import CaseDetails
from inspect_app.services.evidence import EvidenceError
from inspect_app.services.evidence_coverage import coverage_map
from tests.evidence_helpers import add


@pytest.fixture
def review(make):
    return make.review_in(Phase.FIELDWORK)


@pytest.fixture
def inspector(review):
    return review.lead_inspector.user


@pytest.fixture
def kjs(session, review):
    return {kj.number: kj for kj in svc.key_judgements_for(session, review.rubric_id)}


def test_tracking_a_case_by_pseudonymous_reference(session, review, inspector, kjs):
    case = case_tracking.start_tracking(
        session,
        review,
        CaseDetails(
            reference=" nmb-ct-04 ",
            services=("Children's social care", "CAMHS", " camhs ", ""),
            summary="Looked after since six.",
            age_group="5 to 10",
        ),
        actor=inspector,
    )
    assert case.reference == "NMB-CT-04" and case.services == ["Children's social care", "CAMHS"]
    item = case.item
    assert item.kind == EvidenceKind.CASE_FILE and item.is_restricted
    assert item.title == "Tracked case NMB-CT-04"
    case_tracking.add_contact(
        session,
        case,
        contact_on=date(2026, 3, 2),
        service="School",
        summary="Personal education plan reviewed.",
        actor=inspector,
    )
    case_tracking.add_contact(
        session,
        case,
        contact_on=date(2025, 7, 1),
        service="CAMHS",
        summary="First appointment.",
        actor=inspector,
    )
    case_tracking.add_finding(
        session,
        case,
        kjs["3.6"],
        stance=Stance.SUPPORTS,
        text="PEP drives extra support.",
        actor=inspector,
    )
    session.expire(case)
    loaded = case_tracking.load_case(session, review, case.id)
    assert [c.service for c in loaded.contacts] == ["CAMHS", "School"]  # by date
    assert loaded.services == ["Children's social care", "CAMHS", "School"]
    assert [(f.key_judgement.number, f.stance) for f in loaded.findings] == [("3.6", "supports")]
    actions = session.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.action.like("tracked_case.%"))
        .order_by(AuditEvent.id)
    ).all()
    assert actions == [
        "tracked_case.started",
        "tracked_case.contact_added",
        "tracked_case.contact_added",
        "tracked_case.finding_added",
    ]


@pytest.mark.parametrize(
    ("reference", "services", "message"),
    [
        ("Jayden Smith", ("School",), "Never use a child's name"),
        ("SMITH-J", ("School",), "Never use a child's name"),
        ("NMB-CT-09", (" ", ""), "at least one service"),
    ],
)
def test_tracking_refuses_names_and_empty_details(
    session, review, inspector, reference, services, message
):
    with pytest.raises(EvidenceError, match=message):
        case_tracking.start_tracking(
            session, review, CaseDetails(reference=reference, services=services), actor=inspector
        )


def test_a_case_is_tracked_once_per_review(session, make, review, inspector):
    details = CaseDetails(reference="NMB-CT-01", services=("School",))
    case_tracking.start_tracking(session, review, details, actor=inspector)
    with pytest.raises(EvidenceError, match="already being tracked"):
        case_tracking.start_tracking(session, review, details, actor=inspector)
    other = make.review_in(Phase.FIELDWORK)
    case_tracking.start_tracking(session, other, details, actor=other.lead_inspector.user)


def test_case_files_count_and_tracked_cases_list(session, review, inspector):
    for n in range(3):
        add(
            session,
            review,
            inspector,
            title=f"Case file NMB-CF-{n}",
            kind=EvidenceKind.CASE_FILE,
            notes="Read.",
        )
    case_tracking.start_tracking(
        session, review, CaseDetails("NMB-CT-02", ("School",)), actor=inspector
    )
    case_tracking.start_tracking(
        session, review, CaseDetails("NMB-CT-01", ("School",)), actor=inspector
    )
    assert case_tracking.case_file_count(session, review) == 5
    assert [c.reference for c in case_tracking.tracked_cases(session, review)] == [
        "NMB-CT-01",
        "NMB-CT-02",
    ]


def test_coverage_counts_items_inspectorates_sources_and_childrens_views(
    make, session, review, inspector, kjs
):
    csci = make.member(review, make.inspector(Inspectorate.CSCI)).user

    def link(item, number, stance=Stance.SUPPORTS):
        svc.link_to_judgement(session, item, kjs[number], stance=stance, note="", actor=inspector)

    plan = add(session, review, inspector, title="Plan", source="Council", notes="n")
    minutes = add(
        session,
        review,
        csci,
        title="Minutes",
        source="LSCB",
        notes="n",
        inspectorate=Inspectorate.CSCI,
    )
    tellus = add(
        session,
        review,
        inspector,
        title="TellUs",
        source="TellUs survey",
        notes="n",
        kind=EvidenceKind.CHILDRENS_VIEWS,
    )
    restricted_views = add(
        session,
        review,
        inspector,
        title="Child's letter",
        notes="n",
        kind=EvidenceKind.CHILDRENS_VIEWS,
        restricted=True,
        source="A child",
    )
    deleted = add(session, review, inspector, title="Gone", source="Elsewhere", notes="n")
    add(session, review, inspector, title="Unlinked", notes="n")
    link(plan, "2.3")
    link(minutes, "2.3", Stance.CONTRADICTS)
    link(tellus, "2.3")
    link(plan, "2.4")
    link(deleted, "2.5")
    link(restricted_views, "4.3")
    svc.delete_evidence(session, deleted, reason="wrong review", actor=inspector)
    case = case_tracking.start_tracking(
        session, review, CaseDetails("NMB-CT-01", ("School",)), actor=csci
    )
    case_tracking.add_finding(
        session, case, kjs["2.4"], stance=Stance.SUPPORTS, text="Good.", actor=csci
    )
    case_tracking.add_finding(
        session, case, kjs["2.4"], stance=Stance.SUPPORTS, text="Again.", actor=csci
    )

    result = coverage_map(session, review, include_restricted=False)
    rows = {row.key_judgement.number: row for row in result.rows}
    c23 = rows["2.3"].coverage
    assert (len(c23.supporting), len(c23.contradicting), len(c23.childrens_views)) == (1, 1, 1)
    assert c23.inspectorates == {"ofsted", "csci"} and len(c23.sources) == 3
    c24 = rows["2.4"].coverage
    assert (len(c24.supporting), c24.inspectorates) == (2, {"ofsted", "csci"})
    assert rows["2.5"].coverage.has_no_evidence  # only deleted evidence
    assert rows["4.3"].coverage.is_single_source
    assert [a.area.number for a in result.areas] == [1, 2, 3, 4, 5, 6, 7]
    assert len(result.rows) == len(kjs)
    assert [v.item.title for v in result.childrens_views] == ["TellUs"]
    assert result.childrens_views[0].judgements == 1
    everything = coverage_map(session, review, include_restricted=True)
    assert sorted(v.item.title for v in everything.childrens_views) == ["Child's letter", "TellUs"]
    assert result.unlinked_items == 1  # "Unlinked" (self-evaluation returns do not count)
    # The factory's return graded the first key judgement of every area 3.
    assert rows["1.1"].self_grade == 3 and rows["2.3"].self_grade is None
