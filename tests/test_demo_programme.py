"""The demo's programme: a programme lead, and enough published reviews of other authorities
for the national programme view to show distributions, disagreement and calibration."""

from __future__ import annotations

from sqlalchemy import func, select

from inspect_app import demo, demo_programme
from inspect_app.domain.permissions import UserKind
from inspect_app.domain.phases import Phase
from inspect_app.domain.report import verify_hash
from inspect_app.models import AgreedGrade, AuditEvent, Review, SelfEvaluation, User
from inspect_app.services import grading, national_view, publication

LEAD = "miriam.ashdown@ofsted.example"
PUBLISHED = {p for p in Phase if p.is_at_least(Phase.PUBLISHED)}


def programme_reviews(session) -> list[Review]:
    ids = [a.id for a in demo_programme.programme_authorities(session).values()]
    return list(session.scalars(select(Review).where(Review.authority_id.in_(ids))))


def test_demo_load_adds_a_programme_lead_and_published_reviews_across_the_programme(
    runner, session, pages
):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert LEAD in result.output  # printed with the other demo sign-ins

    lead = session.scalar(select(User).where(User.email == LEAD))
    assert lead.kind == UserKind.INSPECTOR.value and lead.programme_lead
    assert session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "user.programme_lead_changed",
            AuditEvent.subject_id == str(lead.id),
        )
    )

    reviews = programme_reviews(session)
    assert len(reviews) == len(demo_programme.PROGRAMME)
    assert {r.current_phase for r in reviews} <= PUBLISHED
    assert len({r.authority.region for r in reviews}) == len(reviews)  # one per region
    assert not {r.authority.code for r in reviews} & demo_programme.MAIN_DEMO_CODES
    judgements = len(grading.judgement_targets(session, reviews[0]))
    for review in reviews:
        agreed = session.scalar(select(func.count()).where(AgreedGrade.review_id == review.id))
        assert agreed == judgements, review.reference  # every judgement agreed
        assert session.scalar(select(SelfEvaluation).where(SelfEvaluation.review_id == review.id))
        published = publication.latest_published(session, review.id)
        doc = publication.published_document(published)
        assert verify_hash(doc) and doc.main_findings_md
        assert published.published_on <= publication.today_in_uk()
        # The back-story is in order: agreed before publication.
        agreed_at = session.scalars(
            select(AgreedGrade.agreed_at).where(AgreedGrade.review_id == review.id)
        ).all()
        assert max(agreed_at).date() < published.published_on

    # What the national view makes of the whole demo.
    view = national_view.national_view(session)
    assert view.published_reviews == len(reviews) + 1  # and Fenwick Vale
    seen = {g for c in view.distribution.overall for g, n in c.counts.items() if n}
    assert seen == {1, 2, 3, 4}  # every grade occurs somewhere
    assert len(view.distribution.by_region) > len(view.distribution.overall)
    assert len({c.group for c in view.distribution.by_lead_inspectorate}) >= 4
    assert view.disagreement and view.disagreement[0].max_spread >= 1
    assert view.disagreement[0].mean_spread > view.disagreement[-1].mean_spread
    verdicts = {c.verdict for c in view.calibration.by_authority}
    assert len(view.calibration.by_authority) == len(reviews) + 1
    assert len(verdicts) >= 2  # some authorities over-rate themselves, others do not

    # The programme lead signs in and sees them; their team pages stay closed to her.
    pages.sign_in(lead, demo.DEMO_PASSWORD)
    page = pages.get("/national")
    table = pages.text(page, "[data-testid=table-reviews]")
    assert all(r.reference in table for r in reviews)
    assert pages.client.get(f"/reviews/{reviews[0].id}").status_code == 404
    pages.client.post("/sign-out")

    # A lightweight review's own pages work for its lead like any other review's.
    review = reviews[0]
    pages.sign_in(review.lead_inspector.user, demo.DEMO_PASSWORD)
    for path in ("", "/report", "/moderation", "/grading", "/reconciliation", "/self-evaluation"):
        assert pages.client.get(f"/reviews/{review.id}{path}").status_code == 200, path

    # Loading again changes nothing.
    count = session.scalar(select(func.count()).select_from(Review))
    again = runner.invoke(args=["demo", "load"])
    assert again.exit_code == 0, again.output
    assert "already loaded" in again.output and LEAD in again.output
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Review)) == count


def test_a_demo_loaded_before_the_programme_gets_it_on_the_next_load(runner, session, monkeypatch):
    without_lead = [p for p in demo.PEOPLE if not p.programme_lead]
    with monkeypatch.context() as m:
        m.setattr(demo, "PEOPLE", without_lead)
        m.setattr(demo_programme, "load_programme_reviews", lambda *a, **k: [])
        first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert session.scalar(select(User).where(User.email == LEAD)) is None
    assert programme_reviews(session) == []

    again = runner.invoke(args=["demo", "load"])
    assert again.exit_code == 0, again.output
    session.rollback()
    assert session.scalar(select(User).where(User.email == LEAD)).programme_lead
    assert len(programme_reviews(session)) == len(demo_programme.PROGRAMME)
