"""The shared page cache: which data a change touches, and pages kept until it changes.

Most requests for a review's heavier pages (its overview, evidence list, reconciliation and
calibration) and for the national view follow no change at all: inspectors reload, go back
and forth, and several people look at the same review. A page is rendered once per user and
kept in the database (:class:`~inspect_app.models.CachedPage`), shared by every worker and
host, for as long as the data it shows is unchanged.

**Generations.** Data falls into scopes: one review's (``review:<id>``: its team, evidence,
grades, report...), the data every review shows (``shared``: people, authorities, rubrics,
indicators) and the whole programme (``programme``: any change at all). Each scope has a
generation token (:class:`~inspect_app.models.CacheGeneration`). Listeners on every ORM
session see what each flush writes; just before the transaction commits, the tokens of the
scopes it touched are replaced **in the same transaction**, so a page is never served as
current once the change it does not show is committed. A page is stored under the stamp
(the tokens) read *before* it was rendered: if a change lands while it is rendered, the
page is stored under a stamp that is already out of date and never served.

**Classification.** Every table is classified once below, and a test checks that no table
is left out: a table with a ``review_id`` column, or in :data:`REVIEW_VIA`, belongs to a
review; :data:`SHARED_TABLES` to every review; :data:`IGNORED_TABLES` change nothing any
cached page shows (each says why). An unclassified table, or a bulk statement whose rows
cannot be traced to one review, changes everything: the cache errs towards rendering again.

No Flask here: the web layer (:mod:`inspect_app.web.page_cache`) decides what to cache.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import (
    Delete,
    Insert,
    Integer,
    Select,
    String,
    Update,
    column,
    delete,
    event,
    inspect,
    select,
    text,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction, scoped_session
from sqlalchemy.sql.elements import TextClause

from inspect_app.database import BINARY_RESULTS
from inspect_app.extensions import db
from inspect_app.models import CachedPage, CacheGeneration, Review, User

SHARED = "shared"
PROGRAMME = "programme"
# Pages older than this are forgotten whenever anything is written.
PAGE_MAX_AGE = timedelta(hours=24)

# Tables without a review_id column whose rows belong to a review: the relationship to
# follow to a row that has one.
REVIEW_VIA: dict[str, str] = {
    "agreed_grade_revision": "agreed_grade",
    "area_assignment": "member",
    "evidence_file": "item",
    "evidence_link": "item",
    "grade_revision": "grade",
    "report_section_revision": "section",
    "self_evaluation_entry": "self_evaluation",
    "tracked_case_contact": "case",
    "tracked_case_finding": "case",
}
# Association tables of a review's rows, changed only through their parent's collection
# (grade_evidence: a grade revision's evidence), which the parent's change already covers.
REVIEW_ASSOCIATIONS = frozenset({"grade_evidence"})

# Shown on every review's pages and the national view.
SHARED_TABLES = frozenset(
    {
        "authority",
        "authority_neighbour",
        "indicator",
        "indicator_import",
        "indicator_value",
        "judgement_area",
        "key_judgement",
        "rubric",
        "user_account",
    }
)

IGNORED_TABLES: dict[str, str] = {
    "alembic_version": "the schema's revision, changed only by migrations",
    "api_token": "shown only on the profile page, never cached; its last use is written on "
    "every API call",
    "cache_generation": "the cache's own generations",
    "cached_page": "the cache itself",
    "evidence_blob": "written only together with an evidence file, which changes its review",
    "evidence_search": "an evidence item's search row, written only together with the item; "
    "searches with words are never cached",
    "sign_in_failure": "failed sign-ins, for the lockout; no page shows them",
}
# Columns whose change alone shows on no cached page.
IGNORED_COLUMNS: dict[str, frozenset[str]] = {
    "user_account": frozenset({"last_signed_in_at", "password_hash"}),
}

_PENDING = "page_cache.pending_scopes"
_DML_TABLE = re.compile(
    r"^\s*(?:insert\s+(?:or\s+\w+\s+)?into|update|delete\s+from)\s+\"?(\w+)", re.IGNORECASE
)


def review_scope(review_id: int) -> str:
    return f"review:{review_id}"


def review_scopes(review_id: int) -> list[str]:
    """The scopes a page of one review depends on."""
    return [review_scope(review_id), SHARED]


@cache
def table_kind(name: str) -> str:
    """``review``, ``shared``, ``ignored`` or ``unknown`` for a table name (worked out once
    per name: it is asked for every row of every flush)."""
    if name in IGNORED_TABLES:
        return "ignored"
    if name in SHARED_TABLES:
        return "shared"
    if name in REVIEW_VIA or name in REVIEW_ASSOCIATIONS or name == "review":
        return "review"
    table = db.metadata.tables.get(name)
    if table is not None and "review_id" in table.c:
        return "review"
    return "unknown"


# ---------------------------------------------------------------------------
# What a change touches
# ---------------------------------------------------------------------------


def _review_id_of(obj: Any) -> int | None:
    if isinstance(obj, Review):
        return obj.id
    if hasattr(obj, "review_id"):
        return obj.review_id
    parent_name = REVIEW_VIA.get(obj.__table__.name)
    parent = getattr(obj, parent_name, None) if parent_name else None
    return _review_id_of(parent) if parent is not None else None


def _only_ignored_columns_changed(obj: Any, table: str) -> bool:
    ignored = IGNORED_COLUMNS.get(table)
    if not ignored:
        return False
    changed = {attr.key for attr in inspect(obj).attrs if attr.history.has_changes()}
    return changed <= ignored


def scopes_for_row(obj: Any, *, modified: bool = False) -> set[str]:
    """The scopes a new, changed (``modified``) or deleted ORM object touches."""
    table = getattr(obj, "__table__", None)
    name = table.name if table is not None else ""
    kind = table_kind(name)
    if kind == "ignored":
        return set()
    if modified and _only_ignored_columns_changed(obj, name):
        return set()
    if kind == "shared":
        return {SHARED, PROGRAMME}
    if kind == "review":
        review_id = _review_id_of(obj)
        if review_id is not None:
            return {review_scope(review_id), PROGRAMME}
        if table is not None and "review_id" in table.c:
            return {PROGRAMME}  # a row of no review, e.g. an audit event about a user
    return {SHARED, PROGRAMME}


def scopes_for_statement(statement: Any) -> set[str]:
    """The scopes a bulk statement (Core or ORM INSERT/UPDATE/DELETE, or textual SQL)
    touches. Its rows are not traced to reviews: a review table's statement touches all."""
    if isinstance(statement, (Insert, Update, Delete)):
        name = statement.table.name
    elif isinstance(statement, TextClause):
        match = _DML_TABLE.match(statement.text)
        if match is None:
            return set()  # a SELECT, PRAGMA or the like
        name = match.group(1).lower()
    else:
        return set()
    if table_kind(name) == "ignored":
        return set()
    return {SHARED, PROGRAMME}


