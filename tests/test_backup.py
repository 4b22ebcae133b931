"""`flask backup create|restore`: a restore into an empty instance gives back every row and
every evidence file, byte for byte; a tampered backup is refused, naming the file."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, inspect, select, text

from inspect_app.domain.inspectorates import Inspectorate
from inspect_app.domain.phases import Phase
from inspect_app.extensions import db
from inspect_app.models import AuditEvent, Review
from inspect_app.services import backup as service
from tests.conftest import make_app
from tests.evidence_helpers import add, docx_bytes, pdf_bytes


def table_counts() -> dict[str, int]:
    """Rows in every table of the current app's database, counted here, not by the service."""
    with db.engine.connect() as conn:
        names = [n for n in inspect(conn).get_table_names() if not n.startswith("sqlite_")]
        count = 'SELECT count(*) FROM "{}"'
        return {n: conn.execute(text(count.format(n))).scalar_one() for n in names}


def file_hashes(root: Path) -> dict[str, str]:
    """relative path -> SHA-256 of every evidence blob under ``root``."""
    blobs = root / "sha256"
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(blobs.rglob("*"))
        if p.is_file()
    } if blobs.exists() else {}  # fmt: skip


@pytest.fixture
def world(make, app):
    """A review past its self-assessment, with files of several kinds, one restricted."""
    review = make.review_in(Phase.ANALYSIS)
    inspector = review.lead_inspector.user
    add(make.session, review, inspector, {"minutes.pdf": pdf_bytes("Partnership minutes")})
    add(
        make.session,
        review,
        make.inspector(Inspectorate.CSCI),
        {"plan.docx": docx_bytes(), "notes.txt": b"Visit notes, Northmere family centre.\n"},
        title="Family centre visit",
        restricted=True,
    )
    make.session.commit()
    return review


@pytest.fixture
def blank_app(databases, tmp_path) -> Iterator[Flask]:
    """A new instance: a database with nothing in it and an empty evidence folder."""
    with databases.blank() as url:
        target = make_app(url, tmp_path / "target")
        yield target
        with target.app_context():
            db.session.remove()
            db.engine.dispose()


def run(app: Flask, *args: str):
    """Run a command against ``app`` (in its own context: the test's may be another app's)."""
    with app.app_context():
        return app.test_cli_runner().invoke(args=list(args))


def test_restore_into_an_empty_instance_gives_back_every_row_and_file(
    world, app, blank_app, tmp_path
):
    review_id, review_reference = world.id, world.reference
    before = table_counts()
    source_files = file_hashes(Path(app.config["EVIDENCE_DIR"]))
    assert len(source_files) >= 4  # the self-evaluation workbook and three uploads
    backup_dir = tmp_path / "backup"

    result = run(app, "backup", "create", str(backup_dir))
    assert result.exit_code == 0, result.output

    manifest = json.loads((backup_dir / "manifest.json").read_text())
    assert manifest["database"]["dialect"] == db.engine.dialect.name
    assert manifest["alembic_revision"] == db.session.scalar(
        text("SELECT version_num FROM alembic_version")
    )
    assert manifest["app_version"] and manifest["created_at"].endswith("Z")
    assert manifest["tables"] == before
    dump = backup_dir / manifest["database"]["file"]
    assert manifest["database"]["sha256"] == hashlib.sha256(dump.read_bytes()).hexdigest()
    assert {k.removeprefix("evidence/"): v["sha256"] for k, v in manifest["files"].items()} == (
        source_files
    )
    # the backup itself was recorded, after the snapshot
    assert table_counts()["audit_event"] == before["audit_event"] + 1

    result = run(blank_app, "backup", "restore", str(backup_dir))
    assert result.exit_code == 0, result.output
    assert "match the manifest" in result.output

    with blank_app.app_context():
        after = table_counts()
        last = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        reference = db.session.scalar(select(Review.reference).where(Review.id == review_id))
    assert last.action == "backup.restored"  # a new row: the sequences were restored too
    assert after == {**before, "audit_event": before["audit_event"] + 1}
    assert reference == review_reference
    assert file_hashes(Path(blank_app.config["EVIDENCE_DIR"])) == source_files


