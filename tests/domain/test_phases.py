from __future__ import annotations

import pytest

from inspect_app.domain.phases import (
    PHASE_ORDER,
    Phase,
    PhaseTransitionError,
    ReviewFacts,
    check_transition,
    unmet_preconditions,
)

READY = ReviewFacts(
    has_lead_inspector=True,
    inspector_count=3,
    unassigned_areas=(),
    members_without_declaration=(),
    has_report_author=True,
    has_planned_dates=True,
)


def facts(**changes) -> ReviewFacts:
    return ReviewFacts(**{**READY.__dict__, **changes})


def test_phases_run_in_the_documented_order():
    assert [p.label for p in PHASE_ORDER] == [
        "Set-up",
        "Self-assessment",
        "Analysis",
        "Fieldwork",
        "Moderation",
        "Drafting",
        "Factual accuracy check",
        "Published",
        "Action plan",
        "Closed",
    ]
    assert Phase.SET_UP.next is Phase.SELF_ASSESSMENT
    assert Phase.CLOSED.next is None


@pytest.mark.parametrize("current", PHASE_ORDER[:-1])
def test_a_ready_review_moves_one_phase_forward(current):
    check_transition(current, current.next, READY)


def test_skipping_a_phase_is_refused():
    with pytest.raises(PhaseTransitionError) as error:
        check_transition(Phase.SET_UP, Phase.ANALYSIS, READY)
    assert error.value.reasons == ["A review in Set-up can only move on to Self-assessment."]


def test_going_back_is_refused():
    with pytest.raises(PhaseTransitionError):
        check_transition(Phase.FIELDWORK, Phase.ANALYSIS, READY)


def test_a_closed_review_goes_nowhere():
    with pytest.raises(PhaseTransitionError) as error:
        check_transition(Phase.CLOSED, Phase.CLOSED, READY)
    assert error.value.reasons == ["The review is closed."]


def test_leaving_set_up_lists_every_unmet_precondition():
    reasons = unmet_preconditions(
        facts(
            has_lead_inspector=False,
            inspector_count=1,
            unassigned_areas=("Staying safe",),
            members_without_declaration=("Person 7",),
            has_planned_dates=False,
        ),
        Phase.SELF_ASSESSMENT,
    )
    assert reasons == [
        "The review needs a lead inspector.",
        "The team needs at least two inspectors (including the lead inspector).",
        "Every team member must declare their interests. Still to declare: Person 7",
        "Every judgement area needs an inspector assigned. Not yet assigned: Staying safe",
        "Planned dates for the analysis week, both fieldwork weeks and publication are needed.",
    ]


def test_analysis_needs_the_self_evaluation():
    assert unmet_preconditions(facts(self_evaluation_received=False), Phase.ANALYSIS) == [
        "The authority has not yet returned its self-evaluation."
    ]


def test_drafting_needs_every_agreed_grade_and_a_report_author():
    reasons = unmet_preconditions(
        facts(missing_agreed_judgements=("2.3", "Staying safe"), has_report_author=False),
        Phase.DRAFTING,
    )
    assert reasons == [
        "Moderation is not complete. Judgements without an agreed grade: 2.3, Staying safe",
        "The team needs a report author.",
    ]


def test_publication_waits_for_factual_accuracy_comments():
    assert unmet_preconditions(facts(unanswered_accuracy_comments=1), Phase.PUBLISHED) == [
        "1 factual accuracy comment is still unanswered."
    ]
    assert unmet_preconditions(facts(unanswered_accuracy_comments=3), Phase.PUBLISHED) == [
        "3 factual accuracy comments are still unanswered."
    ]
