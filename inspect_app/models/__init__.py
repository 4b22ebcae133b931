"""Database models, one module per concept. Import from here."""

from inspect_app.models.audit import AuditEvent
from inspect_app.models.people import Authority, AuthorityNeighbour, User
from inspect_app.models.review import AreaAssignment, Review, TeamMember
from inspect_app.models.rubric import JudgementArea, KeyJudgement, Rubric

__all__ = [
    "AreaAssignment",
    "AuditEvent",
    "Authority",
    "AuthorityNeighbour",
    "JudgementArea",
    "KeyJudgement",
    "Review",
    "Rubric",
    "TeamMember",
    "User",
]
