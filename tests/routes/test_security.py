"""Security headers, CSRF, sign-in throttling and safe redirects."""

from __future__ import annotations

import pytest

from inspect_app.extensions import db
from tests.conftest import make_app
from tests.factories import PASSWORD


def test_security_headers_on_every_page(client):
    response = client.get("/sign-in")
    headers = response.headers
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "'unsafe-inline'" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    # the inline script GOV.UK Frontend needs carries this response's nonce
    nonce = csp.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in response.get_data(as_text=True)


def test_signed_in_pages_are_not_cached(make, pages, client):
    user = make.inspector()
    make.session.commit()
    pages.sign_in(user)
    assert client.get("/").headers["Cache-Control"] == "no-store"


@pytest.fixture
def csrf_client(database_url, tmp_path):
    app = make_app(database_url, tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        yield app.test_client()
        db.session.remove()
        db.engine.dispose()


def test_forms_without_a_csrf_token_are_refused(csrf_client):
    response = csrf_client.post("/sign-in", data={"email": "a@test.example", "password": "x" * 12})
    assert response.status_code == 400
    assert "Nothing was saved" in response.get_data(as_text=True)


def test_sign_in_is_rate_limited(database_url, tmp_path):
    app = make_app(
        database_url, tmp_path, RATELIMIT_ENABLED=True, SIGN_IN_RATE_LIMIT="3 per minute"
    )
    with app.app_context():
        client = app.test_client()
        codes = [
            client.post(
                "/sign-in", data={"email": "a@test.example", "password": "wrong!"}
            ).status_code
            for _ in range(4)
        ]
        db.session.remove()
        db.engine.dispose()
    assert codes == [200, 200, 200, 429]


def test_reading_pages_is_not_rate_limited(database_url, tmp_path):
    """Only requests that do something are limited: reading pages, however often, is
    never refused (even under a default limit for every route), nor uses up the sign-in
    limit."""
    app = make_app(
        database_url,
        tmp_path,
        RATELIMIT_ENABLED=True,
        RATELIMIT_DEFAULT="2 per minute",
        SIGN_IN_RATE_LIMIT="2 per minute",
    )
    with app.app_context():
        client = app.test_client()
        reads = {client.get("/sign-in").status_code for _ in range(5)}
        post = client.post("/sign-in", data={"email": "a@test.example", "password": "wrong!"})
        db.session.remove()
        db.engine.dispose()
    assert reads == {200} and post.status_code == 200


def test_wrong_password_and_unknown_email_get_the_same_answer(make, client):
    user = make.inspector()
    make.session.commit()
    wrong = client.post("/sign-in", data={"email": user.email, "password": "not the password"})
    unknown = client.post("/sign-in", data={"email": "nobody@test.example", "password": "x"})
    for response in (wrong, unknown):
        assert response.status_code == 200
        assert "Enter a correct email address and password" in response.get_data(as_text=True)


def test_deactivated_users_cannot_sign_in(make, client):
    user = make.inspector()
    user.is_active_account = False
    make.session.commit()
    response = client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/reviews/1", "/reviews/1"),
        ("https://evil.example/", "/"),
        ("//evil.example", "/"),
        ("/\\evil.example", "/"),
    ],
)
def test_after_sign_in_only_local_redirects(make, client, next_url, expected):
    user = make.inspector()
    make.session.commit()
    response = client.post(
        f"/sign-in?next={next_url}", data={"email": user.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == expected
