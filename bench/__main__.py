"""``make bench``: medians and ratios for the main pages on a large review.

Builds a fresh SQLite database in a temporary folder (or uses INSPECT_BENCH_DATABASE_URL),
loads the rubrics, creates a programme of reviews with large teams, then requests each page
repeatedly. Reports the median time and the number of SQL statements per page, and the ratio
of the large review to a small one (a ratio near 1 means the page does not grow with size).
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from bench.scenarios import PAGES, build_programme
from inspect_app import create_app
from inspect_app.extensions import db


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--team", type=int, default=40, help="team members on the large review")
    parser.add_argument("--reviews", type=int, default=60, help="reviews in the programme")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "DATABASE_URL": f"sqlite:///{Path(tmp) / 'bench.sqlite'}",
                "SECRET_KEY": "bench",
                "WTF_CSRF_ENABLED": False,
                "RATELIMIT_ENABLED": False,
                "EVIDENCE_DIR": str(Path(tmp) / "evidence"),
            }
        )
        with app.app_context():
            from flask_migrate import upgrade

            upgrade()
            world = build_programme(db.session, team_size=args.team, reviews=args.reviews)
            results = run_pages(app, world, args.repeat)
            db.session.remove()
            db.engine.dispose()

    header = ("page", "small ms", "large ms", "ratio", "SQL small", "SQL large")
    print(f"{header[0]:<28}" + "".join(f"{h:>11}" for h in header[1:]))
    for row in results:
        print(
            f"{row['page']:<28}{row['small_ms']:>11.1f}{row['large_ms']:>11.1f}"
            f"{row['ratio']:>11.2f}{row['sql_small']:>11}{row['sql_large']:>11}"
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")


def run_pages(app, world, repeat: int) -> list[dict]:
    from sqlalchemy import event

    results = []
    client = app.test_client()
    client.post("/sign-in", data={"email": world.viewer_email, "password": world.password})
    for name, path_for in PAGES:
        timings: dict[str, list[float]] = {"small": [], "large": []}
        statements: dict[str, int] = {}
        for size in ("small", "large"):
            path = path_for(world, size)
            client.get(path)  # warm up
            for _ in range(repeat):
                count = [0]

                def counter(*_args, count=count):
                    count[0] += 1

                event.listen(db.engine, "before_cursor_execute", counter)
                started = time.perf_counter()
                response = client.get(path)
                timings[size].append((time.perf_counter() - started) * 1000)
                event.remove(db.engine, "before_cursor_execute", counter)
                assert response.status_code == 200, (path, response.status_code)
                statements[size] = count[0]
        small, large = statistics.median(timings["small"]), statistics.median(timings["large"])
        results.append(
            {
                "page": name,
                "small_ms": small,
                "large_ms": large,
                "ratio": large / small if small else float("nan"),
                "sql_small": statements["small"],
                "sql_large": statements["large"],
            }
        )
    return results


if __name__ == "__main__":
    main()