def _pending(session: Session) -> set[str]:
    return session.info.setdefault(_PENDING, set())


def _after_flush(session: Session, flush_context: Any) -> None:
    scopes = _pending(session)
    with session.no_autoflush:
        for obj in session.new:
            scopes |= scopes_for_row(obj)
        for obj in session.deleted:
            scopes |= scopes_for_row(obj)
        for obj in session.dirty:
            if session.is_modified(obj, include_collections=True):
                scopes |= scopes_for_row(obj, modified=True)


def _do_orm_execute(state: ORMExecuteState) -> None:
    if state.is_select:
        return
    scopes = scopes_for_statement(state.statement)
    if scopes:
        _pending(state.session).update(scopes)


def _before_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint: the generations are written when the transaction commits
    session.flush()  # collect this commit's last changes (the commit would flush them next)
    scopes = session.info.pop(_PENDING, None)
    if scopes:
        bump(session, scopes)


def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_PENDING, None)


def track_changes(target: Any) -> None:
    """Listen to every session made by ``target`` (a Session class, sessionmaker or
    scoped_session). Safe to call more than once."""
    for name, listener in (
        ("after_flush", _after_flush),
        ("do_orm_execute", _do_orm_execute),
        ("before_commit", _before_commit),
        ("after_transaction_end", _after_transaction_end),
    ):
        if not event.contains(target, name, listener):
            event.listen(target, name, listener)


