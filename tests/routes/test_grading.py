"""Grading, reconciliation, moderation and calibration pages."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from inspect_app.domain.phases import Phase
from inspect_app.models import AgreedGrade, AuditEvent
from tests.grading_helpers import GradingWorld, agree, submit
from tests.querycount import count_queries


@pytest.fixture
def world(make) -> GradingWorld:
    return GradingWorld.build(make, Phase.FIELDWORK)


def form(grade, rationale="Seen in case files.", confidence="medium", version="", **extra):
    data = {
        "grade": str(grade),
        "rationale": rationale,
        "confidence": confidence,
        "version": version,
    }
    data.update(extra)
    return data


# --------------------------------------------------------------------------- grading pages


def test_my_judgements_lists_assigned_areas_and_links_each_judgement(world, pages):
    submit(world, world.csci, "kj-2.1", 3, "Good.", "medium")
    world.session.commit()
    pages.sign_in(world.csci)
    page = pages.get(f"/reviews/{world.review.id}/grading")
    assert pages.text(page, "h1") == "Your judgements to grade"
    area = page.select_one("[data-testid=worklist-area-2]")
    assert area is not None and page.select_one("[data-testid=worklist-area-1]") is None
    assert "3 – Good" in pages.text(page, "[data-testid=work-kj-2\\.1]")
    assert "Not graded" in pages.text(page, "[data-testid=work-kj-2\\.2]")
    assert page.select_one(f"a[href='/reviews/{world.review.id}/grading/area-2']")
    nav = [a.get_text() for a in page.select("nav[aria-label='Review sections'] a")]
    assert "Grading" in nav and "Reconciliation" in nav and "Moderation" not in nav


def test_submitting_a_grade_through_the_form(world, pages):
    pages.sign_in(world.csci)
    url = f"/reviews/{world.review.id}/grading/kj-2.3"
    page = pages.get(url)
    assert page.select_one("[data-testid=blind]")
    assert [i["value"] for i in page.select("input[name=grade]")] == ["4", "3", "2", "1"]
    pages.post(url, form(2))
    page = pages.get(url)
    assert "Your grade has been saved" in page.get_text()
    assert "2 – Adequate" in pages.text(page, "[data-testid=my-grade]")
    assert page.select_one("input[name=version]")["value"] == "1"


def test_form_errors_are_shown_in_an_error_summary(world, pages):
    pages.sign_in(world.csci)
    url = f"/reviews/{world.review.id}/grading/kj-2.3"
    page = pages.post(url, {"grade": "3", "rationale": " ", "confidence": ""}, status=400)
    summary = pages.text(page, ".govuk-error-summary")
    assert "Enter the rationale for your grade" in summary
    assert "Select how confident you are in this grade" in summary
    assert world.grade_of(world.csci, "kj-2.3") is None


def test_a_stale_form_is_refused_and_shows_the_newer_value(world, pages):
    submit(world, world.csci, "kj-2.3", 3, "First.", "low")
    submit(world, world.csci, "kj-2.3", 2, "Second, from another window.", "high", version=1)
    world.session.commit()
    pages.sign_in(world.csci)
    url = f"/reviews/{world.review.id}/grading/kj-2.3"
    page = pages.post(url, form(4, version="1"), status=409)
    stale = pages.text(page, "[data-testid=stale]")
    assert "2 – Adequate" in stale and world.csci.name in stale
    assert "Second, from another window." in stale
    assert "was not saved" in pages.text(page, ".govuk-error-summary")
    assert page.select_one("input[name=version]")["value"] == "2"  # deliberate re-save works
    assert page.select_one("textarea[name=rationale]").get_text() == "Seen in case files."
    assert world.grade_of(world.csci, "kj-2.3").value == 2
    pages.post(url, form(4, version="2"))
    world.session.expire_all()
    assert world.grade_of(world.csci, "kj-2.3").value == 4


def test_blindness_before_and_after_submitting(world, pages):
    submit(world, world.ofsted, "kj-2.3", 4, "Ofsted rationale.", "high")
    world.session.commit()
    pages.sign_in(world.csci)
    url = f"/reviews/{world.review.id}/grading/kj-2.3"
    before = pages.get(url)
    assert before.select_one("[data-testid=blind]")
    assert "Ofsted rationale." not in before.get_text()
    history = pages.get(f"{url}/history")
    assert "Ofsted rationale." not in history.get_text()
    matrix = pages.get(f"/reviews/{world.review.id}/reconciliation")
    row = matrix.select_one("[data-testid=row-kj-2\\.3]")
    assert "Submitted, hidden until you grade" in row.get_text()
    assert "4 – Outstanding" not in row.get_text()

    pages.post(url, form(2))
    after = pages.get(url)
    assert after.select_one("[data-testid=blind]") is None
    assert "Ofsted rationale." in pages.text(after, "[data-testid=team-grades]")
    assert "Grades span 2 grade points (2 to 4)" in after.get_text()
    assert "Ofsted rationale." in pages.get(f"{url}/history").get_text()
    matrix = pages.get(f"/reviews/{world.review.id}/reconciliation")
    flagged = pages.text(matrix, "[data-testid=matrix-flagged]")
    assert "2.3" in flagged and "Grades span 2 grade points" in flagged


def test_a_member_cannot_post_a_grade_outside_their_areas(world, pages):
    pages.sign_in(world.health)
    url = f"/reviews/{world.review.id}/grading/kj-2.3"
    page = pages.get(url)
    assert page.select_one("[data-testid=grade-form]") is None
    pages.post(url, form(3), status=403)


def test_unknown_judgement_is_404(world, pages):
    pages.sign_in(world.csci)
    pages.get(f"/reviews/{world.review.id}/grading/kj-99.1", status=404)


def test_authority_users_never_see_grading_pages(world, pages, make):
    submit(world, world.ofsted, "kj-2.3", 4, "Ofsted rationale.", "high")
    authority_user = make.authority_user(world.review.authority)
    world.session.commit()
    pages.sign_in(authority_user)
    base = f"/reviews/{world.review.id}"
    for url in (
        f"{base}/grading",
        f"{base}/grading/kj-2.3",
        f"{base}/grading/kj-2.3/history",
        f"{base}/reconciliation",
        f"{base}/moderation",
        f"{base}/calibration",
        f"{base}/moderation/kj-2.3",
        f"{base}/judgements/kj-2.3/lineage",
        f"{base}/grading/team",
    ):
        page = pages.get(url, status=404)
        assert "Ofsted rationale." not in page.get_text()
    overview = pages.get(base)
    nav = [a.get_text() for a in overview.select("nav[aria-label='Review sections'] a")]
    assert not {"Grading", "Reconciliation", "Moderation"} & set(nav)


def test_administrators_do_not_see_provisional_grades(world, pages, make):
    admin = make.administrator()
    world.session.commit()
    pages.sign_in(admin)
    pages.get(f"/reviews/{world.review.id}/reconciliation", status=403)
    pages.get(f"/reviews/{world.review.id}/grading/kj-2.3/history", status=403)


def test_the_lead_sees_progress_and_allows_grading_beyond_assigned_areas(world, pages):
    submit(world, world.csci, "kj-2.1", 3, "Good.", "medium")
    world.session.commit()
    pages.sign_in(world.lead)
    page = pages.get(f"/reviews/{world.review.id}/grading/team")
    assert "1 of" in pages.text(page, "[data-testid=progress]")
    health = world.member_of(world.health)
    pages.post(f"/reviews/{world.review.id}/grading/team/{health.id}", {"may_grade_any": "yes"})
    page = pages.get(f"/reviews/{world.review.id}/grading/team")
    assert "may now grade any judgement" in page.get_text()
    pages.client.post("/sign-out")
    pages.sign_in(world.health)
    pages.post(f"/reviews/{world.review.id}/grading/kj-2.3", form(3))


def test_members_cannot_change_allowances(world, pages):
    pages.sign_in(world.csci)
    pages.get(f"/reviews/{world.review.id}/grading/team", status=403)
    member = world.member_of(world.health)
    pages.post(
        f"/reviews/{world.review.id}/grading/team/{member.id}", {"may_grade_any": "yes"}, status=403
    )


# --------------------------------------------------------------------------- reconciliation


def test_reconciliation_page_groups_graders_by_inspectorate(world, pages):
    for user, value in ((world.lead, 3), (world.ofsted, 3), (world.csci, 1), (world.generalist, 2)):
        submit(world, user, "kj-2.3", value, "Rationale.", "medium")
    world.session.commit()
    pages.sign_in(world.lead)
    page = pages.get(f"/reviews/{world.review.id}/reconciliation")
    headers = [
        th.get_text(" ", strip=True)
        for th in page.select("[data-testid=matrix-flagged] thead th[scope=colgroup]")
    ]
    assert headers[0] == "Ofsted"  # the lead's inspectorate first
    assert "CSCI" in headers and "HC" in headers
    flagged = pages.text(page, "[data-testid=matrix-flagged]")
    assert "Inspectorate medians differ: Ofsted 3, CSCI 1.5" in flagged
    assert pages.text(page, "[data-testid=flagged-count]") == "1"
    assert page.select_one("[data-testid=agreement] [data-testid=alpha]")
    assert page.select_one(".app-table-scroll[tabindex='0'][role=region]")


def test_reconciliation_page_queries_are_bounded(world, pages, make):
    submit(world, world.csci, "kj-2.3", 3, "One grade.", "medium")
    world.session.commit()
    pages.sign_in(world.lead)
    url = f"/reviews/{world.review.id}/reconciliation"
    pages.get(url)
    with count_queries() as small:
        pages.get(url)
    # More graders, more inspectorates, every judgement graded by everybody.
    from inspect_app.domain.inspectorates import Inspectorate
    from inspect_app.domain.permissions import ReviewRole
    from inspect_app.services import reviews as review_service

    extra = []
    for inspectorate in (
        Inspectorate.HMIC,
        Inspectorate.AUDIT_COMMISSION,
        Inspectorate.ALI,
        Inspectorate.HMI_PROBATION,
        Inspectorate.OFSTED,
    ):
        user = make.inspector(inspectorate)
        member = make.member(world.review, user, ReviewRole.INSPECTOR)
        review_service.assign_areas(
            world.session, member, world.review.rubric.areas, actor=world.lead
        )
        extra.append(user)
    targets = [
        t.slug
        for t in __import__("inspect_app.services.grading", fromlist=["x"]).judgement_targets(
            world.session, world.review
        )
    ]
    for i, user in enumerate([world.lead, world.generalist, *extra]):
        for j, slug in enumerate(targets):
            submit(world, user, slug, 1 + (i + j) % 4, "Rationale.", "medium")
    world.session.commit()
    with count_queries() as large:
        page = pages.get(url)
    assert len(large) == len(small), (len(small), len(large))
    assert len(page.select("[data-testid=matrix-flagged] tbody tr")) > 10


# --------------------------------------------------------------------------- moderation


@pytest.fixture
def moderated(make) -> GradingWorld:
    world = GradingWorld.build(make, Phase.FIELDWORK)
    submit(world, world.ofsted, "kj-2.3", 4, "Ofsted view.", "high")
    submit(world, world.csci, "kj-2.3", 2, "CSCI view.", "medium")
    submit(world, world.generalist, "kj-2.3", 2, "Generalist view.", "low")
    world.advance(Phase.MODERATION)
    world.session.commit()
    return world


def test_moderation_lists_what_is_missing(moderated, pages):
    pages.sign_in(moderated.lead)
    page = pages.get(f"/reviews/{moderated.review.id}/moderation")
    missing = page.select("[data-testid=missing] li")
    assert len(missing) == len(
        __import__("inspect_app.services.grading", fromlist=["x"]).judgement_targets(
            moderated.session, moderated.review
        )
    )
    nav = [a.get_text() for a in page.select("nav[aria-label='Review sections'] a")]
    assert "Moderation" in nav


def test_the_lead_records_an_agreed_grade_with_reasons(moderated, pages):
    pages.sign_in(moderated.lead)
    url = f"/reviews/{moderated.review.id}/moderation/kj-2.3"
    page = pages.get(url)
    assert "Ofsted view." in pages.text(page, "[data-testid=team-grades]")
    assert "Grades span 2 grade points" in page.get_text()
    page = pages.post(url, {"grade": "3", "reasons": "", "version": ""}, status=400)
    assert "Give the reasons for the agreed grade" in pages.text(page, ".govuk-error-summary")
    pages.post(url, {"grade": "3", "reasons": "Strong practice outweighs gaps.", "version": ""})
    agreed = moderated.session.scalar(select(AgreedGrade))
    assert (agreed.value, agreed.reasons, agreed.version) == (
        3,
        "Strong practice outweighs gaps.",
        1,
    )
    page = pages.get(f"/reviews/{moderated.review.id}/moderation")
    assert "3 – Good" in pages.text(page, "[data-testid=moderation-kj-2\\.3]")
    lineage = pages.get(f"/reviews/{moderated.review.id}/judgements/kj-2.3/lineage")
    text = pages.text(lineage, "[data-testid=agreed-history]")
    assert "Strong practice outweighs gaps." in text and moderated.lead.name in text
    assert "Ofsted view." in lineage.get_text()


def test_agreeing_the_median_needs_no_reasons(moderated, pages):
    pages.sign_in(moderated.lead)
    pages.post(
        f"/reviews/{moderated.review.id}/moderation/kj-2.3",
        {"grade": "2", "reasons": "", "version": ""},
    )


def test_only_the_lead_records_agreed_grades(moderated, pages):
    pages.sign_in(moderated.ofsted)
    url = f"/reviews/{moderated.review.id}/moderation/kj-2.3"
    page = pages.get(url)
    assert page.select_one("[data-testid=agree-form]") is None
    pages.post(url, {"grade": "3", "reasons": "x", "version": ""}, status=403)


def test_stale_agreed_grade_is_refused(moderated, pages):
    agree(moderated, "kj-2.3", 2)
    agree(moderated, "kj-2.3", 3, "Revisited.", version=1)
    moderated.session.commit()
    pages.sign_in(moderated.lead)
    page = pages.post(
        f"/reviews/{moderated.review.id}/moderation/kj-2.3",
        {"grade": "4", "reasons": "Old page.", "version": "1"},
        status=409,
    )
    assert "3 – Good" in pages.text(page, "[data-testid=stale]")


def test_calibration_page(moderated, pages):
    agree(moderated, "kj-2.3", 2)
    moderated.session.commit()
    pages.sign_in(moderated.lead)
    page = pages.get(f"/reviews/{moderated.review.id}/calibration")
    rows = pages.text(page, "[data-testid=grader-calibration]")
    assert moderated.ofsted.name in rows and "+2.00" in rows and "More generous" in rows
    assert page.select_one("[data-testid=partial]")
    self_text = page.get_text()
    assert "self" in self_text.lower()


def test_calibration_is_closed_before_moderation(world, pages):
    pages.sign_in(world.lead)
    pages.get(f"/reviews/{world.review.id}/calibration", status=403)


def test_every_write_is_audited(moderated, pages):
    pages.sign_in(moderated.lead)
    pages.post(
        f"/reviews/{moderated.review.id}/moderation/kj-2.3",
        {"grade": "2", "reasons": "", "version": ""},
    )
    actions = moderated.session.scalars(select(AuditEvent.action)).all()
    assert "grading.grade_submitted" in actions and "moderation.grade_agreed" in actions


def test_a_form_error_keeps_the_version_the_page_was_loaded_with(world, pages):
    """Otherwise fixing a typo would silently overwrite somebody's newer save."""
    submit(world, world.csci, "kj-2.3", 3, "First.", "low")
    submit(world, world.csci, "kj-2.3", 2, "From another window.", "high", version=1)
    world.session.commit()
    pages.sign_in(world.csci)
    url = f"/reviews/{world.review.id}/grading/kj-2.3"
    page = pages.post(url, form(4, rationale=" ", version="1"), status=400)
    assert page.select_one("input[name=version]")["value"] == "1"
    pages.post(url, form(4, version="1"), status=409)


def test_the_activity_feed_does_not_give_provisional_grades_away(world, pages):
    submit(world, world.ofsted, "kj-2.3", 4, "Ofsted rationale.", "high")
    world.session.commit()
    pages.sign_in(world.csci)
    page = pages.get(f"/reviews/{world.review.id}")
    activity = pages.text(page, "[data-testid=activity]")
    assert f"{world.ofsted.name} graded 2.3" in activity
    assert "Outstanding" not in activity and "4 –" not in activity
