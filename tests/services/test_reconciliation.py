"""The reconciliation matrix against hand-worked examples and the krippendorff package."""

from __future__ import annotations

import krippendorff
import numpy as np
import pytest

from inspect_app.domain.agreement import (
    ALPHA_FEWER_THAN_TWO_GRADERS,
    FLAG_INSPECTORATES_DIFFER,
    FLAG_SPREAD,
)
from inspect_app.domain.phases import Phase
from inspect_app.services import reconciliation
from inspect_app.services.reviews import load_review
from tests.grading_helpers import GradingWorld, agree, submit
from tests.querycount import count_queries

# Hand-worked: graders (Ofsted, CSCI, CSCI generalist) × key judgements 2.1, 2.2, 2.3.
#   2.1: 3 3 3   three equal pairs                       spread 0
#   2.2: 3 2 2   one equal pair, all within one          spread 1, Ofsted 3 v CSCI 2
#   2.3: 4 2 1   no equal pair, one within one (2, 1)    spread 3, Ofsted 4 v CSCI 1.5
# Pairs 9; exact 4/9; within one 7/9.
GRADES = {"kj-2.1": (3, 3, 3), "kj-2.2": (3, 2, 2), "kj-2.3": (4, 2, 1)}


@pytest.fixture
def world(make) -> GradingWorld:
    world = GradingWorld.build(make, Phase.FIELDWORK)
    for slug, values in GRADES.items():
        for user, value in zip((world.ofsted, world.csci, world.generalist), values, strict=True):
            submit(world, user, slug, value, f"Rationale for {slug}.", "medium")
    world.session.commit()
    return world


def build(world, viewer=None):
    review = load_review(world.session, world.review.id)
    access = world.access(viewer) if viewer is not None else None
    return reconciliation.build(world.session, review, viewer=viewer, access=access)


def test_agreement_matches_the_hand_worked_example_and_the_krippendorff_package(world):
    matrix = build(world)
    assert matrix.overall.pairs == 9
    assert matrix.overall.exact_agreement == pytest.approx(4 / 9)
    assert matrix.overall.within_one == pytest.approx(7 / 9)
    assert matrix.overall.judgements_compared == 3
    assert matrix.overall.graders == 3
    expected = krippendorff.alpha(
        reliability_data=np.array([[3, 3, 4], [3, 2, 2], [3, 2, 1]], dtype=float),
        level_of_measurement="ordinal",
        value_domain=[1, 2, 3, 4],
    )
    assert matrix.overall.alpha == pytest.approx(expected)
    by_area = {a.area_title: a.stats for a in matrix.by_area}
    assert by_area["Staying safe"].alpha == pytest.approx(expected)


def test_flagged_judgements_come_first_with_their_reasons(world):
    matrix = build(world)
    flagged = [row.target.slug for row in matrix.flagged]
    assert flagged == ["kj-2.3", "kj-2.2"]  # widest spread first
    assert [row.target.slug for row in matrix.rows[:2]] == flagged
    row_23 = matrix.rows[0]
    assert row_23.summary.flags == (FLAG_SPREAD, FLAG_INSPECTORATES_DIFFER)
    assert row_23.summary.flag_messages == (
        "Grades span 3 grade points (1 to 4)",
        "Inspectorate medians differ: Ofsted 4, CSCI 1.5",
    )
    assert matrix.rows[1].summary.flags == (FLAG_INSPECTORATES_DIFFER,)
    assert matrix.rows[2].target.slug == "kj-1.1"  # the rest in rubric order
    assert matrix.rows[1].summary.median == 2 and matrix.rows[0].summary.spread == 3


def test_graders_are_grouped_by_inspectorate_with_the_leads_first(world):
    matrix = build(world)
    assert [g.code for g in matrix.groups] == ["ofsted", "csci", "healthcare_commission"]
    csci = matrix.groups[1]
    assert {g.user_id for g in csci.graders} == {world.csci.id, world.generalist.id}
    assert world.author.id not in {g.user_id for g in matrix.graders}


def test_self_grades_and_evidence_counts_appear_per_judgement(world):
    world.evidence("LSCB minutes", "2.3")
    world.evidence("Audit of child protection plans", "2.3", stance="contradicts")
    world.evidence("Inspection of the fostering service", "2.2")
    world.session.commit()
    matrix = build(world)
    rows = {row.target.slug: row for row in matrix.rows}
    assert matrix.self_grades_available
    assert rows["kj-2.1"].self_grade == 3  # the factory's return grades each x.1 as 3
    assert rows["kj-2.3"].self_grade is None
    assert (rows["kj-2.3"].evidence.supports, rows["kj-2.3"].evidence.contradicts) == (1, 1)
    assert (rows["area-2"].evidence.supports, rows["area-2"].evidence.contradicts) == (2, 1)
    assert (rows["kj-1.1"].evidence.supports, rows["kj-1.1"].evidence.contradicts) == (0, 0)