# ---------------------------------------------------------------------------
# Generations and pages
# ---------------------------------------------------------------------------


def _upsert(session: Session, table: Any, key: str, values: list[dict[str, Any]]) -> None:
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(table)
    updated = {c: statement.excluded[c] for c in values[0] if c != key}
    session.execute(statement.on_conflict_do_update(index_elements=[key], set_=updated), values)


def bump(session: Session, scopes: Iterable[str]) -> None:
    """Give each scope a new generation, in the session's transaction, and forget pages
    older than :data:`PAGE_MAX_AGE` (so the table holds about a day of pages). Scopes are
    written in one order, so two transactions never wait for each other's in a cycle."""
    rows = [{"scope": scope, "token": secrets.token_hex(16)} for scope in sorted(scopes)]
    if rows:
        _upsert(session, CacheGeneration.__table__, "scope", rows)
        cutoff = datetime.now(UTC) - PAGE_MAX_AGE
        session.execute(delete(CachedPage).where(CachedPage.stored_at < cutoff))


@cache
def _stamp_sql(scope_count: int) -> str:
    """SQL for the stamp — ``day|scope=token|scope=token``, ``-`` for a scope never
    written — worked out by the database from ``:day``, ``:scope0``, ``:scope1``…"""
    parts = ["CAST(:day AS TEXT)"]
    for i in range(scope_count):
        parts.append(
            # Only numbered placeholders go into the text; every value is a bound parameter.
            f"'|' || CAST(:scope{i} AS TEXT) || '=' || COALESCE("  # noqa: S608
            f"(SELECT token FROM cache_generation WHERE scope = :scope{i}), '-')"
        )
    return " || ".join(parts)


# Written as SQL once rather than built per request: a kept page is served in about a
# millisecond, and building these statements with the expression language cost as much.
_KEPT_JOIN = (
    "LEFT OUTER JOIN cached_page "
    'ON cached_page."key" = :key AND cached_page.stamp = kept_stamp.stamp '
)
_REVIEW_JOINS = (
    "LEFT OUTER JOIN review ON review.id = :review_id "
    "LEFT OUTER JOIN team_member "
    "ON team_member.review_id = review.id AND team_member.user_id = user_account.id "
)


@cache
def _lookup_statement(scope_count: int, of_review: bool) -> Select:
    """The user's row (as a :class:`User`, so the session knows it), the stamp of
    ``scope_count`` scopes, the page kept under ``:key`` if current, and — for a page of
    a review — the review's authority and phase and the user's role on its team."""
    users = User.__table__
    facts = (
        "review.authority_id, review.phase, team_member.role" if of_review else "NULL, NULL, NULL"
    )
    statement = text(
        f"WITH kept_stamp AS (SELECT {_stamp_sql(scope_count)} AS stamp) "  # noqa: S608
        f"SELECT {', '.join(f'user_account.{c.name}' for c in users.columns)}, {facts}, "
        "kept_stamp.stamp, cached_page.html, cached_page.holes_end "
        f"FROM user_account CROSS JOIN kept_stamp {_KEPT_JOIN}"
        f"{_REVIEW_JOINS if of_review else ''}"
        "WHERE user_account.id = :user_id"
    ).columns(
        *users.columns,  # positional: matched to the result by position, not by name
        column("authority_id", Integer),
        column("phase", String),
        column("role", String),
        column("stamp", String),
        column("html", CachedPage.__table__.c.html.type),
        column("holes_end", Integer),
    )
    extra = list(statement.selected_columns)[-6:]
    # The page comes in binary format on PostgreSQL, as the bytes it is sent as.
    options = {BINARY_RESULTS: True}
    return select(User, *extra).from_statement(statement).execution_options(**options)


