"""Small factories that build reviews for tests. Fictional names only."""

from __future__ import annotations

import io
import itertools
from datetime import date
from pathlib import Path

from flask import current_app
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from inspect_app.domain.evidence_store import EvidenceStore
from inspect_app.domain.inspectorates import Inspectorate
from inspect_app.domain.permissions import ReviewRole, UserKind
from inspect_app.domain.phases import Phase
from inspect_app.domain.rubric import RubricSpec
from inspect_app.domain.selfeval_workbook import workbook_layout
from inspect_app.models import Authority, Review, Rubric, SelfEvaluation, TeamMember, User
from inspect_app.services import reviews as review_service
from inspect_app.services.rubric_library import load_rubric
from inspect_app.services.self_evaluation import blank_workbook, has_return, submit_return
from inspect_app.services.users import create_user

PASSWORD = "correct horse battery staple"  # noqa: S105 — test data

_seq = itertools.count(1)


class Factory:
    def __init__(self, session: Session, rubric_specs: dict[str, RubricSpec]) -> None:
        self.session = session
        self.rubric_specs = rubric_specs

    def rubric(self, key: str = "jar-2005") -> Rubric:
        return load_rubric(self.session, self.rubric_specs[key]).rubric

    def authority(self, name: str | None = None) -> Authority:
        n = next(_seq)
        authority = Authority(
            name=name or f"Testmoor Council {n}", code=f"TM{n}", region="North West"
        )
        self.session.add(authority)
        self.session.flush()
        return authority

    def user(
        self,
        kind: UserKind = UserKind.INSPECTOR,
        *,
        name: str | None = None,
        inspectorate: Inspectorate = Inspectorate.OFSTED,
        authority: Authority | None = None,
        email: str | None = None,
    ) -> User:
        n = next(_seq)
        if kind is UserKind.AUTHORITY and authority is None:
            authority = self.authority()
        return create_user(
            self.session,
            email=email or f"person{n}@test.example",
            name=name or f"Person {n}",
            password=PASSWORD,
            kind=kind,
            inspectorate=inspectorate if kind is UserKind.INSPECTOR else None,
            authority=authority,
        )

    def inspector(self, inspectorate: Inspectorate = Inspectorate.OFSTED, **kw) -> User:
        return self.user(UserKind.INSPECTOR, inspectorate=inspectorate, **kw)

    def administrator(self, **kw) -> User:
        return self.user(UserKind.ADMINISTRATOR, **kw)

    def authority_user(self, authority: Authority, **kw) -> User:
        return self.user(UserKind.AUTHORITY, authority=authority, **kw)

    def review(
        self,
        *,
        authority: Authority | None = None,
        lead: User | None = None,
        rubric_key: str = "jar-2005",
        dates: bool = True,
    ) -> Review:
        planned = (
            review_service.PlannedDates(
                date(2026, 9, 7),
                date(2026, 10, 5),
                date(2026, 11, 2),
                date(2026, 11, 16),
                date(2027, 1, 18),
            )
            if dates
            else review_service.PlannedDates()
        )
        review = review_service.create_review(
            self.session,
            authority=authority or self.authority(),
            rubric=self.rubric(rubric_key),
            lead=lead or self.inspector(),
            dates=planned,
            created_by=None,
        )
        self.session.flush()
        return review

    def member(
        self, review: Review, user: User | None = None, role: ReviewRole = ReviewRole.INSPECTOR
    ) -> TeamMember:
        user = user or self.inspector(Inspectorate.CSCI)
        return review_service.add_member(self.session, review, user, role, actor=user)

    def ready_team(self, review: Review) -> list[TeamMember]:
        """Declarations made and every area assigned: ready to leave set-up."""
        lead = review.lead_inspector
        other = self.member(review)
        author = self.member(review, self.inspector(), ReviewRole.REPORT_AUTHOR)
        for member in (lead, other, author):
            review_service.declare_interests(
                self.session, member, has_conflict=False, details="", actor=member.user
            )
        review_service.assign_areas(self.session, other, review.rubric.areas, actor=lead.user)
        self.session.flush()
        return [lead, other, author]

    def review_in(self, phase: Phase, **kw) -> Review:
        review = self.review(**kw)
        if phase is not Phase.SET_UP:
            self.ready_team(review)
        while review.current_phase is not phase:
            if review.current_phase is Phase.SELF_ASSESSMENT and not has_return(
                self.session, review.id
            ):
                self.self_evaluation(review)  # analysis needs the authority's return
            if review.current_phase is Phase.MODERATION:
                self.agree_all(review)  # drafting needs every judgement agreed
            if review.current_phase is Phase.DRAFTING:
                from tests.report_factories import write_minimal_report

                write_minimal_report(self.session, review)  # the accuracy check needs a draft
            review_service.advance_phase(
                self.session, review, review.current_phase.next, actor=review.lead_inspector.user
            )
        self.session.flush()
        return review

    def agree_all(self, review: Review, grade: int = 3) -> None:
        """Record an agreed grade for every judgement not yet agreed (lead, moderation)."""
        from inspect_app.services import moderation

        lead = review.lead_inspector.user
        access = review_service.access_for(lead, review)
        for item in moderation.moderation_items(self.session, review):
            if item.agreed is None:
                moderation.record_agreed_grade(
                    self.session,
                    review,
                    item.target,
                    value=grade,
                    reasons="Agreed at the moderation meeting.",
                    actor=lead,
                    access=access,
                    expected_version=None,
                )
        self.session.flush()

    # --- the authority's self-evaluation ------------------------------------------------

    def filled_workbook(
        self, review: Review, answers: dict[str, tuple[object, object, object]] | None = None
    ) -> bytes:
        """The review's workbook with answers typed in: judgement -> (grade, narrative,
        evidence). By default the first key judgement of every area is graded 3."""
        spec = review.rubric.to_spec()
        if answers is None:
            answers = {
                area.key_judgements[0].number: (
                    3,
                    f"Good work on {area.title.lower()}.",
                    "Children and Young People's Plan 2006",
                )
                for area in spec.areas
            }
        cells = {
            row.judgement: (sheet.title, row.row)
            for sheet in workbook_layout(spec)
            for row in sheet.rows
        }
        book = load_workbook(io.BytesIO(blank_workbook(review)))
        for judgement, values in answers.items():
            title, row = cells[judgement]
            for column, value in zip("CDE", values, strict=True):
                if value is not None:
                    book[title][f"{column}{row}"] = value
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()

    def self_evaluation(
        self,
        review: Review,
        answers: dict[str, tuple[object, object, object]] | None = None,
        *,
        actor: User | None = None,
    ) -> SelfEvaluation:
        """Return the authority's self-evaluation through the service, as the web does."""
        actor = actor or self.authority_user(review.authority)
        returned = submit_return(
            self.session,
            evidence_store(),
            review,
            self.filled_workbook(review, answers),
            filename="self-evaluation.xlsx",
            actor=actor,
            max_bytes=50 * 1024 * 1024,
        )
        self.session.flush()
        return returned


def evidence_store() -> EvidenceStore:
    return EvidenceStore(Path(current_app.config["EVIDENCE_DIR"]))
