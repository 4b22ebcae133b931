"""Hand-made form posts to every review and admin form: an answer, never a server error."""

from __future__ import annotations

import pytest
from flask import url_for

from inspect_app.domain.phases import Phase

FIELDS = (
    "version",
    "user_id",
    "role",
    "areas",
    "has_conflict",
    "details",
    "set_up_on",
    "analysis_week_on",
    "fieldwork_week_one_on",
    "fieldwork_week_two_on",
    "publication_due_on",
    "email",
    "name",
    "kind",
    "inspectorate",
    "authority_id",
    "job_title",
    "password",
    "new_password",
    "is_active",
    "code",
    "region",
    "neighbours",
    "rubric_id",
    "lead_id",
)
VALUES = ["", "-1", "abc", "x" * 3000, "\x00", ["1", "2"], ["", "1", "2", "3"]]


@pytest.fixture
def world(make):
    review = make.review_in(Phase.SELF_ASSESSMENT)
    admin = make.administrator()
    make.session.commit()
    return review, admin


def test_no_form_post_fails(app, pages, world):
    review, admin = world
    ids = {
        "review_id": review.id,
        "member_id": review.team[1].id,
        "user_id": admin.id,
        "authority_id": review.authority_id,
    }
    with app.test_request_context():
        targets = [
            url_for(rule.endpoint, **{name: ids[name] for name in rule.arguments})
            for rule in app.url_map.iter_rules()
            if rule.endpoint.split(".")[0] in ("reviews", "admin") and "POST" in rule.methods
        ]
    # removing a member last, so the member's own page is tried while it exists
    targets.sort(key=lambda path: path.endswith("/remove"))
    assert len(targets) >= 8
    failures = []
    for user in (review.lead_inspector.user, admin):
        pages.client.post("/sign-out")
        pages.sign_in(user)
        for path in targets:
            for value in VALUES:
                response = pages.client.post(path, data=dict.fromkeys(FIELDS, value))
                if response.status_code >= 500:
                    failures.append((user.kind, path, repr(value)[:20], response.status_code))
    assert not failures, failures
