"""The page cache's bookkeeping: every table is classified, a change replaces the generations
of exactly the scopes it touches in its own transaction, and old pages are forgotten."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event, select, text, update

from inspect_app.domain.phases import Phase
from inspect_app.extensions import db
from inspect_app.models import CachedPage, CacheGeneration, EvidenceItem, EvidenceLink, Grade
from inspect_app.services import page_cache
from inspect_app.services.evidence_search import evidence_search
from inspect_app.services.page_cache import PROGRAMME, SHARED, review_scope


def evidence(review_id: int, title: str) -> EvidenceItem:
    return EvidenceItem(
        review_id=review_id,
        title=title,
        kind="document",
        source="Health visiting",
        gathered_on=date(2026, 11, 3),
    )


def generations(session) -> dict[str, str]:
    return dict(session.execute(select(CacheGeneration.scope, CacheGeneration.token)).all())


def changed(before: dict[str, str], after: dict[str, str]) -> set[str]:
    return {scope for scope in after if before.get(scope) != after[scope]}


def test_every_table_is_classified():
    tables = set(db.metadata.tables) | {evidence_search.name, "alembic_version"}
    unknown = sorted(name for name in tables if page_cache.table_kind(name) == "unknown")
    assert unknown == [], "classify these tables in inspect_app/services/page_cache.py"
    for name, reason in page_cache.IGNORED_TABLES.items():
        assert reason.strip(), name
    for name, relationship in page_cache.REVIEW_VIA.items():
        model = next(m for m in db.Model.registry.mappers if m.local_table.name == name)
        assert relationship in model.relationships, (name, relationship)


def test_a_change_to_a_review_touches_that_review_and_the_programme_only(make, session):
    review, other = make.review_in(Phase.FIELDWORK), make.review_in(Phase.FIELDWORK)
    session.commit()
    before = generations(session)
    item = evidence(review.id, "Visit notes")
    kj = review.rubric.areas[0].key_judgements[0]
    item.links.append(EvidenceLink(key_judgement=kj, stance="supports"))
    session.add(item)
    session.commit()
    assert changed(before, generations(session)) == {review_scope(review.id), PROGRAMME}
    assert review_scope(other.id) not in changed(before, generations(session))


def test_a_child_row_finds_its_review_through_its_parent(make, session):
    review = make.review_in(Phase.FIELDWORK)
    item = evidence(review.id, "Audit")
    session.add(item)
    session.commit()
    before = generations(session)
    kj = review.rubric.areas[1].key_judgements[0]
    session.add(EvidenceLink(item=item, key_judgement=kj, stance="contradicts"))
    session.commit()
    assert changed(before, generations(session)) == {review_scope(review.id), PROGRAMME}


def test_shared_data_touches_every_review_page(make, session):
    user = make.inspector()
    session.commit()
    before = generations(session)
    user.name = "Renamed Inspector"
    session.commit()
    assert changed(before, generations(session)) == {SHARED, PROGRAMME}


def test_a_sign_in_time_alone_touches_nothing(make, session):
    user = make.inspector()
    session.commit()
    before = generations(session)
    user.last_signed_in_at = datetime.now(UTC)
    session.commit()
    assert changed(before, generations(session)) == set()


def test_bulk_and_textual_statements_touch_every_review(make, session):
    review = make.review_in(Phase.FIELDWORK)
    session.commit()
    before = generations(session)
    session.execute(update(Grade).where(Grade.review_id == review.id).values(value=3))
    session.commit()
    assert changed(before, generations(session)) == {SHARED, PROGRAMME}
    before = generations(session)
    session.execute(text("UPDATE review SET phase = phase WHERE id = :id"), {"id": review.id})
    session.commit()
    assert changed(before, generations(session)) == {SHARED, PROGRAMME}
    before = generations(session)
    session.execute(text("SELECT count(*) FROM review"))
    session.commit()
    assert changed(before, generations(session)) == set()


def test_a_rolled_back_change_leaves_the_generations_alone(make, session):
    review = make.review_in(Phase.FIELDWORK)
    session.commit()
    before = generations(session)
    session.add(evidence(review.id, "Draft"))
    session.flush()
    session.rollback()
    session.commit()  # nothing left to write
    assert generations(session) == before


def test_the_generations_change_in_the_writing_transaction(make, session, app):
    review = make.review_in(Phase.FIELDWORK)
    session.commit()
    before = generations(session)
    review.fieldwork_week_one_on = review.fieldwork_week_one_on  # no change: no new generation
    session.commit()
    assert generations(session) == before
    # A reader on another connection sees the data and its new generation together.
    session.add(evidence(review.id, "Minutes"))
    session.flush()
    with db.engine.connect() as other:
        seen = dict(other.execute(select(CacheGeneration.scope, CacheGeneration.token)).all())
    assert seen == before  # not yet committed: neither the row nor the generation
    session.commit()
    with db.engine.connect() as other:
        seen = dict(other.execute(select(CacheGeneration.scope, CacheGeneration.token)).all())
        items = other.execute(select(EvidenceItem.id).where(EvidenceItem.title == "Minutes"))
        assert items.first() is not None
    assert changed(before, seen) == {review_scope(review.id), PROGRAMME}


def test_pages_older_than_a_day_are_forgotten_when_anything_is_written(make, session):
    now = datetime.now(UTC)
    page_cache.keep_page(session, "a" * 64, "stamp", b"<p>old</p>")
    page_cache.keep_page(session, "b" * 64, "stamp", b"<p>new</p>")
    session.commit()
    old = session.get(CachedPage, "a" * 64)
    old.stored_at = now - page_cache.PAGE_MAX_AGE - timedelta(minutes=1)
    session.commit()  # the cache's own rows change no generation, so nothing is pruned yet
    assert session.get(CachedPage, "a" * 64) is not None
    make.inspector()
    session.commit()
    assert session.scalars(select(CachedPage.key)).all() == ["b" * 64]


def test_a_kept_page_is_found_only_under_its_stamp(make, session):
    review = make.review_in(Phase.FIELDWORK)
    user = make.inspector()
    session.commit()
    scopes = page_cache.review_scopes(review.id)

    def lookup(day: str = "d") -> page_cache.Kept:
        return page_cache.lookup(session, user.id, "k" * 64, scopes, day=day).kept

    found = lookup()
    assert found.html is None
    page_cache.keep_page(session, "k" * 64, found.stamp, b"<p>kept</p>", holes_end=3)
    session.commit()
    assert lookup() == page_cache.Kept(found.stamp, b"<p>kept</p>", 3)
    assert lookup(day="e").html is None
    session.add(evidence(review.id, "New"))
    session.commit()
    again = lookup()
    assert again.html is None and again.stamp != found.stamp
    assert page_cache.clear(session) == 1


def test_the_lookup_brings_the_user_and_what_decides_access_to_the_review(make, session):
    review = make.review_in(Phase.FIELDWORK)
    member = review.team[0]
    outsider = make.inspector()
    session.commit()
    ids = {"review": review.id, "member": member.user_id, "outsider": outsider.id}
    authority_id, role = review.authority_id, member.role
    scopes = page_cache.review_scopes(ids["review"])
    session.expunge_all()

    def lookup(user_id: int, review_id: int | None) -> page_cache.Lookup | None:
        return page_cache.lookup(session, user_id, "k" * 64, scopes, day="d", review_id=review_id)

    found = lookup(ids["member"], ids["review"])
    assert found.user is session.get(page_cache.User, ids["member"])  # in the session
    assert found.review == page_cache.ReviewFacts(authority_id, Phase.FIELDWORK.value, role)
    assert lookup(ids["outsider"], ids["review"]).review.role is None
    assert lookup(ids["outsider"], ids["review"] + 1000).review is None
    assert lookup(ids["outsider"], None).review is None
    assert lookup(ids["outsider"] + 1000, ids["review"]) is None


def test_a_lookup_before_any_transaction_is_read_outside_one(make, session):
    """As when Flask-Login loads the user: the statement runs in autocommit (no BEGIN or
    ROLLBACK), no transaction is left begun, the user stays loaded, and what comes next
    begins an ordinary transaction that can write."""
    user_id = make.inspector(name="Kept Reader").id
    session.commit()
    session.close()
    own = session()  # the session itself, as Flask-Login's loader is given it
    assert not own.in_transaction()
    isolation: list[str | None] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        isolation.append(conn.get_execution_options().get("isolation_level"))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        found = page_cache.lookup(own, user_id, "k" * 64, [SHARED], day="d")
        assert not own.in_transaction()
        assert found.user.name == "Kept Reader"  # still loaded: no statement
        page_cache.keep_page(session, "k" * 64, found.kept.stamp, b"<p>kept</p>")
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert isolation == ["AUTOCOMMIT", None]  # the lookup; the page kept, in a transaction
    session.rollback()  # an ordinary transaction: the write is undone
    assert page_cache.lookup(session, user_id, "k" * 64, [SHARED], day="d").kept.html is None


def test_a_savepoint_leaves_the_generations_to_its_transaction(make, session):
    """Written at a savepoint, a generation would be locked (on PostgreSQL) for the rest of
    the transaction; it is written once, when the transaction commits."""
    review = make.review_in(Phase.FIELDWORK)
    session.commit()
    before = generations(session)
    savepoint = session.begin_nested()
    session.add(evidence(review.id, "Panel notes"))
    savepoint.commit()
    assert generations(session) == before  # not even inside the transaction, yet
    session.commit()
    assert changed(before, generations(session)) == {review_scope(review.id), PROGRAMME}


def test_on_postgresql_a_kept_page_is_fetched_in_binary_format(make, session):
    """``bytea`` in the text format is hexadecimal: twice the size, and slow to decode."""
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("PostgreSQL's result formats")
    from psycopg import pq

    user_id = make.inspector().id
    session.commit()
    formats: list[pq.Format] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        formats.append(cursor.format)

    event.listen(db.engine, "after_cursor_execute", record)
    try:
        page_cache.lookup(session, user_id, "k" * 64, [SHARED], day="d")
        session.execute(text("SELECT 1"))
    finally:
        event.remove(db.engine, "after_cursor_execute", record)
    assert formats == [pq.Format.BINARY, pq.Format.TEXT]
