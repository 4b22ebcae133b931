"""Pages served from the shared page cache: the same page as rendered, never stale, never
another user's, with this request's CSRF token and script nonce, in one statement."""

from __future__ import annotations

import re

import pytest
from sqlalchemy.exc import OperationalError

from inspect_app.domain.permissions import ReviewRole
from inspect_app.domain.phases import Phase
from inspect_app.extensions import db
from inspect_app.services import page_cache as service
from inspect_app.services import reviews as review_service
from inspect_app.web import page_cache as web_cache
from tests.conftest import IsolatedClient, make_app
from tests.factories import PASSWORD
from tests.grading_helpers import GradingWorld, submit
from tests.pages import Pages
from tests.querycount import count_queries

CACHED = ["", "/evidence", "/reconciliation"]


@pytest.fixture
def world(make) -> GradingWorld:
    world = GradingWorld.build(make, Phase.FIELDWORK)
    submit(world, world.ofsted, "kj-2.1", 3, "Sound plans.", "high")
    submit(world, world.csci, "kj-2.1", 2, "Drift in plans.", "medium")
    world.evidence("Strategy meeting minutes", "2.1")
    world.session.commit()
    return world


def get(pages: Pages, url: str, status: int = 200):
    response = pages.client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response


def switch_to(pages: Pages, user) -> None:
    assert pages.client.post("/sign-out").status_code == 302
    pages.sign_in(user)
    pages.get("/")  # shows (and so clears) the signed-out message


def without_request_parts(html: str) -> str:
    html = re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token" value=""', html)
    return re.sub(r'nonce="[^"]*"', 'nonce=""', html)


@pytest.mark.parametrize("path", CACHED)
def test_the_second_request_is_served_kept_and_is_the_same_page(world, pages, path):
    pages.sign_in(world.lead)
    url = f"/reviews/{world.review.id}{path}"
    first, second = get(pages, url), get(pages, url)
    assert (first.headers["X-Page-Cache"], second.headers["X-Page-Cache"]) == ("miss", "hit")
    assert without_request_parts(second.get_data(as_text=True)) == without_request_parts(
        first.get_data(as_text=True)
    )
    Pages.check(second.get_data(as_text=True))


def test_a_kept_page_carries_this_requests_nonce_and_a_working_csrf_token(world, tmp_path, app):
    csrf_app = make_app(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path, WTF_CSRF_ENABLED=True)
    csrf_app.test_client_class = IsolatedClient
    try:
        _check_kept_page_request_parts(csrf_app.test_client(), world)
    finally:
        with csrf_app.app_context():
            db.engine.dispose()


