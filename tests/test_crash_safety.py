"""A worker killed with SIGKILL mid-upload or mid-import leaves no partial rows, and
`flask evidence sweep` removes the files it left behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import select

from inspect_app.config import PROJECT_ROOT
from inspect_app.domain.phases import Phase
from inspect_app.models import AuditEvent, Review, User
from inspect_app.services import evidence_sweep
from tests.evidence_helpers import add, evidence_dir, pdf_bytes, snapshot, stored_files
from tests.factories import PASSWORD, evidence_store

SCENARIOS = ["upload-streaming", "upload-unsaved", "selfeval-import"]
WAIT_SECONDS = 60


def _wait_for_marker(marker: Path, launcher: subprocess.Popen) -> int:
    """The pid a worker wrote when it reached its hook."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if marker.exists() and marker.read_text().strip().isdigit():
            return int(marker.read_text())
        if launcher.poll() is not None:
            break
        time.sleep(0.02)
    launcher.kill()
    out, err = launcher.communicate()
    raise AssertionError(f"{marker.name} never reached its hook:\n{out}\n{err}")


def test_killed_workers_leave_no_partial_rows_and_the_sweep_clears_their_files(
    make, app, session, tmp_path
):
    review = make.review_in(Phase.SELF_ASSESSMENT)
    lead = review.lead_inspector.user
    workbook = tmp_path / "return.xlsx"
    workbook.write_bytes(make.filled_workbook(review))
    spec = {
        "config": {
            "DATABASE_URL": app.config["DATABASE_URL"],
            "SECRET_KEY": "crash-test",
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "EVIDENCE_DIR": str(evidence_dir()),
        },
        "markers": str(tmp_path),
        "scenarios": SCENARIOS,
        "email": lead.email,
        "password": PASSWORD,
        "review_id": review.id,
        "reference": review.reference,
        "workbook": str(workbook),
    }
    session.commit()
    lead_id = lead.id
    before = snapshot(session)
    session.remove()
    (tmp_path / "spec.json").write_text(json.dumps(spec))

    launcher = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "tests.crash_worker", str(tmp_path / "spec.json")],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={k: v for k, v in os.environ.items() if not k.startswith("INSPECT_")},
    )
    for scenario in SCENARIOS:
        os.kill(_wait_for_marker(tmp_path / scenario, launcher), signal.SIGKILL)
    out, err = launcher.communicate(timeout=WAIT_SECONDS)
    assert json.loads(out.splitlines()[-1]) == dict.fromkeys(SCENARIOS, -signal.SIGKILL), err

    # No partial rows: nothing the upload or the import writes was committed.
    after = snapshot(session)
    assert {k: v for k, v in after.rows.items() if k != "audit_event"} == {
        k: v for k, v in before.rows.items() if k != "audit_event"
    }
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.id > 0)).all()
    assert "evidence.added" not in actions and "self_evaluation.submitted" not in actions
    assert actions.count("auth.signed_in") >= 2  # the workers' sign-ins did commit

    # The files they left: a partial upload, a stored upload and a stored workbook.
    left = sorted(set(after.files) - set(before.files))
    root = evidence_dir()
    assert [p.relative_to(root).parts[0] for p in left].count("tmp") == 1
    assert [p.relative_to(root).parts[0] for p in left].count("sha256") == 2

    report = evidence_sweep.sweep(session, evidence_store(), grace_minutes=0)
    session.commit()
    assert sorted(f.path for f in report.removed) == left
    assert report.missing == []
    assert stored_files() == before.files

    # The database is not left locked or damaged: the next upload goes through.
    review, lead = session.get(Review, spec["review_id"]), session.get(User, lead_id)
    item = add(session, review, lead, {"minutes.pdf": pdf_bytes("After the crash")})
    session.commit()
    assert evidence_store().exists(item.files[0].blob_sha256)
