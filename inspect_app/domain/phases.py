"""The phases of a Joint Area Review and the rules for moving between them.

Pure Python: the facts a precondition needs are gathered elsewhere into a
:class:`ReviewFacts` and handed in, so the rules can be tested on their own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum


class Phase(StrEnum):
    SET_UP = "set_up"
    SELF_ASSESSMENT = "self_assessment"
    ANALYSIS = "analysis"
    FIELDWORK = "fieldwork"
    MODERATION = "moderation"
    DRAFTING = "drafting"
    FACTUAL_ACCURACY = "factual_accuracy"
    PUBLISHED = "published"
    ACTION_PLAN = "action_plan"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return PHASE_LABELS[self]

    @property
    def position(self) -> int:
        return PHASE_ORDER.index(self)

    @property
    def next(self) -> Phase | None:
        i = self.position
        return PHASE_ORDER[i + 1] if i + 1 < len(PHASE_ORDER) else None

    def is_at_least(self, other: Phase) -> bool:
        return self.position >= other.position


PHASE_ORDER: tuple[Phase, ...] = tuple(Phase)

PHASE_LABELS: dict[Phase, str] = {
    Phase.SET_UP: "Set-up",
    Phase.SELF_ASSESSMENT: "Self-assessment",
    Phase.ANALYSIS: "Analysis",
    Phase.FIELDWORK: "Fieldwork",
    Phase.MODERATION: "Moderation",
    Phase.DRAFTING: "Drafting",
    Phase.FACTUAL_ACCURACY: "Factual accuracy check",
    Phase.PUBLISHED: "Published",
    Phase.ACTION_PLAN: "Action plan",
    Phase.CLOSED: "Closed",
}

PHASE_DESCRIPTIONS: dict[Phase, str] = {
    Phase.SET_UP: "The team is formed, interests are declared and the programme is agreed.",
    Phase.SELF_ASSESSMENT: "The authority returns its self-assessment and selects case files.",
    Phase.ANALYSIS: "The team studies data, the self-assessment and documents, "
    "and forms hypotheses.",
    Phase.FIELDWORK: "Two weeks of interviews, observation, case file reading and "
    "meetings with children and young people.",
    Phase.MODERATION: "The team agrees its judgements; the lead inspector records them.",
    Phase.DRAFTING: "Report authors write the report and the summary for children "
    "and young people.",
    Phase.FACTUAL_ACCURACY: "The authority checks the draft for factual accuracy.",
    Phase.PUBLISHED: "The report is published.",
    Phase.ACTION_PLAN: "The authority's action plan is due within 70 working days of publication.",
    Phase.CLOSED: "The review is closed.",
}


@dataclass(frozen=True)
class ReviewFacts:
    """What the phase rules need to know about one review.

    Later capabilities (self-evaluation, grading, the report) add facts here;
    a fact that a capability does not supply keeps its permissive default.
    """

    has_lead_inspector: bool
    inspector_count: int
    unassigned_areas: tuple[str, ...]
    members_without_declaration: tuple[str, ...]
    has_report_author: bool
    has_planned_dates: bool
    self_evaluation_received: bool = True
    missing_agreed_judgements: tuple[str, ...] = ()
    report_has_content: bool = True
    unanswered_accuracy_comments: int = 0


Precondition = Callable[[ReviewFacts], str | None]


def _needs_lead(f: ReviewFacts) -> str | None:
    return None if f.has_lead_inspector else "The review needs a lead inspector."


def _needs_team(f: ReviewFacts) -> str | None:
    if f.inspector_count >= 2:
        return None
    return "The team needs at least two inspectors (including the lead inspector)."


def _needs_areas_assigned(f: ReviewFacts) -> str | None:
    if not f.unassigned_areas:
        return None
    return "Every judgement area needs an inspector assigned. Not yet assigned: " + ", ".join(
        f.unassigned_areas
    )


def _needs_declarations(f: ReviewFacts) -> str | None:
    if not f.members_without_declaration:
        return None
    return "Every team member must declare their interests. Still to declare: " + ", ".join(
        f.members_without_declaration
    )


def _needs_dates(f: ReviewFacts) -> str | None:
    if f.has_planned_dates:
        return None
    return "Planned dates for the analysis week, both fieldwork weeks and publication are needed."


def _needs_self_evaluation(f: ReviewFacts) -> str | None:
    if f.self_evaluation_received:
        return None
    return "The authority has not yet returned its self-evaluation."


def _needs_agreed_judgements(f: ReviewFacts) -> str | None:
    if not f.missing_agreed_judgements:
        return None
    return "Moderation is not complete. Judgements without an agreed grade: " + ", ".join(
        f.missing_agreed_judgements
    )


def _needs_report_author(f: ReviewFacts) -> str | None:
    return None if f.has_report_author else "The team needs a report author."


def _needs_report(f: ReviewFacts) -> str | None:
    return None if f.report_has_content else "The draft report has no content yet."


def _needs_comments_answered(f: ReviewFacts) -> str | None:
    n = f.unanswered_accuracy_comments
    if n == 0:
        return None
    noun = "comment is" if n == 1 else "comments are"
    return f"{n} factual accuracy {noun} still unanswered."


PRECONDITIONS: dict[Phase, tuple[Precondition, ...]] = {
    # keyed by the phase being entered
    Phase.SELF_ASSESSMENT: (
        _needs_lead,
        _needs_team,
        _needs_declarations,
        _needs_areas_assigned,
        _needs_dates,
    ),
    Phase.ANALYSIS: (_needs_self_evaluation,),
    Phase.FIELDWORK: (),
    Phase.MODERATION: (),
    Phase.DRAFTING: (_needs_agreed_judgements, _needs_report_author),
    Phase.FACTUAL_ACCURACY: (_needs_report,),
    Phase.PUBLISHED: (_needs_comments_answered,),
    Phase.ACTION_PLAN: (),
    Phase.CLOSED: (),
}


class PhaseTransitionError(ValueError):
    """A review cannot move to the phase asked for."""

    def __init__(self, current: Phase, target: Phase, reasons: list[str]) -> None:
        self.current = current
        self.target = target
        self.reasons = reasons
        super().__init__(
            f"Cannot move from {current.label} to {target.label}: " + " ".join(reasons)
        )


def unmet_preconditions(facts: ReviewFacts, target: Phase) -> list[str]:
    """Every reason the review cannot enter ``target`` now, in a fixed order."""
    reasons = []
    for check in PRECONDITIONS[target]:
        reason = check(facts)
        if reason:
            reasons.append(reason)
    return reasons


def check_transition(current: Phase, target: Phase, facts: ReviewFacts) -> None:
    """Raise :class:`PhaseTransitionError` unless ``current → target`` is allowed now.

    A review moves forward one phase at a time; it never skips or goes back.
    """
    if current.next is None:
        raise PhaseTransitionError(current, target, ["The review is closed."])
    if target != current.next:
        raise PhaseTransitionError(
            current,
            target,
            [f"A review in {current.label} can only move on to {current.next.label}."],
        )
    reasons = unmet_preconditions(facts, target)
    if reasons:
        raise PhaseTransitionError(current, target, reasons)
