"""The JSON API: token and session authentication, permissions, blindness, 409 on stale saves."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from inspect_app.domain.phases import Phase
from inspect_app.models import ApiToken, AuditEvent
from inspect_app.services import api_tokens
from tests.grading_helpers import GradingWorld, submit


@pytest.fixture
def world(make) -> GradingWorld:
    world = GradingWorld.build(make, Phase.FIELDWORK)
    submit(world, world.ofsted, "kj-2.3", 4, "Ofsted rationale.", "high")
    submit(world, world.generalist, "kj-2.3", 2, "Generalist rationale.", "low")
    world.session.commit()
    return world


def token_for(world, user) -> dict[str, str]:
    new = api_tokens.create_token(world.session, user, "Tests")
    world.session.commit()
    return {"Authorization": f"Bearer {new.secret}"}


def url(world, path: str) -> str:
    return f"/api/v1/reviews/{world.review.id}/{path}"


# --------------------------------------------------------------------------- tokens


def test_a_token_is_created_on_the_profile_page_shown_once_and_stored_hashed(world, pages, client):
    pages.sign_in(world.csci)
    page = pages.get("/profile")
    assert page.select_one("[data-testid=no-tokens]")
    page = pages.post("/profile/tokens", {"name": "Moderation spreadsheet"}, status=200)
    secret = page.select_one("#new-token-value")["value"]
    assert secret.startswith("jarw_") and len(secret) > 40
    stored = world.session.scalars(select(ApiToken)).one()
    assert stored.token_hash == api_tokens.hash_token(secret) and secret not in (
        stored.token_hash,
        stored.hint,
        stored.name,
    )
    again = pages.get("/profile")
    assert secret not in str(again) and "Moderation spreadsheet" in again.get_text()
    assert world.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "api_token.created")
    ).one()

    pages.client.post("/sign-out")
    response = client.get(
        url(world, "reconciliation"), headers={"Authorization": f"Bearer {secret}"}
    )
    assert response.status_code == 200
    world.session.expire_all()
    assert world.session.scalars(select(ApiToken)).one().last_used_at is not None

    pages.sign_in(world.csci)
    pages.post(f"/profile/tokens/{stored.id}/revoke", {})
    assert world.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "api_token.revoked")
    ).one()
    pages.client.post("/sign-out")
    response = client.get(
        url(world, "reconciliation"), headers={"Authorization": f"Bearer {secret}"}
    )
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "invalid_token"


def test_a_token_needs_a_name(world, pages):
    pages.sign_in(world.csci)
    page = pages.post("/profile/tokens", {"name": " "}, status=400)
    assert "Enter a name for the token" in pages.text(page, ".govuk-error-summary")


def test_nobody_can_revoke_another_users_token(world, pages):
    theirs = api_tokens.create_token(world.session, world.ofsted, "Theirs").token
    world.session.commit()
    pages.sign_in(world.csci)
    pages.post(f"/profile/tokens/{theirs.id}/revoke", {}, status=404)


@pytest.mark.parametrize(
    ("headers", "code"),
    [
        ({}, "unauthenticated"),
        ({"Authorization": "Basic abc"}, "unauthenticated"),
        ({"Authorization": "Bearer jarw_not-a-real-token"}, "invalid_token"),
    ],
)
def test_requests_without_a_valid_token_or_session_are_refused(world, client, headers, code):
    response = client.get(url(world, "reconciliation"), headers=headers)
    assert response.status_code == 401
    assert response.get_json() == {
        "error": {"code": code, "message": response.get_json()["error"]["message"]}
    }
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_unknown_api_addresses_give_json_errors(world, client):
    response = client.get("/api/v1/nothing-here", headers=token_for(world, world.csci))
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


# --------------------------------------------------------------------------- reconciliation


def test_reconciliation_json(world, client):
    submit(world, world.csci, "kj-2.3", 2, "CSCI rationale.", "medium")
    world.session.commit()
    response = client.get(url(world, "reconciliation"), headers=token_for(world, world.csci))
    assert response.status_code == 200
    data = response.get_json()
    assert data["review"]["reference"] == world.review.reference
    assert data["blind"] is True
    first = data["judgements"][0]
    assert first["id"] == "kj-2.3" and first["flagged"] is True
    assert [f["code"] for f in first["flags"]] == ["spread", "inspectorates_differ"]
    assert sorted(
        (g["grader"]["name"], g["grade"], g["inspectorate"]) for g in first["grades"]
    ) == sorted(
        [
            (world.ofsted.name, 4, "ofsted"),
            (world.generalist.name, 2, "csci"),
            (world.csci.name, 2, "csci"),
        ]
    )
    assert first["median"] == 2 and first["spread"] == 2
    assert first["self_grade"] is None and first["agreed"] is None
    assert first["evidence"] == {"supports": 0, "contradicts": 0}
    overall = data["agreement"]["overall"]
    assert overall["pairs"] == 3 and overall["exact_agreement"] == pytest.approx(1 / 3)
    assert set(overall) == {
        "alpha",
        "alpha_message",
        "exact_agreement",
        "within_one",
        "pairs",
        "judgements_compared",
        "graders",
    }
    self_graded = next(j for j in data["judgements"] if j["id"] == "kj-2.1")
    assert self_graded["self_grade"] == 3
    assert "calibration" not in data


def test_blindness_through_the_api(world, client):
    headers = token_for(world, world.csci)
    before = client.get(url(world, "reconciliation"), headers=headers).get_json()
    row = next(j for j in before["judgements"] if j["id"] == "kj-2.3")
    assert row["visible"] is False and row["grades"] == [] and row["submitted"] == 2
    assert row["median"] is None and row["flags"] == []
    assert "Ofsted rationale." not in str(before)

    response = client.put(
        url(world, "grades/kj-2.3"),
        headers=headers,
        json={"grade": 3, "rationale": "Mine.", "confidence": "medium", "version": None},
    )
    assert response.status_code == 201
    after = client.get(url(world, "reconciliation"), headers=headers).get_json()
    row = next(j for j in after["judgements"] if j["id"] == "kj-2.3")
    assert row["visible"] is True and len(row["grades"]) == 3
    assert "Ofsted rationale." in str(after)


def test_authority_users_never_see_provisional_grades_through_the_api(world, client, make):
    authority_user = make.authority_user(world.review.authority)
    world.session.commit()
    headers = token_for(world, authority_user)
    for method, path in (
        ("get", "reconciliation"),
        ("get", "grades/kj-2.3"),
        ("put", "grades/kj-2.3"),
        ("put", "agreed-grades/kj-2.3"),
    ):
        response = getattr(client, method)(
            url(world, path), headers=headers, json={"grade": 3, "version": None}
        )
        assert response.status_code == 404, path
        assert "rationale" not in response.get_data(as_text=True).lower()
        assert response.get_json()["error"]["code"] == "not_found"


def test_other_reviews_are_not_disclosed(world, client, make):
    outsider = make.inspector()
    world.session.commit()
    response = client.get(url(world, "reconciliation"), headers=token_for(world, outsider))
    assert response.status_code == 404


def test_administrators_are_refused_provisional_grades(world, client, make):
    admin = make.administrator()
    world.session.commit()
    response = client.get(url(world, "reconciliation"), headers=token_for(world, admin))
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"


# --------------------------------------------------------------------------- grades


def test_put_grade_then_revise_with_the_version(world, client):
    headers = token_for(world, world.csci)
    body = {"grade": 3, "rationale": "Seen.", "confidence": "high", "version": None}
    first = client.put(url(world, "grades/kj-2.2"), headers=headers, json=body)
    assert first.status_code == 201
    assert first.get_json()["grade"]["version"] == 1
    mine = client.get(url(world, "grades/kj-2.2"), headers=headers).get_json()
    assert mine["version"] == 1 and mine["grade"]["rationale"] == "Seen."
    second = client.put(
        url(world, "grades/kj-2.2"), headers=headers, json=body | {"grade": 2, "version": 1}
    )
    assert second.status_code == 200 and second.get_json()["grade"]["version"] == 2


def test_a_stale_put_is_409_with_the_newer_value_and_who_made_it(world, client):
    headers = token_for(world, world.ofsted)
    body = {"grade": 3, "rationale": "Revised.", "confidence": "high", "version": 1}
    assert client.put(url(world, "grades/kj-2.3"), headers=headers, json=body).status_code == 200
    response = client.put(
        url(world, "grades/kj-2.3"),
        headers=headers,
        json=body | {"grade": 1, "rationale": "From an old copy."},
    )
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "stale_version"
    assert error["current"]["grade"] == 3 and error["current"]["version"] == 2
    assert error["current"]["saved_by"] == world.ofsted.name
    assert world.ofsted.name in error["message"]


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"grade": 3, "rationale": "x", "confidence": "high"}, 422, "version"),
        ({"grade": 9, "rationale": "x", "confidence": "high", "version": None}, 422, "grade"),
        ({"grade": "3", "rationale": "x", "confidence": "high", "version": None}, 422, "grade"),
        ({"grade": 3, "rationale": "", "confidence": "high", "version": None}, 422, "rationale"),
        ({"grade": 3, "rationale": "x", "confidence": "sure", "version": None}, 422, "confidence"),
        ({"grade": 3, "rationale": "x", "confidence": "high", "version": "1"}, 422, "version"),
        (
            {
                "grade": 3,
                "rationale": "x",
                "confidence": "high",
                "version": None,
                "evidence_item_ids": [999],
            },
            422,
            "evidence",
        ),
    ],
)
def test_invalid_grades_are_422_with_the_field(world, client, body, status, field):
    response = client.put(
        url(world, "grades/kj-2.2"), headers=token_for(world, world.csci), json=body
    )
    assert response.status_code == status
    assert response.get_json()["error"]["field"] == field


def test_not_json_is_400(world, client):
    response = client.put(
        url(world, "grades/kj-2.2"), headers=token_for(world, world.csci), data="grade=3"
    )
    assert response.status_code == 400


def test_grading_outside_your_areas_is_403(world, client):
    response = client.put(
        url(world, "grades/kj-2.2"),
        headers=token_for(world, world.health),
        json={"grade": 3, "rationale": "x", "confidence": "low", "version": None},
    )
    assert response.status_code == 403
    assert "outside the areas assigned" in response.get_json()["error"]["message"]


def test_unknown_judgement_is_404(world, client):
    response = client.get(url(world, "grades/kj-42.1"), headers=token_for(world, world.csci))
    assert response.status_code == 404


# --------------------------------------------------------------------------- agreed grades


def test_put_agreed_grade(world, client):
    world.advance(Phase.MODERATION)
    world.session.commit()
    headers = token_for(world, world.lead)
    response = client.put(
        url(world, "agreed-grades/kj-2.3"), headers=headers, json={"grade": 4, "version": None}
    )  # the median is 3
    assert response.status_code == 422
    assert response.get_json()["error"]["field"] == "reasons"
    response = client.put(
        url(world, "agreed-grades/kj-2.3"),
        headers=headers,
        json={"grade": 4, "reasons": "Weighed both.", "version": None},
    )
    assert response.status_code == 201
    assert response.get_json()["agreed"]["version"] == 1
    stale = client.put(
        url(world, "agreed-grades/kj-2.3"),
        headers=headers,
        json={"grade": 2, "reasons": "Old.", "version": None},
    )
    assert stale.status_code == 409
    assert stale.get_json()["error"]["current"]["grade"] == 4
    data = client.get(url(world, "reconciliation"), headers=headers).get_json()
    row = next(j for j in data["judgements"] if j["id"] == "kj-2.3")
    assert row["agreed"]["grade"] == 4 and row["agreed"]["agreed_by"] == world.lead.name
    assert "calibration" in data and data["blind"] is False


def test_only_the_lead_puts_agreed_grades(world, client):
    world.advance(Phase.MODERATION)
    world.session.commit()
    response = client.put(
        url(world, "agreed-grades/kj-2.3"),
        headers=token_for(world, world.ofsted),
        json={"grade": 3, "reasons": "x", "version": None},
    )
    assert response.status_code == 403


def test_agreed_grades_wait_for_moderation(world, client):
    response = client.put(
        url(world, "agreed-grades/kj-2.3"),
        headers=token_for(world, world.lead),
        json={"grade": 3, "reasons": "x", "version": None},
    )
    assert response.status_code == 403


# --------------------------------------------------------------------------- session auth + CSRF


def test_session_requests_work_and_unsafe_ones_need_the_csrf_token(world, pages, app):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        page = pages.client.get("/sign-in").get_data(as_text=True)
        csrf_token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
        response = pages.client.post(
            "/sign-in",
            data={
                "email": world.csci.email,
                "password": "correct horse battery staple",
                "csrf_token": csrf_token.group(1),
            },
        )
        assert response.status_code == 302
        assert pages.client.get(url(world, "reconciliation")).status_code == 200
        body = {"grade": 3, "rationale": "x", "confidence": "low", "version": None}
        refused = pages.client.put(url(world, "grades/kj-2.2"), json=body)
        assert refused.status_code == 400
        assert refused.get_json()["error"]["code"] == "csrf_failed"
        profile = pages.client.get("/profile").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', profile).group(1)
        accepted = pages.client.put(
            url(world, "grades/kj-2.2"), json=body, headers={"X-CSRFToken": token}
        )
        assert accepted.status_code == 201
        # A token-authenticated script needs no CSRF token.
        scripted = pages.client.put(
            url(world, "grades/kj-2.1"), json=body, headers=token_for(world, world.csci)
        )
        assert scripted.status_code == 201
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
