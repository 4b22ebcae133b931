"""Test databases: migrate once, then give every test its own fresh copy.

SQLite (default): the migrated template file is copied per test.
PostgreSQL (``INSPECT_TEST_DATABASE_URL=postgresql://user@host:port/postgres``): one
migrated database, emptied after each test.
"""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from inspect_app import create_app
from inspect_app.config import normalise_database_url

_counter = itertools.count()


def postgres_admin_url() -> str | None:
    url = os.environ.get("INSPECT_TEST_DATABASE_URL")
    return normalise_database_url(url) if url else None


def migrate(url: str) -> None:
    from flask_migrate import upgrade

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "migrate", "TESTING": True})
    with app.app_context():
        upgrade()
        from inspect_app.extensions import db

        db.engine.dispose()


class SQLiteDatabases:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.template = root / "template.sqlite"
        migrate(f"sqlite:///{self.template}")

    @contextmanager
    def blank(self) -> Iterator[str]:
        """A database with nothing in it, not even the schema (a new instance)."""
        path = self.root / f"blank-{next(_counter)}.sqlite"
        try:
            yield f"sqlite:///{path}"
        finally:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)

    @contextmanager
    def fresh(self) -> Iterator[str]:
        path = self.root / f"test-{next(_counter)}.sqlite"
        shutil.copyfile(self.template, path)
        try:
            yield f"sqlite:///{path}"
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)


class PostgresDatabases:
    """One migrated database for the whole run, emptied after every test.

    Emptying (TRUNCATE … RESTART IDENTITY) is much faster than creating a database per
    test. The audit log's append-only trigger is bypassed for this by running the
    truncation with ``session_replication_role = replica`` (the test server's superuser).
    """

    def __init__(self, admin_url: str) -> None:
        self.admin_url = make_url(admin_url)
        self.name = f"jar_test_{os.getpid()}"
        admin = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{self.name}"'))
        admin.dispose()
        self.url = self.admin_url.set(database=self.name).render_as_string(hide_password=False)
        migrate(self.url)
        self.engine = create_engine(self.url)
        with self.engine.connect() as conn:
            self.tables = [
                row[0]
                for row in conn.execute(
                    text(
                        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                        "AND tablename <> 'alembic_version'"
                    )
                )
            ]

    @contextmanager
    def fresh(self) -> Iterator[str]:
        try:
            yield self.url
        finally:
            self.empty()

    @contextmanager
    def blank(self) -> Iterator[str]:
        """A new database with nothing in it, not even the schema (a new instance)."""
        name = f"{self.name}_blank_{next(_counter)}"
        admin = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield self.admin_url.set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()

    def empty(self) -> None:
        names = ", ".join(f'"{t}"' for t in self.tables)
        with self.engine.begin() as conn:
            conn.execute(text("SET LOCAL session_replication_role = replica"))
            conn.execute(text("SET LOCAL lock_timeout = '10s'"))
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))

    def close(self) -> None:
        self.engine.dispose()
        admin = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        admin.dispose()
