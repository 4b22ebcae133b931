"""Administration pages: only administrators, and the forms work."""

from __future__ import annotations

import pytest

from inspect_app.models import Authority, Review, Rubric, User


@pytest.fixture
def admin(make):
    admin = make.administrator()
    make.rubric()
    make.session.commit()
    return admin


def test_non_administrators_get_404(make, pages):
    inspector = make.inspector()
    make.session.commit()
    pages.sign_in(inspector)
    for path in (
        "/admin/",
        "/admin/users",
        "/admin/users/new",
        "/admin/authorities",
        "/admin/reviews/new",
    ):
        pages.get(path, status=404)


def test_create_an_inspector(pages, admin, session):
    pages.sign_in(admin)
    pages.post(
        "/admin/users/new",
        {
            "name": "Nadia Ferris",
            "email": "nadia.ferris@csci.example",
            "kind": "inspector",
            "inspectorate": "csci",
            "authority_id": 0,
            "password": "a long enough password",
        },
    )
    user = session.query(User).filter_by(email="nadia.ferris@csci.example").one()
    assert user.inspectorate == "csci" and user.authority_id is None


def test_an_inspector_needs_an_inspectorate(pages, admin):
    pages.sign_in(admin)
    page = pages.post(
        "/admin/users/new",
        {
            "name": "No Inspectorate",
            "email": "x@test.example",
            "kind": "inspector",
            "inspectorate": "",
            "authority_id": 0,
            "password": "a long enough password",
        },
        status=200,
    )
    assert "Select the inspector’s inspectorate" in pages.text(page, ".govuk-error-summary")


def test_duplicate_email_is_explained(pages, admin):
    pages.sign_in(admin)
    page = pages.post(
        "/admin/users/new",
        {
            "name": "Copy",
            "email": admin.email.upper(),
            "kind": "administrator",
            "inspectorate": "",
            "authority_id": 0,
            "password": "a long enough password",
        },
        status=200,
    )
    assert "already exists" in pages.text(page, ".govuk-error-summary")


def test_deactivate_a_user_and_cannot_deactivate_yourself(make, pages, admin, session):
    other = make.inspector()
    make.session.commit()
    pages.sign_in(admin)
    pages.post(f"/admin/users/{other.id}", {"new_password": ""})
    session.expire_all()
    assert session.get(User, other.id).is_active_account is False
    page = pages.post(f"/admin/users/{admin.id}", {"new_password": ""}, status=200)
    assert "cannot deactivate your own account" in pages.text(page, ".govuk-error-summary")


def test_create_authority_with_neighbours(make, pages, admin, session):
    first = make.authority("Brackenfield Council")
    make.session.commit()
    pages.sign_in(admin)
    pages.post(
        "/admin/authorities/new",
        {
            "name": "Oxley Fen Council",
            "code": "OXF",
            "region": "East of England",
            "neighbours": [first.id],
        },
    )
    created = session.query(Authority).filter_by(code="OXF").one()
    assert [n.name for n in created.statistical_neighbours] == ["Brackenfield Council"]
    page = pages.post(
        "/admin/authorities/new",
        {"name": "Oxley Fen Council", "code": "OXF2", "region": "East"},
        status=200,
    )
    assert "already uses that name or code" in pages.text(page, ".govuk-error-summary")


def test_set_up_a_review(make, pages, admin, session):
    authority = make.authority()
    lead = make.inspector()
    make.session.commit()
    rubric = session.query(Rubric).filter_by(key="jar-2005").one()
    pages.sign_in(admin)
    pages.post(
        "/admin/reviews/new",
        {
            "authority_id": authority.id,
            "rubric_id": rubric.id,
            "lead_id": lead.id,
            "set_up_on": ["1", "3", "2027"],
            "analysis_week_on": ["29", "3", "2027"],
            "fieldwork_week_one_on": ["26", "4", "2027"],
            "fieldwork_week_two_on": ["10", "5", "2027"],
            "publication_due_on": ["5", "7", "2027"],
        },
    )
    review = session.query(Review).one()
    assert review.authority_id == authority.id
    assert review.lead_inspector.user_id == lead.id
    assert review.reference == "JAR-2027-001"
