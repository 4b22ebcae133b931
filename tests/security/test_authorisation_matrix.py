"""The authorisation matrix: every route × every kind of user × the phases that matter.

The routes come from the application's URL map; what should happen is written once, in
``tests/security/expectations.py``. A route without an entry there fails the test.

- Allowed GET: 200, 302 or 303 (never 401/403/404, never a redirect to sign-in).
- Allowed POST/PUT: reached the view (an empty form's 200/400 re-render, a 409 for a stale
  version...), never 401/403/404/405.
- Denied: 404 (or 403 for the review's own team and administrators); always 404 for people
  outside the review, and for everybody on administration pages; anonymous users are sent
  to sign in (the API answers 401). A denied request writes nothing to the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient

from inspect_app.domain.phases import Phase
from inspect_app.extensions import db
from inspect_app.services import api_tokens
from tests.conftest import IsolatedClient, make_app
from tests.security.expectations import (
    EXPECTATIONS,
    OUTSIDERS,
    PHASES,
    PHASES_FOR,
    RULES,
    TEAM,
    Who,
    expected_allowed,
    rule_for,
)
from tests.security.routes import (
    STATE_CHANGING,
    RouteCase,
    route_cases,
    stale_expectations,
    unlisted_endpoints,
)
from tests.security.world import (
    SECRETS,
    SecurityWorld,
    audit_count,
    client_for,
    make_world,
    module_app,
    sign_in,
)

# Sent to every API write: complete enough to pass validation, but with a version nobody
# has, so an allowed caller gets 409 and nothing is saved.
API_BODY = {
    "version": 999_999,
    "grade": 3,
    "confidence": "high",
    "rationale": "Matrix.",
    "reasons": "Matrix.",
    "body_markdown": "Matrix.",
}
# Routes that would change the shared world even when sent an empty form (a new route like
# that belongs here, with a way to make its object in SecurityWorld.sacrificial).
SACRIFICIAL = {
    "reviews.remove_member",
    "evidence.unlink",
    "report.remove_recommendation",
    "report.remove_action",
    "profile.revoke_token",
    "admin.edit_user",
}
# Who must never see the team's secrets, whatever page they may open.
KEPT_FROM = {
    "restricted evidence": frozenset(Who) - TEAM,
    "provisional grades": frozenset(Who) - TEAM,
}


@dataclass
class Matrix:
    app: Flask
    world: SecurityWorld
    clients: dict[Who, FlaskClient]


@pytest.fixture(scope="module")
def matrix(databases, tmp_path_factory, rubric_specs):
    with module_app(databases, tmp_path_factory) as app:
        world = make_world(rubric_specs)
        clients = {who: client_for(app, world, who) for who in Who}
        yield Matrix(app, world, clients)


def test_every_route_has_an_expectation():
    assert unlisted_endpoints() == [], (
        "Add these endpoints to tests/security/expectations.py (who may use them, in which phases)"
    )
    assert stale_expectations() == [], "These entries name endpoints that no longer exist"


def test_every_rule_named_in_the_table_exists():
    names = {n for e in EXPECTATIONS.values() for n in ([e] if isinstance(e, str) else e.values())}
    assert names <= set(RULES), names - set(RULES)


@dataclass(frozen=True)
class Outcome:
    who: Who
    phase: Phase | None
    status: int
    location: str
    wrote: int
    allowed: bool
    leaked: tuple[str, ...] = ()

    def problem(self, case: RouteCase) -> str | None:
        # login_required sends people to sign in with ?next=; signing out lands there without
        signed_in_redirect = "/sign-in?next=" in self.location
        if self.status >= 500:
            return f"server error {self.status}"
        if self.leaked:
            return "LEAK: the page shows " + ", ".join(self.leaked)
        if self.allowed:
            if self.status in (401, 403, 404, 405) or signed_in_redirect:
                return f"UNEXPECTED DENY: {self.status} {self.location}".strip()
            if case.method == "GET" and self.status not in (200, 302, 303):
                return f"unexpected status {self.status} for an allowed GET"
            return None
        if self.status < 400 and not signed_in_redirect:
            return f"UNEXPECTED ALLOW: {self.status} {self.location}".strip()
        if self.wrote:
            return f"UNEXPECTED WRITE: a refused request added {self.wrote} audit events"
        if self.who is Who.ANONYMOUS:
            if case.is_api:
                return None if self.status == 401 else f"anonymous API call got {self.status}"
            if rule_for(case.key, case.method).grants_anyone and self.status == 404:
                return None  # a public page that does not exist (yet)
            if self.status == 302 and signed_in_redirect:
                return None
            return f"anonymous user got {self.status}, not a redirect to sign in"
        must_be_404 = (case.review_scoped and self.who in OUTSIDERS) or (
            rule_for(case.key, case.method) in (RULES["admin"], RULES["programme"])
        )
        wanted = (404,) if must_be_404 else (403, 404)
        return None if self.status in wanted else f"denied with {self.status}, not {wanted}"


def _request(matrix: Matrix, case: RouteCase, who: Who, phase: Phase | None) -> Outcome:
    world = matrix.world
    allowed = expected_allowed(case.key, case.method, who, phase)
    values = world.params(case.endpoint, phase, case.variant, set(case.rule.arguments))
    if allowed and case.method != "GET" and case.endpoint in SACRIFICIAL:
        values.update(world.sacrificial(case.endpoint, phase))
    path = case.path(values)
    client = matrix.clients[who]
    before = audit_count(db.session)
    if case.method == "GET":
        response = client.get(path)
    elif case.is_api:
        response = client.open(path, method=case.method, json=API_BODY)
    else:
        response = client.open(path, method=case.method, data={})
    leaked = ()
    if allowed and case.method == "GET" and response.status_code == 200:
        body = response.get_data(as_text=True) if _is_text(response) else ""
        leaked = tuple(
            f"{secret} ({marker!r})"
            for secret, markers in SECRETS.items()
            if who in KEPT_FROM[secret]
            for marker in markers
            if marker in body
        )
    response.close()
    wrote = audit_count(db.session) - before
    if case.endpoint == "auth.sign_out" and who is not Who.ANONYMOUS:
        sign_in(client, world.user(who))
    return Outcome(
        who,
        phase,
        response.status_code,
        response.headers.get("Location", ""),
        wrote,
        allowed,
        leaked,
    )


def _is_text(response) -> bool:
    return response.mimetype.startswith("text/") or response.mimetype.endswith(
        ("json", "xml", "markdown")
    )


CASES = route_cases()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_route(matrix: Matrix, case: RouteCase):
    assert case.key in EXPECTATIONS, (
        f"{case.endpoint} has no entry in tests/security/expectations.py"
    )
    problems = []
    for who in Who:
        phases: tuple[Phase | None, ...] = (
            PHASES_FOR.get(who, PHASES) if case.review_scoped else (None,)
        )
        for phase in phases:
            outcome = _request(matrix, case, who, phase)
            if (problem := outcome.problem(case)) is not None:
                where = f" in {phase.label}" if phase else ""
                problems.append(f"{who}{where}: {problem}")
    rule = rule_for(case.key, case.method)
    assert not problems, f"{case.id} — rule: {rule.description}\n" + "\n".join(problems)


# ---------------------------------------------------------------------------- CSRF
#
# With CSRF protection on (as in production), every state-changing request from a signed-in
# user who may make it is refused without a token (400, nothing written), and accepted past
# the check with one. The JSON API takes writes from a personal API token without a CSRF
# token (no cookies are involved), but a write that rides on the browser session must carry
# the token in X-CSRFToken.

CSRF_MESSAGE = "The form had expired or was not sent from this service"
STATE_CASES = [c for c in CASES if c.method in STATE_CHANGING]


@pytest.fixture(scope="module")
def csrf_app(matrix: Matrix):
    """A second app on the matrix's database, with CSRF protection on."""
    config = matrix.app.config
    app = make_app(
        config["DATABASE_URL"], Path(config["EVIDENCE_DIR"]).parent, WTF_CSRF_ENABLED=True
    )
    app.test_client_class = IsolatedClient
    yield app
    with app.app_context():
        db.engine.dispose()


