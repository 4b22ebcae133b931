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
