"""The read API: pagination, error objects and the pages' permission rules."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from inspect_app.domain.phases import Phase
from inspect_app.models import AuditEvent
from inspect_app.services import api_tokens
from inspect_app.services.reviews import reviews_visible_to
from tests.api.world import ApiWorld
from tests.grading_helpers import submit
from tests.querycount import count_queries


@pytest.fixture
def world(make) -> ApiWorld:
    return ApiWorld.build(make)


def get(client, world: ApiWorld, user, path: str, status: int = 200) -> dict:
    response = client.get("/api/v1" + path, headers=world.token(user))
    assert response.status_code == status, (path, response.status_code, response.get_json())
    assert response.mimetype == "application/json"
    return response.get_json()


def assert_error(body: dict, code: str, field: str | None = None) -> None:
    error = body["error"]
    assert error["code"] == code and error["message"].strip()
    if field is not None:
        assert error["field"] == field


def everything(client, world, user, path: str) -> list[dict]:
    """Every item of a list, page by page."""
    items, page = [], 1
    while True:
        sep = "&" if "?" in path else "?"
        body = get(client, world, user, f"{path}{sep}page={page}&per_page=2")
        items += body["items"]
        if page * 2 >= body["total"]:
            assert len(items) == body["total"]
            return items
        page += 1


# --------------------------------------------------------------------------- pagination


def test_lists_are_paginated_the_same_way_everywhere(world, client):
    admin = world.admin
    first = get(client, world, admin, "/reviews?per_page=1")
    assert set(first) == {"items", "page", "per_page", "total"}
    assert (first["page"], first["per_page"], first["total"]) == (1, 1, 3)
    pages = [get(client, world, admin, f"/reviews?per_page=1&page={n}") for n in (2, 3)]
    assert [r["id"] for p in (first, *pages) for r in p["items"]] == [
        world.published.id,
        world.grading.other_review.id,
        world.review.id,
    ]  # newest first, no overlap
    past_the_end = get(client, world, admin, "/reviews?per_page=1&page=4")
    assert past_the_end["items"] == [] and past_the_end["total"] == 3
    default = get(client, world, admin, "/rubrics")
    assert default["per_page"] == 20 and default["page"] == 1

    judgements = everything(client, world, world.grading.csci, f"/reviews/{world.review.id}/grades")
    assert len({j["judgement"]["id"] for j in judgements}) == len(judgements) > 30
    evidence = get(client, world, world.grading.csci, f"/reviews/{world.review.id}/evidence?page=9")
    assert evidence["items"] == [] and evidence["total"] == 3 and evidence["page"] == 9


BAD_QUERIES = [
    ("page=0", "page"),
    ("page=-1", "page"),
    ("page=two", "page"),
    ("page=1.5", "page"),
    ("page=99999999999", "page"),
    ("per_page=0", "per_page"),
    ("per_page=101", "per_page"),
]


def test_bad_pagination_is_a_422_naming_the_parameter_on_every_list(make, client):
    admin = make.administrator()
    secret = api_tokens.create_token(make.session, admin, "Tests").secret
    make.session.commit()
    headers = {"Authorization": f"Bearer {secret}"}
    for path in ("/reviews", "/rubrics", "/reports", "/indicators"):
        for query, field in [*BAD_QUERIES, *([("phase=finished", "phase")] * (path == "/reviews"))]:
            response = client.get(f"/api/v1{path}?{query}", headers=headers)
            assert response.status_code == 422, (path, query)
            body = response.get_json()
            assert_error(body, "invalid", field)
            assert field in body["error"]["message"]


def test_errors_are_error_objects(world, client):
    response = client.get("/api/v1/reviews")
    assert response.status_code == 401
    assert set(response.get_json()) == {"error"}
    assert_error(response.get_json(), "unauthenticated")
    assert_error(get(client, world, world.admin, "/reviews/99999", 404), "not_found")
    assert_error(get(client, world, world.admin, "/reviews/99999999999999999999", 404), "not_found")
    assert_error(get(client, world, world.admin, "/rubrics/jar-2005/9.9", 404), "not_found")
    assert_error(
        get(client, world, world.admin, "/rubrics/jar-2005/1.0?revision=x", 422), "invalid"
    )


# --------------------------------------------------------------------------- reviews


def test_each_user_lists_the_reviews_of_their_dashboard(world, client, session):
    g = world.grading
    for user in (world.admin, g.csci, world.authority_user, world.other_authority_user):
        listed = [r["id"] for r in everything(client, world, user, "/reviews")]
        assert listed == [r.id for r in reviews_visible_to(session, user)], user.email
    authority_reviews = everything(client, world, world.authority_user, "/reviews")
    assert [r["id"] for r in authority_reviews] == [world.review.id]
    assert everything(client, world, world.outsider, "/reviews") == []
    fieldwork = get(client, world, world.admin, "/reviews?phase=fieldwork")
    assert [r["id"] for r in fieldwork["items"]] == [world.review.id]


def test_a_review_for_the_authority_and_for_the_team(world, client):
    path = f"/reviews/{world.review.id}"
    mine = get(client, world, world.authority_user, path)
    assert mine["reference"] == world.review.reference and mine["your_role"] is None
    assert mine["permissions"]["see_provisional_grades"] is False
    assert mine["permissions"]["see_evidence"] is False
    assert {m["name"] for m in mine["team"]} == {m.user.name for m in world.review.team}
    team = get(client, world, world.grading.csci, path)
    assert team["your_role"] == "inspector" and team["permissions"]["see_restricted_evidence"]
    for stranger in (world.other_authority_user, world.outsider):
        assert_error(get(client, world, stranger, path, 404), "not_found")


# --------------------------------------------------------------------------- rubrics


def test_rubrics_with_their_scale_areas_and_key_judgements(world, client, make):
    make.rubric("jar-2007")
    make.session.commit()
    listed = everything(client, world, world.authority_user, "/rubrics")
    assert {(r["key"], r["version"], r["is_latest"]) for r in listed} >= {
        ("jar-2005", "1.0", True),
        ("jar-2007", "1.0", True),
    }
    rubric = get(client, world, world.authority_user, "/rubrics/jar-2005/1.0")
    stored = world.review.rubric
    assert rubric["revision"] == stored.revision and rubric["scale"]["best"] == "highest"
    assert [g["value"] for g in rubric["scale"]["grades"]] == list(stored.scale.values)
    assert [a["title"] for a in rubric["areas"]] == [a.title for a in stored.areas]
    staying_safe = next(a for a in rubric["areas"] if a["number"] == 2)
    kj = next(k for k in staying_safe["key_judgements"] if k["number"] == "2.3")
    assert kj["id"] == "kj-2.3" and kj["text"] == next(
        k.text for a in stored.areas for k in a.key_judgements if k.number == "2.3"
    )
    again = get(client, world, world.admin, f"/rubrics/jar-2005/1.0?revision={stored.revision}")
    assert again == rubric
    get(client, world, world.admin, f"/rubrics/jar-2005/1.0?revision={stored.revision + 1}", 404)


# --------------------------------------------------------------------------- evidence


def test_evidence_follows_the_evidence_pages_rules(world, client, session):
    path = f"/reviews/{world.review.id}/evidence"
    team = {i["id"] for i in everything(client, world, world.grading.csci, path)}
    assert {world.open_item.id, world.restricted_item.id} <= team
    admin = {i["id"] for i in everything(client, world, world.admin, path)}
    assert world.open_item.id in admin and world.restricted_item.id not in admin
    assert_error(get(client, world, world.authority_user, path, 404), "not_found")
    assert_error(
        get(client, world, world.authority_user, f"{path}/{world.open_item.id}", 404), "not_found"
    )
    assert_error(
        get(client, world, world.admin, f"{path}/{world.restricted_item.id}", 404), "not_found"
    )
    other = f"/reviews/{world.published.id}/evidence/{world.open_item.id}"
    assert_error(get(client, world, world.published.lead_inspector.user, other, 404), "not_found")
    assert_error(get(client, world, world.outsider, path, 404), "not_found")

    item = get(client, world, world.grading.csci, f"{path}/{world.restricted_item.id}")
    assert item["restricted"] is True and item["kind"] == "case_file"
    assert item["bearings"] == [{"key_judgement": "2.3", "stance": "supports"}]
    assert "notes" not in item  # metadata only
    viewed = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "evidence.restricted_viewed")
    ).all()
    assert [e.subject_id for e in viewed] == [str(world.restricted_item.id)]


def test_evidence_filters(world, client):
    path = f"/reviews/{world.review.id}/evidence"
    csci = world.grading.csci
    case_files = get(client, world, csci, f"{path}?kind=case_file")["items"]
    assert [i["id"] for i in case_files] == [world.restricted_item.id]
    on_2_3 = get(client, world, csci, f"{path}?key_judgement=2.3")["items"]
    assert {i["id"] for i in on_2_3} == {world.open_item.id, world.restricted_item.id}
    assert get(client, world, csci, f"{path}?key_judgement=2.3&kind=document")["total"] == 1
    assert get(client, world, csci, f"{path}?inspectorate=hmic")["total"] == 0
    assert_error(get(client, world, csci, f"{path}?kind=rumour", 422), "invalid", "kind")
    assert_error(
        get(client, world, csci, f"{path}?key_judgement=9.9", 422), "invalid", "key_judgement"
    )


# --------------------------------------------------------------------------- grades


def grades_of(client, world, user, review=None, area: int = 2) -> dict[str, dict]:
    review = review or world.review
    body = get(client, world, user, f"/reviews/{review.id}/grades?area={area}&per_page=100")
    return {row["judgement"]["id"]: row for row in body["items"]}


def test_grades_are_blind_until_you_have_graded(world, client):
    g = world.grading
    before = grades_of(client, world, g.csci)["kj-2.3"]
    assert before["grades_visible"] is False and before["grades"] == []
    submit(g, g.csci, "kj-2.3", 3, "CSCI: thresholds applied inconsistently.", "medium")
    g.session.commit()
    after = grades_of(client, world, g.csci)["kj-2.3"]
    assert after["grades_visible"] is True
    assert sorted((x["grader"]["name"], x["grade"]) for x in after["grades"]) == sorted(
        [(g.ofsted.name, 4), (g.generalist.name, 2), (g.csci.name, 3)]
    )
    assert "Ofsted: strong multi-agency work." in str(after)
    # Other judgements stay hidden from the CSCI inspector.
    assert grades_of(client, world, g.health, area=2)["kj-2.3"]["grades"] == []
    body = get(client, world, g.csci, f"/reviews/{world.review.id}/grades?area=99", 422)
    assert_error(body, "invalid", "area")


def test_authority_users_and_administrators_never_see_provisional_grades(world, client):
    for user in (world.authority_user, world.admin):
        rows = everything(client, world, user, f"/reviews/{world.review.id}/grades")
        assert rows and all(r["grades"] == [] and not r["grades_visible"] for r in rows)
        assert "multi-agency" not in str(rows)
    assert_error(
        get(client, world, world.other_authority_user, f"/reviews/{world.review.id}/grades", 404),
        "not_found",
    )


def test_agreed_grades_only_where_the_pages_show_them(world, client, make):
    moderation = make.review_in(Phase.MODERATION)
    make.agree_all(moderation, grade=2)
    authority_user = make.authority_user(moderation.authority)
    make.session.commit()
    lead = moderation.lead_inspector.user
    assert grades_of(client, world, lead, moderation)["kj-2.3"]["agreed"]["grade"] == 2
    for hidden in (authority_user, world.admin):  # before the factual accuracy check
        assert all(
            r["agreed"] is None for r in grades_of(client, world, hidden, moderation).values()
        )
    published = grades_of(client, world, world.other_authority_user, world.published)
    assert published["area-2"]["agreed"]["grade"] == 3
    assert all(r["grades"] == [] for r in published.values())
    assert grades_of(client, world, world.admin, world.published)["area-2"]["agreed"] is not None


# --------------------------------------------------------------------------- reports


def test_published_reports_listed_for_those_who_may_read_them(world, client):
    listed = get(client, world, world.other_authority_user, "/reports")
    assert [r["review"]["id"] for r in listed["items"]] == [world.published.id]
    versions = listed["items"][0]["versions"]
    assert [v["version_number"] for v in versions] == [1]
    report = client.get(versions[0]["url"], headers=world.token(world.other_authority_user))
    assert report.status_code == 200
    assert report.get_json()["review"]["reference"] == world.published.reference
    assert get(client, world, world.authority_user, "/reports")["items"] == []
    assert get(client, world, world.grading.csci, "/reports")["total"] == 0
    assert get(client, world, world.admin, "/reports")["total"] == 1


# --------------------------------------------------------------------------- indicators


def test_the_indicator_catalogue(world, client):
    codes = [i["code"] for i in everything(client, world, world.authority_user, "/indicators")]
    assert codes == ["TEST-PLACEMENT-STABILITY", "TEST-REFERRALS-REPEAT"]  # not the retired one
    safe = get(client, world, world.authority_user, "/indicators?outcome=staying-safe")
    assert [i["code"] for i in safe["items"]] == ["TEST-REFERRALS-REPEAT"]
    assert safe["items"][0]["higher_is_better"] is False
    assert_error(
        get(client, world, world.admin, "/indicators?outcome=x", 422), "invalid", "outcome"
    )


def test_authority_users_see_only_their_own_authoritys_values(world, client):
    own = world.review.authority.code
    other = world.published.authority.code
    values = everything(client, world, world.authority_user, f"/authorities/{own}/indicators")
    assert [(v["indicator"], v["period"], v["value"]) for v in values] == [
        ("TEST-PLACEMENT-STABILITY", "2005-06", 60.0),
        ("TEST-PLACEMENT-STABILITY", "2006-07", 62.5),
        ("TEST-REFERRALS-REPEAT", "2005-06", 60.0),
        ("TEST-REFERRALS-REPEAT", "2006-07", 62.5),
    ]
    for code in (other, "NO-SUCH-CODE"):
        body = get(client, world, world.authority_user, f"/authorities/{code}/indicators", 404)
        assert_error(body, "not_found")
    neighbours = get(client, world, world.grading.csci, f"/authorities/{other}/indicators")
    assert neighbours["total"] == 4 and neighbours["items"][0]["value"] == 61.0
    narrowed = get(
        client,
        world,
        world.admin,
        f"/authorities/{other}/indicators?indicator=TEST-REFERRALS-REPEAT&period=2006-07",
    )
    assert [v["value"] for v in narrowed["items"]] == [63.5]


# --------------------------------------------------------------------------- queries


def test_lists_issue_a_bounded_number_of_queries(world, client, make):
    def statements(user, path: str) -> int:
        headers = world.token(user)
        with count_queries() as issued:
            assert client.get("/api/v1" + path, headers=headers).status_code == 200
        return len(issued)

    g = world.grading
    paths = [
        (world.admin, "/reviews"),
        (g.csci, f"/reviews/{world.review.id}/evidence"),
        (g.ofsted, f"/reviews/{world.review.id}/grades"),
        (world.admin, "/reports"),
    ]
    before = [statements(user, path) for user, path in paths]
    for _ in range(3):
        make.review_in(Phase.FIELDWORK)
    make.review_in(Phase.PUBLISHED)
    for user in (g.csci, g.lead):
        submit(g, user, "kj-2.3", 3, "More graders.", "medium")
    for n in range(4):
        world.grading.evidence(f"Minutes {n}", "2.1")
    make.session.commit()
    assert [statements(user, path) for user, path in paths] == before
