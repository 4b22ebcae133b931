"""``make load``: twenty users grading, uploading and reading for 60 s against gunicorn.

    python -m bench.load.run              # 60 s on SQLite (and PostgreSQL, see below)
    python -m bench.load.run --short      # about 10 s: what the test suite runs

For each database — a temporary SQLite file, and PostgreSQL when INSPECT_BENCH_DATABASE_URL
names a server (a database is created for the run and dropped afterwards) — the runner
builds the small benchmark programme, notes each grade's version, starts gunicorn with
several workers on loopback, runs locust headless and bounded in time
(``bench/load/locustfile.py``), then checks the database (``bench/load/verify.py``): zero
errors, zero lost updates (409s on stale versions are counted apart: they are the right
answer). Results go to ``bench/results/load-<database>.json``; the exit status is 1 when any
check fails.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.__main__ import RESULTS_DIR, in_process_app, temporary_postgres_database
from bench.generate import SMALL, build
from bench.load.verify import snapshot, verify
from bench.server import gunicorn, server_environment
from inspect_app.config import PROJECT_ROOT

LOCUSTFILE = Path(__file__).with_name("locustfile.py")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load.run", description=__doc__)
    parser.add_argument("--short", action="store_true", help="about 10 s (the test suite)")
    parser.add_argument("--seconds", type=int, help="how long the users work (default 60)")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"))
    parser.add_argument("--out", type=Path, default=RESULTS_DIR)
    args = parser.parse_args(argv)
    seconds = args.seconds or (10 if args.short else 60)
    postgres_url = os.environ.get("INSPECT_BENCH_DATABASE_URL", "")
    wanted = args.database or ("both" if postgres_url else "sqlite")
    if wanted != "sqlite" and not postgres_url:
        parser.error("--database postgresql needs INSPECT_BENCH_DATABASE_URL")
    args.out.mkdir(parents=True, exist_ok=True)
    failed = False
    for name in ("sqlite", "postgresql"):
        if wanted not in (name, "both"):
            continue
        with _database(name, postgres_url) as (url, folder):
            result = run_load(url, folder, seconds=seconds, users=args.users, workers=args.workers)
        result["database"] = name
        path = args.out / f"load-{name}.json"
        path.write_text(json.dumps(result, indent=2), encoding="utf-8")
        print(summary(result))
        print(f"Results: {path}")
        failed |= not result["verdict"]["ok"]
    return 1 if failed else 0


@contextmanager
def _database(name: str, postgres_url: str) -> Iterator[tuple[str, Path]]:
    with tempfile.TemporaryDirectory(prefix="jar-load-") as tmp:
        folder = Path(tmp)
        if name == "sqlite":
            yield f"sqlite:///{folder / 'load.sqlite'}", folder
        else:
            with temporary_postgres_database(postgres_url, "jar_load") as url:
                yield url, folder


def run_load(url: str, folder: Path, *, seconds: int, users: int, workers: int) -> dict[str, Any]:
    from flask_migrate import upgrade

    from inspect_app.domain.evidence_store import EvidenceStore
    from inspect_app.extensions import db

    evidence_dir = folder / "evidence"
    app = in_process_app(url, evidence_dir)
    with app.app_context():
        upgrade()
        world = build(db.session, EvidenceStore(evidence_dir), SMALL)
        before = snapshot(db.session, world.fieldwork_review_id)
        db.session.remove()
        db.engine.dispose()
    world_path, record_path = folder / "world.json", folder / "record.json"
    world_path.write_text(world.to_json(), encoding="utf-8")

    env = server_environment(url, evidence_dir)
    started = time.perf_counter()
    with gunicorn(env, workers=workers, log_path=folder / "gunicorn.log") as server:
        locust_env = {**os.environ, "LOAD_WORLD": str(world_path), "LOAD_RECORD": str(record_path)}
        locust_env["PYTHONPATH"] = str(PROJECT_ROOT)
        command = [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(LOCUSTFILE),
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(users),
            "--run-time",
            f"{seconds}s",
            # When the time is up every user finishes what it is doing, so that no save is
            # left unanswered (the verification would count it as a problem).
            "--stop-timeout",
            "90",
            "--host",
            server.base_url,
            "--only-summary",
            "--loglevel",
            "WARNING",
            "--exit-code-on-error",
            "0",
        ]
        completed = subprocess.run(  # noqa: S603
            command,
            env=locust_env,
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=seconds + 240,
            check=False,
        )
    elapsed = time.perf_counter() - started
    if completed.returncode != 0 or not record_path.exists():
        raise RuntimeError(
            f"locust failed ({completed.returncode}):\n{completed.stdout[-3000:]}\n"
            f"{completed.stderr[-3000:]}"
        )
    record = json.loads(record_path.read_text(encoding="utf-8"))
    server_log = (folder / "gunicorn.log").read_text(encoding="utf-8", errors="replace")
    with app.app_context():
        verdict = verify(db.session, world.fieldwork_review_id, before, record)
        db.session.remove()
        db.engine.dispose()
    if "Traceback" in server_log:
        verdict.problems.append("the server logged a traceback:\n" + server_log[-2000:])
    return {
        "seconds": seconds,
        "users": users,
        "workers": workers,
        "elapsed_seconds": round(elapsed, 1),
        "verdict": verdict.as_dict(),
        "by_name": record["by_name"],
    }


def summary(result: dict[str, Any]) -> str:
    v = result["verdict"]
    lines = [
        f"== load test on {result['database']}: {result['users']} users for "
        f"{result['seconds']} s, {result['workers']} gunicorn workers",
        f"   {v['requests']} requests, {v['errors']} errors; {v['saves_tried']} grade saves tried: "
        f"{v['accepted_saves']} accepted, {v['conflicts_409']} refused as stale (409, expected), "
        f"{v['unanswered']} unanswered; {v['uploads']} uploads",
        f"   lost updates: {v['lost_updates']}; {'OK' if v['ok'] else 'FAILED'}",
    ]
    for name, stats in sorted(result["by_name"].items()):
        lines.append(
            f"   {name:<22} {stats['requests']:>6} requests {stats['failures']:>4} failures "
            f"median {stats['median_ms']} ms"
        )
    lines += [f"   PROBLEM: {p}" for p in v["problems"]]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
