"""A world for the authorisation matrix: one review per phase, and every kind of user.

Built once per test module on its own database (see :func:`module_app`). Each review has
the same team (lead, inspector, report author) and the same authority; it has what its
phase would have: ordinary and restricted evidence with files and links, a tracked case,
two self-evaluation returns, grades, agreed grades, a full report with recommendations, a
factual accuracy comment and an action plan. Fictional names only.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inspect_app.domain.evidence import EvidenceKind, Stance
from inspect_app.domain.inspectorates import Inspectorate
from inspect_app.domain.permissions import ReviewRole
from inspect_app.domain.phases import Phase
from inspect_app.extensions import db
from inspect_app.models import AuditEvent, EvidenceItem, EvidenceLink, Review, User
from inspect_app.services import (
    action_plans,
    api_tokens,
    case_tracking,
    factual_accuracy,
    grading,
    report_drafting,
)
from inspect_app.services import evidence as evidence_service
from inspect_app.services import reviews as review_service
from inspect_app.services.action_plans import ActionDetails
from inspect_app.services.case_tracking import CaseDetails
from inspect_app.services.grading import GradeSubmission
from inspect_app.services.report_drafting import RecommendationDetails
from inspect_app.services.reviews import access_for, load_review
from tests.conftest import IsolatedClient, make_app
from tests.domain.evidence_samples import pdf_bytes
from tests.evidence_helpers import add as add_evidence
from tests.factories import PASSWORD, Factory
from tests.report_factories import write_full_report
from tests.security.expectations import PHASES, Who

SLUG = "kj-1.1"  # the judgement graded, agreed and asked about
# Text that only the team's inspectors may ever see: in a restricted evidence item, its file
# and the tracked case; and in the provisional grades' rationales.
RESTRICTED_TITLE = "Case file reading CF-0042"
RESTRICTED_FILE = "case-note-cf0042.txt"
TRACKED_CASE_PREFIX = "NMT-CT-"
PROVISIONAL_RATIONALE = "Seen in the minutes (provisional note 7Q)."
SECRETS = {
    "restricted evidence": (RESTRICTED_TITLE, RESTRICTED_FILE, TRACKED_CASE_PREFIX),
    "provisional grades": (PROVISIONAL_RATIONALE,),
}
SECTION = "main-findings"  # the report section edited
EXPORT_FORMAT = "md"  # a cheap export for the matrix (the formats are tested elsewhere)

_seq = itertools.count(1)


@contextmanager
def module_app(databases, tmp_path_factory, **overrides) -> Iterator[Flask]:
    """An app on its own fresh database, for a whole test module."""
    tmp = tmp_path_factory.mktemp("security")
    with databases.fresh() as url:
        app = make_app(url, Path(tmp), **overrides)
        app.test_client_class = IsolatedClient
        with app.app_context():
            yield app
            db.session.remove()
            db.engine.dispose()


def sign_in(client: FlaskClient, user: User, data: dict[str, str] | None = None) -> None:
    response = client.post(
        "/sign-in", data={"email": user.email, "password": PASSWORD, **(data or {})}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


def audit_count(session: Session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(AuditEvent))


@dataclass
class PhaseReview:
    """One review in one phase, and the ids its routes take."""

    phase: Phase
    review_id: int
    ids: dict[str, object] = field(default_factory=dict)


class SecurityWorld:
    def __init__(self, session: Session, make: Factory) -> None:
        self.session = session
        self.make = make
        self.authority = make.authority("Northmere Test Borough Council")
        self.elsewhere = make.authority("Fenmouth Test Council")
        self.users: dict[Who, User] = {
            Who.ADMINISTRATOR: make.administrator(name="Ada Admin"),
            Who.LEAD: make.inspector(name="Lena Lead"),
            Who.INSPECTOR: make.inspector(Inspectorate.CSCI, name="Ivo Inspector"),
            Who.OTHER_INSPECTOR: make.inspector(name="Otto Outsider"),
            Who.AUTHOR: make.inspector(name="Aria Author"),
            Who.AUTHORITY: make.authority_user(self.authority, name="Nia Northmere"),
            Who.OTHER_AUTHORITY: make.authority_user(self.elsewhere, name="Finn Fenmouth"),
            Who.PROGRAMME_LEAD: make.inspector(name="Priya Programme"),
        }
        self.users[Who.PROGRAMME_LEAD].programme_lead = True
        self.bystander = make.inspector(name="Bea Bystander")
        self.other_review = make.review(
            authority=self.elsewhere, lead=self.users[Who.OTHER_INSPECTOR]
        )
        self.reviews: dict[Phase, PhaseReview] = {}
        for phase in PHASES:
            self.reviews[phase] = self._build(phase)
        self.lead_token_id = api_tokens.create_token(
            session, self.users[Who.LEAD], "Matrix token"
        ).token.id
        self.global_ids = {
            "user_id": self.bystander.id,
            "authority_id": self.elsewhere.id,
            "rubric_id": self.other_review.rubric_id,
            "token_id": self.lead_token_id,
        }
        rubric = self.other_review.rubric
        # Arguments named alike on different routes
        self.endpoint_ids = {
            "static": {"filename": "app.css"},
            "govuk_assets": {"filename": "manifest.json"},
            "api.get_rubric": {"key": rubric.key, "version": rubric.version},
            "api.authority_indicators": {"code": self.authority.code},
        }
        session.commit()

    # ------------------------------------------------------------------ building

    def user(self, who: Who) -> User:
        return self.users[who]

    def _build(self, phase: Phase) -> PhaseReview:
        s = self.session
        lead, inspector, author = (self.users[w] for w in (Who.LEAD, Who.INSPECTOR, Who.AUTHOR))
        review = self.make.review(authority=self.authority, lead=lead)
        inspector_member = self.make.member(review, inspector, ReviewRole.INSPECTOR)
        self.make.member(review, author, ReviewRole.REPORT_AUTHOR)
        for member in review.team:
            review_service.declare_interests(
                s, member, has_conflict=False, details="", actor=member.user
            )
        review_service.assign_areas(s, inspector_member, review.rubric.areas, actor=lead)
        found = PhaseReview(phase, review.id, {"member_id": inspector_member.id})
        self._evidence(review, found)
        report = report_drafting.ensure_report(s, review)
        report.is_public = True  # a draft must never be shown at the public address
        found.ids["public_slug"] = report.public_slug
        self._arrive(review, found)
        while review.current_phase is not phase:
            self._leave(review, found)
            review_service.advance_phase(s, review, review.current_phase.next, actor=lead)
            self._arrive(review, found)
        s.flush()
        return found

    def _evidence(self, review: Review, found: PhaseReview) -> None:
        s = self.session
        inspector = self.users[Who.INSPECTOR]
        item = add_evidence(
            s,
            review,
            inspector,
            files={"partnership-minutes.pdf": pdf_bytes("Partnership minutes")},
            title="Children's Trust board minutes",
        )
        restricted = add_evidence(
            s,
            review,
            inspector,
            files={RESTRICTED_FILE: b"Home visit recorded.\n"},
            title=RESTRICTED_TITLE,
            kind=EvidenceKind.CASE_FILE,
            restricted=True,
        )
        kj = review.rubric.areas[0].key_judgements[0]
        link = evidence_service.link_to_judgement(
            s, item, kj, stance=Stance.SUPPORTS, note="Shows joint planning.", actor=inspector
        )
        case = case_tracking.start_tracking(
            s,
            review,
            CaseDetails(
                reference=f"{TRACKED_CASE_PREFIX}{next(_seq):03d}", services=("School", "Health")
            ),
            actor=inspector,
        )
        s.flush()
        found.ids.update(
            item_id=item.id,
            file_id=item.files[0].id,
            link_id=link.id,
            case_id=case.id,
            restricted_item_id=restricted.id,
            restricted_file_id=restricted.files[0].id,
            key=SECTION,
            fmt=EXPORT_FORMAT,
            slug=SLUG,
        )

    def _arrive(self, review: Review, found: PhaseReview) -> None:
        """What the review gains on entering its current phase."""
        s = self.session
        phase = review.current_phase
        authority_user = self.users[Who.AUTHORITY]
        if phase is Phase.SELF_ASSESSMENT:
            self.make.self_evaluation(review, actor=authority_user)
            self.make.self_evaluation(review, actor=authority_user)
            found.ids["version"] = 1
        elif phase is Phase.FIELDWORK:
            target = grading.find_target(grading.judgement_targets(s, review), SLUG)
            for who, value in ((Who.LEAD, 3), (Who.INSPECTOR, 2)):
                user = self.users[who]
                grading.submit_grade(
                    s,
                    review,
                    target,
                    GradeSubmission(value, PROVISIONAL_RATIONALE, "high", ()),
                    grader=user,
                    access=access_for(user, review),
                    expected_version=None,
                )
        elif phase is Phase.MODERATION:
            self.make.agree_all(review)
        elif phase is Phase.DRAFTING:
            recs = write_full_report(s, review)
            found.ids["rec_id"] = recs[0].id
        elif phase is Phase.FACTUAL_ACCURACY:
            comment = factual_accuracy.raise_comment(
                s,
                review,
                section_key=SECTION,
                passage="Referral responses are slow.",
                comment="Responses improved in October.",
                actor=authority_user,
                access=access_for(authority_user, review),
            )
            found.ids["comment_id"] = comment.id
        elif phase is Phase.PUBLISHED:
            recommendation = report_drafting.recommendations_for(s, review)[0]
            action = action_plans.add_action(
                s,
                review,
                recommendation,
                ActionDetails(
                    "Review every referral within a day.",
                    "Head of Safeguarding",
                    date(2027, 3, 1),
                    "in_progress",
                ),
                actor=authority_user,
                access=access_for(authority_user, review),
            )
            found.ids["action_id"] = action.id
        s.flush()

    def _leave(self, review: Review, found: PhaseReview) -> None:
        """What must happen before the review can leave its current phase."""
        s = self.session
        if review.current_phase is Phase.FACTUAL_ACCURACY:
            lead = self.users[Who.LEAD]
            comment = next(c for c in factual_accuracy.comments_for(s, review) if c.is_open)
            factual_accuracy.answer_comment(
                s,
                review,
                comment,
                accept=False,
                reply="The October figures are not yet verified.",
                expected_version=comment.version,
                actor=lead,
                access=access_for(lead, review),
            )
        s.flush()

    # ------------------------------------------------------------------ URL parameters

    def params(
        self, endpoint: str, phase: Phase | None, variant: str | None, arguments: set[str]
    ) -> dict[str, object]:
        """Values for a rule's arguments. An object the review does not have (yet) is taken
        from another review, so the request must be refused."""
        values: dict[str, object] = dict(self.endpoint_ids.get(endpoint, {}))
        ids = self.reviews[phase].ids if phase else {}
        for name in arguments - set(values):
            key = name
            if variant == "restricted" and name in ("item_id", "file_id"):
                key = f"restricted_{name}"
            if name == "slug" and endpoint.startswith("public."):
                key = "public_slug"
            if name == "review_id":
                values[name] = self.reviews[phase].review_id
            elif key in ids:
                values[name] = ids[key]
            elif key in self.global_ids:
                values[name] = self.global_ids[key]
            else:
                found = [r.ids[key] for r in self.reviews.values() if key in r.ids]
                assert found, (
                    f"The security world has no value for <{name}> ({endpoint}): give it one "
                    "in tests/security/world.py"
                )
                values[name] = found[0]
        return values

    # Routes that change something even when sent an empty form: an allowed request gets a
    # freshly made object of its own, so the shared world stays as it is.
    def sacrificial(self, endpoint: str, phase: Phase | None) -> dict[str, object]:
        s = self.session
        lead, authority_user = self.users[Who.LEAD], self.users[Who.AUTHORITY]
        review = load_review(s, self.reviews[phase].review_id) if phase else None
        made: dict[str, object] = {}
        if endpoint == "reviews.remove_member":
            newcomer = self.make.inspector(name=f"Temporary Member {next(_seq)}")
            made["member_id"] = self.make.member(review, newcomer).id
        elif endpoint == "evidence.unlink":
            item = EvidenceItem(
                review_id=review.id,
                title=f"Spare document {next(_seq)}",
                kind="document",
                source="Children's services",
                gathered_on=date(2026, 11, 3),
            )
            kj = review.rubric.areas[0].key_judgements[0]
            link = EvidenceLink(key_judgement=kj, stance="supports")
            item.links.append(link)
            s.add(item)
            s.flush()
            made.update(item_id=item.id, link_id=link.id)
        elif endpoint == "report.remove_recommendation":
            rec = report_drafting.add_recommendation(
                s,
                review,
                RecommendationDetails("A spare recommendation.", "longer_term", None, "Trust"),
                actor=lead,
                access=access_for(lead, review),
            )
            made["rec_id"] = rec.id
        elif endpoint == "report.remove_action":
            recommendation = report_drafting.recommendations_for(s, review)[0]
            action = action_plans.add_action(
                s,
                review,
                recommendation,
                ActionDetails(
                    "A spare action.", "Head of Service", date(2027, 3, 1), "not_started"
                ),
                actor=authority_user,
                access=access_for(authority_user, review),
            )
            made["action_id"] = action.id
        elif endpoint == "profile.revoke_token":
            made["token_id"] = api_tokens.create_token(s, lead, f"Spare {next(_seq)}").token.id
        elif endpoint == "admin.edit_user":
            made["user_id"] = self.make.inspector(name=f"Spare Person {next(_seq)}").id
        s.commit()
        return made


def client_for(app: Flask, world: SecurityWorld, who: Who) -> FlaskClient:
    client = app.test_client()
    if who is not Who.ANONYMOUS:
        sign_in(client, world.user(who))
    return client


def make_world(rubric_specs) -> SecurityWorld:
    """Build the world in the current app's database (see :func:`module_app`)."""
    return SecurityWorld(db.session, Factory(db.session, rubric_specs))


__all__ = ["SecurityWorld", "audit_count", "client_for", "make_world", "module_app", "sign_in"]
