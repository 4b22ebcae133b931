"""Workers for tests/test_crash_safety.py, killed with SIGKILL in the middle of their work.

``python -m tests.crash_worker SPEC.json`` loads the application once, then forks one
worker per scenario in turn (as gunicorn does with ``--preload``). Each worker installs a hook
that writes ``<marker dir>/<scenario>`` (its pid) and then waits forever at the chosen
moment; the test kills it there. The launcher prints each worker's fate as JSON.

Scenarios:
  upload-streaming   a web upload, killed while its file is still a partial temp file
  upload-unsaved     a web upload, killed after its file is stored and its rows are
                     flushed, before the transaction commits
  selfeval-import    `flask selfeval import`, killed at the same point
"""

from __future__ import annotations

import io
import json
import os
import sys
import time
import traceback
from pathlib import Path

SLEEP_SECONDS = 120  # far longer than the test waits; it kills the worker first


def _stop_here(marker: Path) -> None:
    marker.write_text(str(os.getpid()))
    time.sleep(SLEEP_SECONDS)
    os._exit(3)  # only if nobody killed us


def _hook_after_rows_flushed(marker: Path, spec: dict) -> None:
    """Stop inside the transaction: the audit event is the last thing a use case adds."""
    from inspect_app.services import audit

    original = audit.record

    def record(session, **kwargs):
        event = original(session, **kwargs)
        if kwargs["action"] in ("evidence.added", "self_evaluation.submitted"):
            session.flush()
            _stop_here(marker)
        return event

    audit.record = record


def _hook_while_streaming(marker: Path, spec: dict) -> None:
    """Stop while the upload is still a temporary file, before it is moved into place."""
    original = os.fsync
    temporary = Path(spec["config"]["EVIDENCE_DIR"]) / "tmp"

    def fsync(fd: int) -> None:
        original(fd)
        if any(temporary.glob("upload-*.part")):
            _stop_here(marker)

    os.fsync = fsync


def _sign_in(client, email: str, password: str) -> None:
    response = client.post("/sign-in", data={"email": email, "password": password})
    assert response.status_code == 302, response.status_code


def _upload(app, spec: dict) -> None:
    from werkzeug.test import EnvironBuilder

    from tests.domain.evidence_samples import pdf_bytes

    client = app.test_client()
    _sign_in(client, spec["email"], spec["password"])
    builder = EnvironBuilder(
        path=f"/reviews/{spec['review_id']}/evidence/new",
        method="POST",
        data={
            "title": "Strategy board minutes",
            "kind": "document",
            "source": "Northmere Children's Trust",
            "gathered_on": ["2", "10", "2026"],
            "inspectorate": "ofsted",
            "notes": "Uploaded while the worker was killed.",
            "files": [(io.BytesIO(pdf_bytes("Killed mid-upload")), "minutes.pdf")],
        },
    )
    client.open(builder.get_environ())


def _import(app, spec: dict) -> None:
    result = app.test_cli_runner().invoke(
        args=["selfeval", "import", spec["reference"], spec["workbook"]]
    )
    raise SystemExit(f"the import finished: {result.output}")


SCENARIOS = {
    "upload-streaming": (_hook_while_streaming, _upload),
    "upload-unsaved": (_hook_after_rows_flushed, _upload),
    "selfeval-import": (_hook_after_rows_flushed, _import),
}


def main(spec_path: str) -> None:
    spec = json.loads(Path(spec_path).read_text())
    from inspect_app import create_app
    from inspect_app.extensions import db
    from inspect_app.services.passwords import use_fast_hashing_for_tests

    use_fast_hashing_for_tests()
    app = create_app(spec["config"])
    markers = Path(spec["markers"])
    fates = {}
    for scenario in spec["scenarios"]:  # one at a time: a killed SQLite writer held the lock
        pid = os.fork()
        if pid == 0:  # the worker
            try:
                hook, work = SCENARIOS[scenario]
                hook(markers / scenario, spec)
                with app.app_context():
                    db.engine.dispose(close=False)  # never share the launcher's connections
                    work(app, spec)
            except BaseException:
                traceback.print_exc()
            finally:
                os._exit(4)  # the work ended without reaching the hook
        _, status = os.waitpid(pid, 0)
        fates[scenario] = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else status >> 8
    print(json.dumps(fates))


if __name__ == "__main__":
    main(sys.argv[1])
