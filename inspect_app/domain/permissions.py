"""Who may do what on which review: the rules, stated once.

Views ask an :class:`Access` object; they never re-derive a rule. Pure Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from inspect_app.domain.phases import Phase


class UserKind(StrEnum):
    ADMINISTRATOR = "administrator"
    INSPECTOR = "inspector"
    AUTHORITY = "authority"

    @property
    def label(self) -> str:
        return {
            UserKind.ADMINISTRATOR: "Administrator",
            UserKind.INSPECTOR: "Inspector",
            UserKind.AUTHORITY: "Authority user",
        }[self]


class ReviewRole(StrEnum):
    LEAD_INSPECTOR = "lead_inspector"
    INSPECTOR = "inspector"
    REPORT_AUTHOR = "report_author"

    @property
    def label(self) -> str:
        return {
            ReviewRole.LEAD_INSPECTOR: "Lead inspector",
            ReviewRole.INSPECTOR: "Inspector",
            ReviewRole.REPORT_AUTHOR: "Report author",
        }[self]


@dataclass(frozen=True)
class Access:
    """What one user may do on one review."""

    user_kind: UserKind
    user_authority_id: int | None
    review_authority_id: int
    review_phase: Phase
    role: ReviewRole | None  # the user's role on this review's team, if any

    @property
    def is_team_member(self) -> bool:
        return self.role is not None

    @property
    def is_lead(self) -> bool:
        return self.role is ReviewRole.LEAD_INSPECTOR

    @property
    def is_administrator(self) -> bool:
        return self.user_kind is UserKind.ADMINISTRATOR

    @property
    def is_authority_user(self) -> bool:
        return (
            self.user_kind is UserKind.AUTHORITY
            and self.user_authority_id == self.review_authority_id
        )

    @property
    def can_view(self) -> bool:
        """Anyone else gets a 404: the review's existence is not disclosed."""
        return self.is_team_member or self.is_administrator or self.is_authority_user

    @property
    def can_see_team_workings(self) -> bool:
        """Assignments, declarations, evidence and other internal working of the team."""
        return self.is_team_member or self.is_administrator

    @property
    def can_manage_team(self) -> bool:
        return self.is_lead or self.is_administrator

    @property
    def can_advance_phase(self) -> bool:
        return self.is_lead

    @property
    def can_see_provisional_grades(self) -> bool:
        return self.user_kind is UserKind.INSPECTOR and self.is_team_member

    @property
    def can_see_restricted_evidence(self) -> bool:
        return self.user_kind is UserKind.INSPECTOR and self.is_team_member

    @property
    def can_add_evidence(self) -> bool:
        return (
            self.user_kind is UserKind.INSPECTOR
            and self.role in (ReviewRole.LEAD_INSPECTOR, ReviewRole.INSPECTOR)
            and self.review_phase.is_at_least(Phase.SET_UP)
            and not self.review_phase.is_at_least(Phase.PUBLISHED)
        )

    @property
    def can_declare_interests(self) -> bool:
        return self.is_team_member

    # --- Joint grading, reconciliation and moderation ---------------------------------------

    @property
    def is_grader(self) -> bool:
        """An inspector who grades on this review: the lead or an inspector, not a report author."""
        return self.user_kind is UserKind.INSPECTOR and self.role in (
            ReviewRole.LEAD_INSPECTOR,
            ReviewRole.INSPECTOR,
        )

    @property
    def grading_is_open(self) -> bool:
        """Grades are given and revised in analysis and fieldwork; moderation closes them."""
        return self.review_phase in (Phase.ANALYSIS, Phase.FIELDWORK)

    @property
    def can_grade(self) -> bool:
        return self.is_grader and self.grading_is_open

    def can_grade_judgement(
        self,
        area_id: int,
        *,
        assigned_area_ids: frozenset[int] | set[int],
        may_grade_any: bool,
        has_conflict: bool,
    ) -> bool:
        """May this user grade a judgement (a key judgement or the area itself) of ``area_id``?

        Members grade the areas assigned to them; the lead inspector may grade any judgement
        and may allow a member to grade beyond their areas. A declared conflict rules it out.
        """
        if not self.can_grade or has_conflict:
            return False
        return self.is_lead or may_grade_any or area_id in assigned_area_ids

    @property
    def can_see_grading(self) -> bool:
        """The "my judgements to grade" pages."""
        return self.is_grader

    @property
    def grades_are_unblinded(self) -> bool:
        """From moderation on, the team sees every grade (and only the team: authority users
        and administrators never see provisional grades, whatever the phase)."""
        return self.can_see_provisional_grades and self.review_phase.is_at_least(Phase.MODERATION)

    def can_see_others_grades(self, *, has_own_grade: bool) -> bool:
        """Blind grading: the team's grades for a judgement are shown to a team inspector only
        once they have submitted their own grade for it, or once the review reaches moderation.
        Authority users and administrators never see provisional grades."""
        return self.can_see_provisional_grades and (has_own_grade or self.grades_are_unblinded)

    @property
    def can_see_reconciliation(self) -> bool:
        return self.can_see_provisional_grades

    @property
    def can_see_grading_progress(self) -> bool:
        """Who has graded what (never the grades themselves): the lead inspector."""
        return self.is_lead and self.user_kind is UserKind.INSPECTOR

    @property
    def can_manage_grading(self) -> bool:
        """Allow members to grade beyond their areas: the lead, while grades are still open."""
        return (
            self.is_lead
            and self.user_kind is UserKind.INSPECTOR
            and not self.review_phase.is_at_least(Phase.MODERATION)
        )

    @property
    def can_see_moderation(self) -> bool:
        """The moderation record and each agreed grade's lineage: the team's inspectors."""
        return self.can_see_provisional_grades and self.review_phase.is_at_least(Phase.MODERATION)

    @property
    def can_moderate(self) -> bool:
        """Record agreed grades: the lead inspector, in the moderation phase only."""
        return (
            self.is_lead
            and self.user_kind is UserKind.INSPECTOR
            and self.review_phase is Phase.MODERATION
        )

    @property
    def can_see_calibration(self) -> bool:
        """Calibration compares grades with agreed grades, so it opens with moderation."""
        return self.can_see_provisional_grades and self.review_phase.is_at_least(Phase.MODERATION)

    # --- Evidence and the authority's self-evaluation ---------------------------------------

    @property
    def can_see_evidence(self) -> bool:
        """The evidence base is the team's working: the authority does not see it.
        Restricted items need :attr:`can_see_restricted_evidence` as well."""
        return self.can_see_team_workings

    @property
    def can_see_tracked_cases(self) -> bool:
        """Tracked cases are about individual children: restricted evidence."""
        return self.can_see_restricted_evidence

    @property
    def can_view_self_evaluation(self) -> bool:
        return self.is_team_member or self.is_authority_user

    @property
    def can_upload_self_evaluation(self) -> bool:
        """The authority returns its self-evaluation during the self-assessment phase only."""
        return self.is_authority_user and self.review_phase is Phase.SELF_ASSESSMENT

    @property
    def self_evaluation_closed_reason(self) -> str | None:
        """Why the authority cannot upload now (None when it can, or is not the authority)."""
        if not self.is_authority_user or self.can_upload_self_evaluation:
            return None
        if not self.review_phase.is_at_least(Phase.SELF_ASSESSMENT):
            return (
                "You can upload your self-evaluation once the review reaches the "
                "self-assessment phase. It is in the set-up phase now."
            )
        return (
            "The self-assessment phase has ended, so the self-evaluation can no longer be "
            f"changed. The review is now in the {self.review_phase.label.lower()} phase."
        )

    # --- The report: drafting, factual accuracy, publication, action plan -------------------

    @property
    def is_report_writer(self) -> bool:
        """The report author or the lead inspector: the people who write the report."""
        return self.user_kind is UserKind.INSPECTOR and self.role in (
            ReviewRole.REPORT_AUTHOR,
            ReviewRole.LEAD_INSPECTOR,
        )

    @property
    def report_is_published(self) -> bool:
        return self.review_phase.is_at_least(Phase.PUBLISHED)

    @property
    def can_draft_report(self) -> bool:
        """Write sections and recommendations: the report author or lead, while drafting and
        during the factual accuracy check (to act on the authority's comments)."""
        return self.is_report_writer and self.review_phase in (
            Phase.DRAFTING,
            Phase.FACTUAL_ACCURACY,
        )

    def can_edit_report(self, *, reissue_open: bool) -> bool:
        """Drafting as above; after publication only in a draft the lead reopened for a
        formal re-issue, and never once the review is closed."""
        if self.can_draft_report:
            return True
        return (
            reissue_open
            and self.is_report_writer
            and self.review_phase in (Phase.PUBLISHED, Phase.ACTION_PLAN)
        )

    @property
    def can_comment_on_accuracy(self) -> bool:
        """Raise factual accuracy comments: the authority, during the check only."""
        return self.is_authority_user and self.review_phase is Phase.FACTUAL_ACCURACY

    @property
    def can_answer_accuracy_comments(self) -> bool:
        """Accept or reject the authority’s comments: the report author or lead, in the check."""
        return self.is_report_writer and self.review_phase is Phase.FACTUAL_ACCURACY

    @property
    def can_see_accuracy_comments(self) -> bool:
        return (self.is_team_member or self.is_authority_user) and self.review_phase.is_at_least(
            Phase.FACTUAL_ACCURACY
        )

    @property
    def can_publish(self) -> bool:
        """Publish the report (which moves the review to Published): the lead inspector."""
        return (
            self.is_lead
            and self.user_kind is UserKind.INSPECTOR
            and self.review_phase is Phase.FACTUAL_ACCURACY
        )

    @property
    def can_reissue_report(self) -> bool:
        """Reopen the published report and publish a new numbered version, with reasons."""
        return (
            self.is_lead
            and self.user_kind is UserKind.INSPECTOR
            and self.review_phase in (Phase.PUBLISHED, Phase.ACTION_PLAN)
        )

    @property
    def can_manage_publication(self) -> bool:
        """Make the published report public at its public address, or withdraw it."""
        return self.is_lead and self.user_kind is UserKind.INSPECTOR and self.report_is_published

    @property
    def can_view_report(self) -> bool:
        """The team always; the authority during the factual accuracy check (the draft only)
        and once published; administrators once published."""
        if self.is_team_member:
            return True
        if self.is_authority_user:
            return self.review_phase.is_at_least(Phase.FACTUAL_ACCURACY)
        return self.is_administrator and self.report_is_published

    @property
    def can_see_report_draft(self) -> bool:
        """The live draft (rather than the published version): the team, and the authority
        during the factual accuracy check."""
        if self.is_team_member:
            return True
        return self.is_authority_user and self.review_phase is Phase.FACTUAL_ACCURACY

    @property
    def can_see_report_workings(self) -> bool:
        """The team's own view of the report: individual grades and rationales in the annex,
        restricted evidence in the index, seeds, version history."""
        return self.is_team_member and self.user_kind is UserKind.INSPECTOR

    @property
    def can_edit_action_plan(self) -> bool:
        """The authority writes and updates its action plan once the report is published."""
        return self.is_authority_user and self.review_phase in (Phase.PUBLISHED, Phase.ACTION_PLAN)

    @property
    def can_view_action_plan(self) -> bool:
        """The lead and team follow progress; the authority writes it."""
        return (self.is_team_member or self.is_authority_user) and self.report_is_published


def can_see_national_view(user_kind: UserKind, *, programme_lead: bool) -> bool:
    """The national programme view (every review, grades across the programme): administrators
    and the inspectors who lead the programme. Authority users never, whatever the flag says."""
    return user_kind is UserKind.ADMINISTRATOR or (
        user_kind is UserKind.INSPECTOR and programme_lead
    )
