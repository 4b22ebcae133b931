from __future__ import annotations

import pytest

from inspect_app.domain.permissions import Access, ReviewRole, UserKind
from inspect_app.domain.phases import Phase

OWN, OTHER = 1, 2


def access(kind=UserKind.INSPECTOR, role=None, authority=None, phase=Phase.FIELDWORK) -> Access:
    return Access(
        user_kind=kind,
        user_authority_id=authority,
        review_authority_id=OWN,
        review_phase=phase,
        role=role,
    )


LEAD = access(role=ReviewRole.LEAD_INSPECTOR)
INSPECTOR = access(role=ReviewRole.INSPECTOR)
AUTHOR = access(role=ReviewRole.REPORT_AUTHOR)
OUTSIDER = access()
ADMIN = access(kind=UserKind.ADMINISTRATOR)
OWN_AUTHORITY = access(kind=UserKind.AUTHORITY, authority=OWN)
OTHER_AUTHORITY = access(kind=UserKind.AUTHORITY, authority=OTHER)


@pytest.mark.parametrize(
    ("who", "can_view"),
    [
        (LEAD, True),
        (INSPECTOR, True),
        (AUTHOR, True),
        (ADMIN, True),
        (OWN_AUTHORITY, True),
        (OUTSIDER, False),
        (OTHER_AUTHORITY, False),
    ],
)
def test_who_can_see_a_review(who, can_view):
    assert who.can_view is can_view


def test_only_the_lead_moves_the_review_on():
    assert LEAD.can_advance_phase
    for who in (INSPECTOR, AUTHOR, ADMIN, OWN_AUTHORITY, OUTSIDER):
        assert not who.can_advance_phase


def test_team_management_is_for_the_lead_and_administrators():
    assert LEAD.can_manage_team and ADMIN.can_manage_team
    for who in (INSPECTOR, AUTHOR, OWN_AUTHORITY):
        assert not who.can_manage_team


def test_the_authority_never_sees_the_teams_workings():
    assert not OWN_AUTHORITY.can_see_team_workings
    assert not OWN_AUTHORITY.can_see_provisional_grades
    assert not OWN_AUTHORITY.can_see_restricted_evidence


def test_provisional_grades_and_restricted_evidence_are_for_inspectors_on_the_team():
    for who in (LEAD, INSPECTOR, AUTHOR):
        assert who.can_see_provisional_grades
        assert who.can_see_restricted_evidence
    assert not ADMIN.can_see_provisional_grades
    assert not OUTSIDER.can_see_restricted_evidence