@pytest.mark.parametrize("tampering", ["evidence changed", "database changed", "file removed",
                                       "file added"])  # fmt: skip
def test_a_tampered_backup_is_refused_naming_the_file(world, app, blank_app, tmp_path, tampering):
    backup_dir = tmp_path / "backup"
    assert run(app, "backup", "create", str(backup_dir)).exit_code == 0
    manifest = json.loads((backup_dir / "manifest.json").read_text())
    evidence_file = sorted(manifest["files"])[0]
    if tampering == "evidence changed":
        named = evidence_file
        path = backup_dir / named
        path.write_bytes(path.read_bytes()[:-1] + b"!")
    elif tampering == "database changed":
        named = manifest["database"]["file"]
        with (backup_dir / named).open("ab") as fh:
            fh.write(b"\0")
    elif tampering == "file removed":
        named = evidence_file
        (backup_dir / named).unlink()
    else:
        named = "evidence/sha256/00/00/extra"
        (backup_dir / named).parent.mkdir(parents=True)
        (backup_dir / named).write_bytes(b"slipped in")

    assert run(app, "backup", "verify", str(backup_dir)).exit_code == 1
    result = run(blank_app, "backup", "restore", str(backup_dir))
    assert result.exit_code == 1
    assert "has been changed or damaged, so nothing was restored" in result.output
    assert named in result.output
    with blank_app.app_context():
        assert inspect(db.engine).get_table_names() == []
    assert file_hashes(Path(blank_app.config["EVIDENCE_DIR"])) == {}


def test_restore_refuses_a_target_with_data_unless_forced(world, app, tmp_path):
    backup_dir = tmp_path / "backup"
    assert run(app, "backup", "create", str(backup_dir)).exit_code == 0
    manifest = json.loads((backup_dir / "manifest.json").read_text())
    db.session.add(AuditEvent(action="test.after_backup", summary="Made after the backup"))
    db.session.commit()
    db.session.remove()

    refused = run(app, "backup", "restore", str(backup_dir))
    assert refused.exit_code == 1
    assert "The target is not empty" in refused.output and "--force" in refused.output
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "test.after_backup"))
    db.session.remove()  # as a restore needs: no worker holding a transaction

    forced = run(app, "backup", "restore", "--force", str(backup_dir))
    assert forced.exit_code == 0, forced.output
    db.session.remove()
    counts = table_counts()
    assert counts == {**manifest["tables"], "audit_event": manifest["tables"]["audit_event"] + 1}
    assert not db.session.scalar(
        select(func.count()).where(AuditEvent.action == "test.after_backup")
    )


def test_a_backup_needs_a_new_or_empty_folder(world, app, tmp_path):
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "something").write_text("x")
    result = run(app, "backup", "create", str(tmp_path / "used"))
    assert result.exit_code == 1 and "is not an empty folder" in result.output


def test_a_backup_of_another_kind_of_database_is_refused(world, app, blank_app, tmp_path):
    backup_dir = tmp_path / "backup"
    assert run(app, "backup", "create", str(backup_dir)).exit_code == 0
    manifest_path = backup_dir / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    other = "postgresql" if manifest["database"]["dialect"] == "sqlite" else "sqlite"
    manifest["database"]["dialect"] = other
    manifest_path.write_text(json.dumps(manifest))
    result = run(blank_app, "backup", "restore", str(backup_dir))
    assert result.exit_code == 1 and f"This is a backup of a {other} database" in result.output


def test_missing_postgresql_tools_are_named(tmp_path):
    with pytest.raises(service.BackupError, match=r"pg_dump was not found in .*INSPECT_PG_BIN_DIR"):
        service.find_pg_tool("pg_dump", str(tmp_path))
