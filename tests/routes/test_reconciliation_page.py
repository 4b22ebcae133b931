"""The reconciliation page: its self-grade and evidence columns, the one-grader message, and a
number of SQL queries that depends neither on the team nor on the size of the rubric."""

from __future__ import annotations

import pytest

from inspect_app.domain.inspectorates import Inspectorate
from inspect_app.domain.permissions import ReviewRole
from inspect_app.domain.phases import Phase
from inspect_app.models import Review, User
from inspect_app.services import grading
from inspect_app.services import reviews as review_service
from inspect_app.services.grading import GradeSubmission
from tests.grading_helpers import GradingWorld, submit
from tests.querycount import count_queries


@pytest.fixture
def world(make) -> GradingWorld:
    return GradingWorld.build(make, Phase.FIELDWORK)


def _cells(page, slug: str) -> list[str]:
    escaped = slug.replace(".", "\\.")
    row = page.select_one(f"[data-testid=row-{escaped}]")
    assert row is not None, slug
    return [" ".join(td.get_text(" ").split()) for td in row.select("td")]


def test_self_grade_and_evidence_for_and_against_are_columns_of_the_matrix(world, pages):
    world.evidence("Child protection conference observed", "2.3")
    world.evidence("Strategy meeting minutes", "2.3")
    world.evidence("Audit of child protection plans", "2.3", stance="contradicts")
    submit(world, world.ofsted, "kj-2.3", 4, "Strong.", "high")
    submit(world, world.csci, "kj-2.3", 2, "Weak.", "medium")
    world.session.commit()
    pages.sign_in(world.ofsted)  # has graded 2.3, so sees the team's grades for it
    page = pages.get(f"/reviews/{world.review.id}/reconciliation")
    headers = [
        " ".join(th.get_text(" ").split())
        for th in page.select("[data-testid=matrix-flagged] thead th[rowspan]")
    ]
    assert headers == [
        "Judgement",
        "Self-grade",
        "Median",
        "Spread",
        "Evidence for / against",
        "Agreed",
    ]

    # The factory's self-evaluation grades the first key judgement of every area 3.
    flagged = page.select_one("[data-testid=matrix-flagged] [data-testid=row-kj-2\\.3]")
    assert flagged is not None  # the 4 v 2 disagreement is flagged
    cells = _cells(page, "kj-2.3")
    self_grade, median, spread, evidence, agreed = cells[-5:]
    assert self_grade == "–"  # no self-grade for 2.3
    assert (median, spread) == ("3", "2")
    assert evidence.startswith("2 / 1") and "2 supporting, 1 contradicting" in evidence
    assert agreed == "–"
    self_grade, *_ = _cells(page, "kj-2.1")[-5:]
    assert self_grade.startswith("3")
    assert _cells(page, "kj-2.1")[-2].startswith("0 / 0")


def test_one_grader_only_shows_a_message_not_a_number(world, pages):
    submit(world, world.csci, "kj-2.1", 3, "Alone.", "medium")
    submit(world, world.csci, "kj-2.2", 2, "Alone.", "medium")
    world.advance(Phase.MODERATION)
    world.session.commit()
    pages.sign_in(world.lead)
    page = pages.get(f"/reviews/{world.review.id}/reconciliation")
    assert pages.text(page, "[data-testid=alpha]") == "Not available"
    assert "Fewer than two graders" in pages.text(page, "[data-testid=agreement]")
    assert pages.text(page, "[data-testid=exact]") == "–"
    assert page.select_one("[data-testid=no-flags]")


def _grade_everything(make, review: Review, graders: list[User]) -> None:
    session = make.session
    targets = grading.judgement_targets(session, review)
    for i, user in enumerate(graders):
        access = review_service.access_for(user, review)
        for j, target in enumerate(targets):
            grading.submit_grade(
                session,
                review,
                target,
                GradeSubmission(1 + (i + 2 * j) % 4, "Rationale.", "medium"),
                grader=user,
                access=access,
                expected_version=None,
            )


def _team(make, review: Review, inspectorates: list[Inspectorate]) -> list[User]:
    lead = review.lead_inspector.user
    users = [m.user for m in review.team if m.role in ("lead_inspector", "inspector")]
    for inspectorate in inspectorates:
        user = make.inspector(inspectorate)
        member = make.member(review, user, ReviewRole.INSPECTOR)
        review_service.declare_interests(
            make.session, member, has_conflict=False, details="", actor=user
        )
        review_service.assign_areas(make.session, member, review.rubric.areas, actor=lead)
        users.append(user)
    return users


def test_queries_do_not_grow_with_graders_or_judgements(make, pages):
    # A small rubric (the 2007 model) with two graders, one judgement each …
    small = make.review_in(Phase.FIELDWORK, rubric_key="jar-2007")
    lead = small.lead_inspector.user
    target = grading.judgement_targets(make.session, small)[0]
    grading.submit_grade(
        make.session,
        small,
        target,
        GradeSubmission(3, "Only one.", "low"),
        grader=lead,
        access=review_service.access_for(lead, small),
        expected_version=None,
    )
    # … and the large 2005 framework graded by eight graders from seven inspectorates.
    large = make.review_in(Phase.FIELDWORK, lead=make.inspector(Inspectorate.OFSTED))
    graders = _team(
        make,
        large,
        [
            Inspectorate.CSCI,
            Inspectorate.HEALTHCARE_COMMISSION,
            Inspectorate.AUDIT_COMMISSION,
            Inspectorate.HMI_PROBATION,
            Inspectorate.HMIC,
            Inspectorate.ALI,
        ],
    )
    _grade_everything(make, large, graders)
    make.session.commit()
    small_targets = len(grading.judgement_targets(make.session, small))
    large_targets = len(grading.judgement_targets(make.session, large))
    assert large_targets > small_targets + 10

    counts = {}
    for review, viewer in ((small, lead), (large, large.lead_inspector.user)):
        pages.sign_in(viewer)
        url = f"/reviews/{review.id}/reconciliation"
        pages.get(url)  # warm up
        with count_queries() as queries:
            page = pages.get(url)
        counts[review.id] = len(queries)
        pages.client.post("/sign-out")
    assert counts[small.id] == counts[large.id], counts
    assert counts[large.id] <= 15, counts  # issue 8's target, whatever the review's size
    rows = page.select("[data-testid=matrix-flagged] tbody tr, [data-testid=matrix-other] tbody tr")
    assert len(rows) == large_targets
    assert len(page.select("th.app-matrix__grader")) >= 2 * len(graders)  # two tables
