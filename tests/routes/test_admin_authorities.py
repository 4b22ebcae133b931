"""Changing a local authority and its ranked statistical neighbours on the admin pages."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from inspect_app.models import AuditEvent, Authority
from inspect_app.services.authorities import AuthorityDetails, AuthorityError, save_authority


@pytest.fixture
def world(make):
    admin = make.administrator()
    home = make.authority("Northmere Test Council")
    a, b, c, d = (
        make.authority(f"{name} Council") for name in ("Amble", "Brant", "Colder", "Dunn")
    )
    save_authority(
        make.session,
        home,
        AuthorityDetails(home.name, home.code, home.region, (c.id, b.id)),
        actor=admin,
    )
    make.session.commit()
    return admin, home, {"a": a, "b": b, "c": c, "d": d}


def neighbours(session, authority_id: int) -> list[str]:
    session.expire_all()
    return [n.name for n in session.get(Authority, authority_id).statistical_neighbours]


def form(authority: Authority, *neighbour_ids: int, **changes) -> dict:
    return {
        "name": authority.name,
        "code": authority.code,
        "region": authority.region,
        "neighbours": list(neighbour_ids),
        **changes,
    }


def test_adding_a_neighbour_keeps_the_ranks_of_those_kept(pages, session, world):
    admin, home, n = world
    pages.sign_in(admin)
    page = pages.get(f"/admin/authorities/{home.id}")
    ticked = {i["value"] for i in page.select("input[name=neighbours][checked]")}
    assert ticked == {str(n["b"].id), str(n["c"].id)}
    # The browser sends ticked boxes in page (alphabetical) order: a, b, c.
    pages.post(f"/admin/authorities/{home.id}", form(home, n["a"].id, n["b"].id, n["c"].id))
    assert neighbours(session, home.id) == ["Colder Council", "Brant Council", "Amble Council"]
    listing = pages.get("/admin/authorities")
    assert "has been saved" in listing.get_text()


def test_removing_and_replacing_neighbours_and_renaming(pages, session, world):
    admin, home, n = world
    pages.sign_in(admin)
    pages.post(
        f"/admin/authorities/{home.id}",
        form(home, n["b"].id, n["d"].id, name="Northmere Borough Test Council", region="North"),
    )
    assert neighbours(session, home.id) == ["Brant Council", "Dunn Council"]
    changed = session.get(Authority, home.id)
    assert (changed.name, changed.region) == ("Northmere Borough Test Council", "North")
    pages.post(f"/admin/authorities/{home.id}", form(changed))
    assert neighbours(session, home.id) == []
    event = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.action == "authority.saved", AuditEvent.actor_id == admin.id)
        .order_by(AuditEvent.id.desc())
    ).first()
    assert event.before["neighbours"] == [n["b"].id, n["d"].id]
    assert event.after["neighbours"] == []


def test_a_clash_is_explained_and_nothing_changes(pages, session, world):
    admin, home, n = world
    pages.sign_in(admin)
    page = pages.post(
        f"/admin/authorities/{home.id}",
        form(home, n["a"].id, code=n["d"].code),
        status=200,
    )
    assert "Dunn Council" in pages.text(page, ".govuk-error-summary")
    assert neighbours(session, home.id) == ["Colder Council", "Brant Council"]
    assert session.get(Authority, home.id).code == home.code


def test_an_unknown_neighbour_or_itself_is_refused(session, world):
    admin, home, n = world
    for wanted in ((home.id,), (n["a"].id, 999_999)):
        with pytest.raises(AuthorityError):
            save_authority(
                session,
                home,
                AuthorityDetails(home.name, home.code, home.region, wanted),
                actor=admin,
            )
    assert neighbours(session, home.id) == ["Colder Council", "Brant Council"]


def test_an_unknown_authority_is_404(pages, world):
    admin, _, _ = world
    pages.sign_in(admin)
    pages.get("/admin/authorities/999999", status=404)
