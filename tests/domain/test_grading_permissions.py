"""Who may grade, see grades, moderate and calibrate: the Access rules for joint grading."""

from __future__ import annotations

import pytest

from inspect_app.domain.permissions import Access, ReviewRole, UserKind
from inspect_app.domain.phases import Phase

OWN, OTHER = 1, 2
AREA, ELSEWHERE = 10, 20


def access(kind=UserKind.INSPECTOR, role=None, authority=None, phase=Phase.FIELDWORK) -> Access:
    return Access(
        user_kind=kind,
        user_authority_id=authority,
        review_authority_id=OWN,
        review_phase=phase,
        role=role,
    )


def lead(phase=Phase.FIELDWORK):
    return access(role=ReviewRole.LEAD_INSPECTOR, phase=phase)


def inspector(phase=Phase.FIELDWORK):
    return access(role=ReviewRole.INSPECTOR, phase=phase)


def author(phase=Phase.FIELDWORK):
    return access(role=ReviewRole.REPORT_AUTHOR, phase=phase)


ADMIN = access(kind=UserKind.ADMINISTRATOR)
OWN_AUTHORITY = access(kind=UserKind.AUTHORITY, authority=OWN)
OUTSIDER = access()


@pytest.mark.parametrize("phase", list(Phase))
def test_grading_is_open_in_analysis_and_fieldwork_only(phase):
    open_now = phase in (Phase.ANALYSIS, Phase.FIELDWORK)
    assert lead(phase).can_grade is open_now
    assert inspector(phase).can_grade is open_now
    assert not author(phase).can_grade
    assert not access(kind=UserKind.AUTHORITY, authority=OWN, phase=phase).can_grade


def test_graders_are_the_lead_and_inspectors():
    assert lead().is_grader and inspector().is_grader
    for who in (author(), ADMIN, OWN_AUTHORITY, OUTSIDER):
        assert not who.is_grader
        assert not who.can_see_grading


def test_members_grade_their_assigned_areas_unless_the_lead_allows_more():
    def may(who, area, *, allowed=False, conflict=False):
        return who.can_grade_judgement(
            area, assigned_area_ids={AREA}, may_grade_any=allowed, has_conflict=conflict
        )

    assert may(inspector(), AREA)
    assert not may(inspector(), ELSEWHERE)
    assert may(inspector(), ELSEWHERE, allowed=True)
    assert may(lead(), ELSEWHERE)
    assert not may(inspector(), AREA, conflict=True)
    assert not may(lead(), AREA, conflict=True)
    assert not may(inspector(Phase.MODERATION), AREA)
    assert not may(author(), AREA, allowed=True)


def test_blind_grading_before_moderation():
    for who in (lead(), inspector(), author()):
        assert not who.can_see_others_grades(has_own_grade=False)
        assert who.can_see_others_grades(has_own_grade=True)
        assert not who.grades_are_unblinded
    for phase in (Phase.MODERATION, Phase.DRAFTING, Phase.PUBLISHED):
        for who in (lead(phase), inspector(phase), author(phase)):
            assert who.grades_are_unblinded
            assert who.can_see_others_grades(has_own_grade=False)


def test_authority_users_and_administrators_never_see_provisional_grades():
    for phase in Phase:
        own_authority = access(kind=UserKind.AUTHORITY, authority=OWN, phase=phase)
        admin = access(kind=UserKind.ADMINISTRATOR, phase=phase)
        for who in (own_authority, admin):
            assert not who.can_see_others_grades(has_own_grade=True)
            assert not who.can_see_reconciliation
            assert not who.can_see_moderation
            assert not who.can_see_calibration


def test_only_the_lead_moderates_and_only_in_moderation():
    for phase in Phase:
        assert lead(phase).can_moderate is (phase is Phase.MODERATION)
        assert not inspector(phase).can_moderate
    assert not ADMIN.can_moderate and not OWN_AUTHORITY.can_moderate


def test_the_team_sees_moderation_and_calibration_from_moderation_on():
    for phase in Phase:
        after = phase.is_at_least(Phase.MODERATION)
        for who in (lead(phase), inspector(phase), author(phase)):
            assert who.can_see_moderation is after
            assert who.can_see_calibration is after
            assert who.can_see_reconciliation


def test_the_lead_manages_grading_until_moderation():
    assert lead().can_see_grading_progress and lead().can_manage_grading
    assert lead(Phase.SET_UP).can_manage_grading
    assert not lead(Phase.MODERATION).can_manage_grading
    assert lead(Phase.MODERATION).can_see_grading_progress
    for who in (inspector(), author(), ADMIN, OWN_AUTHORITY):
        assert not who.can_manage_grading
        assert not who.can_see_grading_progress


@pytest.mark.parametrize("phase", [Phase.MODERATION, Phase.DRAFTING, Phase.PUBLISHED])
def test_grades_are_unblinded_for_the_team_only(phase):
    """Defence in depth: callers that ask only "are grades unblinded?" must not leak provisional
    grades to the authority or to administrators once the review reaches moderation."""
    assert inspector(phase).grades_are_unblinded
    assert lead(phase).grades_are_unblinded
    for viewer in (
        access(kind=UserKind.AUTHORITY, authority=OWN, phase=phase),
        access(kind=UserKind.ADMINISTRATOR, phase=phase),
    ):
        assert not viewer.grades_are_unblinded
        assert not viewer.can_see_others_grades(has_own_grade=True)
