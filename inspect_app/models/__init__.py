"""Database models, one module per concept. Import from here."""

from inspect_app.models.api_token import ApiToken
from inspect_app.models.audit import AuditEvent
from inspect_app.models.evidence import (
    EvidenceBlob,
    EvidenceFile,
    EvidenceItem,
    EvidenceLink,
    TrackedCase,
    TrackedCaseContact,
    TrackedCaseFinding,
)
from inspect_app.models.grading import (
    AgreedGrade,
    AgreedGradeRevision,
    Grade,
    GradeRevision,
    GradingAllowance,
)
from inspect_app.models.indicators import Indicator, IndicatorImport, IndicatorValue
from inspect_app.models.page_cache import CachedPage, CacheGeneration
from inspect_app.models.people import Authority, AuthorityNeighbour, User
from inspect_app.models.report import (
    AccuracyComment,
    ActionPlan,
    PlannedAction,
    PublishedReport,
    Recommendation,
    Report,
    ReportSection,
    ReportSectionRevision,
)
from inspect_app.models.review import AreaAssignment, Review, TeamMember
from inspect_app.models.rubric import JudgementArea, KeyJudgement, Rubric
from inspect_app.models.self_evaluation import SelfEvaluation, SelfEvaluationEntry
from inspect_app.models.sign_in import SignInFailure

__all__ = [
    "AccuracyComment",
    "ActionPlan",
    "AgreedGrade",
    "AgreedGradeRevision",
    "ApiToken",
    "AreaAssignment",
    "AuditEvent",
    "Authority",
    "AuthorityNeighbour",
    "CacheGeneration",
    "CachedPage",
    "EvidenceBlob",
    "EvidenceFile",
    "EvidenceItem",
    "EvidenceLink",
    "Grade",
    "GradeRevision",
    "GradingAllowance",
    "Indicator",
    "IndicatorImport",
    "IndicatorValue",
    "JudgementArea",
    "KeyJudgement",
    "PlannedAction",
    "PublishedReport",
    "Recommendation",
    "Report",
    "ReportSection",
    "ReportSectionRevision",
    "Review",
    "Rubric",
    "SelfEvaluation",
    "SelfEvaluationEntry",
    "SignInFailure",
    "TeamMember",
    "TrackedCase",
    "TrackedCaseContact",
    "TrackedCaseFinding",
    "User",
]
