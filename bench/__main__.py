"""``make bench`` (full) and ``python -m bench --small`` (quick): build a large fictional
programme, then measure on it, against the targets of issue 8.

For each database (a temporary SQLite file, and PostgreSQL when INSPECT_BENCH_DATABASE_URL
names a server: a database is created on it for the run and dropped afterwards):

1. build the programme (``bench/generate.py``);
2. in-process: SQL statements per page for the small and the large review, PDF/DOCX/XLSX
   export times of the large review's report, the self-evaluation import;
3. through gunicorn (several workers, loopback, a free port): median latency and throughput
   of a bare Flask endpoint and of each page, on the same server in the same run; then two
   large uploads (a CSV extract and a scanned PDF) through the real upload form, with the
   worker's peak memory growth.

Results go to ``bench/results/`` as ``bench-<mode>.json`` and ``bench-<mode>.md``. A missed
target is printed as a ``MISSED`` line; the full mode then exits 1, the small mode 0.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import measure
from bench.generate import FULL, SMALL, Size, build
from bench.server import gunicorn, server_environment
from inspect_app.config import PROJECT_ROOT

RESULTS_DIR = PROJECT_ROOT / "bench" / "results"


@dataclass(frozen=True)
class Targets:
    page_ratio: float = 0.20  # a page's throughput against the bare endpoint's
    queries: int = 15  # SQL statements per page, whatever the size of the review
    pdf_seconds: float = 5.0
    docx_seconds: float = 2.0
    upload_growth_mb: float = 50.0


@dataclass(frozen=True)
class Profile:
    size: Size
    latency_requests: int
    seconds: float  # of concurrent load per endpoint
    concurrency: int
    upload_mb: int
    export_repeats: int  # the export times are the medians of this many


PROFILES = {
    "full": Profile(
        FULL, latency_requests=40, seconds=8.0, concurrency=4, upload_mb=200, export_repeats=5
    ),
    "small": Profile(
        SMALL, latency_requests=6, seconds=1.0, concurrency=3, upload_mb=16, export_repeats=2
    ),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", action="store_true", help="the quick mode (CI)")
    parser.add_argument("--out", type=Path, default=RESULTS_DIR, help="results folder")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument(
        "--database",
        choices=("sqlite", "postgresql", "both"),
        help="default: both when INSPECT_BENCH_DATABASE_URL is set, else sqlite",
    )
    parser.add_argument("--upload-mb", type=int, help="size of the upload (default 200; 16 small)")
    args = parser.parse_args(argv)
    mode = "small" if args.small else "full"
    profile = PROFILES[mode]
    if args.upload_mb:
        profile = Profile(**{**profile.__dict__, "upload_mb": args.upload_mb})
    postgres_url = os.environ.get("INSPECT_BENCH_DATABASE_URL", "")
    wanted = args.database or ("both" if postgres_url else "sqlite")
    if wanted != "sqlite" and not postgres_url:
        parser.error("--database postgresql needs INSPECT_BENCH_DATABASE_URL")

    results: dict[str, Any] = {
        "mode": mode,
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "settings": {
            "workers": args.workers,
            "concurrency": profile.concurrency,
            "seconds_per_endpoint": profile.seconds,
            "latency_requests": profile.latency_requests,
            "upload_mb": profile.upload_mb,
        },
        "databases": {},
    }
    for name in ("sqlite", "postgresql"):
        if wanted in (name, "both"):
            with _database(name, postgres_url) as (url, folder):
                print(f"== {name}: building the {mode} programme", flush=True)
                results["databases"][name] = run_one(url, folder, profile, args.workers)
    targets = check(results, Targets())
    results["targets"] = targets
    results["missed"] = [t["text"] for t in targets if not t["met"]]
    args.out.mkdir(parents=True, exist_ok=True)
    json_path = args.out / f"bench-{mode}.json"
    md_path = args.out / f"bench-{mode}.md"
    json_path.write_text(json.dumps(results, indent=2), encoding="utf-8")
    md_path.write_text(markdown(results), encoding="utf-8")
    print(markdown(results))
    print(f"Results: {json_path} and {md_path}")
    for line in results["missed"]:
        print(f"MISSED: {line}")
    return 1 if results["missed"] and mode == "full" else 0


@contextmanager
def _database(name: str, postgres_url: str) -> Iterator[tuple[str, Path]]:
    with tempfile.TemporaryDirectory(prefix="jar-bench-") as tmp:
        folder = Path(tmp)
        if name == "sqlite":
            yield f"sqlite:///{folder / 'bench.sqlite'}", folder
            return
        with temporary_postgres_database(postgres_url, "jar_bench") as url:
            yield url, folder


@contextmanager
def temporary_postgres_database(server_url: str, prefix: str) -> Iterator[str]:
    """A new, empty database on the server ``server_url`` names, dropped afterwards."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from inspect_app.config import normalise_database_url

    admin_url = make_url(normalise_database_url(server_url))
    name = f"{prefix}_{os.getpid()}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def in_process_app(url: str, evidence_dir: Path):
    from inspect_app import create_app

    return create_app(
        {
            "DATABASE_URL": url,
            "SECRET_KEY": "bench",
            "EVIDENCE_DIR": str(evidence_dir),
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
        }
    )