def _token_from(html: str) -> str:
    field = BeautifulSoup(html, "html.parser").select_one("input[name=csrf_token]")
    assert field is not None, "the page has no CSRF token"
    return field["value"]


CsrfClients = dict[Who, tuple[FlaskClient, str]]


@pytest.fixture(scope="module")
def csrf_clients() -> CsrfClients:
    """Signed-in clients of the CSRF app, by kind of user, with each one's token."""
    return {}


def _csrf_client(
    app: Flask, world: SecurityWorld, who: Who, cache: CsrfClients
) -> tuple[FlaskClient, str]:
    """A client signed in through the real form (with its token), and a token for later."""
    if who in cache:
        return cache[who]
    client = app.test_client()
    token = _token_from(client.get("/sign-in").get_data(as_text=True))
    if who is not Who.ANONYMOUS:
        sign_in(client, world.user(who), {"csrf_token": token})
        token = _token_from(client.get("/profile").get_data(as_text=True))
    cache[who] = client, token
    return client, token


def _someone_allowed(case: RouteCase) -> tuple[Who, Phase | None]:
    phases: tuple[Phase | None, ...] = PHASES if case.review_scoped else (None,)
    for phase in phases:
        for who in Who:
            if expected_allowed(case.key, case.method, who, phase):
                return who, phase
    raise AssertionError(f"{case.id}: nobody may use it in the matrix's phases")


