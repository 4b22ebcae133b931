"""Sign-in hardening: lockout kept in the database, idle session expiry, production cookies."""

from __future__ import annotations

from datetime import timedelta

import pytest
from itsdangerous.timed import TimestampSigner
from sqlalchemy import func, select, update

from inspect_app.extensions import db
from inspect_app.models import AuditEvent, SignInFailure
from inspect_app.models.types import utcnow
from inspect_app.services.sign_in_guard import email_digest
from inspect_app.web.sessions import REFRESH_AFTER
from tests.conftest import IsolatedClient, make_app
from tests.factories import PASSWORD
from tests.pages import Pages

LOCKED = "You have entered the wrong details too many times. Try again in 15 minutes."
WRONG = "Enter a correct email address and password"


def attempt(client, email: str, password: str):
    response = client.post("/sign-in", data={"email": email, "password": password})
    page = Pages.check(response.get_data(as_text=True)) if response.status_code == 200 else None
    summary = Pages.text(page, ".govuk-error-summary") if page is not None else ""
    return response.status_code, summary


def signed_in(client) -> bool:
    return client.get("/").status_code == 200


@pytest.fixture
def user(make):
    person = make.inspector()
    make.session.commit()
    return person


def test_five_failures_lock_the_address_even_against_the_right_password(client, user, session):
    for _ in range(4):
        assert WRONG in attempt(client, user.email, "not the password")[1]
    status, summary = attempt(client, user.email, "not the password")
    assert status == 200 and LOCKED in summary and WRONG not in summary

    status, summary = attempt(client, user.email.upper(), PASSWORD)
    assert status == 200 and LOCKED in summary
    assert not signed_in(client)
    actions = session.scalars(select(AuditEvent.action)).all()
    assert actions.count("auth.sign_in_failed") == 5 and actions.count("auth.sign_in_locked") == 1


def test_the_lockout_does_not_reveal_whether_an_account_exists(client, user):
    answers = {}
    for email in (user.email, "nobody-here@test.example"):
        for _ in range(5):
            attempt(client, email, "not the password")
        answers[email] = attempt(client, email, "still not it")
    known, unknown = answers.values()
    assert known == unknown == (200, known[1]) and LOCKED in known[1]


def test_the_lock_lifts_after_the_window_and_a_sign_in_clears_the_count(client, user, session):
    for _ in range(5):
        attempt(client, user.email, "not the password")
    assert LOCKED in attempt(client, user.email, PASSWORD)[1]
    session.execute(
        update(SignInFailure).values(attempted_at=utcnow() - timedelta(minutes=15, seconds=1))
    )
    session.commit()
    status, _ = attempt(client, user.email, PASSWORD)
    assert status == 302 and signed_in(client)
    assert session.scalar(select(func.count()).select_from(SignInFailure)) == 0


def test_failures_are_counted_across_workers(database_url, tmp_path, user):
    """Two app instances on one database (two gunicorn workers, or two hosts) share the count."""
    first = make_app(database_url, tmp_path / "one")
    second = make_app(database_url, tmp_path / "two")
    for app in (first, second):
        app.test_client_class = IsolatedClient
    for _ in range(3):
        attempt(first.test_client(), user.email, "not the password")
    for _ in range(2):
        attempt(second.test_client(), user.email, "not the password")
    assert LOCKED in attempt(first.test_client(), user.email, PASSWORD)[1]
    for app in (first, second):
        with app.app_context():
            db.engine.dispose()


def test_the_failures_kept_do_not_hold_the_address(client, session):
    attempt(client, "someone@test.example", "wrong")
    stored = session.scalars(select(SignInFailure)).one()
    assert stored.email_digest == email_digest("Someone@Test.example ")
    assert "someone" not in stored.email_digest


def test_the_limit_and_window_are_configurable(database_url, tmp_path, user):
    app = make_app(database_url, tmp_path, SIGN_IN_MAX_FAILURES=2, SIGN_IN_LOCKOUT_MINUTES=30)
    app.test_client_class = IsolatedClient
    client = app.test_client()
    assert WRONG in attempt(client, user.email, "wrong")[1]
    assert "Try again in 30 minutes." in attempt(client, user.email, "wrong")[1]
    with app.app_context():
        db.engine.dispose()


# --------------------------------------------------------------------------- session expiry


@pytest.fixture
def clock(monkeypatch):
    """Moves the clock that signs and checks session cookies."""
    real = TimestampSigner.get_timestamp
    offset = {"seconds": 0}
    monkeypatch.setattr(
        TimestampSigner, "get_timestamp", lambda self: real(self) + offset["seconds"]
    )
    return offset


def test_a_session_expires_after_eight_hours_without_a_request(client, user, clock):
    attempt(client, user.email, PASSWORD)
    clock["seconds"] = 7 * 3600 + 50 * 60  # used again just before it expires …
    assert signed_in(client)
    clock["seconds"] += 7 * 3600 + 50 * 60  # … so the eight hours start again
    assert signed_in(client)
    clock["seconds"] += 8 * 3600 + 60
    response = client.get("/")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def session_cookies(response) -> list[str]:
    return [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]


def test_an_unchanged_session_is_signed_again_at_most_once_a_minute(client, user, clock):
    """Signing the cookie on every response was a tenth of the work of a kept page; the
    eight hours still start again with any request a minute after the last signing."""
    attempt(client, user.email, PASSWORD)
    client.get("/")  # shows the signed-in page (the session has nothing more to change)
    clock["seconds"] = REFRESH_AFTER - 5
    assert session_cookies(client.get("/")) == []
    clock["seconds"] = REFRESH_AFTER + 1
    assert len(session_cookies(client.get("/"))) == 1
    assert session_cookies(client.get("/")) == []
    assert client.post("/sign-out").status_code == 302  # a changed session: sent at once
    assert signed_in(client) is False


def test_the_idle_limit_is_configurable(monkeypatch, database_url, tmp_path):
    monkeypatch.setenv("INSPECT_PERMANENT_SESSION_LIFETIME", "1800")
    app = make_app(database_url, tmp_path)
    assert app.permanent_session_lifetime == timedelta(minutes=30)


# --------------------------------------------------------------------------- cookies


def test_production_cookies_are_secure_http_only_and_same_site_lax(
    monkeypatch, database_url, tmp_path, user
):
    email = user.email  # read through the test's own app, before another's context
    monkeypatch.setenv("INSPECT_ENV", "production")
    app = make_app(database_url, tmp_path)
    with app.app_context():
        response = app.test_client().post("/sign-in", data={"email": email, "password": PASSWORD})
        db.session.remove()
        db.engine.dispose()
    assert response.status_code == 302
    [cookie] = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    flags = [part.strip() for part in cookie.split(";")]
    assert "Secure" in flags and "HttpOnly" in flags and "SameSite=Lax" in flags
    assert any(part.startswith("Expires=") for part in flags)  # a permanent, expiring session
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_HTTPONLY"] is True
    assert app.config["REMEMBER_COOKIE_SAMESITE"] == "Lax"
