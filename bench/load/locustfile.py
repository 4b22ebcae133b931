"""The load test's users (run by ``bench/load/run.py``; see bench/README.md).

Twenty simulated people on the fieldwork review of the benchmark programme:

* **graders** read their grade for a judgement through the JSON API and save a new value
  with the version they read and a rationale naming the attempt
  (``PUT /api/v1/reviews/<id>/grades/<slug>``). Several share an inspector's account and
  the judgements are few, so saves race: a ``409`` for a stale version is the correct
  answer and is counted apart, not as an error;
* **uploaders** sign in and add evidence with a small file through the upload form;
* **readers** sign in as the lead inspector and read the overview, the evidence list, the
  reconciliation and the grading pages.

Every accepted save and upload is written to ``LOAD_RECORD`` (JSON) when the run ends, so
that the runner can check the database's grade history and audit log against it.
Settings: ``LOAD_WORLD`` (the generator's world.json) and ``LOAD_RECORD``.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time
from pathlib import Path

from locust import HttpUser, between, events, task

WORLD = json.loads(Path(os.environ["LOAD_WORLD"]).read_text(encoding="utf-8"))
RECORD = Path(os.environ["LOAD_RECORD"])
REVIEW = WORLD["fieldwork_review_id"]
# A handful of judgements, so that graders sharing an account do race each other.
TARGETS = WORLD["fieldwork_targets"][:6]
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')

# Every save tried: nonce, grader_id, slug, read_version, value, outcome (accepted with its
# version, conflict, failed, or unanswered when the run stopped first).
ATTEMPTS: list[dict] = []
RATIONALE_PREFIX = "Load test save "
UPLOADS: list[dict] = []  # {"item_path", "title"}
_graders = itertools.count()
_uploaders = itertools.count()
_uploads = itertools.count(1)
_attempts = itertools.count(1)
SHARED_ACCOUNTS = 6  # twelve graders on six accounts: two browsers per inspector


class GraderUser(HttpUser):
    """Grades through the API with a personal token; shares its account with another."""

    fixed_count = 12
    wait_time = between(0.05, 0.3)

    def on_start(self) -> None:
        graders = WORLD["api_graders"]
        self.account = graders[next(_graders) % min(SHARED_ACCOUNTS, len(graders))]
        self.auth = {"Authorization": f"Bearer {self.account['token']}"}

    @task
    def grade(self) -> None:
        slug = random.choice(TARGETS)
        path = f"/api/v1/reviews/{REVIEW}/grades/{slug}"
        with self.client.get(path, headers=self.auth, name="GET grade", catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"HTTP {r.status_code}")
                return
            version = r.json()["version"]
        value = random.randint(1, 4)
        nonce = f"{os.getpid()}-{next(_attempts)}"
        attempt = {"nonce": nonce, "grader_id": self.account["user_id"], "slug": slug,
                   "read_version": version, "value": value, "outcome": "unanswered"}  # fmt: skip
        ATTEMPTS.append(attempt)
        body = {
            "grade": value,
            "rationale": f"{RATIONALE_PREFIX}{nonce}: graded {value} on what was seen.",
            "confidence": random.choice(("low", "medium", "high")),
            "version": version,
        }
        with self.client.put(
            path, json=body, headers=self.auth, name="PUT grade", catch_response=True
        ) as r:
            if r.status_code in (200, 201):
                saved = r.json()["grade"]
                attempt.update(outcome="accepted", version=saved["version"])
                r.success()
            elif r.status_code == 409:  # somebody saved since we read it: correctly refused
                attempt["outcome"] = "conflict"
                r.success()
            else:
                attempt["outcome"] = "failed"
                r.failure(f"HTTP {r.status_code}: {r.text[:200]}")


class _SignedIn(HttpUser):
    abstract = True
    email = ""

    def sign_in(self, email: str) -> None:
        page = self.client.get("/sign-in", name="GET sign-in")
        token = CSRF.search(page.text).group(1)
        with self.client.post(
            "/sign-in",
            data={"csrf_token": token, "email": email, "password": WORLD["password"]},
            allow_redirects=False,
            name="POST sign-in",
            catch_response=True,
        ) as r:
            if r.status_code not in (302, 303):
                r.failure(f"sign-in refused: HTTP {r.status_code}")

    def get_page(self, path: str, name: str) -> None:
        with self.client.get(path, name=name, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"HTTP {r.status_code}")


class UploaderUser(_SignedIn):
    """An inspector adding evidence with a file through the upload form."""

    fixed_count = 3
    wait_time = between(0.2, 0.6)

    def on_start(self) -> None:
        graders = WORLD["api_graders"]
        self.sign_in(graders[1 + next(_uploaders) % (len(graders) - 1)]["email"])

    @task
    def upload(self) -> None:
        form = self.client.get(f"/reviews/{REVIEW}/evidence/new", name="GET upload form")
        found = CSRF.search(form.text)
        if not found:
            return
        n = next(_uploads)
        title = f"Load test evidence {n} ({os.getpid()}-{time.time():.3f})"
        body = "case_ref,contact_on,outcome\r\n" + "".join(
            f"LT-{n:04d}-{i:03d},2026-11-0{1 + i % 9},Seen alone\r\n" for i in range(200)
        )
        fields = {
            "csrf_token": found.group(1),
            "title": title,
            "kind": "data",
            "source": "Case management system",
            "gathered_on": ["3", "11", "2026"],
            "inspectorate": "ofsted",
            "notes": "Uploaded by the load test.",
        }
        with self.client.post(
            f"/reviews/{REVIEW}/evidence/new",
            data=fields,
            files={"files": (f"contacts-{n}.csv", body.encode(), "text/csv")},
            allow_redirects=False,
            name="POST upload",
            catch_response=True,
        ) as r:
            location = r.headers.get("Location", "")
            if r.status_code == 303 and "/evidence/" in location:
                UPLOADS.append({"item_path": location, "title": title})
                r.success()
            else:
                r.failure(f"HTTP {r.status_code}")


class ReaderUser(_SignedIn):
    """The lead inspector reading the review's pages."""

    fixed_count = 5
    wait_time = between(0.1, 0.5)

    def on_start(self) -> None:
        self.sign_in(WORLD["lead_email"])

    @task(3)
    def overview(self) -> None:
        self.get_page(f"/reviews/{REVIEW}", "GET overview")

    @task(3)
    def evidence(self) -> None:
        page = random.randint(1, 3)
        self.get_page(f"/reviews/{REVIEW}/evidence?page={page}", "GET evidence list")

    @task(2)
    def reconciliation(self) -> None:
        self.get_page(f"/reviews/{REVIEW}/reconciliation", "GET reconciliation")

    @task(1)
    def grading(self) -> None:
        self.get_page(f"/reviews/{REVIEW}/grading", "GET my judgements")


@events.quitting.add_listener
def _write_record(environment, **_kwargs) -> None:
    total = environment.stats.total
    RECORD.write_text(
        json.dumps(
            {
                "attempts": ATTEMPTS,
                "uploads": UPLOADS,
                "requests": total.num_requests,
                "failures": total.num_failures,
                "errors": [
                    {
                        "name": e.name,
                        "method": e.method,
                        "error": str(e.error),
                        "count": e.occurrences,
                    }
                    for e in environment.stats.errors.values()
                ],
                "by_name": {
                    s.name: {
                        "requests": s.num_requests,
                        "failures": s.num_failures,
                        "median_ms": s.median_response_time,
                    }
                    for s in environment.stats.entries.values()
                },
            },
            indent=2,
        ),
        encoding="utf-8",
    )
