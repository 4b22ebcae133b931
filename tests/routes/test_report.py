"""The report pages, downloads, the API and the public address."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from inspect_app.domain.phases import Phase
from inspect_app.models import AuditEvent, PublishedReport, ReportSection
from inspect_app.services import publication, report_drafting
from inspect_app.services.reviews import load_review
from tests.exports.readers import read_json
from tests.querycount import count_queries
from tests.report_factories import ReportWorld, add_evidence


@pytest.fixture
def drafting(make) -> ReportWorld:
    return ReportWorld.build(make, Phase.DRAFTING)


def publish(world: ReportWorld, make_public: bool = False) -> PublishedReport:
    if world.review.current_phase is Phase.DRAFTING:
        from tests.report_factories import advance

        advance(world.session, world.review, Phase.FACTUAL_ACCURACY)
    review = load_review(world.session, world.review.id)
    published = publication.publish(
        world.session,
        review,
        actor=world.lead,
        access=world.access(world.lead),
        make_public=make_public,
    )
    world.session.commit()
    return published


def url(world: ReportWorld, path: str = "") -> str:
    return f"/reviews/{world.review.id}/report{path}"


# ---- reading and writing


def test_the_author_sees_the_whole_draft_with_edit_links(drafting, pages):
    pages.sign_in(drafting.author)
    page = pages.get(url(drafting))
    assert pages.text(page, "h1") == "Report"
    assert "Draft" in pages.text(page, "[data-testid=report-status]")
    assert page.select_one("[data-testid=section-introduction] a[href$='/sections/introduction']")
    assert "Children are generally safe." in pages.text(page, "[data-testid=section-main-findings]")
    grades = page.select("[data-testid=grades-table] tbody tr")
    assert len(grades) == 7 and "3 – Good" in grades[0].get_text()
    assert "For immediate action" in pages.text(page, "[data-testid=recommendations]")
    assert len(page.select("[data-testid=downloads] a")) == 6
    assert len(page.select("[data-testid=summary-downloads] a")) == 4
    nav = [a.get_text() for a in page.select("nav[aria-label='Review sections'] a")]
    assert "Report" in nav and "Action plan" not in nav


def test_editing_a_section_saves_a_new_version(drafting, pages, session):
    pages.sign_in(drafting.author)
    form = pages.get(url(drafting, "/sections/context"))
    assert form.select_one("textarea#body").get_text().startswith("The area has about 45,000")
    version = form.select_one("input[name=version]")["value"]
    pages.post(
        url(drafting, "/sections/context"), {"body": "New context **text**.", "version": version}
    )
    section = session.scalar(select(ReportSection).where(ReportSection.key == "context"))
    assert (section.body_md, section.version) == ("New context **text**.", int(version) + 1)
    page = pages.get(url(drafting))
    assert page.select_one("[data-testid=section-context] strong").get_text() == "text"
    history = pages.get(url(drafting, "/sections/context/history"))
    assert "1 line added, 5 lines removed" in pages.text(history, "[data-testid=diff-summary]")
    assert len(history.select("[data-testid=revisions] tbody tr")) == 2


def test_a_stale_save_shows_the_newer_text_who_saved_it_and_a_diff(drafting, pages, session):
    section = report_drafting.section_or_none(session, drafting.review, "context")
    seen = section.version  # the author's page was loaded at this version
    report_drafting.save_section(
        session,
        drafting.review,
        "context",
        "The lead's newer text.",
        expected_version=seen,
        actor=drafting.lead,
        access=drafting.access(drafting.lead),
    )
    session.commit()
    pages.sign_in(drafting.author)
    page = pages.post(
        url(drafting, "/sections/context"),
        {"body": "The author's text.", "version": str(seen)},
        status=409,
    )
    assert drafting.lead.name in pages.text(page, "[data-testid=stale]")
    assert pages.text(page, "[data-testid=stale-text]") == "The lead's newer text."
    diff = page.select("[data-testid=diff] del, [data-testid=diff] ins")
    assert [d.get_text(" ", strip=True) for d in diff] == [
        "Removed: − The lead's newer text.",
        "Added: + The author's text.",
    ]
    assert page.select_one("textarea#body").get_text() == "The author's text."  # not lost
    assert page.select_one(".govuk-error-summary")
    current = report_drafting.section_or_none(session, drafting.review, "context")
    assert current.body_md == "The lead's newer text."


def test_a_starting_point_is_offered_but_not_saved(drafting, pages, session):
    pages.sign_in(drafting.author)
    page = pages.get(url(drafting, "/sections/area-2-narrative?start=seed"))
    assert page.select_one("[data-testid=seeded]")
    assert "Staying safe is good." in page.select_one("textarea#body").get_text()
    section = report_drafting.section_or_none(session, drafting.review, "area-2-narrative")
    assert "Staying safe is good." not in section.body_md


def test_recommendations_are_added_changed_and_removed(drafting, pages, session):
    pages.sign_in(drafting.lead)
    area = next(a for a in drafting.review.rubric.areas if a.number == 5)
    pages.post(
        url(drafting, "/recommendations/new"),
        {
            "text_md": "Find every care leaver a place.",
            "band": "six_months",
            "area_id": str(area.id),
            "responsible_body": "The council",
        },
    )
    recs = report_drafting.recommendations_for(session, drafting.review)
    new = next(r for r in recs if r.text_md == "Find every care leaver a place.")
    page = pages.get(url(drafting, f"/recommendations/{new.id}"))
    assert page.select_one("input[name=band][value=six_months]").has_attr("checked")
    page = pages.post(
        url(drafting, f"/recommendations/{new.id}"),
        {"text_md": "", "band": "later", "area_id": "0", "responsible_body": "", "version": "1"},
        status=400,
    )
    assert "Enter the recommendation" in pages.text(page, ".govuk-error-summary")
    pages.post(url(drafting, f"/recommendations/{new.id}/remove"), {})
    assert new.id not in {
        r.id for r in report_drafting.recommendations_for(session, drafting.review)
    }


def test_an_inspector_reads_the_draft_but_cannot_write_it(drafting, pages):
    pages.sign_in(drafting.inspector)
    page = pages.get(url(drafting))
    assert not page.select("a[href*='/sections/']")
    pages.get(url(drafting, "/sections/context"), status=403)
    pages.post(url(drafting, "/sections/context"), {"body": "x", "version": "1"}, status=403)


def test_the_authority_cannot_see_the_draft_before_the_check(drafting, pages):
    pages.sign_in(drafting.authority_user)
    pages.get(url(drafting), status=404)
    pages.get(url(drafting, "/download/pdf"), status=404)


def test_the_report_page_takes_the_same_queries_however_much_evidence(drafting, client, session):
    client.post(
        "/sign-in",
        data={"email": drafting.author.email, "password": "correct horse battery staple"},
    )
    add_evidence(session, drafting.review, 5)
    session.commit()
    with count_queries() as few:
        assert client.get(url(drafting)).status_code == 200
    add_evidence(session, drafting.review, 120)
    session.commit()
    with count_queries() as many:
        assert client.get(url(drafting)).status_code == 200
    assert len(many) == len(few)


# ---- downloads


def test_downloads_are_attachments_and_audited(drafting, client, session):
    client.post(
        "/sign-in",
        data={"email": drafting.author.email, "password": "correct horse battery staple"},
    )
    response = client.get(url(drafting, "/download/json"))
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "-draft.json" in disposition
    data = json.loads(response.data)
    assert data["review"]["status"] == "draft"
    response = client.get(url(drafting, "/download/md?summary=children"))
    assert "summary-for-children-and-young-people" in response.headers["Content-Disposition"]
    assert client.get(url(drafting, "/download/exe")).status_code == 404
    assert client.get(url(drafting, "/download/xlsx?summary=children")).status_code == 404
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == "report.exported")).all()
    assert [(e.after["format"], e.after["children_summary"]) for e in events] == [
        ("json", False),
        ("md", True),
    ]


# ---- after publication


def test_after_publication_pages_refuse_edits_and_show_the_published_version(drafting, pages):
    published = publish(drafting)
    pages.sign_in(drafting.author)
    page = pages.get(url(drafting))
    assert "Published" in pages.text(page, "[data-testid=report-status]")
    assert pages.text(page, "[data-testid=content-hash]") == published.content_hash
    assert not page.select("a[href*='/sections/']")
    pages.get(url(drafting, "/sections/context"), status=403)
    page = pages.post(
        url(drafting, "/sections/context"), {"body": "Late", "version": "2"}, status=403
    )
    assert "has been published" in page.get_text()
    pages.post(url(drafting, "/recommendations/new"), {"text_md": "x"}, status=403)


def test_the_authority_downloads_the_published_report(drafting, client, session):
    published = publish(drafting)
    client.post(
        "/sign-in",
        data={"email": drafting.authority_user.email, "password": "correct horse battery staple"},
    )
    response = client.get(url(drafting, "/download/pdf"))
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Content-Disposition"].endswith("-joint-area-review-v1.pdf")
    json_data = client.get(url(drafting, "/download/json")).get_data(as_text=True)
    assert read_json(json_data).content_hash == published.content_hash
    assert "restricted" not in json.loads(json_data)["evidence_index"][0]


def test_the_lead_reissues_the_report_through_the_pages(drafting, pages, session):
    first = publish(drafting)
    pages.sign_in(drafting.lead)
    page = pages.post(url(drafting, "/reissue"), {"reasons": ""}, status=400)
    assert "Give the reasons" in pages.text(page, ".govuk-error-summary")
    pages.post(url(drafting, "/reissue"), {"reasons": "The population figure was wrong."})
    draft = pages.get(url(drafting, "?show=draft"))
    assert "Draft re-issue" in pages.text(draft, "[data-testid=report-status]")
    section = report_drafting.section_or_none(session, drafting.review, "context")
    pages.post(
        url(drafting, "/sections/context"),
        {"body": "Corrected context.", "version": str(section.version)},
    )
    pages.post(url(drafting, "/reissue"), {"reasons": "The population figure was wrong."})
    page = pages.get(url(drafting))
    assert "Version 2" in pages.text(page, "[data-testid=report-status]")
    assert "The population figure was wrong." in pages.text(page, "[data-testid=report-status]")
    assert len(page.select("[data-testid=versions] tbody tr")) == 2
    old = pages.get(url(drafting, "?version=1"))
    assert pages.text(old, "[data-testid=content-hash]") == first.content_hash


# ---- the API


def test_api_sections_are_versioned_and_refused_after_publication(drafting, client, session):
    client.post(
        "/sign-in",
        data={"email": drafting.author.email, "password": "correct horse battery staple"},
    )
    api = f"/api/v1/reviews/{drafting.review.id}/report/sections/context"
    current = client.get(api).get_json()["section"]
    assert current["version"] == 1 and current["body_markdown"].startswith("The area has")
    ok = client.put(api, json={"body_markdown": "From a script.", "version": 1})
    assert ok.status_code == 200 and ok.get_json()["section"]["version"] == 2
    stale = client.put(api, json={"body_markdown": "Stale.", "version": 1})
    assert stale.status_code == 409
    error = stale.get_json()["error"]
    assert error["code"] == "stale_version"
    assert error["current"]["body_markdown"] == "From a script."
    assert {"change": "added", "text": "Stale."} in error["diff"]
    assert client.put(api, json={"body_markdown": "No version"}).status_code == 422
    first = client.put(
        f"/api/v1/reviews/{drafting.review.id}/report/sections/area-3-weaknesses",
        json={"body_markdown": "- New.", "version": 1},
    )
    assert first.status_code == 200
    assert client.get(f"/api/v1/reviews/{drafting.review.id}/report").status_code == 404

    published = publish(drafting)
    refused = client.put(api, json={"body_markdown": "After.", "version": 2})
    assert refused.status_code == 403 and "published" in refused.get_json()["error"]["message"]
    report = client.get(f"/api/v1/reviews/{drafting.review.id}/report")
    assert report.status_code == 200
    data = report.get_json()
    assert data["content_hash"] == published.content_hash
    assert data["review"]["status"] == "published"
    assert data["rubric"] == {
        "key": "jar-2005",
        "version": "1.0",
        "title": drafting.review.rubric.title,
    }
    judgements = sum(len(a.key_judgements) + 1 for a in drafting.review.rubric.areas)
    assert len(data["judgements"]) == judgements
    assert all(j["agreed_grade"] == 3 and j["team_grades"] == [] for j in data["judgements"])


def test_api_report_for_the_authority_and_outsiders(drafting, client):
    publish(drafting)
    client.post(
        "/sign-in",
        data={"email": drafting.outsider.email, "password": "correct horse battery staple"},
    )
    assert client.get(f"/api/v1/reviews/{drafting.review.id}/report").status_code == 404


# ---- the public address


def test_the_public_address_needs_no_sign_in_and_only_works_when_public(drafting, client, session):
    publish(drafting, make_public=False)
    report = report_drafting.report_for(session, drafting.review)
    assert client.get(f"/published/{report.public_slug}").status_code == 404
    publication.set_public(
        session,
        drafting.review,
        is_public=True,
        actor=drafting.lead,
        access=drafting.access(drafting.lead),
    )
    session.commit()
    response = client.get(f"/published/{report.public_slug}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<style" not in html and 'href="/published/report.css"' in html
    assert "style-src 'self'" in response.headers["Content-Security-Policy"]
    css = client.get("/published/report.css")
    assert css.status_code == 200 and css.mimetype == "text/css"
    assert client.get(f"/published/{report.public_slug}/children").status_code == 200
    assert client.get("/published/not-the-slug").status_code == 404


def test_making_the_report_public_from_the_page(drafting, pages, session):
    publish(drafting)
    pages.sign_in(drafting.lead)
    pages.post(url(drafting, "/publicity"), {"is_public": "yes"})
    page = pages.get(url(drafting))
    public_url = page.select_one("[data-testid=public-url]")["href"]
    assert public_url.endswith(report_drafting.report_for(session, drafting.review).public_slug)
    pages.client.post("/sign-out")
    pages.sign_in(drafting.author)
    pages.post(url(drafting, "/publicity"), {"is_public": "no"}, status=403)


def test_a_stale_recommendation_save_keeps_what_was_typed(drafting, pages, session):
    rec = report_drafting.recommendations_for(session, drafting.review)[0]
    report_drafting.update_recommendation(
        session,
        drafting.review,
        rec,
        report_drafting.RecommendationDetails("The lead's wording.", "immediate", None, "Council"),
        expected_version=1,
        actor=drafting.lead,
        access=drafting.access(drafting.lead),
    )
    session.commit()
    pages.sign_in(drafting.author)
    form = {
        "text_md": "The author's wording.",
        "band": "immediate",
        "area_id": "0",
        "responsible_body": "Council",
        "version": "1",
    }
    page = pages.post(url(drafting, f"/recommendations/{rec.id}"), form, status=409)
    assert "The lead's wording." in pages.text(page, "[data-testid=stale]")
    assert page.select_one("textarea#text_md").get_text() == "The author's wording."
    assert page.select_one("input[name=version]")["value"] == "2"
    pages.post(url(drafting, f"/recommendations/{rec.id}"), {**form, "version": "2"})
    session.expire_all()
    assert report_drafting.recommendations_for(session, drafting.review)[0].text_md == (
        "The author's wording."
    )


def test_hostile_markdown_is_neutralised_on_the_report_pages(make, pages):
    from tests.exports.samples import PAYLOAD

    world = ReportWorld.build(
        make, Phase.DRAFTING, text={"introduction": f"Intro. {PAYLOAD}", "context": PAYLOAD}
    )
    pages.sign_in(world.author)
    for page in (pages.get(url(world)), pages.get(url(world, "/sections/introduction"))):
        main = page.select_one("main")
        assert not main.find_all(["script", "iframe", "img", "object", "embed"])
        for tag in main.find_all(True):
            assert not any(name.lower().startswith("on") for name in tag.attrs), tag
            assert not str(tag.get("href", "")).lower().startswith("javascript"), tag
    intro = pages.get(url(world)).select_one("[data-testid=section-introduction]").get_text()
    assert "Intro." in intro and "alert" not in intro and "framed" not in intro
