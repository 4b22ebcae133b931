"""Who may write, check, publish, read and respond to the report: the Access rules."""

from __future__ import annotations

import pytest

from inspect_app.domain.permissions import Access, ReviewRole, UserKind
from inspect_app.domain.phases import Phase

OWN, OTHER = 1, 2
BEFORE_DRAFTING = [p for p in Phase if not p.is_at_least(Phase.DRAFTING)]
WRITING = (Phase.DRAFTING, Phase.FACTUAL_ACCURACY)
AFTER_PUBLICATION = (Phase.PUBLISHED, Phase.ACTION_PLAN)


def access(kind=UserKind.INSPECTOR, role=None, authority=None, phase=Phase.DRAFTING) -> Access:
    return Access(
        user_kind=kind,
        user_authority_id=authority,
        review_authority_id=OWN,
        review_phase=phase,
        role=role,
    )


def lead(phase):
    return access(role=ReviewRole.LEAD_INSPECTOR, phase=phase)


def author(phase):
    return access(role=ReviewRole.REPORT_AUTHOR, phase=phase)


def inspector(phase):
    return access(role=ReviewRole.INSPECTOR, phase=phase)


def own_authority(phase):
    return access(kind=UserKind.AUTHORITY, authority=OWN, phase=phase)


def other_authority(phase):
    return access(kind=UserKind.AUTHORITY, authority=OTHER, phase=phase)


def admin(phase):
    return access(kind=UserKind.ADMINISTRATOR, phase=phase)


@pytest.mark.parametrize("phase", list(Phase))
def test_the_report_author_and_lead_draft_while_drafting_and_checking_only(phase):
    writing = phase in WRITING
    assert author(phase).can_draft_report is writing
    assert lead(phase).can_draft_report is writing
    assert not inspector(phase).can_draft_report
    assert not own_authority(phase).can_draft_report
    assert not admin(phase).can_draft_report


@pytest.mark.parametrize("phase", list(Phase))
def test_after_publication_only_a_reopened_draft_can_be_edited(phase):
    for who in (author, lead):
        assert who(phase).can_edit_report(reissue_open=False) is (phase in WRITING)
        assert who(phase).can_edit_report(reissue_open=True) is (
            phase in WRITING or phase in AFTER_PUBLICATION
        )
    assert not inspector(phase).can_edit_report(reissue_open=True)
    assert not own_authority(phase).can_edit_report(reissue_open=True)


@pytest.mark.parametrize("phase", list(Phase))
def test_only_the_authority_comments_on_accuracy_during_the_check(phase):
    checking = phase is Phase.FACTUAL_ACCURACY
    assert own_authority(phase).can_comment_on_accuracy is checking
    assert not other_authority(phase).can_comment_on_accuracy
    for who in (lead, author, inspector, admin):
        assert not who(phase).can_comment_on_accuracy
    assert author(phase).can_answer_accuracy_comments is checking
    assert lead(phase).can_answer_accuracy_comments is checking
    assert not inspector(phase).can_answer_accuracy_comments
    assert not own_authority(phase).can_answer_accuracy_comments


@pytest.mark.parametrize("phase", list(Phase))
def test_only_the_lead_publishes_and_reissues(phase):
    assert lead(phase).can_publish is (phase is Phase.FACTUAL_ACCURACY)
    assert lead(phase).can_reissue_report is (phase in AFTER_PUBLICATION)
    assert lead(phase).can_manage_publication is phase.is_at_least(Phase.PUBLISHED)
    for who in (author, inspector, own_authority, admin):
        assert not who(phase).can_publish
        assert not who(phase).can_reissue_report
        assert not who(phase).can_manage_publication


@pytest.mark.parametrize("phase", list(Phase))
def test_who_reads_the_report(phase):
    for who in (lead, author, inspector):
        assert who(phase).can_view_report
        assert who(phase).can_see_report_draft
        assert who(phase).can_see_report_workings
    authority = own_authority(phase)
    assert authority.can_view_report is phase.is_at_least(Phase.FACTUAL_ACCURACY)
    assert authority.can_see_report_draft is (phase is Phase.FACTUAL_ACCURACY)
    assert not authority.can_see_report_workings
    assert not other_authority(phase).can_view_report
    assert admin(phase).can_view_report is phase.is_at_least(Phase.PUBLISHED)
    assert not admin(phase).can_see_report_draft


def test_the_authority_never_sees_the_draft_before_the_check():
    for phase in [*BEFORE_DRAFTING, Phase.DRAFTING]:
        assert not own_authority(phase).can_view_report
        assert not own_authority(phase).can_see_accuracy_comments


@pytest.mark.parametrize("phase", list(Phase))
def test_the_authority_writes_the_action_plan_after_publication(phase):
    open_now = phase in AFTER_PUBLICATION
    assert own_authority(phase).can_edit_action_plan is open_now
    assert not other_authority(phase).can_edit_action_plan
    for who in (lead, author, inspector, admin):
        assert not who(phase).can_edit_action_plan
    published = phase.is_at_least(Phase.PUBLISHED)
    for who in (lead, author, inspector, own_authority):
        assert who(phase).can_view_action_plan is published
    assert not other_authority(phase).can_view_action_plan