def test_blindness_hides_what_the_viewer_has_not_graded_even_from_the_statistics(world, make):
    newcomer = world.health
    submit(world, newcomer, "kj-1.1", 2, "Mine.", "low")
    world.session.commit()
    matrix = build(world, viewer=newcomer)
    assert matrix.blind
    assert [r.target.slug for r in matrix.rows if r.visible] == ["kj-1.1"]
    row_23 = next(r for r in matrix.rows if r.target.slug == "kj-2.3")
    assert not row_23.visible and row_23.submitted == 3
    assert all(not c.visible for c in row_23.cells)
    assert not row_23.flagged and row_23.summary.count == 0
    assert matrix.flagged == []
    assert matrix.overall.pairs == 0 and matrix.overall.alpha is None
    assert matrix.calibration == []

    csci_view = build(world, viewer=world.csci)
    assert {r.target.slug for r in csci_view.rows if r.visible} == set(GRADES)
    assert csci_view.overall.pairs == 9


def test_everything_is_visible_from_moderation(world):
    world.advance(Phase.MODERATION)
    world.session.commit()
    matrix = build(world, viewer=world.health)
    assert not matrix.blind and matrix.overall.pairs == 9


def test_one_grader_only_gives_a_message_not_a_crash(make):
    world = GradingWorld.build(make, Phase.FIELDWORK)
    submit(world, world.csci, "kj-2.1", 3, "Alone.", "medium")
    submit(world, world.csci, "kj-2.2", 2, "Alone.", "medium")
    world.session.commit()
    matrix = build(world)
    assert matrix.overall.alpha is None
    assert matrix.overall.alpha_message == ALPHA_FEWER_THAN_TWO_GRADERS
    assert matrix.overall.exact_agreement is None and matrix.overall.pairs == 0


def test_nobody_graded_yet(make):
    world = GradingWorld.build(make, Phase.ANALYSIS)
    matrix = build(world)
    assert matrix.overall.alpha is None and matrix.flagged == []
    assert matrix.agreed_count == 0


def test_calibration_once_grades_are_agreed(world):
    world.advance(Phase.MODERATION)
    agree(world, "kj-2.3", 2)
    agree(world, "kj-2.1", 3)
    agree(world, "kj-2.2", 2)
    world.session.commit()
    matrix = build(world)
    by_name = {c.name: c.row for c in matrix.calibration}
    # Ofsted: 2.1 +0, 2.2 +1, 2.3 +2 → mean +1; CSCI: 0, 0, 0; generalist: 0, 0, −1.
    assert by_name[world.ofsted.name].mean_deviation == pytest.approx(1.0)
    assert by_name[world.csci.name].mean_deviation == pytest.approx(0.0)
    assert by_name[world.generalist.name].mean_deviation == pytest.approx(-1 / 3)
    inspectorates = {r.inspectorate: r for r in matrix.inspectorate_calibration}
    assert inspectorates["ofsted"].mean_deviation == pytest.approx(1.0)
    assert inspectorates["csci"].mean_deviation == pytest.approx(-1 / 6)
    # Self-grades: 2.1 = 3 against agreed 3 → matched.
    assert matrix.self_calibration.n == 1 and matrix.self_calibration.matched == 1
    assert matrix.self_calibration.verdict == "accurate"


def test_the_matrix_is_built_in_a_fixed_number_of_queries(world, make):
    review_id = world.review.id
    world.session.expire_all()
    with count_queries() as few:
        reconciliation.build(world.session, load_review(world.session, review_id))
    from inspect_app.domain.inspectorates import Inspectorate
    from inspect_app.domain.permissions import ReviewRole
    from inspect_app.services import grading
    from inspect_app.services import reviews as review_service

    users = [world.lead]
    for inspectorate in (Inspectorate.HMIC, Inspectorate.ALI, Inspectorate.AUDIT_COMMISSION):
        user = make.inspector(inspectorate)
        member = make.member(world.review, user, ReviewRole.INSPECTOR)
        review_service.assign_areas(
            world.session, member, world.review.rubric.areas, actor=world.lead
        )
        users.append(user)
    for i, user in enumerate(users):
        for j, target in enumerate(grading.judgement_targets(world.session, world.review)):
            submit(world, user, target.slug, 1 + (i * j) % 4, "Rationale.", "low")
    world.evidence("More evidence", "3.1")
    world.session.commit()
    world.session.expire_all()
    with count_queries() as many:
        matrix = reconciliation.build(world.session, load_review(world.session, review_id))
    assert len(many) == len(few), (few, many)
    assert len(matrix.graders) == 8 and matrix.overall.pairs > 100
