"""Count the SQL statements a block of code issues."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from inspect_app.extensions import db
from inspect_app.services import page_cache


def forget_kept_pages() -> None:
    """Empty the page cache, leaving what the test has loaded loaded (counting would
    otherwise count it being loaded again)."""
    page_cache.clear(db.session)
    page_cache.commit_keeping_loaded(db.session())


@contextmanager
def count_queries(*, cold: bool = True) -> Iterator[list[str]]:
    """Record the statements issued inside the block. ``cold``: forget every kept page
    first, so a page is measured as rendered, not as served from the page cache (the
    bound that matters; tests/routes/test_page_cache.py measures cache hits)."""
    if cold:
        forget_kept_pages()
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)
