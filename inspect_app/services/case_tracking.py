"""Case tracking: following a sample of children's journeys through services.

A tracked case is restricted evidence (a case file item) with a pseudonymous
reference only, the services involved, a timeline of contacts and findings
linked to key judgements. The product never asks for a child's name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from inspect_app.domain.evidence import (
    LINK_NOTE_MAX,
    NOTES_MAX,
    EvidenceKind,
    Stance,
    normalise_case_reference,
)
from inspect_app.models import (
    EvidenceItem,
    KeyJudgement,
    Review,
    TrackedCase,
    TrackedCaseContact,
    TrackedCaseFinding,
    User,
)
from inspect_app.models.types import utcnow
from inspect_app.services import audit
from inspect_app.services.evidence import EvidenceError, reindex

SERVICE_MAX = 120
SERVICES_MAX = 12
AGE_GROUPS = ("Under 5", "5 to 10", "11 to 15", "16 to 19", "Care leaver (19 to 25)")


@dataclass(frozen=True)
class CaseDetails:
    reference: str
    services: tuple[str, ...]
    summary: str = ""
    age_group: str = ""


def _clean_services(services: tuple[str, ...]) -> list[str]:
    cleaned: list[str] = []
    for service in services:
        service = " ".join(service.split())
        if service and service.casefold() not in {s.casefold() for s in cleaned}:
            cleaned.append(service)
    return cleaned


def start_tracking(
    session: Session, review: Review, details: CaseDetails, *, actor: User
) -> TrackedCase:
    """Begin tracking a child's journey. Raises EvidenceError for a bad or repeated reference."""
    try:
        reference = normalise_case_reference(details.reference)
    except ValueError as error:
        raise EvidenceError(str(error)) from None
    services = _clean_services(details.services)
    if not services:
        raise EvidenceError("Enter at least one service involved with the child")
    if len(services) > SERVICES_MAX or any(len(s) > SERVICE_MAX for s in services):
        raise EvidenceError(
            f"List at most {SERVICES_MAX} services, each {SERVICE_MAX} characters or fewer"
        )
    if details.age_group and details.age_group not in AGE_GROUPS:
        raise EvidenceError("Choose an age group from the list")
    summary = details.summary.strip()
    if len(summary) > NOTES_MAX:
        raise EvidenceError(f"The summary must be {NOTES_MAX:,} characters or fewer")
    taken = session.scalar(
        select(TrackedCase.id).where(
            TrackedCase.review_id == review.id, TrackedCase.reference == reference
        )
    )
    if taken is not None:
        raise EvidenceError(f"Case {reference} is already being tracked on this review")
    item = EvidenceItem(
        review_id=review.id,
        title=f"Tracked case {reference}",
        kind=EvidenceKind.CASE_FILE.value,
        source="Case tracking",
        gathered_on=utcnow().date(),
        inspectorate=actor.inspectorate if actor.inspectorate else None,
        is_restricted=True,
        notes=summary,
        added_by=actor,
    )
    case = TrackedCase(
        review_id=review.id,
        reference=reference,
        age_group=details.age_group,
        services=services,
        summary=summary,
        added_by=actor,
        item=item,
    )
    session.add_all([item, case])
    session.flush()
    audit.record(
        session,
        action="tracked_case.started",
        actor=actor,
        review_id=review.id,
        subject=case,
        summary=f"Started tracking case {reference} ({', '.join(services)})",
        after={"reference": reference, "services": services, "age_group": details.age_group},
    )
    reindex(session, item)
    return case


