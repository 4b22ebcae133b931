from __future__ import annotations

import pytest
from sqlalchemy import select

from inspect_app.domain.inspectorates import Inspectorate
from inspect_app.domain.permissions import ReviewRole
from inspect_app.domain.phases import Phase, PhaseTransitionError
from inspect_app.models import AuditEvent
from inspect_app.services import reviews as svc
from inspect_app.services.rubric_library import load_rubric


def actions(session, review) -> list[str]:
    return list(
        session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.review_id == review.id)
            .order_by(AuditEvent.id)
        )
    )


def test_a_new_review_pins_its_rubric_and_starts_in_set_up(make, session):
    review = make.review()
    assert review.current_phase is Phase.SET_UP
    assert review.reference.startswith("JAR-2026-")
    assert review.lead_inspector.user.is_inspector
    assert review.rubric.key == "jar-2005"
    assert actions(session, review) == ["review.created"]


def test_loading_a_changed_rubric_never_changes_a_running_review(make, session, rubric_specs):
    review = make.review()
    pinned = review.rubric_id
    spec = rubric_specs["jar-2005"]
    changed = spec.__class__(
        **{**spec.__dict__, "title": "Revised title", "content_hash": "f" * 64}
    )
    result = load_rubric(session, changed)
    assert result.created and result.rubric.revision == 2
    session.expire_all()
    assert review.rubric_id == pinned
    assert review.rubric.revision == 1
    assert load_rubric(session, changed).created is False  # same content: no new revision


def test_dates_must_run_in_order(make):
    with pytest.raises(svc.ReviewError, match="fieldwork week 1 date must be after the analysis"):
        from datetime import date

        svc.create_review(
            make.session,
            authority=make.authority(),
            rubric=make.rubric(),
            lead=make.inspector(),
            dates=svc.PlannedDates(date(2026, 1, 5), date(2026, 2, 2), date(2026, 1, 26)),
            created_by=None,
        )


def test_leaving_set_up_needs_a_ready_team(make, session):
    review = make.review()
    lead = review.lead_inspector.user
    with pytest.raises(PhaseTransitionError) as error:
        svc.advance_phase(session, review, Phase.SELF_ASSESSMENT, actor=lead)
    assert any("at least two inspectors" in r for r in error.value.reasons)
    assert any("declare their interests" in r for r in error.value.reasons)
    make.ready_team(review)
    svc.advance_phase(session, review, Phase.SELF_ASSESSMENT, actor=lead)
    assert review.current_phase is Phase.SELF_ASSESSMENT
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "review.phase_changed")
    ).one()
    assert (event.before, event.after, event.actor_id) == (
        {"phase": "set_up"},
        {"phase": "self_assessment"},
        lead.id,
    )


def test_a_declared_conflict_blocks_assignment_to_that_authority(make, session):
    review = make.review()
    member = make.member(review)
    svc.assign_areas(session, member, review.rubric.areas[:2], actor=review.lead_inspector.user)
    svc.declare_interests(
        session, member, has_conflict=True, details="Worked there until 2025", actor=member.user
    )
    assert member.assignments == []  # withdrawn when the conflict was declared
    with pytest.raises(svc.ReviewError, match="conflict of interest"):
        svc.assign_areas(session, member, review.rubric.areas[:1], actor=review.lead_inspector.user)
    # …and on any other review of the same authority
    second = make.review(authority=review.authority)
    with pytest.raises(svc.ReviewError, match="cannot be assigned to its review"):
        svc.add_member(
            session, second, member.user, ReviewRole.INSPECTOR, actor=second.lead_inspector.user
        )


def test_a_conflict_needs_details(make, session):
    review = make.review()
    with pytest.raises(svc.ReviewError, match="Describe the conflict"):
        svc.declare_interests(
            session,
            review.lead_inspector,
            has_conflict=True,
            details=" ",
            actor=review.lead_inspector.user,
        )


def test_only_inspectors_join_a_team_and_only_once(make, session):
    review = make.review()
    admin = make.administrator()
    with pytest.raises(svc.ReviewError, match="Only inspectors"):
        svc.add_member(session, review, admin, ReviewRole.INSPECTOR, actor=admin)
    member = make.member(review)
    with pytest.raises(svc.ReviewError, match="already on the team"):
        svc.add_member(session, review, member.user, ReviewRole.INSPECTOR, actor=admin)


def test_changing_the_lead(make, session):
    review = make.review()
    old_lead = review.lead_inspector
    member = make.member(review, make.inspector(Inspectorate.CSCI))
    svc.set_role(session, member, ReviewRole.LEAD_INSPECTOR, actor=old_lead.user)
    assert review.lead_inspector is member
    assert old_lead.role == ReviewRole.INSPECTOR
    with pytest.raises(svc.ReviewError, match="cannot be removed"):
        svc.remove_member(session, review, member, actor=member.user)


def test_reviews_visible_to_each_kind_of_user(make, session):
    mine = make.review()
    other = make.review()
    lead = mine.lead_inspector.user
    authority_user = make.authority_user(mine.authority)
    admin = make.administrator()
    assert svc.reviews_visible_to(session, lead) == [mine]
    assert svc.reviews_visible_to(session, authority_user) == [mine]
    assert set(svc.reviews_visible_to(session, admin)) == {mine, other}
    assert svc.reviews_visible_to(session, make.inspector()) == []
