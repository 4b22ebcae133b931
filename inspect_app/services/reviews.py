"""Setting up a review, managing its team and moving it through its phases."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from itertools import pairwise

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, object_session, selectinload

from inspect_app.domain.permissions import Access, ReviewRole, UserKind
from inspect_app.domain.phases import Phase, ReviewFacts, check_transition
from inspect_app.models import (
    AreaAssignment,
    Authority,
    JudgementArea,
    Review,
    Rubric,
    TeamMember,
    User,
)
from inspect_app.models.types import utcnow
from inspect_app.services import audit


class ReviewError(ValueError):
    """A request about a review that cannot be carried out, with the reason."""


@dataclass(frozen=True)
class PlannedDates:
    set_up_on: date | None = None
    analysis_week_on: date | None = None
    fieldwork_week_one_on: date | None = None
    fieldwork_week_two_on: date | None = None
    publication_due_on: date | None = None

    def problems(self) -> list[str]:
        ordered = [
            ("set-up meeting", self.set_up_on),
            ("analysis week", self.analysis_week_on),
            ("fieldwork week 1", self.fieldwork_week_one_on),
            ("fieldwork week 2", self.fieldwork_week_two_on),
            ("publication", self.publication_due_on),
        ]
        given = [(name, d) for name, d in ordered if d is not None]
        return [
            f"The {later} date must be after the {earlier} date"
            for (earlier, d1), (later, d2) in pairwise(given)
            if d2 <= d1
        ]

    def as_dict(self) -> dict[str, str | None]:
        return {k: (v.isoformat() if v else None) for k, v in self.__dict__.items()}


def _dates_of(review: Review) -> PlannedDates:
    return PlannedDates(
        review.set_up_on,
        review.analysis_week_on,
        review.fieldwork_week_one_on,
        review.fieldwork_week_two_on,
        review.publication_due_on,
    )


def next_reference(session: Session, year: int) -> str:
    prefix = f"JAR-{year}-"
    count = session.scalar(select(func.count()).where(Review.reference.like(prefix + "%"))) or 0
    return f"{prefix}{count + 1:03d}"


def create_review(
    session: Session,
    *,
    authority: Authority,
    rubric: Rubric,
    lead: User,
    dates: PlannedDates,
    created_by: User | None,
) -> Review:
    problems = dates.problems()
    if problems:
        raise ReviewError(problems[0])
    if not lead.is_inspector:
        raise ReviewError("The lead inspector must be an inspector")
    _refuse_if_conflicted(session, lead, authority)
    review = Review(
        reference=next_reference(session, (dates.set_up_on or utcnow().date()).year),
        authority=authority,
        rubric=rubric,
        phase=Phase.SET_UP.value,
        **dates.__dict__,
    )
    session.add(review)
    session.flush()
    review.team.append(TeamMember(user=lead, role=ReviewRole.LEAD_INSPECTOR.value))
    session.flush()
    audit.record(
        session,
        action="review.created",
        actor=created_by,
        review_id=review.id,
        subject=review,
        summary=f"Created review {review.reference} of {authority.name} "
        f"on {rubric.key} v{rubric.version} with lead inspector {lead.name}",
        after={
            "authority_id": authority.id,
            "rubric_id": rubric.id,
            "lead": lead.id,
            **dates.as_dict(),
        },
    )
    return review


def update_dates(session: Session, review: Review, dates: PlannedDates, *, actor: User) -> None:
    problems = dates.problems()
    if problems:
        raise ReviewError(problems[0])
    before = _dates_of(review).as_dict()
    for name, value in dates.__dict__.items():
        setattr(review, name, value)
    audit.record(
        session,
        action="review.dates_changed",
        actor=actor,
        review_id=review.id,
        subject=review,
        summary="Changed the planned dates",
        before=before,
        after=dates.as_dict(),
    )


def _refuse_if_conflicted(session: Session, user: User, authority: Authority) -> None:
    conflicted = session.scalar(
        select(TeamMember.id)
        .join(Review)
        .where(
            TeamMember.user_id == user.id,
            TeamMember.has_conflict.is_(True),
            Review.authority_id == authority.id,
        )
        .limit(1)
    )
    if conflicted is not None:
        raise ReviewError(
            f"{user.name} has declared a conflict of interest with {authority.name} "
            "and cannot be assigned to its review"
        )


def add_member(
    session: Session, review: Review, user: User, role: ReviewRole, *, actor: User
) -> TeamMember:
    if not user.is_inspector:
        raise ReviewError("Only inspectors can join a review team")
    if review.member_for(user.id) is not None:
        raise ReviewError(f"{user.name} is already on the team")
    if role is ReviewRole.LEAD_INSPECTOR and review.lead_inspector is not None:
        raise ReviewError("The review already has a lead inspector")
    _refuse_if_conflicted(session, user, review.authority)
    member = TeamMember(user=user, role=role.value)
    review.team.append(member)
    session.flush()
    audit.record(
        session,
        action="team.member_added",
        actor=actor,
        review_id=review.id,
        subject=member,
        summary=f"Added {user.name} ({user.inspectorate_label}) as {role.label.lower()}",
        after={"user_id": user.id, "role": role.value},
    )
    return member


def remove_member(session: Session, review: Review, member: TeamMember, *, actor: User) -> None:
    if member.role == ReviewRole.LEAD_INSPECTOR:
        raise ReviewError("The lead inspector cannot be removed; appoint another lead first")
    if review.current_phase is Phase.CLOSED:
        raise ReviewError("The review is closed")
    audit.record(
        session,
        action="team.member_removed",
        actor=actor,
        review_id=review.id,
        subject=member,
        summary=f"Removed {member.user.name} from the team",
        before={
            "user_id": member.user_id,
            "role": member.role,
            "areas": [a.area_id for a in member.assignments],
        },
    )
    review.team.remove(member)


def change_lead(session: Session, review: Review, new_lead: TeamMember, *, actor: User) -> None:
    if new_lead.has_conflict:
        raise ReviewError(f"{new_lead.user.name} has declared a conflict of interest")
    old = review.lead_inspector
    if old is new_lead:
        return
    if old is not None:
        old.role = ReviewRole.INSPECTOR.value
    new_lead.role = ReviewRole.LEAD_INSPECTOR.value
    audit.record(
        session,
        action="team.lead_changed",
        actor=actor,
        review_id=review.id,
        subject=new_lead,
        summary=f"{new_lead.user.name} is now the lead inspector",
        before={"lead_user_id": old.user_id if old else None},
        after={"lead_user_id": new_lead.user_id},
    )


def set_role(session: Session, member: TeamMember, role: ReviewRole, *, actor: User) -> None:
    review = member.review
    if role is ReviewRole.LEAD_INSPECTOR:
        change_lead(session, review, member, actor=actor)
        return
    if member.role == ReviewRole.LEAD_INSPECTOR:
        raise ReviewError("Appoint another lead inspector before changing this member's role")
    before = member.role
    member.role = role.value
    audit.record(
        session,
        action="team.role_changed",
        actor=actor,
        review_id=review.id,
        subject=member,
        summary=f"{member.user.name} is now {role.label.lower()}",
        before={"role": before},
        after={"role": role.value},
    )


def assign_areas(
    session: Session, member: TeamMember, areas: Iterable[JudgementArea], *, actor: User
) -> None:
    """Make ``areas`` exactly the judgement areas this member is assigned."""
    wanted = {area.id: area for area in areas}
    if wanted and member.has_conflict:
        raise ReviewError(
            f"{member.user.name} has declared a conflict of interest and cannot be assigned areas"
        )
    foreign = [a for a in wanted.values() if a.rubric_id != member.review.rubric_id]
    if foreign:
        raise ReviewError("Those judgement areas are not part of this review's rubric")
    current = {a.area_id: a for a in member.assignments}
    for area_id, assignment in current.items():
        if area_id not in wanted:
            member.assignments.remove(assignment)
    for area_id, area in wanted.items():
        if area_id not in current:
            member.assignments.append(AreaAssignment(area=area))
    audit.record(
        session,
        action="team.areas_assigned",
        actor=actor,
        review_id=member.review_id,
        subject=member,
        summary=f"{member.user.name} assigned: "
        + (", ".join(a.title for a in sorted(wanted.values(), key=lambda a: a.number)) or "none"),
        before={"areas": sorted(current)},
        after={"areas": sorted(wanted)},
    )


def declare_interests(
    session: Session, member: TeamMember, *, has_conflict: bool, details: str, actor: User
) -> None:
    if has_conflict and not details.strip():
        raise ReviewError("Describe the conflict of interest")
    member.interests_declared_at = utcnow()
    member.has_conflict = has_conflict
    member.conflict_details = details.strip() if has_conflict else ""
    withdrawn = [a.area.title for a in member.assignments] if has_conflict else []
    if has_conflict:
        member.assignments.clear()
    audit.record(
        session,
        action="team.interests_declared",
        actor=actor,
        review_id=member.review_id,
        subject=member,
        summary=f"{member.user.name} declared "
        + ("a conflict of interest" if has_conflict else "no conflict of interest")
        + (f"; assignments withdrawn: {', '.join(withdrawn)}" if withdrawn else ""),
        after={"has_conflict": has_conflict},
    )


def review_facts(review: Review) -> ReviewFacts:
    """Gather what the phase rules need. ``review`` should have its team loaded."""
    active = [m for m in review.team if not m.has_conflict]
    assigned_area_ids = {a.area_id for m in active for a in m.assignments}
    lead = review.lead_inspector
    return ReviewFacts(
        has_lead_inspector=lead is not None and not lead.has_conflict,
        inspector_count=sum(
            1 for m in active if m.role in (ReviewRole.LEAD_INSPECTOR, ReviewRole.INSPECTOR)
        ),
        unassigned_areas=tuple(
            area.title for area in review.rubric.areas if area.id not in assigned_area_ids
        ),
        members_without_declaration=tuple(m.user.name for m in review.team if not m.has_declared)
        + tuple(
            f"{m.user.name} (conflict declared: remove from the team)"
            for m in review.team
            if m.has_conflict
        ),
        has_report_author=any(m.role == ReviewRole.REPORT_AUTHOR for m in active),
        has_planned_dates=all(
            d is not None
            for d in (
                review.analysis_week_on,
                review.fieldwork_week_one_on,
                review.fieldwork_week_two_on,
                review.publication_due_on,
            )
        ),
        missing_agreed_judgements=_missing_agreed_judgements(review),
        self_evaluation_received=_self_evaluation_received(review),
        report_has_content=_report_has_content(review),
        unanswered_accuracy_comments=_unanswered_accuracy_comments(review),
    )


def _self_evaluation_received(review: Review) -> bool:
    """Only self-assessment → analysis depends on this, so it is only looked up then."""
    if review.current_phase is not Phase.SELF_ASSESSMENT:
        return True
    from inspect_app.services.self_evaluation import has_return

    return has_return(object_session(review), review.id)


def _report_has_content(review: Review) -> bool:
    """Only drafting → factual accuracy depends on this, so it is only looked up then."""
    if review.current_phase is not Phase.DRAFTING:
        return True
    from inspect_app.services.report_drafting import report_has_content

    return report_has_content(object_session(review), review.id)


def _unanswered_accuracy_comments(review: Review) -> int:
    """Only factual accuracy → published depends on this, so it is only looked up then."""
    if review.current_phase is not Phase.FACTUAL_ACCURACY:
        return 0
    from inspect_app.services.factual_accuracy import unanswered_count

    return unanswered_count(object_session(review), review.id)


def _missing_agreed_judgements(review: Review) -> tuple[str, ...]:
    """Only moderation → drafting depends on this, so it is only looked up in moderation."""
    if review.current_phase is not Phase.MODERATION:
        return ()
    from inspect_app.services.moderation import missing_agreed_judgements

    return missing_agreed_judgements(review)


def advance_phase(session: Session, review: Review, target: Phase, *, actor: User) -> None:
    """Move the review on to ``target``; raises PhaseTransitionError with the unmet reasons."""
    current = review.current_phase
    check_transition(current, target, review_facts(review))
    review.phase = target.value
    review.phase_changed_at = utcnow()
    audit.record(
        session,
        action="review.phase_changed",
        actor=actor,
        review_id=review.id,
        subject=review,
        summary=f"Moved from {current.label} to {target.label}",
        before={"phase": current.value},
        after={"phase": target.value},
    )
    if target is Phase.PUBLISHED:
        # Entering Published freezes the report, whichever page moved the review on.
        from inspect_app.services.publication import publish_first_version

        publish_first_version(session, review, actor=actor)


def access_for(user: User, review: Review) -> Access:
    member = review.member_for(user.id)
    return access_on(
        user, review.authority_id, review.current_phase, member.role if member else None
    )


def access_on(user: User, authority_id: int, phase: Phase | str, role: str | None) -> Access:
    """What ``user`` may do on a review of ``authority_id`` in ``phase`` on whose team they
    have ``role`` (None: not on it). For callers that have these without the review."""
    return Access(
        user_kind=UserKind(user.kind),
        user_authority_id=user.authority_id,
        review_authority_id=authority_id,
        review_phase=Phase(phase),
        role=ReviewRole(role) if role else None,
    )


def load_review(session: Session, review_id: int) -> Review | None:
    """A review with everything the overview and team pages show, in four queries.

    The review with its authority and rubric; the rubric's areas; the team with each
    member's user and the user's authority; the members' area assignments. An
    assignment's ``area`` is one of the rubric's areas, already in the session, so
    reading it issues no query (a many-to-one lazy load by primary key looks in the
    identity map first).
    """
    return session.scalar(
        select(Review)
        .where(Review.id == review_id)
        .options(
            joinedload(Review.authority, innerjoin=True),
            joinedload(Review.rubric, innerjoin=True).selectinload(Rubric.areas),
            selectinload(Review.team).options(
                joinedload(TeamMember.user, innerjoin=True).joinedload(User.authority),
                selectinload(TeamMember.assignments),
            ),
        )
    )


def reviews_visible_to(session: Session, user: User) -> list[Review]:
    """The reviews on a user's dashboard."""
    query = select(Review).options(
        selectinload(Review.authority),
        selectinload(Review.rubric),
        selectinload(Review.team).selectinload(TeamMember.user),
    )
    if user.is_authority_user:
        query = query.where(Review.authority_id == user.authority_id)
    elif not user.is_administrator:
        member_of = select(TeamMember.review_id).where(TeamMember.user_id == user.id)
        query = query.where(Review.id.in_(member_of))
    return list(session.scalars(query.order_by(Review.created_at.desc(), Review.id.desc())))
