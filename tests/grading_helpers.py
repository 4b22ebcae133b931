"""A small review team for grading tests: who grades what, and helpers to grade and agree."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from inspect_app.domain.inspectorates import Inspectorate
from inspect_app.domain.permissions import Access, ReviewRole
from inspect_app.domain.phases import Phase
from inspect_app.models import Grade, Review, TeamMember, User
from inspect_app.models.evidence import EvidenceItem, EvidenceLink
from inspect_app.services import grading, moderation
from inspect_app.services import reviews as review_service
from inspect_app.services.grading import GradeSubmission, JudgementTarget


@dataclass
class GradingWorld:
    """A review with: the lead (Ofsted, may grade anything), an Ofsted inspector on areas 2
    and 3, a CSCI inspector on area 2, a Healthcare Commission inspector on area 1, a CSCI
    generalist on every area (from the factory's ready team) and a report author."""

    make: object
    session: Session
    review: Review
    lead: User
    ofsted: User
    csci: User
    health: User
    generalist: User
    author: User
    other_review: Review

    @classmethod
    def build(cls, make, phase: Phase) -> GradingWorld:
        review = make.review_in(Phase.SET_UP)
        lead_member, generalist, author = make.ready_team(review)
        areas = {a.number: a for a in review.rubric.areas}
        people = {}
        for key, inspectorate, numbers in (
            ("ofsted", Inspectorate.OFSTED, (2, 3)),
            ("csci", Inspectorate.CSCI, (2,)),
            ("health", Inspectorate.HEALTHCARE_COMMISSION, (1,)),
        ):
            user = make.inspector(inspectorate, name=f"{key.capitalize()} Inspector")
            member = make.member(review, user, ReviewRole.INSPECTOR)
            review_service.declare_interests(
                make.session, member, has_conflict=False, details="", actor=user
            )
            review_service.assign_areas(
                make.session, member, [areas[n] for n in numbers], actor=lead_member.user
            )
            people[key] = user
        world = cls(
            make=make,
            session=make.session,
            review=review,
            lead=lead_member.user,
            generalist=generalist.user,
            author=author.user,
            other_review=make.review(),
            **people,
        )
        world.advance(phase)
        make.session.commit()
        return world

    def advance(self, phase: Phase) -> None:
        while self.review.current_phase is not phase:
            if self.review.current_phase is Phase.SELF_ASSESSMENT:
                self.make.self_evaluation(self.review)
            review_service.advance_phase(
                self.session, self.review, self.review.current_phase.next, actor=self.lead
            )
        self.session.flush()

    def access(self, user: User) -> Access:
        return review_service.access_for(user, self.review)

    def target(self, slug: str) -> JudgementTarget:
        target = grading.find_target(grading.judgement_targets(self.session, self.review), slug)
        assert target is not None, slug
        return target

    def member_of(self, user: User) -> TeamMember:
        member = self.review.member_for(user.id)
        assert member is not None
        return member

    def grade_of(self, user: User, slug: str) -> Grade | None:
        return grading.current_grade(self.session, self.review, user.id, self.target(slug))

    def evidence(
        self, title: str, kj_number: str, *, stance: str = "supports", review: Review | None = None
    ) -> EvidenceItem:
        review = review or self.review
        item = EvidenceItem(
            review_id=review.id,
            title=title,
            kind="document",
            source="Children's services",
            gathered_on=date(2026, 11, 3),
        )
        kj = next(k for a in review.rubric.areas for k in a.key_judgements if k.number == kj_number)
        item.links.append(EvidenceLink(key_judgement=kj, stance=stance))
        self.session.add(item)
        self.session.flush()
        return item


def submit(
    world: GradingWorld,
    user: User,
    slug: str,
    value,
    rationale: str,
    confidence,
    *,
    version: int | None = None,
    evidence: tuple[int, ...] = (),
) -> Grade:
    return grading.submit_grade(
        world.session,
        world.review,
        world.target(slug),
        GradeSubmission(value, rationale, confidence, evidence),
        grader=user,
        access=world.access(user),
        expected_version=version,
    )


def agree(
    world: GradingWorld,
    slug: str,
    value: int,
    reasons: str = "",
    *,
    version: int | None = None,
    actor: User | None = None,
):
    actor = actor or world.lead
    return moderation.record_agreed_grade(
        world.session,
        world.review,
        world.target(slug),
        value=value,
        reasons=reasons,
        actor=actor,
        access=world.access(actor),
        expected_version=version,
    )
