"""Configuration: defaults, then ``INSPECT_*`` environment variables, then overrides.

Every setting can be given as an environment variable with the ``INSPECT_``
prefix, e.g. ``INSPECT_DATABASE_URL`` or ``INSPECT_SECRET_KEY``. Values are
parsed as JSON where they look like JSON (``INSPECT_MAX_UPLOAD_MB=20``).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ConfigurationError(RuntimeError):
    """The application cannot start with the configuration it was given."""


def default_settings(app: Flask) -> dict[str, Any]:
    return {
        "ENV_NAME": "development",
        "DATABASE_URL": f"sqlite:///{Path(app.instance_path) / 'jar-workbench.sqlite'}",
        "SECRET_KEY": None,
        "EVIDENCE_DIR": str(PROJECT_ROOT / "evidence"),
        "RUBRICS_DIR": str(PROJECT_ROOT / "rubrics"),
        "MAX_UPLOAD_MB": 50,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "WTF_CSRF_TIME_LIMIT": None,
        "RATELIMIT_STORAGE_URI": "memory://",
        "RATELIMIT_ENABLED": True,
        "SIGN_IN_RATE_LIMIT": "10 per minute",
        "SQLALCHEMY_TRACK_MODIFICATIONS": False,
        # Operations: idle session expiry, sign-in lockout, logs, evidence sweep, backups.
        "PERMANENT_SESSION_LIFETIME": 8 * 3600,  # seconds without a request
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "SIGN_IN_MAX_FAILURES": 5,
        "SIGN_IN_LOCKOUT_MINUTES": 15,
        "LOG_FORMAT": None,  # json in production, text otherwise
        "LOG_LEVEL": "INFO",
        "EVIDENCE_SWEEP_GRACE_MINUTES": 60,
        "PG_BIN_DIR": None,  # where pg_dump and pg_restore are (default: found)
        # Keep the heavier pages, per user, until the data they show changes (web/page_cache.py).
        "PAGE_CACHE": True,
    }


def configure(app: Flask, overrides: dict[str, Any] | None = None) -> None:
    """Load settings onto ``app.config`` in order: defaults, environment, overrides."""
    app.config.from_mapping(default_settings(app))
    app.config.from_prefixed_env("INSPECT")
    if overrides:
        app.config.from_mapping(overrides)
    env_name = os.environ.get("INSPECT_ENV", app.config["ENV_NAME"])
    app.config["ENV_NAME"] = env_name

    if env_name == "production":
        missing = [
            name
            for name in ("SECRET_KEY", "DATABASE_URL")
            if not app.config.get(name) or _is_default(app, name)
        ]
        if missing:
            wanted = ", ".join(f"INSPECT_{name}" for name in missing)
            raise ConfigurationError(f"INSPECT_ENV=production needs {wanted} to be set.")
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
    elif not app.config.get("SECRET_KEY"):
        # Development only: a key that changes on every start signs everybody out.
        app.config["SECRET_KEY"] = secrets.token_hex(32)

    if app.config.get("LOG_FORMAT") is None:
        app.config["LOG_FORMAT"] = "json" if env_name == "production" else "text"
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(app.config["DATABASE_URL"])
    app.config["MAX_CONTENT_LENGTH"] = None  # uploads are streamed and checked per file


def _is_default(app: Flask, name: str) -> bool:
    if name == "DATABASE_URL":
        return (
            f"INSPECT_{name}" not in os.environ and app.config[name] == default_settings(app)[name]
        )
    return False


def normalise_database_url(url: str) -> str:
    """Accept ``postgres://`` and ``postgresql://`` and use the psycopg 3 driver."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url
