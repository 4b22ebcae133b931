"""Structured logs: a line per request with its id, user, method, path, status and time."""

from __future__ import annotations

import json
import re

import pytest

from inspect_app import create_app
from inspect_app.config import ConfigurationError
from inspect_app.extensions import db
from tests.conftest import IsolatedClient, make_app
from tests.factories import PASSWORD


@pytest.fixture
def json_app(database_url, tmp_path):
    app = make_app(database_url, tmp_path, LOG_FORMAT="json", PROPAGATE_EXCEPTIONS=False)

    @app.get("/test-only/boom")
    def boom():
        raise RuntimeError("a bug, for the log")

    app.test_client_class = IsolatedClient
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def request_lines(text: str) -> list[dict]:
    return [e for e in json_lines(text) if e["logger"] == "inspect_app.request"]


def test_every_request_is_logged_as_json_with_the_incoming_request_id(json_app, capsys):
    response = json_app.test_client().get(
        "/sign-in?next=/reviews/1&q=secret", headers={"X-Request-ID": "lb-7f3a-0001"}
    )
    assert response.headers["X-Request-ID"] == "lb-7f3a-0001"
    [line] = request_lines(capsys.readouterr().err)
    assert line["request_id"] == "lb-7f3a-0001"
    assert (line["method"], line["path"], line["status"]) == ("GET", "/sign-in", 200)
    assert line["level"] == "INFO" and line["message"] == "GET /sign-in 200"
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", line["timestamp"])
    assert "user_id" not in line
    assert "secret" not in json.dumps(line)  # query strings are not logged


@pytest.mark.parametrize("given", ["", "has spaces", "<script>", "x" * 129, 'ok"}{"forged": 1'])
def test_an_unusable_request_id_is_replaced(json_app, capsys, given):
    response = json_app.test_client().get("/sign-in", headers={"X-Request-ID": given})
    made = response.headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    [line] = request_lines(capsys.readouterr().err)
    assert line["request_id"] == made


def test_the_signed_in_user_is_logged(make, json_app, capsys):
    user = make.inspector()
    make.session.commit()
    client = json_app.test_client()
    client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    client.get("/")
    sign_in, dashboard = request_lines(capsys.readouterr().err)
    assert (sign_in["method"], sign_in["status"], sign_in["user_id"]) == ("POST", 302, user.id)
    assert (dashboard["path"], dashboard["user_id"]) == ("/", user.id)
    assert sign_in["request_id"] != dashboard["request_id"]


def test_an_error_is_logged_with_its_request_id_and_traceback(json_app, capsys):
    response = json_app.test_client().get("/test-only/boom")
    assert response.status_code == 500
    rid = response.headers["X-Request-ID"]
    lines = [e for e in json_lines(capsys.readouterr().err) if e.get("request_id") == rid]
    error = next(e for e in lines if e["level"] == "ERROR")
    assert "RuntimeError: a bug, for the log" in error["exception"]
    assert error["path"] == "/test-only/boom"
    assert lines[-1]["status"] == 500


def test_text_is_the_default_outside_production(database_url, tmp_path, capsys):
    app = make_app(database_url, tmp_path)
    assert app.config["LOG_FORMAT"] == "text"
    with app.app_context():
        response = app.test_client().get("/sign-in", headers={"X-Request-ID": "abc-1"})
        db.engine.dispose()
    err = capsys.readouterr().err
    assert response.headers["X-Request-ID"] == "abc-1"
    assert re.search(r"Z INFO inspect_app\.request \[abc-1\] GET /sign-in 200", err)


def test_json_is_the_default_in_production(monkeypatch, tmp_path):
    monkeypatch.setenv("INSPECT_ENV", "production")
    monkeypatch.setenv("INSPECT_SECRET_KEY", "p" * 64)
    monkeypatch.setenv("INSPECT_DATABASE_URL", f"sqlite:///{tmp_path / 'prod.sqlite'}")
    monkeypatch.delenv("INSPECT_LOG_FORMAT", raising=False)
    assert create_app().config["LOG_FORMAT"] == "json"
    monkeypatch.setenv("INSPECT_LOG_FORMAT", "text")
    assert create_app().config["LOG_FORMAT"] == "text"


def test_an_unknown_log_format_is_refused(database_url, tmp_path):
    with pytest.raises(ConfigurationError, match="INSPECT_LOG_FORMAT must be one of json, text"):
        make_app(database_url, tmp_path, LOG_FORMAT="xml")
