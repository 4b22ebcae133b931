"""Checking a load test afterwards against the database: no errors, no lost updates.

Before the run, :func:`snapshot` notes every grade's version on the review and the last audit
event. During it, the load test's users note every save they try (with a nonce in the
rationale) and what the server answered. Afterwards :func:`verify` compares the two:

* each grade's revisions are numbered 1, 2, 3 … with no gap and no repeat;
* every save the server accepted is in the history, once, with the version it was told and
  its value; no save it refused (409) or failed is; every revision since the run began is a
  save somebody tried, and none was left unanswered when the run stopped;
* each grade's current value is that of its last accepted save;
* every accepted save has its audit event (same grade, version and value) and there are no
  other grading events since the snapshot;
* every accepted upload is an evidence item of the review, with its ``evidence.added`` event.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from inspect_app.models import (
    AuditEvent,
    EvidenceItem,
    Grade,
    JudgementArea,
    KeyJudgement,
    Review,
)

GRADING_ACTIONS = ("grading.grade_submitted", "grading.grade_revised")
NONCE = re.compile(r"^Load test save (\S+):")


@dataclass(frozen=True)
class Snapshot:
    versions: dict[str, int]  # "grader_id:slug" -> version before the run
    last_audit_id: int


def _slugs(session: Session, review_id: int) -> dict[tuple[str, int], str]:
    rubric_id = session.scalar(select(Review.rubric_id).where(Review.id == review_id))
    kjs = session.execute(
        select(KeyJudgement.id, KeyJudgement.number)
        .join(JudgementArea)
        .where(JudgementArea.rubric_id == rubric_id)
    ).all()
    areas = session.execute(
        select(JudgementArea.id, JudgementArea.number).where(JudgementArea.rubric_id == rubric_id)
    ).all()
    return {("kj", i): f"kj-{n}" for i, n in kjs} | {("area", i): f"area-{n}" for i, n in areas}


def _key(grade: Grade, slugs: dict[tuple[str, int], str]) -> str:
    target = ("kj", grade.key_judgement_id) if grade.key_judgement_id else ("area", grade.area_id)
    return f"{grade.grader_id}:{slugs[target]}"


def snapshot(session: Session, review_id: int) -> Snapshot:
    slugs = _slugs(session, review_id)
    grades = session.scalars(select(Grade).where(Grade.review_id == review_id)).all()
    return Snapshot(
        versions={_key(g, slugs): g.version for g in grades},
        last_audit_id=session.scalar(select(func.max(AuditEvent.id))) or 0,
    )


@dataclass
class Verdict:
    requests: int = 0
    errors: int = 0  # failed requests (a 409 on a stale version is not one)
    saves_tried: int = 0
    accepted_saves: int = 0
    conflicts_409: int = 0
    unanswered: int = 0
    uploads: int = 0
    lost_updates: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.errors == 0 and self.lost_updates == 0 and not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ok": self.ok}


def verify(session: Session, review_id: int, before: Snapshot, record: dict[str, Any]) -> Verdict:
    attempts = {a["nonce"]: a for a in record["attempts"]}
    outcomes = [a["outcome"] for a in attempts.values()]
    verdict = Verdict(
        requests=record["requests"],
        errors=record["failures"],
        saves_tried=len(attempts),
        accepted_saves=outcomes.count("accepted"),
        conflicts_409=outcomes.count("conflict"),
        unanswered=outcomes.count("unanswered"),
        uploads=len(record["uploads"]),
    )
    problems = verdict.problems
    for error in record.get("errors", []):
        problems.append(f"{error['count']} × {error['method']} {error['name']}: {error['error']}")
    if verdict.unanswered:
        problems.append(f"{verdict.unanswered} saves were still unanswered when the run stopped")

    slugs = _slugs(session, review_id)
    grades = session.scalars(
        select(Grade).where(Grade.review_id == review_id).options(selectinload(Grade.revisions))
    ).all()
    stored: set[str] = set()
    for grade in grades:
        key = _key(grade, slugs)
        versions = [r.version for r in grade.revisions]
        if versions != list(range(1, grade.version + 1)):
            problems.append(f"grade {key}: revisions {versions} for version {grade.version}")
        start = before.versions.get(key, 0)
        last_accepted = None
        for revision in grade.revisions:
            if revision.version <= start:
                continue
            found = NONCE.match(revision.rationale)
            attempt = attempts.get(found.group(1)) if found else None
            if attempt is None:
                problems.append(
                    f"grade {key}: version {revision.version} is no save that was tried"
                )
                continue
            stored.add(attempt["nonce"])
            if attempt["outcome"] != "accepted":
                problems.append(
                    f"grade {key}: version {revision.version} was stored, but the save was "
                    f"answered {attempt['outcome']}"
                )
            elif attempt["version"] != revision.version or attempt["value"] != revision.value:
                verdict.lost_updates += 1
                problems.append(f"grade {key}: accepted {attempt} but stored {revision.version}")
            else:
                last_accepted = attempt
        if last_accepted is not None and grade.value != last_accepted["value"]:
            verdict.lost_updates += 1
            problems.append(f"grade {key}: value {grade.value}, last accepted save {last_accepted}")
    for nonce, attempt in attempts.items():
        if attempt["outcome"] == "accepted" and nonce not in stored:
            verdict.lost_updates += 1
            problems.append(f"accepted save {attempt} is not in the grade history")

    by_id = {str(g.id): _key(g, slugs) for g in grades}
    events = session.scalars(
        select(AuditEvent).where(
            AuditEvent.review_id == review_id,
            AuditEvent.id > before.last_audit_id,
            AuditEvent.action.in_(GRADING_ACTIONS),
        )
    ).all()
    logged = sorted(
        (by_id.get(e.subject_id, "?"), (e.after or {}).get("version"), (e.after or {}).get("grade"))
        for e in events
    )
    wanted = sorted(
        (f"{a['grader_id']}:{a['slug']}", a["version"], a["value"])
        for a in attempts.values()
        if a["outcome"] == "accepted"
    )
    if logged != wanted:
        missing = len(set(wanted) - set(logged))
        verdict.lost_updates += missing
        problems.append(
            f"audit log: {len(logged)} grading events since the run began for {len(wanted)} "
            f"accepted saves ({missing} accepted saves not logged)"
        )

    titles = {u["title"] for u in record["uploads"]}
    found_titles = set()
    if titles:
        found_titles = set(
            session.scalars(
                select(EvidenceItem.title).where(
                    EvidenceItem.review_id == review_id, EvidenceItem.title.in_(titles)
                )
            )
        )
    added = session.scalar(
        select(func.count()).where(
            AuditEvent.review_id == review_id,
            AuditEvent.id > before.last_audit_id,
            AuditEvent.action == "evidence.added",
        )
    )
    if found_titles != titles or added != len(titles):
        problems.append(
            f"uploads: {len(titles)} accepted, {len(found_titles)} stored, {added} audit events"
        )
    return verdict