def _check_kept_page_request_parts(client, world) -> None:
    sign_in_page = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', sign_in_page).group(1)
    response = client.post(
        "/sign-in",
        data={"email": world.lead.email, "password": PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302
    url = f"/reviews/{world.review.id}/reconciliation"
    client.get(url)
    kept = client.get(url)
    assert kept.headers["X-Page-Cache"] == "hit"
    html = kept.get_data(as_text=True)
    assert web_cache.CSRF_HOLE not in html and web_cache.NONCE_HOLE not in html
    header_nonce = re.search(r"'nonce-([^']+)'", kept.headers["Content-Security-Policy"]).group(1)
    assert set(re.findall(r'nonce="([^"]+)"', html)) == {header_nonce}
    tokens = set(re.findall(r'name="csrf_token" value="([^"]+)"', html))
    assert len(tokens) == 1  # every form on the page carries this request's token
    form_token = tokens.pop()
    signed_out = client.post("/sign-out", data={"csrf_token": form_token})
    assert signed_out.status_code == 302  # the token the kept page carries is accepted


def test_a_change_to_the_review_is_shown_at_once(world, pages):
    pages.sign_in(world.lead)
    url = f"/reviews/{world.review.id}/evidence"
    get(pages, url)
    assert get(pages, url).headers["X-Page-Cache"] == "hit"
    world.evidence("Case file audit, Brackenby team", "2.2")
    world.session.commit()
    response = get(pages, url)
    assert response.headers["X-Page-Cache"] == "miss"
    assert "Case file audit, Brackenby team" in response.get_data(as_text=True)


def test_a_grade_saved_through_the_page_shows_on_the_reconciliation_page(world, pages):
    pages.sign_in(world.ofsted)
    url = f"/reviews/{world.review.id}/reconciliation"
    get(pages, url)
    assert get(pages, url).headers["X-Page-Cache"] == "hit"
    grade = world.grade_of(world.ofsted, "kj-2.1")
    pages.post(
        f"/reviews/{world.review.id}/grading/kj-2.1",
        {
            "grade": "1",
            "rationale": "Plans drift after review.",
            "confidence": "high",
            "version": str(grade.version),
        },
    )
    shown = get(pages, url)  # with the "saved" message: rendered, not kept
    assert "X-Page-Cache" not in shown.headers
    world.session.expire_all()
    assert world.grade_of(world.ofsted, "kj-2.1").value == 1
    assert get(pages, url).headers["X-Page-Cache"] == "miss"
    assert get(pages, url).headers["X-Page-Cache"] == "hit"


def test_a_change_to_another_review_leaves_the_page_kept(world, pages):
    pages.sign_in(world.lead)
    url = f"/reviews/{world.review.id}"
    get(pages, url)
    world.evidence("Elsewhere", "1.1", review=world.other_review)
    world.session.commit()
    assert get(pages, url).headers["X-Page-Cache"] == "hit"


def test_a_renamed_member_is_shown_renamed(world, pages):
    pages.sign_in(world.lead)
    url = f"/reviews/{world.review.id}"
    assert "Csci Inspector" in get(pages, url).get_data(as_text=True)
    world.csci.name = "Priya Castellane"
    world.session.commit()
    response = get(pages, url)
    assert response.headers["X-Page-Cache"] == "miss"
    assert "Priya Castellane" in response.get_data(as_text=True)


def test_each_user_has_their_own_page(world, pages, make):
    url = f"/reviews/{world.review.id}/reconciliation"
    pages.sign_in(world.lead)
    get(pages, url)
    switch_to(pages, world.health)  # graded nothing in area 2: sees no team grades for it
    response = get(pages, url)
    assert response.headers["X-Page-Cache"] == "miss"
    assert "Signed in as <strong>Health Inspector</strong>" in response.get_data(as_text=True)


def test_a_closed_account_or_a_signed_out_browser_gets_no_kept_page(world, pages):
    """The user's row comes with the page's lookup, but Flask-Login still decides who is
    signed in (the session, the account) before anything is served."""
    url = f"/reviews/{world.review.id}/reconciliation"
    pages.sign_in(world.lead)
    get(pages, url)
    assert get(pages, url).headers["X-Page-Cache"] == "hit"
    world.lead.is_active_account = False
    world.session.commit()
    closed = pages.client.get(url)
    assert closed.status_code == 302 and "/sign-in" in closed.headers["Location"]
    assert "X-Page-Cache" not in closed.headers
    world.lead.is_active_account = True
    world.session.commit()
    pages.sign_in(world.lead)
    pages.get("/")  # shows (and so clears) the "sign in to continue" message
    assert get(pages, url).headers["X-Page-Cache"] == "miss"  # the account changed
    assert get(pages, url).headers["X-Page-Cache"] == "hit"
    assert pages.client.post("/sign-out").status_code == 302
    signed_out = pages.client.get(url)
    assert signed_out.status_code == 302 and "/sign-in" in signed_out.headers["Location"]
    assert "X-Page-Cache" not in signed_out.headers


def test_access_is_decided_before_anything_kept_is_served(world, pages, make):
    url = f"/reviews/{world.review.id}/evidence"
    pages.sign_in(world.csci)
    get(pages, url)
    assert get(pages, url).headers["X-Page-Cache"] == "hit"
    member = world.member_of(world.csci)
    review_service.remove_member(world.session, world.review, member, actor=world.lead)
    world.session.commit()
    assert "X-Page-Cache" not in get(pages, url, status=404).headers
    outsider = make.authority_user(make.authority("Wetherfold"))
    world.session.commit()
    switch_to(pages, outsider)
    get(pages, url, status=404)
    own = make.authority_user(world.review.authority)
    world.session.commit()
    switch_to(pages, own)
    get(pages, f"/reviews/{world.review.id}/reconciliation", status=404)


def test_a_phase_change_renders_every_page_again_and_opens_calibration(world, pages):
    pages.sign_in(world.lead)
    get(pages, f"/reviews/{world.review.id}")
    get(pages, f"/reviews/{world.review.id}/calibration", status=403)  # not before moderation
    world.advance(Phase.MODERATION)
    world.session.commit()
    response = get(pages, f"/reviews/{world.review.id}")
    assert response.headers["X-Page-Cache"] == "miss"
    assert "Moderation" in response.get_data(as_text=True)
    url = f"/reviews/{world.review.id}/calibration"
    assert get(pages, url).headers["X-Page-Cache"] == "miss"
    assert get(pages, url).headers["X-Page-Cache"] == "hit"


def test_a_waiting_message_is_shown_not_a_kept_page(world, pages):
    pages.sign_in(world.lead)
    url = f"/reviews/{world.review.id}"
    get(pages, url)
    with pages.client.session_transaction() as browser_session:
        browser_session["_flashes"] = [("success", "Dates saved.")]
    response = get(pages, url)
    assert "X-Page-Cache" not in response.headers
    assert "Dates saved." in response.get_data(as_text=True)
    assert get(pages, url).headers["X-Page-Cache"] == "hit"  # and the message is gone


def test_searches_with_words_are_never_kept(world, pages):
    pages.sign_in(world.lead)
    for _ in range(2):
        response = get(pages, f"/reviews/{world.review.id}/evidence?q=minutes")
        assert "X-Page-Cache" not in response.headers
    filtered = f"/reviews/{world.review.id}/evidence?judgement=2.1"
    get(pages, filtered)
    assert get(pages, filtered).headers["X-Page-Cache"] == "hit"
    assert get(pages, f"/reviews/{world.review.id}/evidence").headers["X-Page-Cache"] == "miss"


def test_a_new_day_or_a_new_version_of_the_code_renders_again(world, pages, monkeypatch):
    pages.sign_in(world.lead)
    url = f"/reviews/{world.review.id}"
    get(pages, url)
    monkeypatch.setattr(web_cache, "day", lambda: "2099-01-01/2099-01-01")
    assert get(pages, url).headers["X-Page-Cache"] == "miss"
    assert get(pages, url).headers["X-Page-Cache"] == "hit"
    monkeypatch.setattr(web_cache, "code_fingerprint", lambda: "another release")
    assert get(pages, url).headers["X-Page-Cache"] == "miss"


def test_a_busy_database_costs_the_cache_not_the_page(world, pages, monkeypatch):
    def busy(*args, **kwargs):
        raise OperationalError("INSERT INTO cached_page", {}, Exception("database is locked"))

    monkeypatch.setattr(service, "keep_page", busy)
    pages.sign_in(world.lead)
    response = get(pages, f"/reviews/{world.review.id}/reconciliation")
    assert response.headers["X-Page-Cache"] == "miss"
    assert "Reconciliation" in response.get_data(as_text=True)


def test_the_cache_can_be_turned_off(world, pages, app):
    app.config["PAGE_CACHE"] = False
    pages.sign_in(world.lead)
    url = f"/reviews/{world.review.id}"
    assert "X-Page-Cache" not in get(pages, url).headers
    assert "X-Page-Cache" not in get(pages, url).headers


@pytest.mark.parametrize("path", CACHED)
def test_a_kept_page_costs_one_statement_whatever_the_review(world, pages, path):
    """The user, the review's access facts, its generations and the kept page: one
    statement, outside a transaction (no BEGIN or ROLLBACK either), and nothing else."""
    for n in range(40):
        world.evidence(f"Observation {n}", "2.2")
    world.session.commit()
    pages.sign_in(world.lead)
    url = f"/reviews/{world.review.id}{path}"
    get(pages, url)
    with count_queries(cold=False) as seen:
        assert get(pages, url).headers["X-Page-Cache"] == "hit"
    assert len(seen) == 1, seen


def test_the_national_view_is_kept_until_any_review_changes(world, pages, make):
    admin = make.administrator()
    world.session.commit()
    pages.sign_in(admin)
    get(pages, "/national")
    with count_queries(cold=False) as seen:
        assert get(pages, "/national").headers["X-Page-Cache"] == "hit"
    assert len(seen) == 1, seen
    submit(world, world.health, "kj-1.1", 4, "Strong health visiting.", "high")
    world.session.commit()
    assert get(pages, "/national").headers["X-Page-Cache"] == "miss"


def test_flask_cache_clear_forgets_every_kept_page(world, pages, runner, session):
    pages.sign_in(world.lead)
    get(pages, f"/reviews/{world.review.id}")
    result = runner.invoke(args=["cache", "clear"])
    assert result.exit_code == 0, result.output
    assert "Forgot 1 kept page" in result.output
    assert get(pages, f"/reviews/{world.review.id}").headers["X-Page-Cache"] == "miss"


def test_roles_other_than_lead_get_their_own_cached_pages(world, pages):
    pages.sign_in(world.author)
    assert world.member_of(world.author).review_role is ReviewRole.REPORT_AUTHOR
    url = f"/reviews/{world.review.id}"
    get(pages, url)
    assert get(pages, url).headers["X-Page-Cache"] == "hit"
