"""The OpenAPI document matches the implementation.

For every operation in ``/api/v1/openapi.json`` (loaded from the app over WSGI, no network):

1. schemathesis generates requests from the document, each sent with the token of one of
   the world's people (team inspectors, leads, a report author, authority users, an
   administrator, an outsider), with path parameters drawn partly from the world's real ids
   and partly generated;
2. a few requests that should succeed are sent as well, so that every documented success
   body is checked, not only the errors.

Every response is checked against the document: no server error, a documented status code,
the documented content type and headers, and a body valid against the response schema.
Deterministic (``derandomize``), small (``MAX_EXAMPLES`` per operation), one world for all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from inspect_app.api.openapi import document
from inspect_app.domain.permissions import ReviewRole
from inspect_app.models import Review, User
from inspect_app.services import api_tokens
from tests.api.world import ApiWorld

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
]
MAX_EXAMPLES = 10
NEGATIVE_EXAMPLES = 6

OPERATIONS = [
    (path, method.upper()) for path, item in document()["paths"].items() for method in item
]


@dataclass(frozen=True)
class Request:
    """A request that should succeed (``expect``), or not, sent as ``who``."""

    who: str | None
    expect: int
    path_parameters: dict[str, Any] = field(default_factory=dict)
    query: dict[str, Any] | None = None
    body: Any = None


def _author(review: Review) -> User:
    return next(m.user for m in review.team if m.role == ReviewRole.REPORT_AUTHOR)


def people(world: ApiWorld) -> dict[str, User]:
    g = world.grading
    return {
        "csci": g.csci,
        "ofsted": g.ofsted,
        "lead": g.lead,
        "author": g.author,
        "authority": world.authority_user,
        "other_authority": world.other_authority_user,
        "admin": world.admin,
        "outsider": world.outsider,
        "moderation_lead": world.moderation.lead_inspector.user,
        "drafting_author": _author(world.drafting),
        "published_lead": world.published.lead_inspector.user,
    }


def known_requests(world: ApiWorld) -> dict[tuple[str, str], list[Request]]:
    """Requests with known outcomes, in order (later ones may depend on earlier ones)."""
    review, published = world.review.id, world.published.id
    moderation, drafting = world.moderation.id, world.drafting.id
    grade = {"grade": 3, "rationale": "Seen in fieldwork.", "confidence": "medium"}
    agreed = {"grade": 3, "reasons": "Weighed every inspectorate's evidence."}
    section = {"body_markdown": "Children are generally safe."}
    own, other = world.review.authority.code, world.published.authority.code
    return {
        ("/reviews", "GET"): [
            Request("csci", 200, query={"phase": "fieldwork"}),
            Request("authority", 200),
            Request("csci", 422, query={"per_page": 0}),
        ],
        ("/reviews/{review_id}", "GET"): [
            Request("authority", 200, {"review_id": review}),
            Request("outsider", 404, {"review_id": review}),
        ],
        ("/rubrics", "GET"): [
            Request("admin", 200, query={"page": 2, "per_page": 1}),
            Request("admin", 422, query={"page": 0}),
        ],
        ("/rubrics/{key}/{version}", "GET"): [
            Request("authority", 200, {"key": "jar-2005", "version": "1.0"})
        ],
        ("/reviews/{review_id}/evidence", "GET"): [
            Request("csci", 200, {"review_id": review}, query={"kind": "case_file"}),
            Request("admin", 200, {"review_id": review}),
            Request("authority", 404, {"review_id": review}),
        ],
        ("/reviews/{review_id}/evidence/{item_id}", "GET"): [
            Request("csci", 200, {"review_id": review, "item_id": world.restricted_item.id}),
            Request("admin", 404, {"review_id": review, "item_id": world.restricted_item.id}),
        ],
        ("/reviews/{review_id}/grades", "GET"): [
            Request("ofsted", 200, {"review_id": review}, query={"area": 2}),
            Request("authority", 200, {"review_id": review}),
            Request("other_authority", 200, {"review_id": published}),
        ],
        ("/reviews/{review_id}/grades/{judgement_id}", "GET"): [
            Request("ofsted", 200, {"review_id": review, "judgement_id": "kj-2.3"}),
        ],
        ("/reviews/{review_id}/grades/{judgement_id}", "PUT"): [
            Request("csci", 201, {"review_id": review, "judgement_id": "kj-2.2"}, body=grade),
            Request(
                "csci",
                200,
                {"review_id": review, "judgement_id": "kj-2.2"},
                body=grade | {"version": 1},
            ),
            Request(
                "csci",
                409,
                {"review_id": review, "judgement_id": "kj-2.2"},
                body=grade | {"version": None},
            ),
        ],
        ("/reviews/{review_id}/agreed-grades/{judgement_id}", "PUT"): [
            Request(
                "moderation_lead",
                201,
                {"review_id": moderation, "judgement_id": "kj-1.1"},
                body=agreed,
            ),
            Request(
                "moderation_lead",
                409,
                {"review_id": moderation, "judgement_id": "kj-1.1"},
                body=agreed | {"version": None},
            ),
        ],
        ("/reviews/{review_id}/reconciliation", "GET"): [
            Request("ofsted", 200, {"review_id": review}),
            Request("moderation_lead", 200, {"review_id": moderation}),
        ],
        ("/reports", "GET"): [
            Request("other_authority", 200),
            Request("published_lead", 200),
            Request("published_lead", 422, query={"per_page": 101}),
        ],
        ("/reviews/{review_id}/report", "GET"): [
            Request("other_authority", 200, {"review_id": published}),
            Request("published_lead", 200, {"review_id": published}, query={"version": 1}),
        ],
        ("/reviews/{review_id}/report/sections/{key}", "GET"): [
            Request("drafting_author", 200, {"review_id": drafting, "key": "introduction"}),
        ],
        ("/reviews/{review_id}/report/sections/{key}", "PUT"): [
            Request(
                "drafting_author",
                201,
                {"review_id": drafting, "key": "introduction"},
                body=section | {"version": None},
            ),
            Request(
                "drafting_author",
                409,
                {"review_id": drafting, "key": "introduction"},
                body=section | {"version": None},
            ),
        ],
        ("/indicators", "GET"): [
            Request("authority", 200, query={"outcome": "staying-safe"}),
            Request("authority", 422, query={"outcome": "being-unhappy"}),
        ],
        ("/authorities/{code}/indicators", "GET"): [
            Request("authority", 200, {"code": own}, query={"period": "2006-07"}),
            Request("authority", 404, {"code": other}),
            Request("admin", 200, {"code": other}, query={"indicator": "TEST-RETIRED"}),
        ],
        ("/openapi.json", "GET"): [Request(None, 200)],
    }


def real_path_parameters(world: ApiWorld, path: str) -> list[dict[str, Any]]:
    """Path parameters naming things that exist, for the generated requests; ``{}`` lets
    schemathesis generate them all."""
    reviews = [world.review.id, world.published.id, world.moderation.id, world.drafting.id]
    choices: list[dict[str, Any]] = [{}]
    if "{review_id}" in path:
        choices += [{"review_id": r} for r in reviews]
    if "{item_id}" in path:
        choices += [
            {"review_id": world.review.id, "item_id": item.id}
            for item in (world.open_item, world.restricted_item)
        ]
    if "{judgement_id}" in path:
        choices += [
            {"review_id": r, "judgement_id": j} for r in reviews for j in ("kj-2.3", "area-2")
        ]
    if "/sections/" in path:
        choices += [{"review_id": r, "key": "main-findings"} for r in reviews]
    if path.startswith("/authorities/{code}"):
        choices += [{"code": world.review.authority.code}, {"code": world.published.authority.code}]
    if path.startswith("/rubrics/{key}"):
        choices += [{"key": "jar-2005", "version": "1.0"}, {"key": "jar-2007", "version": "1.0"}]
    return choices


def plausible_body(path: str, data) -> dict[str, Any]:
    """Bodies that could succeed, mixed into the generated ones."""
    if "/sections/" in path:
        return {"body_markdown": "Children are generally safe.", "version": None}
    body: dict[str, Any] = {"grade": data.draw(st.integers(1, 4), label="grade"), "version": None}
    if "agreed-grades" in path:
        return body | {"reasons": "Weighed every inspectorate's evidence."}
    return body | {"rationale": "Seen in fieldwork.", "confidence": "medium"}


@pytest.fixture
def world(make) -> ApiWorld:
    return ApiWorld.build(make, full=True)


def test_every_operation_answers_as_documented(app, world):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    headers = {name: world.token(user) for name, user in people(world).items()}
    known = known_requests(world)
    assert set(known) == set(OPERATIONS), "every operation has requests known to succeed"
    failures: list[str] = []
    statuses: dict[tuple[str, str], set[int]] = {}

    for path, method in OPERATIONS:
        operation = schema[path][method]
        seen = statuses.setdefault((path, method), set())
        for request in known[(path, method)]:
            sent = request.body if request.body is None else dict(request.body)
            if isinstance(sent, dict):
                sent.setdefault("version", None)
            case = operation.Case(
                path_parameters=request.path_parameters,
                query=request.query,
                **({"body": sent} if sent is not None else {}),
            )
            who = headers[request.who] if request.who else None
            response = case.call(headers=who)
            seen.add(response.status_code)
            try:
                case.validate_response(response, checks=CHECKS, headers=who)
                assert response.status_code == request.expect, (
                    response.status_code,
                    response.text[:500],
                )
            except Exception as error:  # collected so that one run reports every operation
                failures.append(f"{method} {path} {request}: {error}")
        try:
            _generated(operation, path, real_path_parameters(world, path), headers, seen)
        except Exception as error:
            failures.append(f"{method} {path} (generated): {error}")

    assert not failures, "\n\n".join(failures)
    for operation, seen in statuses.items():
        assert any(200 <= s < 300 for s in seen), (operation, seen)
        assert any(400 <= s < 500 for s in seen) or operation == ("/openapi.json", "GET"), (
            operation,
            seen,
        )


def _generated(operation, path: str, fixed_choices, headers: dict, seen: set[int]) -> None:
    """Requests generated from the document: valid ones, then (where the operation takes
    parameters or a body) invalid ones, which must be refused with a documented 4xx."""
    raw = document()["paths"][path][operation.method.lower()]
    _run(
        operation, path, GenerationMode.POSITIVE, MAX_EXAMPLES, CHECKS, fixed_choices, headers, seen
    )
    if raw.get("parameters") or raw.get("requestBody"):
        _run(
            operation,
            path,
            GenerationMode.NEGATIVE,
            NEGATIVE_EXAMPLES,
            [*CHECKS, negative_data_rejection],
            fixed_choices,
            headers,
            seen,
        )


def _run(operation, path, mode, examples, checks, fixed_choices, headers, seen) -> None:
    cases = st.sampled_from(fixed_choices).flatmap(
        lambda fixed: operation.as_strategy(generation_mode=mode, path_parameters=fixed or None)
    )

    @given(case=cases, who=st.sampled_from(list(headers.values())), data=st.data())
    @settings(
        max_examples=examples,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case, who, data) -> None:
        if (
            mode is GenerationMode.POSITIVE
            and isinstance(case.body, dict)
            and data.draw(st.booleans(), label="plausible body")
        ):
            case.body.update(plausible_body(path, data))
        response = case.call(headers=who)
        seen.add(response.status_code)
        case.validate_response(response, checks=checks, headers=who)

    check()


def test_the_document_is_served_without_signing_in(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    data = response.get_json()
    assert data["openapi"] == "3.1.0"
    assert set(data["components"]["securitySchemes"]) == {"bearerToken", "sessionCookie"}
    assert data == document()


def test_every_api_route_is_documented(app):
    """Each route of the api blueprint is in the document, and nothing else is."""
    documented = {
        (re.sub(r"\{[^}]+\}", "<>", "/api/v1" + path), method.upper())
        for path, item in document()["paths"].items()
        for method in item
    }
    routed = {
        (re.sub(r"<[^>]+>", "<>", rule.rule), method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routed == documented


def test_a_key_left_out_of_the_document_is_caught(app, make, monkeypatch):
    """The conformance checks do fail when a response carries an undocumented key."""
    from inspect_app.api import reviews

    original = reviews.review_summary_json
    monkeypatch.setattr(
        reviews,
        "review_summary_json",
        lambda review, viewer: original(review, viewer) | {"undocumented": True},
    )
    make.review()
    admin = make.administrator()
    secret = api_tokens.create_token(make.session, admin, "Tests").secret
    make.session.commit()
    headers = {"Authorization": f"Bearer {secret}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    case = schema["/reviews"]["GET"].Case()
    response = case.call(headers=headers)
    assert response.status_code == 200
    with pytest.raises(BaseExceptionGroup) as caught:
        case.validate_response(response, checks=CHECKS, headers=headers)
    assert any("'undocumented' was unexpected" in str(e) for e in caught.value.exceptions)