def _scope_params(scopes: list[str]) -> dict[str, str]:
    return {f"scope{i}": scope for i, scope in enumerate(scopes)}


@dataclass(frozen=True)
class Kept:
    """What a lookup found: the current stamp, and the page kept under it (None if none)."""

    stamp: str
    html: bytes | None = None
    holes_end: int = 0


@dataclass(frozen=True)
class ReviewFacts:
    """What deciding access to a review needs, read with its pages' stamp."""

    authority_id: int
    phase: str
    role: str | None  # the user's role on the review's team; None if not on it


@dataclass(frozen=True)
class Lookup:
    """One request's lookup: who it was for, under which key, what was found."""

    user: User
    key: str
    kept: Kept
    review: ReviewFacts | None = None  # for a page of a review; None if there is no such review


def lookup(
    session: Session,
    user_id: int,
    key: str,
    scopes: list[str],
    *,
    day: str,
    review_id: int | None = None,
) -> Lookup | None:
    """The user (loaded into ``session``), the current stamp of ``scopes``, the page kept
    under ``key`` if it was rendered under that stamp, and with ``review_id`` the facts
    that decide access to that review. None if there is no such user. The page is the
    caller's to withhold.

    One statement. Asked before the session has begun a transaction (as it is when
    Flask-Login loads the user), it is read on its own, outside one: a kept page is then
    served on a single round trip to the database, with no ``BEGIN`` or ``ROLLBACK``. One
    statement sees one snapshot of the data, so nothing is lost by it."""
    params = {"day": day, "key": key, "user_id": user_id, **_scope_params(scopes)}
    if review_id is not None:
        params["review_id"] = review_id
    statement = _lookup_statement(len(scopes), review_id is not None)
    row = _read_alone(session, statement, params)
    if row is None:
        return None
    user, authority_id, phase, role, current, html, holes_end = row
    kept = Kept(current, html, holes_end or 0)
    facts = ReviewFacts(authority_id, phase, role) if authority_id is not None else None
    return Lookup(user, key, kept, facts)


def _read_alone(session: Session, statement: Select, params: dict[str, Any]) -> Any:
    """The first row of ``statement``, read outside a transaction if none has begun (the
    objects it loads stay loaded), else in the current one."""
    if isinstance(session, scoped_session):
        session = session()
    if session.in_transaction():
        return session.execute(statement, params).first()
    session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    try:
        row = session.execute(statement, params).first()
    except BaseException:
        session.rollback()
        raise
    # Nothing was begun, so this sends nothing: it gives the connection back, and the next
    # statement begins an ordinary transaction on one.
    commit_keeping_loaded(session)
    return row


def keep_page(
    session: Session, key: str, page_stamp: str, html: bytes, *, holes_end: int = 0
) -> None:
    """Keep a page, replacing the user's older copy of it. ``holes_end``: where the last
    per-request placeholder in it ends."""
    row = {
        "key": key,
        "stamp": page_stamp,
        "html": html,
        "holes_end": holes_end,
        "stored_at": datetime.now(UTC),
    }
    _upsert(session, CachedPage.__table__, "key", [row])


def commit_keeping_loaded(session: Session) -> None:
    """Commit a transaction that wrote only the cache, leaving what the session has loaded
    loaded: nothing it holds changed, so reading it again (the user, for the request log)
    would be wasted queries."""
    expire_on_commit, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expire_on_commit


def clear(session: Session) -> int:
    """Forget every kept page (``flask cache clear``). Returns how many there were."""
    result = session.execute(delete(CachedPage))
    return result.rowcount or 0