def run_one(url: str, folder: Path, profile: Profile, workers: int) -> dict[str, Any]:
    from flask_migrate import upgrade

    from inspect_app.domain.evidence_store import EvidenceStore
    from inspect_app.extensions import db

    evidence_dir = folder / "evidence"
    app = in_process_app(url, evidence_dir)
    with app.app_context():
        upgrade()
        world = build(db.session, EvidenceStore(evidence_dir), profile.size)
        db.session.remove()
    print(f"   built in {world.seconds:.1f} s: {world.counts}", flush=True)
    pages, notes = measure.available_pages(app)
    started = time.perf_counter()
    queries = measure.query_counts(app, world, pages)
    exports = measure.export_times(app, world.large_review_id, repeats=profile.export_repeats)
    selfeval = measure.self_evaluation_import(app, world.selfeval_review_id)
    print(f"   in-process measurements: {time.perf_counter() - started:.1f} s", flush=True)
    with app.app_context():
        db.engine.dispose()
    env = server_environment(url, evidence_dir, max_upload_mb=max(50, profile.upload_mb + 10))

    def timed(server: Any) -> list[measure.PageTiming]:
        return measure.page_timings(
            server,
            world,
            pages,
            latency_requests=profile.latency_requests,
            seconds=profile.seconds,
            concurrency=profile.concurrency,
        )

    with gunicorn(env, workers=workers, log_path=folder / "gunicorn.log") as server:
        timings = timed(server)
        uploads = [
            measure.upload(server, world, megabytes=profile.upload_mb, kind=kind)
            for kind in measure.UPLOAD_FILES
        ]
    # The same pages with the page cache off: every request rendered, as after each change.
    env["INSPECT_PAGE_CACHE"] = "false"
    with gunicorn(env, workers=workers, log_path=folder / "gunicorn-uncached.log") as server:
        rendered = timed(server)
    return {
        "world": {"counts": world.counts, "build_seconds": world.seconds},
        "notes": notes,
        "pages": measure.as_dict(timings),
        "pages_rendered": measure.as_dict(rendered),
        "queries": [
            {**measure.as_dict(q), "bounded": q.bounded, "worst": q.worst} for q in queries
        ],
        "exports": exports.as_dict(),
        "self_evaluation_import": measure.as_dict(selfeval),
        "uploads": measure.as_dict(uploads),
    }


def check(results: dict[str, Any], targets: Targets) -> list[dict[str, Any]]:
    """Every target, for every database: met or not, with the measured value."""
    found = []

    def add(database: str, name: str, value: Any, limit: Any, met: bool, text: str) -> None:
        found.append(
            {"database": database, "target": name, "value": value, "limit": limit,
             "met": bool(met), "text": f"[{database}] {text}"}
        )  # fmt: skip

    for database, r in results["databases"].items():
        for page in r["pages"][1:]:
            ratio = page["ratio_to_bare"] or 0.0
            add(database, f"throughput: {page['name']}", ratio, targets.page_ratio,
                ratio >= targets.page_ratio,
                f"{page['name']}: {ratio:.1%} of the bare endpoint's throughput "
                f"(target ≥ {targets.page_ratio:.0%})")  # fmt: skip
            if page["errors"]:
                add(database, f"errors: {page['name']}", page["errors"], 0, False,
                    f"{page['name']}: {page['errors']} failed requests")  # fmt: skip
        for page in r.get("pages_rendered", [])[1:]:
            if page["errors"]:
                add(database, f"errors (rendered): {page['name']}", page["errors"], 0, False,
                    f"{page['name']} (cache off): {page['errors']} failed requests")  # fmt: skip
        for q in r["queries"]:
            worst = q["worst"]
            add(database, f"queries: {q['page']}", worst, targets.queries,
                worst <= targets.queries and q["bounded"]
                and q["status_small"] == q["status_large"] == 200,
                f"{q['page']}: {q['small']} SQL statements rendered on the small review, "
                f"{q['large']} on the large, {q['kept_small']}/{q['kept_large']} served kept "
                f"(target ≤ {targets.queries}, the same for both sizes; HTTP "
                f"{q['status_small']}/{q['status_large']})")  # fmt: skip
        totals = r["exports"]["total_seconds"]
        for fmt, limit in (("pdf", targets.pdf_seconds), ("docx", targets.docx_seconds)):
            add(database, f"export: {fmt}", totals[fmt], limit, totals[fmt] < limit,
                f"{fmt.upper()} export of the large review: {totals[fmt]:.2f} s "
                f"(target < {limit:g} s)")  # fmt: skip
        for up in r["uploads"]:
            add(database, f"upload memory: {up['file_kind']}", up["rss_growth_mb"],
                targets.upload_growth_mb,
                up["stored"] and up["rss_growth_mb"] < targets.upload_growth_mb,
                f"upload of a {up['file_bytes'] / 2**20:.0f} MB {up['file_kind'].upper()}: worker "
                f"peak memory grew {up['rss_growth_mb']:.1f} MB (target < "
                f"{targets.upload_growth_mb:g} MB); HTTP {up['status']}, "
                f"{'stored' if up['stored'] else 'NOT stored'}")  # fmt: skip
    return found


