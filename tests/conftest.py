"""Shared fixtures: an app on a fresh migrated database per test, a client, factories."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from inspect_app import create_app
from inspect_app.config import PROJECT_ROOT
from inspect_app.domain.rubric import RubricSpec
from inspect_app.domain.rubric_validation import load_rubric_file
from inspect_app.extensions import db
from inspect_app.services.passwords import use_fast_hashing_for_tests
from tests.databases import PostgresDatabases, SQLiteDatabases, postgres_admin_url
from tests.factories import Factory
from tests.pages import Pages

use_fast_hashing_for_tests()


@pytest.fixture(scope="session")
def databases(tmp_path_factory: pytest.TempPathFactory):
    admin_url = postgres_admin_url()
    if admin_url:
        dbs = PostgresDatabases(admin_url)
        yield dbs
        dbs.close()
    else:
        yield SQLiteDatabases(tmp_path_factory.mktemp("databases"))


@pytest.fixture
def database_url(databases) -> Iterator[str]:
    with databases.fresh() as url:
        yield url


def make_app(database_url: str, tmp_path: Path, **overrides) -> Flask:
    config = {
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret-key",
        "TESTING": True,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "EVIDENCE_DIR": str(tmp_path / "evidence"),
    }
    config.update(overrides)
    return create_app(config)


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    app = make_app(database_url, tmp_path)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def session(app: Flask):
    return db.session


class IsolatedClient(FlaskClient):
    """Each request runs in its own app context, with its own database session and ``g``,
    as in production, rather than sharing the test's context."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    app.test_client_class = IsolatedClient
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


@pytest.fixture(scope="session")
def rubric_specs() -> dict[str, RubricSpec]:
    return {
        spec.key: spec
        for spec in (load_rubric_file(p) for p in sorted((PROJECT_ROOT / "rubrics").glob("*.yaml")))
    }


@pytest.fixture
def make(session, rubric_specs) -> Factory:
    return Factory(session, rubric_specs)


@pytest.fixture
def pages(client: FlaskClient) -> Pages:
    return Pages(client)
