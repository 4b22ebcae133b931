"""The load test, short: 20 users grading, uploading and reading for about 10 s against
gunicorn with several workers, then the grade history and audit log checked for lost updates.

Runs ``python -m bench.load.run --short`` (a subprocess: the generator, gunicorn, locust) on
SQLite, or on PostgreSQL when INSPECT_TEST_DATABASE_URL names a server (as in the suite's
second run in CI).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from inspect_app.config import PROJECT_ROOT

# The suite's database: SQLite, or PostgreSQL on the run against it (CI runs both).
DATABASES = ["postgresql" if os.environ.get("INSPECT_TEST_DATABASE_URL") else "sqlite"]

pytestmark = pytest.mark.timeout(600)


@pytest.mark.parametrize("database", DATABASES)
def test_twenty_users_lose_no_update_and_meet_no_error(database: str, tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("INSPECT_")}
    env["PYTHONPATH"] = str(PROJECT_ROOT)
    if database == "postgresql":
        env["INSPECT_BENCH_DATABASE_URL"] = os.environ["INSPECT_TEST_DATABASE_URL"]
    completed = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "bench.load.run", "--short", "--database", database,
         "--out", str(tmp_path)],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=540,
        check=False,
    )  # fmt: skip
    output = completed.stdout[-4000:] + completed.stderr[-4000:]
    result = json.loads((tmp_path / f"load-{database}.json").read_text(encoding="utf-8"))
    verdict = result["verdict"]
    assert completed.returncode == 0, output
    assert result["users"] == 20 and result["workers"] >= 2 and result["seconds"] == 10
    assert verdict["ok"] is True, verdict["problems"]
    assert verdict["errors"] == 0 and verdict["lost_updates"] == 0 and verdict["unanswered"] == 0
    # The grading path was exercised: saves were tried and the server accepted some.
    assert verdict["saves_tried"] == verdict["accepted_saves"] + verdict["conflicts_409"]
    assert verdict["accepted_saves"] > 0
    assert result["by_name"]["PUT grade"]["failures"] == 0
    assert "OK" in completed.stdout
