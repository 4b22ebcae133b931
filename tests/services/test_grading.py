"""Independent grading: submitting, revising, blindness rules, history, stale saves."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from inspect_app.domain.inspectorates import Inspectorate
from inspect_app.domain.permissions import ReviewRole
from inspect_app.domain.phases import Phase
from inspect_app.models import AuditEvent, Grade, GradeRevision
from inspect_app.models.grading import GradingRecordIsPermanent
from inspect_app.services import grading
from inspect_app.services import reviews as review_service
from inspect_app.services.grading import (
    GradeSubmission,
    GradingError,
    GradingForbidden,
    StaleGradeError,
)
from tests.grading_helpers import GradingWorld, submit


@pytest.fixture
def world(make) -> GradingWorld:
    return GradingWorld.build(make, Phase.FIELDWORK)


def test_targets_cover_every_key_judgement_and_area_in_order(world):
    targets = grading.judgement_targets(world.session, world.review)
    rubric = world.review.rubric
    key_count = sum(len(a.key_judgements) for a in rubric.areas)
    assert len(targets) == key_count + len(rubric.areas)
    assert targets[0].slug == "kj-1.1"
    first_area = next(t for t in targets if t.is_area)
    assert first_area.slug == "area-1"
    assert first_area.label == "Area 1: Being healthy"
    assert [t.position for t in targets] == list(range(len(targets)))
    assert grading.find_target(targets, "kj-2.3").text.startswith("The incidence of child abuse")
    assert grading.find_target(targets, "kj-9.9") is None


def test_a_member_grades_a_key_judgement_with_rationale_and_confidence(world):
    grade = submit(world, world.ofsted, "kj-2.3", 3, "Strong multi-agency response.", "high")
    assert (grade.value, grade.confidence, grade.version) == (3, "high", 1)
    assert [r.value for r in grade.revisions] == [3]
    event = world.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "grading.grade_submitted")
    ).one()
    assert event.summary == f"{world.ofsted.name} graded 2.3"  # blind: no value
    assert event.after["grade"] == 3
    assert event.actor_id == world.ofsted.id
    assert (event.subject_type, event.subject_id) == ("Grade", str(grade.id))
    assert event.after["rationale"] == "Strong multi-agency response."


def test_area_grades_are_graded_the_same_way(world):
    grade = submit(world, world.csci, "area-2", 2, "Adequate overall.", "medium")
    assert grade.area_id is not None and grade.key_judgement_id is None
    assert grade.kind == "area"


@pytest.mark.parametrize(
    ("value", "rationale", "confidence", "field"),
    [
        (None, "Because.", "high", "grade"),
        (5, "Because.", "high", "grade"),
        (3, "   ", "high", "rationale"),
        (3, "Because.", "certain", "confidence"),
        (3, "Because.", None, "confidence"),
    ],
)
def test_a_grade_needs_a_value_on_the_scale_a_rationale_and_a_confidence(
    world, value, rationale, confidence, field
):
    with pytest.raises(GradingError) as caught:
        submit(world, world.ofsted, "kj-2.3", value, rationale, confidence)
    assert caught.value.field == field


def test_revisions_are_all_kept_and_the_latest_counts(world):
    first = submit(world, world.ofsted, "kj-2.3", 3, "First view.", "low")
    world.session.commit()
    second = submit(world, world.ofsted, "kj-2.3", 2, "After case file reading.", "high", version=1)
    world.session.commit()
    assert second.id == first.id
    assert (second.value, second.version) == (2, 2)
    revisions = world.session.scalars(
        select(GradeRevision)
        .where(GradeRevision.grade_id == first.id)
        .order_by(GradeRevision.version)
    ).all()
    assert [(r.version, r.value, r.rationale, r.recorded_by_id) for r in revisions] == [
        (1, 3, "First view.", world.ofsted.id),
        (2, 2, "After case file reading.", world.ofsted.id),
    ]
    assert world.session.scalars(
        select(AuditEvent.action).where(AuditEvent.action.like("grading.%")).order_by(AuditEvent.id)
    ).all() == ["grading.grade_submitted", "grading.grade_revised"]


def test_a_save_from_a_stale_page_is_refused_with_the_newer_value(world):
    submit(world, world.ofsted, "kj-2.3", 3, "First view.", "low")
    submit(world, world.ofsted, "kj-2.3", 2, "Second view.", "medium", version=1)
    world.session.commit()
    with pytest.raises(StaleGradeError) as caught:
        submit(world, world.ofsted, "kj-2.3", 4, "From an old tab.", "high", version=1)
    current = caught.value.current
    assert (current.value, current.version, current.saved_by) == (2, 2, world.ofsted.name)
    assert "2 – Adequate" in caught.value.message and world.ofsted.name in caught.value.message
    world.session.rollback()
    assert world.grade_of(world.ofsted, "kj-2.3").value == 2


def test_a_first_save_when_a_grade_already_exists_is_stale(world):
    submit(world, world.ofsted, "kj-2.3", 3, "First view.", "low")
    world.session.commit()
    with pytest.raises(StaleGradeError):
        submit(world, world.ofsted, "kj-2.3", 4, "Another tab.", "high", version=None)


def test_members_grade_only_their_areas_unless_the_lead_allows(world):
    with pytest.raises(GradingForbidden, match="outside the areas assigned"):
        submit(world, world.health, "kj-2.3", 3, "Not my area.", "low")
    grading.set_allowance(
        world.session, world.review, world.member_of(world.health), True, actor=world.lead
    )
    assert submit(world, world.health, "kj-2.3", 3, "Now allowed.", "low").value == 3
    assert world.session.scalars(
        select(AuditEvent.action).where(AuditEvent.action == "grading.allowance_changed")
    ).all()


def test_the_lead_may_grade_any_judgement(world):
    assert submit(world, world.lead, "kj-5.1", 3, "Seen in fieldwork.", "medium").value == 3


def test_report_authors_do_not_grade(world):
    with pytest.raises(GradingForbidden, match="Only the lead inspector and inspectors"):
        submit(world, world.author, "kj-2.3", 3, "I write the report.", "low")


def test_a_member_with_a_declared_conflict_cannot_grade(world):
    member = world.member_of(world.ofsted)
    review_service.declare_interests(
        world.session, member, has_conflict=True, details="Former employee", actor=world.ofsted
    )
    grading.set_allowance(world.session, world.review, member, True, actor=world.lead)
    with pytest.raises(GradingForbidden, match="conflict of interest"):
        submit(world, world.ofsted, "kj-2.3", 3, "Conflicted.", "low")


@pytest.mark.parametrize("phase", [Phase.SET_UP, Phase.SELF_ASSESSMENT, Phase.MODERATION])
def test_grades_are_given_in_analysis_and_fieldwork_only(make, phase):
    world = GradingWorld.build(make, phase)
    with pytest.raises(GradingForbidden, match="during analysis and fieldwork"):
        submit(world, world.ofsted, "kj-2.3", 3, "Too early or too late.", "low")


def test_grading_in_analysis_and_revising_until_moderation(make):
    world = GradingWorld.build(make, Phase.ANALYSIS)
    submit(world, world.ofsted, "kj-2.3", 3, "From the data.", "low")
    world.advance(Phase.FIELDWORK)
    submit(world, world.ofsted, "kj-2.3", 2, "From fieldwork.", "high", version=1)
    world.advance(Phase.MODERATION)
    with pytest.raises(GradingForbidden):
        submit(world, world.ofsted, "kj-2.3", 1, "Too late.", "high", version=2)


def test_evidence_links_belong_to_each_revision(world):
    item_a = world.evidence("Safeguarding board minutes", "2.3")
    item_b = world.evidence("Case file reading notes", "2.3")
    other_review_item = world.evidence("Elsewhere", "2.3", review=world.other_review)
    first = submit(world, world.ofsted, "kj-2.3", 3, "Minutes.", "low", evidence=(item_a.id,))
    world.session.commit()
    submit(
        world,
        world.ofsted,
        "kj-2.3",
        2,
        "Case files too.",
        "high",
        version=1,
        evidence=(item_a.id, item_b.id),
    )
    world.session.commit()
    revisions = world.grade_of(world.ofsted, "kj-2.3").revisions
    assert [r.evidence_item_ids for r in revisions] == [[item_a.id], sorted([item_a.id, item_b.id])]
    assert first.id == revisions[0].grade_id
    with pytest.raises(GradingError, match="from this review only"):
        submit(
            world,
            world.ofsted,
            "kj-2.3",
            2,
            "Wrong review.",
            "high",
            version=2,
            evidence=(other_review_item.id,),
        )


def test_grades_and_revisions_are_never_deleted(world):
    grade = submit(world, world.ofsted, "kj-2.3", 3, "First view.", "low")
    world.session.commit()
    world.session.delete(grade.revisions[0])
    with pytest.raises(GradingRecordIsPermanent):
        world.session.flush()
    world.session.rollback()
    world.session.delete(world.session.get(Grade, grade.id))
    with pytest.raises(GradingRecordIsPermanent):
        world.session.flush()
    world.session.rollback()


def test_the_database_refuses_deletes_and_changes_whatever_the_client(world):
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    submit(world, world.ofsted, "kj-2.3", 3, "First view.", "low")
    world.session.commit()
    for statement in (
        "DELETE FROM grade",
        "DELETE FROM grade_revision",
        "UPDATE grade_revision SET value = 1",
    ):
        with pytest.raises(DBAPIError):
            world.session.execute(text(statement))
        world.session.rollback()


def test_worklist_groups_assigned_areas_first(world):
    submit(world, world.csci, "kj-2.1", 3, "Good.", "medium")
    areas, _ = grading.worklist(world.session, world.review, world.csci, world.access(world.csci))
    assert [a.area_number for a in areas] == [2]
    assert areas[0].graded == 1
    assert [i.target.slug for i in areas[0].items][-1] == "area-2"
    lead_areas, _ = grading.worklist(
        world.session, world.review, world.lead, world.access(world.lead)
    )
    assert len(lead_areas) == len(world.review.rubric.areas)


def test_team_progress_counts_grades_without_showing_them(world):
    submit(world, world.csci, "kj-2.1", 3, "Good.", "medium")
    submit(world, world.csci, "area-2", 3, "Good.", "medium")
    rows = {r.member.user_id: r for r in grading.team_progress(world.session, world.review)}
    assert rows[world.csci.id].graded_assigned == 2
    assert world.author.id not in rows  # report authors do not grade


def test_submission_dataclass_defaults():
    assert GradeSubmission(3, "x", "low").evidence_item_ids == ()
    assert ReviewRole.INSPECTOR.value == "inspector"
    assert Inspectorate.CSCI.short_label == "CSCI"