def markdown(results: dict[str, Any]) -> str:
    lines = [f"# JAR Workbench benchmarks ({results['mode']} mode, {results['started_at']})", ""]
    s = results["settings"]
    lines.append(
        f"gunicorn with {s['workers']} workers on loopback; {s['concurrency']} concurrent "
        f"clients for {s['seconds_per_endpoint']:g} s per endpoint; {results['machine']['cpus']} "
        f"CPUs shared by server and clients."
    )
    for database, r in results["databases"].items():
        c = r["world"]["counts"]
        lines += [
            "",
            f"## {database}",
            "",
            f"Built in {r['world']['build_seconds']:.1f} s: {c.get('reviews', 0)} reviews, "
            f"{c.get('evidence_items', 0):,} evidence items ({c.get('large_review_evidence', 0):,} "
            f"on the large review), {c.get('grades', 0):,} grades, "
            f"{c.get('agreed_grades', 0):,} agreed grades.",
            "",
            "Pages as served (the page cache on, a page kept from an earlier request), and "
            "rendered on every request (`INSPECT_PAGE_CACHE=false`, as after every change). "
            "SQL statements: rendered on the small / large review, and served kept.",
            "",
            "| Page | Median ms | p90 ms | Requests/s | vs bare | Rendered: median ms | "
            "Rendered: req/s | Rendered: vs bare | SQL rendered | SQL kept |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        queries = {q["page"]: q for q in r["queries"]}
        rendered = {p["name"]: p for p in r.get("pages_rendered", [])}
        for page in r["pages"]:
            q = queries.get(page["name"])
            u = rendered.get(page["name"])
            ratio = page["ratio_to_bare"]
            lines.append(
                f"| {page['name']} | {page['median_ms']:.1f} | {page['p90_ms']:.1f} | "
                f"{page['throughput_rps']:.1f} | {ratio:.1%} | "
                + (
                    f"{u['median_ms']:.1f} | {u['throughput_rps']:.1f} | "
                    f"{(u['ratio_to_bare'] or 0):.1%} | "
                    if u
                    else "– | – | – | "
                )
                + (f"{q['small']} / {q['large']} | {q['kept_large']} |" if q else "– | – |")
            )
        e = r["exports"]
        lines += [
            "",
            f"| Export (large review) | Seconds, median of {e['repeats']} (document + file) "
            "| First run | Bytes |",
            "|---|---:|---:|---:|",
        ]
        for fmt, total in e["total_seconds"].items():
            lines.append(
                f"| {fmt.upper()} | {total:.2f} ({e['document_seconds']:.2f} + "
                f"{e['render_seconds'][fmt]:.2f}) | {e['first_total_seconds'][fmt]:.2f} "
                f"| {e['bytes'][fmt]:,} |"
            )
        si = r["self_evaluation_import"]
        lines += ["", f"Self-evaluation import: {si['seconds']:.2f} s ({si['entries']} entries)."]
        for up in r["uploads"]:
            lines.append(
                f"Upload of a {up['file_bytes'] / 2**20:.0f} MB {up['file_kind'].upper()} through "
                f"gunicorn: {up['seconds']:.1f} s, HTTP {up['status']}, worker memory "
                f"{up['worker_rss_before_mb']:.0f} MB → peak {up['worker_peak_mb']:.0f} MB "
                f"(growth {up['rss_growth_mb']:.1f} MB)."
            )
        lines += [f"Note: {note}" for note in r["notes"]]
    lines += ["", "## Targets", ""]
    lines += [f"- {'met' if t['met'] else '**MISSED**'}: {t['text']}" for t in results["targets"]]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
