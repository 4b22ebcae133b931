"""Database models, one module per concept. Import from here."""

from inspect_app.models.api_token import ApiToken
from inspect_app.models.audit import AuditEvent
from inspect_app.models.grading import (
    AgreedGrade,
    AgreedGradeRevision,
    Grade,
    GradeRevision,
    GradingAllowance,
)
from inspect_app.models.people import Authority, AuthorityNeighbour, User
from inspect_app.models.review import AreaAssignment, Review, TeamMember
from inspect_app.models.rubric import JudgementArea, KeyJudgement, Rubric

__all__ = [
    "AgreedGrade",
    "AgreedGradeRevision",
    "ApiToken",
    "AreaAssignment",
    "AuditEvent",
    "Authority",
    "AuthorityNeighbour",
    "Grade",
    "GradeRevision",
    "GradingAllowance",
    "JudgementArea",
    "KeyJudgement",
    "Review",
    "Rubric",
    "TeamMember",
    "User",
]
