"""Moderation: agreed grades, reasons, derived area grades, completeness and lineage."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from inspect_app.domain.phases import Phase, PhaseTransitionError
from inspect_app.models import AgreedGradeRevision, AuditEvent
from inspect_app.services import grading, moderation
from inspect_app.services import reviews as review_service
from inspect_app.services.grading import GradingError, GradingForbidden, StaleGradeError
from inspect_app.services.moderation import reasons_needed
from tests.grading_helpers import GradingWorld, agree, submit


@pytest.fixture
def world(make) -> GradingWorld:
    world = GradingWorld.build(make, Phase.FIELDWORK)
    submit(world, world.ofsted, "kj-2.3", 4, "Ofsted view.", "high")
    submit(world, world.csci, "kj-2.3", 2, "CSCI view.", "medium")
    submit(world, world.generalist, "kj-2.3", 2, "Generalist view.", "low")
    submit(world, world.lead, "kj-7.1", 3, "Capacity is good.", "medium")
    submit(world, world.generalist, "kj-7.1", 3, "Agree.", "medium")
    submit(world, world.lead, "area-7", 3, "Good capacity.", "medium")
    world.advance(Phase.MODERATION)
    world.session.commit()
    return world


@pytest.mark.parametrize(
    ("value", "median", "derived", "needed"),
    [
        (2, 2.0, None, []),
        (3, 2.0, None, ["it differs from the median of the team's grades (2)"]),
        (3, 2.5, None, ["it differs from the median of the team's grades (2.5)"]),
        (3, None, None, ["no inspector graded this judgement"]),
        (3, None, 3, []),
        (2, None, 3, ["it overrides the grade derived by the rubric's rule (3)"]),
        (3, 3.0, 3, []),
        (
            2,
            3.0,
            3,
            [
                "it overrides the grade derived by the rubric's rule (3)",
                "it differs from the median of the team's grades (3)",
            ],
        ),
    ],
)
def test_when_reasons_are_required(value, median, derived, needed):
    assert reasons_needed(value, median, derived) == needed


def test_agreeing_the_median_needs_no_reasons(world):
    agreed = agree(world, "kj-2.3", 2)
    assert (agreed.value, agreed.reasons, agreed.team_median, agreed.is_override) == (
        2,
        "",
        2.0,
        False,
    )
    assert agreed.agreed_by_id == world.lead.id
    event = world.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "moderation.grade_agreed")
    ).one()
    assert (event.subject_type, event.subject_id) == ("AgreedGrade", str(agreed.id))


def test_departing_from_the_median_needs_reasons(world):
    with pytest.raises(GradingError, match="differs from the median") as caught:
        agree(world, "kj-2.3", 3, "   ")
    assert caught.value.field == "reasons"
    agreed = agree(world, "kj-2.3", 3, "The case files showed consistently good practice.")
    assert agreed.reasons == "The case files showed consistently good practice."


def test_a_judgement_nobody_graded_needs_reasons(world):
    with pytest.raises(GradingError, match="no inspector graded"):
        agree(world, "kj-1.1", 3)
    assert agree(world, "kj-1.1", 3, "Agreed in the moderation meeting.").value == 3


def test_grade_must_be_on_the_scale(world):
    with pytest.raises(GradingError) as caught:
        agree(world, "kj-2.3", 7, "x")
    assert caught.value.field == "grade"


def test_only_the_lead_records_agreed_grades_and_only_in_moderation(world, make):
    with pytest.raises(GradingForbidden):
        agree(world, "kj-2.3", 2, actor=world.ofsted)
    fieldwork = GradingWorld.build(make, Phase.FIELDWORK)
    with pytest.raises(GradingForbidden):
        agree(fieldwork, "kj-2.3", 2)


def test_area_grade_is_derived_from_agreed_key_judgements_by_the_rubric_rule(world):
    item = moderation.moderation_item(world.session, world.review, world.target("area-7"))
    assert item.derivation.rule == "rounded_median"
    assert item.derivation.value is None and not item.derivation.complete
    assert "0 of 1 so far" in item.derivation.explanation
    agree(world, "kj-7.1", 3)
    item = moderation.moderation_item(world.session, world.review, world.target("area-7"))
    assert item.derivation.value == 3 and item.derivation.complete
    assert "(3) is 3" in item.derivation.explanation

    agreed = agree(world, "area-7", 3)
    assert (agreed.derived_value, agreed.is_override) == (3, False)


def test_overriding_the_derived_area_grade_needs_reasons_and_is_marked(world):
    agree(world, "kj-7.1", 3)
    with pytest.raises(GradingError, match="overrides the grade derived"):
        agree(world, "area-7", 4)
    agreed = agree(world, "area-7", 4, "Exceptional leadership seen in fieldwork.")
    assert (agreed.value, agreed.derived_value, agreed.is_override) == (4, 3, True)
    event = world.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.action == "moderation.grade_agreed")
        .order_by(AuditEvent.id.desc())
    ).first()
    assert "override" in event.summary


def test_derived_grade_change_is_noticed(world):
    agree(world, "kj-7.1", 3)
    agree(world, "area-7", 3)
    agree(world, "kj-7.1", 2, "Revisited: weaker than we thought.", version=1)
    item = moderation.moderation_item(world.session, world.review, world.target("area-7"))
    assert item.derived_changed


def test_agreed_grade_lineage_keeps_every_value_and_the_teams_grades(world):
    agree(world, "kj-2.3", 2)
    world.session.commit()
    agree(world, "kj-2.3", 3, "Further evidence from the LSCB.", version=1)
    world.session.commit()
    story = moderation.lineage(world.session, world.review, world.target("kj-2.3"))
    assert [(r.version, r.value, r.reasons) for r in story.agreed_revisions] == [
        (1, 2, ""),
        (2, 3, "Further evidence from the LSCB."),
    ]
    team = story.agreed_revisions[0].team_grades
    assert sorted((g["grader"], g["grade"]) for g in team) == sorted(
        [(world.ofsted.name, 4), (world.csci.name, 2), (world.generalist.name, 2)]
    )
    assert all(g["grade_version"] == 1 for g in team)
    assert {g.grader_id for g in story.grades} == {
        world.ofsted.id,
        world.csci.id,
        world.generalist.id,
    }
    assert all(g.revisions for g in story.grades)
    assert story.agreed_revisions[1].recorded_by_id == world.lead.id


def test_a_stale_agreed_grade_is_refused(world):
    agree(world, "kj-2.3", 2)
    agree(world, "kj-2.3", 3, "Changed our minds.", version=1)
    world.session.commit()
    with pytest.raises(StaleGradeError) as caught:
        agree(world, "kj-2.3", 4, "Old page.", version=1)
    assert caught.value.current.value == 3
    assert caught.value.current.saved_by == world.lead.name
    world.session.rollback()
    assert len(world.session.scalars(select(AgreedGradeRevision)).all()) == 2


def test_moderation_cannot_complete_while_a_judgement_lacks_an_agreed_grade(world):
    targets = grading.judgement_targets(world.session, world.review)
    assert len(moderation.missing_agreed_judgements(world.review)) == len(targets)
    for target in targets[:-1]:
        agree(world, target.slug, 3, "Agreed at the moderation meeting.")
    missing = moderation.missing_agreed_judgements(world.review)
    assert missing == (targets[-1].label,)
    with pytest.raises(PhaseTransitionError) as caught:
        review_service.advance_phase(world.session, world.review, Phase.DRAFTING, actor=world.lead)
    assert targets[-1].label in " ".join(caught.value.reasons)
    agree(world, targets[-1].slug, 3, "Agreed at the moderation meeting.")
    assert moderation.missing_agreed_judgements(world.review) == ()
    review_service.advance_phase(world.session, world.review, Phase.DRAFTING, actor=world.lead)
    assert world.review.current_phase is Phase.DRAFTING


def test_the_factory_builds_reviews_past_moderation(make):
    review = make.review_in(Phase.DRAFTING)
    assert review.current_phase is Phase.DRAFTING
    assert all(
        item.agreed is not None for item in moderation.moderation_items(make.session, review)
    )


def test_the_whole_reviews_lineage_in_a_fixed_number_of_queries(world):
    from tests.querycount import count_queries

    agree(world, "kj-2.3", 2)
    agree(world, "kj-2.3", 3, "Further evidence.", version=1)
    world.session.commit()
    world.session.expire_all()
    with count_queries() as before:
        moderation.review_lineage(world.session, world.review)
    agree(world, "kj-7.1", 3)
    agree(world, "area-7", 3)
    world.session.commit()
    world.session.expire_all()
    with count_queries() as after:
        story = moderation.review_lineage(world.session, world.review)
    assert len(after) == len(before)
    by_slug = {entry.item.target.slug: entry for entry in story}
    assert [r.value for r in by_slug["kj-2.3"].agreed_revisions] == [2, 3]
    assert len(by_slug["kj-2.3"].grades) == 3
    assert by_slug["area-7"].agreed_revisions[0].derived_value == 3
    assert by_slug["kj-1.1"].agreed_revisions == [] and by_slug["kj-1.1"].grades == []
