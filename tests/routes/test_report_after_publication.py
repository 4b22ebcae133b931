"""After publication nothing in the report can change, through the pages or the API, until a
formal re-issue: recommendations, sections and the agreed grades behind the grades table."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from inspect_app.domain.phases import Phase
from inspect_app.domain.report import verify_hash
from inspect_app.models import Recommendation, ReportSection
from inspect_app.services import publication
from tests.report_factories import ReportWorld
from tests.routes.test_report import publish, url


@pytest.fixture
def published(make):
    world = ReportWorld.build(make, Phase.DRAFTING)
    publish(world)
    return world


def _state(session, review_id: int) -> tuple:
    session.expire_all()
    recommendations = session.execute(
        select(Recommendation.id, Recommendation.text_md, Recommendation.version).where(
            Recommendation.review_id == review_id
        )
    ).all()
    sections = session.execute(
        select(ReportSection.key, ReportSection.body_md, ReportSection.version).where(
            ReportSection.review_id == review_id
        )
    ).all()
    return sorted(recommendations), sorted(sections)


@pytest.mark.parametrize("who", ["author", "lead"])
def test_pages_refuse_every_change_to_a_published_report(published, pages, session, who):
    world = published
    before = _state(session, world.review.id)
    rec = session.scalars(
        select(Recommendation).where(Recommendation.review_id == world.review.id)
    ).first()
    form = {
        "text_md": "Changed after publication.",
        "band": "immediate",
        "area_id": "0",
        "responsible_body": "Council",
        "version": str(rec.version),
    }
    pages.sign_in(getattr(world, who))
    pages.get(url(world, f"/recommendations/{rec.id}"), status=403)
    pages.post(url(world, f"/recommendations/{rec.id}"), form, status=403)
    pages.post(url(world, f"/recommendations/{rec.id}/remove"), {}, status=403)
    pages.post(url(world, "/recommendations/new"), form, status=403)
    pages.post(url(world, "/sections/introduction"), {"body": "Late.", "version": "1"}, status=403)
    page = pages.get(url(world))
    assert not page.select(f"a[href*='/recommendations/{rec.id}']")
    assert _state(session, world.review.id) == before
    assert verify_hash(
        publication.published_document(publication.latest_published(session, world.review.id))
    )


def test_the_api_refuses_changes_to_the_report_and_its_agreed_grades(published, client, session):
    world = published
    before = _state(session, world.review.id)
    client.post(
        "/sign-in", data={"email": world.lead.email, "password": "correct horse battery staple"}
    )
    api = f"/api/v1/reviews/{world.review.id}"
    section = client.put(
        f"{api}/report/sections/introduction", json={"body_markdown": "Late.", "version": 1}
    )
    assert section.status_code == 403
    agreed = client.put(
        f"{api}/agreed-grades/kj-2.3", json={"grade": 1, "reasons": "Late.", "version": 1}
    )
    assert agreed.status_code == 403
    assert "moderation" in agreed.get_json()["error"]["message"]
    grade = client.put(
        f"{api}/grades/kj-2.3",
        json={"grade": 1, "rationale": "Late.", "confidence": "low", "version": None},
    )
    assert grade.status_code == 403
    assert _state(session, world.review.id) == before
    report = client.get(f"{api}/report").get_json()
    assert {j["agreed_grade"] for j in report["judgements"]} == {3}
