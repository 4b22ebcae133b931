"""The audit log is append-only, in the ORM and in the database itself."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from inspect_app.models import AuditEvent
from inspect_app.models.audit import AuditLogIsAppendOnly


@pytest.fixture
def event(make, session):
    make.review()
    session.commit()
    return session.query(AuditEvent).first()


def test_the_orm_refuses_to_change_an_event(event, session):
    event.summary = "rewritten history"
    with pytest.raises(AuditLogIsAppendOnly):
        session.flush()
    session.rollback()


def test_the_orm_refuses_to_delete_an_event(event, session):
    session.delete(event)
    with pytest.raises(AuditLogIsAppendOnly):
        session.flush()
    session.rollback()


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_event SET summary = 'x'", "DELETE FROM audit_event"],
)
def test_the_database_refuses_raw_updates_and_deletes(event, session, statement):
    with pytest.raises(DBAPIError, match="append-only"):
        session.execute(text(statement))
    session.rollback()
    assert session.query(AuditEvent).count() >= 1