@pytest.mark.parametrize("case", STATE_CASES, ids=[c.id for c in STATE_CASES])
def test_state_changing_requests_need_a_csrf_token(
    matrix: Matrix, csrf_app: Flask, csrf_clients: CsrfClients, case: RouteCase
):
    world = matrix.world
    who, phase = _someone_allowed(case)
    client, token = _csrf_client(csrf_app, world, who, csrf_clients)
    if case.endpoint == "auth.sign_out":
        csrf_clients.pop(who)  # this client is about to be signed out

    def path() -> str:
        values = world.params(case.endpoint, phase, case.variant, set(case.rule.arguments))
        if case.endpoint in SACRIFICIAL:
            values.update(world.sacrificial(case.endpoint, phase))
        return case.path(values)

    target = path()
    before = audit_count(db.session)
    if case.is_api:
        refused = client.open(target, method=case.method, json=API_BODY)
        assert refused.status_code == 400, refused.get_data(as_text=True)
        assert refused.get_json()["error"]["code"] == "csrf_failed"
    else:
        refused = client.open(target, method=case.method, data={})
        assert refused.status_code == 400, (who, phase, refused.status_code)
        assert CSRF_MESSAGE in refused.get_data(as_text=True)
    assert audit_count(db.session) == before, "a request refused for CSRF wrote something"

    # The same request with the token gets past the check, so the refusal was the token's.
    if case.is_api:
        accepted = client.open(
            path(), method=case.method, json=API_BODY, headers={"X-CSRFToken": token}
        )
        assert accepted.status_code != 400 or accepted.get_json()["error"]["code"] != "csrf_failed"
        secret = api_tokens.create_token(db.session, world.user(who), "CSRF test").secret
        db.session.commit()
        by_token = csrf_app.test_client().open(
            path(), method=case.method, json=API_BODY, headers={"Authorization": f"Bearer {secret}"}
        )
        assert by_token.status_code not in (400, 401, 403, 404), by_token.get_data(as_text=True)
    else:
        accepted = client.open(path(), method=case.method, data={"csrf_token": token})
        assert CSRF_MESSAGE not in accepted.get_data(as_text=True), (who, phase)
        assert accepted.status_code not in (401, 403, 404, 405), (who, phase, accepted.status_code)
