"""Administrators mark an inspector as an inspectorate lead (the national programme view)."""

from __future__ import annotations

from sqlalchemy import select

from inspect_app.models import AuditEvent


def test_an_administrator_makes_an_inspector_a_programme_lead(make, pages, session):
    admin, inspector = make.administrator(), make.inspector()
    session.commit()
    pages.sign_in(admin)
    page = pages.get(f"/admin/users/{inspector.id}")
    assert page.select_one("input[name=programme_lead]") is not None
    pages.post(f"/admin/users/{inspector.id}", {"active": "y", "programme_lead": "y"})
    session.refresh(inspector)
    assert inspector.programme_lead and inspector.is_active_account
    event = session.scalar(
        select(AuditEvent).where(AuditEvent.action == "user.programme_lead_changed")
    )
    assert event.subject_id == str(inspector.id) and event.after == {"programme_lead": True}
    pages.post(f"/admin/users/{inspector.id}", {"active": "y"})
    session.refresh(inspector)
    assert not inspector.programme_lead


def test_only_inspectors_can_be_programme_leads(make, pages, session):
    admin = make.administrator()
    authority_user = make.authority_user(make.authority())
    session.commit()
    pages.sign_in(admin)
    page = pages.get(f"/admin/users/{authority_user.id}")
    assert page.select_one("input[name=programme_lead]") is None
    page = pages.post(
        f"/admin/users/{authority_user.id}", {"active": "y", "programme_lead": "y"}, status=200
    )
    assert "Only an inspector can be an inspectorate lead" in page.text
    session.refresh(authority_user)
    assert not authority_user.programme_lead
