"""`flask evidence sweep`: strays older than the grace period go, evidence files stay."""

from __future__ import annotations

import io
import os
import time
from pathlib import Path

from sqlalchemy import select

from inspect_app.domain.inspectorates import Inspectorate
from inspect_app.models import AuditEvent, Review
from inspect_app.services import evidence_sweep
from tests.evidence_helpers import add, pdf_bytes, stored_files
from tests.factories import evidence_store

HOURS = 3600


def _age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def _world(make):
    """A review with one evidence file, and three strays: an orphan blob, a partial upload
    and a file out of place, all two hours old; plus a fresh orphan (an upload in flight)."""
    review = make.review()
    inspector = make.inspector(Inspectorate.CSCI)
    item = add(make.session, review, inspector, {"minutes.pdf": pdf_bytes("Strategy minutes")})
    make.session.commit()
    store = evidence_store()
    kept = store.path_for(item.files[0].blob_sha256)
    orphan = store.store(io.BytesIO(b"uploaded, then the worker was killed"), max_bytes=1000).path
    fresh = store.store(io.BytesIO(b"an upload still in flight"), max_bytes=1000).path
    store.tmp_dir.mkdir(parents=True, exist_ok=True)
    partial = store.tmp_dir / "upload-abc123.part"
    partial.write_bytes(b"half a file")
    misplaced = store.blob_dir / "ab" / "stray.bin"
    misplaced.parent.mkdir(parents=True, exist_ok=True)
    misplaced.write_bytes(b"not a blob")
    readme = store.root / "README.md"
    readme.write_text("The evidence store.\n")
    for path in (kept, orphan, partial, misplaced, readme):
        _age(path, 2 * HOURS)
    return item, store, {"kept": kept, "orphan": orphan, "fresh": fresh, "partial": partial,
                         "misplaced": misplaced, "readme": readme}  # fmt: skip


def test_sweep_removes_strays_older_than_the_grace_period(make):
    _item, store, paths = _world(make)
    report = evidence_sweep.sweep(make.session, store, grace_minutes=60)
    make.session.commit()

    assert [f.path for f in report.unreferenced] == [paths["orphan"]]
    assert [f.path for f in report.partial] == [paths["partial"]]
    assert [f.path for f in report.out_of_place] == [paths["misplaced"]]
    assert [f.path for f in report.too_recent] == [paths["fresh"]]
    assert sorted(f.path for f in report.removed) == sorted(
        [paths["orphan"], paths["partial"], paths["misplaced"]]
    )
    assert report.missing == []
    remaining = set(stored_files())
    assert remaining == {paths["kept"], paths["fresh"], paths["readme"]}
    event = make.session.scalar(select(AuditEvent).where(AuditEvent.action == "evidence.swept"))
    assert event is not None and event.after["count"] == 3


def test_a_dry_run_reports_and_removes_nothing(make):
    _item, store, _paths = _world(make)
    before = set(stored_files())
    report = evidence_sweep.sweep(make.session, store, grace_minutes=60, dry_run=True)
    assert len(report.strays) == 3 and report.removed == []
    assert set(stored_files()) == before
    swept = select(AuditEvent).where(AuditEvent.action == "evidence.swept")
    assert make.session.scalar(swept) is None


def test_a_file_touched_again_is_left_alone(make):
    """An unreferenced blob reused by an identical upload just now is not removed."""
    _item, store, paths = _world(make)
    store.store(io.BytesIO(b"uploaded, then the worker was killed"), max_bytes=1000)
    report = evidence_sweep.sweep(make.session, store, grace_minutes=60)
    assert paths["orphan"].exists()
    assert paths["orphan"] in [f.path for f in report.too_recent]


def test_rows_whose_file_is_missing_are_reported(make):
    item, store, paths = _world(make)
    paths["kept"].unlink()
    report = evidence_sweep.sweep(make.session, store, grace_minutes=60, dry_run=True)
    [missing] = report.missing
    assert missing.sha256 == item.files[0].blob_sha256
    reference = make.session.get(Review, item.review_id).reference
    assert missing.used_by == [f"{reference} evidence {item.id} “{item.title}”"]


def test_the_command_reports_and_exits_non_zero_when_files_are_missing(make, runner, app):
    item, _store, paths = _world(make)
    result = runner.invoke(args=["evidence", "sweep", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Files no evidence refers to: 1 (would be removed)" in result.output
    assert "Partial uploads: 1 (would be removed)" in result.output
    assert "Left alone: 1 stray file(s) younger than 60 minutes" in result.output
    assert paths["orphan"].exists()

    app.config["EVIDENCE_SWEEP_GRACE_MINUTES"] = 240  # everything is younger than that
    result = runner.invoke(args=["evidence", "sweep"])
    assert result.exit_code == 0 and "Left alone: 4 stray file(s)" in result.output
    assert paths["orphan"].exists()

    paths["kept"].unlink()
    result = runner.invoke(args=["evidence", "sweep", "--grace-minutes", "0"])
    assert result.exit_code == 1
    assert "Files no evidence refers to: 2 (removed)" in result.output
    assert item.files[0].blob_sha256 in result.output
    assert not paths["orphan"].exists() and not paths["fresh"].exists()
