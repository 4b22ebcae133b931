"""Helpers that write, check and publish reports for tests. Fictional text only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from inspect_app.domain.evidence import EvidenceKind
from inspect_app.domain.inspectorates import Inspectorate
from inspect_app.domain.permissions import Access
from inspect_app.domain.phases import Phase
from inspect_app.domain.report import Band
from inspect_app.models import EvidenceItem, EvidenceLink, Recommendation, Review, User
from inspect_app.services import report_drafting
from inspect_app.services import reviews as review_service
from inspect_app.services.report_drafting import RecommendationDetails

LEAD_SECTION = "main-findings"


def writer_access(review: Review) -> tuple[User, Access]:
    lead = review.lead_inspector.user
    return lead, review_service.access_for(lead, review)


def write_minimal_report(session: Session, review: Review) -> None:
    """Just enough text to leave drafting (the factual accuracy check needs a draft)."""
    lead, access = writer_access(review)
    if report_drafting.section_or_none(session, review, LEAD_SECTION) is None:
        report_drafting.save_section(
            session,
            review,
            LEAD_SECTION,
            "- Services in the area work well together.",
            expected_version=None,
            actor=lead,
            access=access,
        )
    session.flush()


SECTION_TEXT = {
    "introduction": "This report assesses how local services in the area improve outcomes "
    "for children and young people.\n\nThe review took place in **November 2026**.",
    "context": "The area has about 45,000 children and young people.\n\n"
    "| Measure | Area | England |\n|---|---:|---:|\n| Children in care per 10,000 | 61 | 55 |",
    "main-findings": "- Children are generally safe.\n- Referral responses are slow.",
    "children-summary": "# What we found\n\nMost of you told us you feel safe at school.",
}

RECOMMENDATIONS = (
    (Band.IMMEDIATE, 2, "Acknowledge every referral within one working day.", "The authority"),
    (Band.IMMEDIATE, 1, "Complete health assessments within 28 days.", "Testmoor PCT"),
    (Band.SIX_MONTHS, 3, "Reduce persistent absence in secondary schools.", "The authority"),
    (Band.LONGER_TERM, None, "Pool budgets with health partners.", "Children’s Trust"),
)


def write_full_report(session: Session, review: Review, *, text: dict[str, str] | None = None):
    """Every section written and a recommendation in every band."""
    lead, access = writer_access(review)
    wanted = dict(SECTION_TEXT)
    for area in review.rubric.areas:
        wanted[f"area-{area.number}-narrative"] = f"{area.title} is judged by the team."
        wanted[f"area-{area.number}-strengths"] = f"- A strength in {area.title.lower()}."
        wanted[f"area-{area.number}-weaknesses"] = f"- A weakness in {area.title.lower()}."
    wanted.update(text or {})
    current = report_drafting.sections_for(session, review)
    for key, body in wanted.items():
        section = current.get(key)
        report_drafting.save_section(
            session,
            review,
            key,
            body,
            expected_version=section.version if section else None,
            actor=lead,
            access=access,
        )
    areas = {a.number: a for a in review.rubric.areas}
    recs: list[Recommendation] = []
    for band, area_number, rec_text, body in RECOMMENDATIONS:
        recs.append(
            report_drafting.add_recommendation(
                session,
                review,
                RecommendationDetails(
                    rec_text, band.value, areas[area_number].id if area_number else None, body
                ),
                actor=lead,
                access=access,
            )
        )
    session.flush()
    return recs


def advance(session: Session, review: Review, phase: Phase) -> None:
    while review.current_phase is not phase:
        review_service.advance_phase(
            session, review, review.current_phase.next, actor=review.lead_inspector.user
        )
    session.flush()


@dataclass
class ReportWorld:
    """A review with a written report in ``phase`` and an authority user."""

    make: object
    session: Session
    review: Review
    lead: User
    author: User
    inspector: User
    authority_user: User
    outsider: User

    @classmethod
    def build(cls, make, phase: Phase, *, text: dict[str, str] | None = None) -> ReportWorld:
        review = make.review_in(Phase.DRAFTING)
        write_full_report(make.session, review, text=text)
        if phase.is_at_least(Phase.FACTUAL_ACCURACY):
            advance(make.session, review, phase)
        team = {m.role: m.user for m in review.team}
        world = cls(
            make=make,
            session=make.session,
            review=review,
            lead=review.lead_inspector.user,
            author=team["report_author"],
            inspector=team["inspector"],
            authority_user=make.authority_user(review.authority),
            outsider=make.authority_user(make.authority()),
        )
        make.session.commit()
        return world

    def access(self, user: User) -> Access:
        return review_service.access_for(user, self.review)


def add_evidence(
    session: Session, review: Review, count: int, *, restricted_every: int = 5
) -> list[EvidenceItem]:
    """``count`` evidence items, each linked to a key judgement; every ``restricted_every``th
    restricted (a case file)."""
    key_judgements = [kj for area in review.rubric.areas for kj in area.key_judgements]
    items = []
    for i in range(count):
        restricted = restricted_every and i % restricted_every == 0
        item = EvidenceItem(
            review_id=review.id,
            title=f"Case file reading record CF-{i:04d}" if restricted else f"Document {i:04d}",
            kind=EvidenceKind.CASE_FILE.value if restricted else EvidenceKind.DOCUMENT.value,
            source="Children's services",
            gathered_on=date(2026, 11, 3),
            inspectorate=Inspectorate.OFSTED.value,
            is_restricted=bool(restricted),
            notes="",
        )
        kj = key_judgements[i % len(key_judgements)]
        item.links.append(
            EvidenceLink(
                key_judgement=kj,
                stance="supports" if i % 3 else "contradicts",
                note=f"Note on item {i}.",
            )
        )
        items.append(item)
    session.add_all(items)
    session.flush()
    return items
