"""A published review with a cross-site scripting payload in every text and Markdown field.

Each field's text starts with its own marker (``XSSMARK-<field>``) so a check can tell the
field is really on the page or in the export, and then carries every payload of
``tests/security/xss.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from inspect_app.domain.evidence import Stance
from inspect_app.domain.phases import Phase
from inspect_app.models import Review, User
from inspect_app.services import (
    action_plans,
    case_tracking,
    factual_accuracy,
    grading,
    moderation,
    publication,
    report_drafting,
)
from inspect_app.services import evidence as evidence_service
from inspect_app.services import reviews as review_service
from inspect_app.services.action_plans import ActionDetails
from inspect_app.services.case_tracking import CaseDetails
from inspect_app.services.grading import GradeSubmission
from inspect_app.services.report_drafting import RecommendationDetails
from inspect_app.services.reviews import access_for, load_review
from tests.evidence_helpers import add as add_evidence
from tests.factories import Factory
from tests.report_factories import write_full_report
from tests.security.xss import payload, short_payload

SLUG = "kj-1.1"


def mark(name: str) -> str:
    return f"XSSMARK-{name}"


@dataclass
class XssWorld:
    review: Review
    lead: User
    authority_user: User
    ids: dict[str, object] = field(default_factory=dict)

    @classmethod
    def build(cls, session: Session, make: Factory) -> XssWorld:
        review = make.review_in(Phase.SET_UP)
        lead_member, other, author = make.ready_team(review)
        lead = lead_member.user
        authority_user = make.authority_user(review.authority)
        world = cls(review, lead, authority_user)
        # A declared conflict keeps a review in set-up, so it is declared on another review.
        setup = make.review(authority=review.authority, lead=lead)
        world.ids["setup_review_id"] = setup.id
        conflicted = make.member(setup, make.inspector(name="Conflicted Colleague"))
        review_service.declare_interests(
            session,
            conflicted,
            has_conflict=True,
            details=payload(mark("declaration")),
            actor=conflicted.user,
        )
        world._evidence(session, other.user)
        world._advance(session, make, Phase.FIELDWORK)
        target = grading.find_target(grading.judgement_targets(session, review), SLUG)
        for user, value in ((lead, 3), (other.user, 2)):
            grading.submit_grade(
                session,
                review,
                target,
                GradeSubmission(value, payload(mark(f"rationale-{value}")), "medium", ()),
                grader=user,
                access=access_for(user, review),
                expected_version=None,
            )
        world._advance(session, make, Phase.MODERATION)
        moderation.record_agreed_grade(
            session,
            review,
            target,
            value=2,
            reasons=payload(mark("agreed-reasons")),
            actor=lead,
            access=access_for(lead, review),
            expected_version=None,
        )
        make.agree_all(review)
        world._advance(session, make, Phase.DRAFTING)
        world._report(session, author.user)
        world._advance(session, make, Phase.FACTUAL_ACCURACY)
        comment = factual_accuracy.raise_comment(
            session,
            review,
            section_key="main-findings",
            passage=payload(mark("passage")),
            comment=payload(mark("comment")),
            actor=authority_user,
            access=access_for(authority_user, review),
        )
        factual_accuracy.answer_comment(
            session,
            review,
            comment,
            accept=False,
            reply=payload(mark("reply")),
            expected_version=comment.version,
            actor=lead,
            access=access_for(lead, review),
        )
        world.ids["comment_id"] = comment.id
        world._advance(session, make, Phase.PUBLISHED)
        review = load_review(session, review.id)
        publication.set_public(
            session, review, is_public=True, actor=lead, access=access_for(lead, review)
        )
        recommendation = report_drafting.recommendations_for(session, review)[0]
        action = action_plans.add_action(
            session,
            review,
            recommendation,
            ActionDetails(
                payload(mark("action")),
                short_payload(mark("owner")),
                date(2027, 3, 1),
                "in_progress",
                payload(mark("progress")),
            ),
            actor=authority_user,
            access=access_for(authority_user, review),
        )
        world.ids["action_id"] = action.id
        world.ids["public_slug"] = report_drafting.report_for(session, review).public_slug
        session.commit()
        world.review = review
        return world

    def _advance(self, session: Session, make: Factory, phase: Phase) -> None:
        review = self.review
        while review.current_phase is not phase:
            if review.current_phase is Phase.SELF_ASSESSMENT:
                make.self_evaluation(review, actor=self.authority_user)
            review_service.advance_phase(
                session, review, review.current_phase.next, actor=self.lead
            )
        session.flush()

    def _evidence(self, session: Session, inspector: User) -> None:
        review = self.review
        item = add_evidence(
            session,
            review,
            inspector,
            title=short_payload(mark("evidence-title")),
            notes=payload(mark("evidence-notes")),
            source=short_payload(mark("evidence-source")),
        )
        kj = review.rubric.areas[0].key_judgements[0]
        evidence_service.link_to_judgement(
            session,
            item,
            kj,
            stance=Stance.SUPPORTS,
            note=payload(mark("link-note"))[:1000],
            actor=inspector,
        )
        case = case_tracking.start_tracking(
            session,
            review,
            CaseDetails(
                reference="XSS-CT-01",
                services=(short_payload(mark("case-service"))[:120],),
                summary=payload(mark("case-summary")),
            ),
            actor=inspector,
        )
        case_tracking.add_contact(
            session,
            case,
            contact_on=date(2026, 10, 1),
            service=short_payload(mark("contact-service"))[:120],
            summary=payload(mark("contact-summary")),
            actor=inspector,
        )
        case_tracking.add_finding(
            session,
            case,
            kj,
            stance=Stance.CONTRADICTS,
            text=payload(mark("finding")),
            actor=inspector,
        )
        session.flush()
        self.ids.update(item_id=item.id, case_id=case.id)

    def _report(self, session: Session, author: User) -> None:
        review = self.review
        text = {
            "introduction": payload(mark("introduction")),
            "context": payload(mark("context")),
            "main-findings": payload(mark("main-findings")),
            "children-summary": payload(mark("children-summary")),
        }
        for area in review.rubric.areas[:1]:
            for part in ("narrative", "strengths", "weaknesses"):
                text[f"area-{area.number}-{part}"] = payload(mark(f"area-{part}"))
        write_full_report(session, review, text=text)
        report_drafting.add_recommendation(
            session,
            review,
            RecommendationDetails(
                payload(mark("recommendation")),
                "immediate",
                None,
                short_payload(mark("responsible")),
            ),
            actor=author,
            access=access_for(author, review),
        )
        session.flush()


__all__ = ["XssWorld", "mark"]
