"""/healthz: the database and the evidence store are checked; a failure names itself."""

from __future__ import annotations

from pathlib import Path

from inspect_app.extensions import db
from tests.conftest import make_app


def health(app):
    with app.app_context():
        response = app.test_client().get("/healthz")
        db.session.remove()
        db.engine.dispose()
    return response.status_code, response.get_json()


def test_healthy_when_the_database_answers_and_the_store_takes_a_file(database_url, tmp_path):
    app = make_app(database_url, tmp_path)
    store = Path(app.config["EVIDENCE_DIR"])
    store.mkdir()
    assert health(app) == (200, {"status": "ok", "database": "ok", "evidence_store": "ok"})
    assert [p for p in store.rglob("*") if p.is_file()] == []  # the probe file is removed


def test_an_unreachable_database_is_named(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'no-such-folder' / 'jar.sqlite'}", tmp_path)
    Path(app.config["EVIDENCE_DIR"]).mkdir()
    status, body = health(app)
    assert status == 503
    assert body == {
        "status": "error",
        "database": "unreachable",
        "evidence_store": "ok",
        "failing": ["database"],
    }


def test_a_missing_evidence_store_is_named(database_url, tmp_path):
    app = make_app(database_url, tmp_path, EVIDENCE_DIR=str(tmp_path / "not-mounted"))
    status, body = health(app)
    assert status == 503
    assert body["evidence_store"] == "missing" and body["failing"] == ["evidence_store"]
    assert body["database"] == "ok"


def test_an_evidence_store_that_cannot_be_written_is_named(database_url, tmp_path):
    app = make_app(database_url, tmp_path)
    store = Path(app.config["EVIDENCE_DIR"])
    store.mkdir()
    (store / "tmp").write_text("a file where the store's folder should be")  # fails even as root
    status, body = health(app)
    assert (status, body["evidence_store"], body["failing"]) == (
        503,
        "not writable",
        ["evidence_store"],
    )
