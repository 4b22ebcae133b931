"""Test databases: migrate once, then give every test its own fresh copy.

SQLite (default): the migrated template file is copied per test.
PostgreSQL (``INSPECT_TEST_DATABASE_URL=postgresql://user@host:port/postgres``): the
migrated template database is cloned per test with ``CREATE DATABASE … TEMPLATE``.
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
    def fresh(self) -> Iterator[str]:
        path = self.root / f"test-{next(_counter)}.sqlite"
        shutil.copyfile(self.template, path)
        try:
            yield f"sqlite:///{path}"
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)


class PostgresDatabases:
    def __init__(self, admin_url: str) -> None:
        self.admin_url = make_url(admin_url)
        self.prefix = f"jar_test_{os.getpid()}"
        self.template = f"{self.prefix}_template"
        self.admin = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{self.template}"'))
            conn.execute(text(f'CREATE DATABASE "{self.template}"'))
        migrate(self._url(self.template))

    def _url(self, name: str) -> str:
        return self.admin_url.set(database=name).render_as_string(hide_password=False)

    @contextmanager
    def fresh(self) -> Iterator[str]:
        name = f"{self.prefix}_{next(_counter)}"
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"'))
        try:
            yield self._url(name)
        finally:
            with self.admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def close(self) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)'))
        self.admin.dispose()