def add_contact(
    session: Session,
    case: TrackedCase,
    *,
    contact_on: date,
    service: str,
    summary: str,
    actor: User,
) -> TrackedCaseContact:
    """Add a contact to the child's timeline."""
    _refuse_if_deleted(case)
    service = " ".join(service.split())
    summary = summary.strip()
    if not service:
        raise EvidenceError("Enter the service the contact was with")
    if len(service) > SERVICE_MAX:
        raise EvidenceError(f"The service must be {SERVICE_MAX} characters or fewer")
    if not summary:
        raise EvidenceError("Describe the contact")
    if len(summary) > NOTES_MAX:
        raise EvidenceError(f"The description must be {NOTES_MAX:,} characters or fewer")
    contact = TrackedCaseContact(
        contact_on=contact_on, service=service, summary=summary, recorded_by_id=actor.id
    )
    case.contacts.append(contact)
    if service.casefold() not in {s.casefold() for s in case.services}:
        case.services = [*case.services, service]
    session.flush()
    audit.record(
        session,
        action="tracked_case.contact_added",
        actor=actor,
        review_id=case.review_id,
        subject=contact,
        summary=f"Added a contact with {service} on {contact_on.isoformat()} "
        f"to case {case.reference}",
        after={"contact_on": contact_on.isoformat(), "service": service},
    )
    reindex(session, case.item)
    return contact


def add_finding(
    session: Session,
    case: TrackedCase,
    key_judgement: KeyJudgement,
    *,
    stance: Stance,
    text: str,
    actor: User,
) -> TrackedCaseFinding:
    """Record what the case shows about a key judgement."""
    _refuse_if_deleted(case)
    text = text.strip()
    if not text:
        raise EvidenceError("Describe the finding")
    if len(text) > LINK_NOTE_MAX:
        raise EvidenceError(f"The finding must be {LINK_NOTE_MAX:,} characters or fewer")
    rubric_id = session.scalar(select(Review.rubric_id).where(Review.id == case.review_id))
    if key_judgement.area.rubric_id != rubric_id:
        raise EvidenceError("That key judgement is not part of this review's rubric")
    finding = TrackedCaseFinding(
        key_judgement=key_judgement, stance=stance.value, text=text, recorded_by=actor
    )
    case.findings.append(finding)
    session.flush()
    audit.record(
        session,
        action="tracked_case.finding_added",
        actor=actor,
        review_id=case.review_id,
        subject=finding,
        summary=f"Case {case.reference} {stance.value} key judgement {key_judgement.number}",
        after={"key_judgement": key_judgement.number, "stance": stance.value},
    )
    reindex(session, case.item)
    return finding


def _refuse_if_deleted(case: TrackedCase) -> None:
    if case.item.is_deleted:
        raise EvidenceError("This tracked case has been deleted")


def tracked_cases(session: Session, review: Review) -> list[TrackedCase]:
    """The review's tracked cases (not deleted), with their contacts and findings."""
    return list(
        session.scalars(
            select(TrackedCase)
            .join(TrackedCase.item)
            .where(TrackedCase.review_id == review.id, EvidenceItem.deleted_at.is_(None))
            .options(
                selectinload(TrackedCase.contacts),
                selectinload(TrackedCase.findings).selectinload(TrackedCaseFinding.key_judgement),
            )
            .order_by(TrackedCase.reference)
        )
    )


def case_file_count(session: Session, review: Review) -> int:
    """How many case files (tracked or not) the team has recorded."""
    return (
        session.scalar(
            select(func.count(EvidenceItem.id)).where(
                EvidenceItem.review_id == review.id,
                EvidenceItem.kind == EvidenceKind.CASE_FILE.value,
                EvidenceItem.deleted_at.is_(None),
            )
        )
        or 0
    )


def load_case(session: Session, review: Review, case_id: int) -> TrackedCase | None:
    return session.scalar(
        select(TrackedCase)
        .where(TrackedCase.id == case_id, TrackedCase.review_id == review.id)
        .options(
            selectinload(TrackedCase.item),
            selectinload(TrackedCase.contacts),
            selectinload(TrackedCase.findings).selectinload(TrackedCaseFinding.key_judgement),
            selectinload(TrackedCase.findings).selectinload(TrackedCaseFinding.recorded_by),
        )
    )
