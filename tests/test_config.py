from __future__ import annotations

import pytest

from inspect_app import create_app
from inspect_app.config import ConfigurationError, normalise_database_url


def test_production_refuses_to_start_without_secret_and_database(monkeypatch, tmp_path):
    monkeypatch.setenv("INSPECT_ENV", "production")
    monkeypatch.delenv("INSPECT_SECRET_KEY", raising=False)
    monkeypatch.delenv("INSPECT_DATABASE_URL", raising=False)
    with pytest.raises(ConfigurationError, match="INSPECT_SECRET_KEY, INSPECT_DATABASE_URL"):
        create_app()


def test_production_starts_with_both(monkeypatch, tmp_path):
    monkeypatch.setenv("INSPECT_ENV", "production")
    monkeypatch.setenv("INSPECT_SECRET_KEY", "a" * 64)
    monkeypatch.setenv("INSPECT_DATABASE_URL", f"sqlite:///{tmp_path / 'prod.sqlite'}")
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["ENV_NAME"] == "production"


def test_settings_come_from_prefixed_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("INSPECT_ENV", raising=False)
    monkeypatch.setenv("INSPECT_EVIDENCE_DIR", str(tmp_path / "store"))
    monkeypatch.setenv("INSPECT_MAX_UPLOAD_MB", "20")
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}"})
    assert app.config["EVIDENCE_DIR"] == str(tmp_path / "store")
    assert app.config["MAX_UPLOAD_MB"] == 20


def test_development_default_is_sqlite_in_the_instance_folder(monkeypatch):
    monkeypatch.delenv("INSPECT_ENV", raising=False)
    monkeypatch.delenv("INSPECT_DATABASE_URL", raising=False)
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith(f"sqlite:///{app.instance_path}")


def test_sqlite_runs_in_wal_mode_with_foreign_keys(app):
    from sqlalchemy import text

    from inspect_app.extensions import db

    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_database_urls_use_psycopg3(given, expected):
    assert normalise_database_url(given) == expected


@pytest.mark.parametrize(
    ("given", "missing"),
    [
        ({"INSPECT_SECRET_KEY": "b" * 64}, "INSPECT_DATABASE_URL"),
        ({"INSPECT_DATABASE_URL": "postgresql://jar@db.internal/jar"}, "INSPECT_SECRET_KEY"),
    ],
)
def test_production_refuses_to_start_without_either_one(monkeypatch, given, missing):
    monkeypatch.setenv("INSPECT_ENV", "production")
    monkeypatch.delenv("INSPECT_SECRET_KEY", raising=False)
    monkeypatch.delenv("INSPECT_DATABASE_URL", raising=False)
    for name, value in given.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigurationError) as refused:
        create_app()
    assert str(refused.value) == f"INSPECT_ENV=production needs {missing} to be set."
