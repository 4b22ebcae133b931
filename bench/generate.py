"""Build a large, realistic, wholly fictional programme of reviews for the benchmarks.

* **The large review**: 12 inspectors from 6 inspectorates (two each) and a report author on
  the full 2005 rubric; the authority's self-evaluation returned as a real workbook; 20,000
  evidence items (a few with files) each linked to one to three key judgements; every
  inspector's grades for the areas assigned to them (some revised); an agreed grade for
  every judgement; a full report draft with recommendations in every band. It stands in
  drafting, so every page of the team is open on it.
* **The small review**: the same, with a small team and a little evidence, so a page's SQL
  statements can be compared between the two.
* **The national set**: one review for each of the 150 fictional authorities of
  :mod:`inspect_app.domain.demo_dataset` (the two above among them), smaller each, spread
  over the phases as a programme would be (most published).
* A review in **self-assessment** (for timing the self-evaluation import) and one in
  **fieldwork** with ten graders and API tokens (for uploads and the load test).

Bulk rows (evidence, links, search rows, grades and their revisions, agreed grades,
self-evaluation entries, audit events) are written with SQLAlchemy Core ``INSERT`` statements
of many rows at a time; reviews, teams and phase changes go through the services, so every
phase precondition is checked and published reports are frozen as in real use.

    python -m bench.generate --small --database-url sqlite:////tmp/bench.sqlite

Every name here is invented; children appear only as pseudonymous case references.
"""

from __future__ import annotations

import argparse
import io
import itertools
import json
import random
import statistics
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from inspect_app.config import PROJECT_ROOT
from inspect_app.demo import ensure_rubrics
from inspect_app.demo_evidence import filled_self_evaluation
from inspect_app.domain.agreement import derive_area_grade
from inspect_app.domain.demo_dataset import DemoAuthority, generate_demo_dataset
from inspect_app.domain.evidence import EvidenceKind
from inspect_app.domain.evidence_files import DEFAULT_MAX_BYTES
from inspect_app.domain.evidence_store import EvidenceStore
from inspect_app.domain.inspectorates import Inspectorate
from inspect_app.domain.permissions import ReviewRole, UserKind
from inspect_app.domain.phases import Phase
from inspect_app.domain.report import Band
from inspect_app.models import (
    AgreedGrade,
    AgreedGradeRevision,
    AuditEvent,
    Authority,
    AuthorityNeighbour,
    EvidenceBlob,
    EvidenceFile,
    EvidenceItem,
    EvidenceLink,
    Grade,
    GradeRevision,
    Review,
    Rubric,
    SelfEvaluation,
    SelfEvaluationEntry,
    User,
)
from inspect_app.models.grading import grade_evidence
from inspect_app.models.types import utcnow
from inspect_app.services import api_tokens, grading, report_drafting
from inspect_app.services import reviews as review_service
from inspect_app.services.evidence_search import evidence_search
from inspect_app.services.passwords import use_fast_hashing_for_tests
from inspect_app.services.report_drafting import RecommendationDetails
from inspect_app.services.self_evaluation import submit_return
from inspect_app.services.users import create_user

PASSWORD = "benchmark-only-password"  # noqa: S105 — a throwaway database
BATCH = 2_000  # rows per INSERT statement batch

# Six inspectorates of the large team, two inspectors each.
TEAM_INSPECTORATES = (
    Inspectorate.OFSTED,
    Inspectorate.CSCI,
    Inspectorate.HEALTHCARE_COMMISSION,
    Inspectorate.AUDIT_COMMISSION,
    Inspectorate.HMI_PROBATION,
    Inspectorate.HMIC,
)
FIRST_NAMES = (
    "Alys", "Bram", "Cerys", "Dorian", "Esme", "Fergus", "Gwen", "Hollis", "Ines", "Jasper",
    "Kit", "Lowri", "Milo", "Nell", "Orrin", "Perpetua", "Quill", "Rosalind", "Silas", "Tamsin",
    "Ulric", "Verity", "Wynn", "Xanthe", "Yorick", "Zelda",
)  # fmt: skip
SURNAMES = (
    "Ashdown", "Birchall", "Coldwell", "Dunmore", "Elsworth", "Farrant", "Gillow", "Hatherley",
    "Ingleby", "Jessop", "Kettering", "Lomax", "Merriott", "Northway", "Ottley", "Penhallow",
    "Quarrie", "Rundle", "Sallis", "Tregear", "Upcott", "Varley", "Wenlock", "Yeoland",
)  # fmt: skip
TOPICS = (
    "Multi-agency referral audit", "Children's centre annual report", "LSCB minutes",
    "Looked after children health assessments", "Youth offending team caseload review",
    "School attendance data", "Connexions destinations survey", "CAMHS waiting times",
    "Foster carer training records", "Strategy meeting notes", "Personal education plans",
    "Care leavers' accommodation audit", "Youth service participation figures",
    "Common Assessment Framework training", "Children in care council minutes",
    "Teenage pregnancy strategy", "Substance misuse service review", "Early years inspections",
)  # fmt: skip
NEIGHBOURHOODS = ("Eastmoor", "Kettle Green", "Saltings", "Harrow Lane", "Millrace", "Upperdale")
KIND_WEIGHTS = (
    (EvidenceKind.DOCUMENT, 40),
    (EvidenceKind.CASE_FILE, 20),
    (EvidenceKind.INTERVIEW, 15),
    (EvidenceKind.OBSERVATION, 10),
    (EvidenceKind.DATA, 10),
    (EvidenceKind.CHILDRENS_VIEWS, 5),
)
# How a national set of 150 reviews stands across the phases (the rest: published or later).
NATIONAL_PHASES = (
    (Phase.SET_UP, 0.04),
    (Phase.SELF_ASSESSMENT, 0.05),
    (Phase.ANALYSIS, 0.05),
    (Phase.FIELDWORK, 0.06),
    (Phase.MODERATION, 0.05),
    (Phase.DRAFTING, 0.05),
    (Phase.FACTUAL_ACCURACY, 0.05),
    (Phase.PUBLISHED, 0.15),
    (Phase.ACTION_PLAN, 0.30),
    (Phase.CLOSED, 0.20),
)


# --------------------------------------------------------------------------- sizes


@dataclass(frozen=True)
class ReviewSize:
    """How much one review holds."""

    inspectors: int  # graders, the lead among them
    evidence: int
    file_every: int = 40  # one item in N has a file
    recommendations: int = 6
    revised_every: int = 5  # one grade in N has been revised once


@dataclass(frozen=True)
class Size:
    name: str
    large: ReviewSize
    small: ReviewSize
    national_reviews: int  # the large and small reviews are two of them
    national: ReviewSize
    load_graders: int = 10


FULL = Size(
    name="full",
    large=ReviewSize(inspectors=12, evidence=20_000, recommendations=15),
    small=ReviewSize(inspectors=3, evidence=40, recommendations=3),
    national_reviews=150,
    national=ReviewSize(inspectors=5, evidence=60, file_every=0, recommendations=6),
)
SMALL = Size(
    name="small",
    large=ReviewSize(inspectors=12, evidence=1_500, recommendations=15),
    small=ReviewSize(inspectors=3, evidence=40, recommendations=3),
    national_reviews=10,
    national=ReviewSize(inspectors=4, evidence=10, file_every=0, recommendations=3),
)
SIZES = {"full": FULL, "small": SMALL}


# --------------------------------------------------------------------------- the result


@dataclass
class ApiGrader:
    email: str
    user_id: int
    token: str


@dataclass
class BenchWorld:
    """What the benchmarks need to know about what was built (JSON-serialisable)."""

    size: str
    password: str
    lead_email: str  # leads the large, small, self-assessment and fieldwork reviews
    admin_email: str
    large_review_id: int
    small_review_id: int
    selfeval_review_id: int
    fieldwork_review_id: int
    fieldwork_targets: list[str] = field(default_factory=list)  # judgement slugs
    api_graders: list[ApiGrader] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2)

    @classmethod
    def from_json(cls, text: str) -> BenchWorld:
        data = json.loads(text)
        data["api_graders"] = [ApiGrader(**g) for g in data.get("api_graders", [])]
        return cls(**data)


# --------------------------------------------------------------------------- helpers


def _insert(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), BATCH):
        session.execute(insert(table), rows[start : start + BATCH])


def _insert_returning_ids(session: Session, table: Table, rows: list[dict[str, Any]]) -> list[int]:
    """Insert many rows; their new ids, in the order of ``rows`` (SQLite and PostgreSQL)."""
    ids: list[int] = []
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    for start in range(0, len(rows), BATCH):
        ids += session.scalars(statement, rows[start : start + BATCH]).all()
    return ids


def _audit_row(
    review_id: int | None,
    actor_id: int | None,
    action: str,
    subject_type: str,
    subject_id: int,
    summary: str,
    after: dict[str, Any] | None = None,
    before: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return {
        "occurred_at": utcnow(),
        "actor_id": actor_id,
        "review_id": review_id,
        "action": action,
        "subject_type": subject_type,
        "subject_id": str(subject_id),
        "summary": summary,
        "before": before,
        "after": after,
    }


class People:
    """Invented inspectors, report authors and authority users, created on demand."""

    def __init__(self, session: Session) -> None:
        self.session = session
        # Names repeat after 624 people (as they do in real life); emails never do.
        self.names = itertools.cycle(
            f"{first} {last}" for last, first in itertools.product(SURNAMES, FIRST_NAMES)
        )
        self.count = 0

    def inspector(self, inspectorate: Inspectorate, job_title: str = "Inspector") -> User:
        return self._user(UserKind.INSPECTOR, inspectorate=inspectorate, job_title=job_title)

    def authority_user(self, authority: Authority) -> User:
        return self._user(
            UserKind.AUTHORITY, authority=authority, job_title="Director of Children's Services"
        )

    def _user(self, kind: UserKind, **kwargs: Any) -> User:
        self.count += 1
        name = next(self.names)
        domain = "authority" if kind is UserKind.AUTHORITY else kwargs["inspectorate"].value
        email = f"{name.lower().replace(' ', '.')}.{self.count}@{domain.replace('_', '-')}.example"
        return create_user(
            self.session, email=email, name=name, password=PASSWORD, kind=kind, **kwargs
        )


@dataclass
class Team:
    lead: User
    graders: list[User]  # the lead first
    author: User


# --------------------------------------------------------------------------- one review


class ReviewBuilder:
    """Builds one review up to a phase, doing each phase's work on the way."""

    def __init__(
        self,
        session: Session,
        rubric: Rubric,
        store: EvidenceStore,
        blobs: list[tuple[str, str]],
        rng: random.Random,
        admin: User,
    ) -> None:
        self.session = session
        self.rubric = rubric
        self.store = store
        self.blobs = blobs  # (sha256, file name) of stored evidence files
        self.rng = rng
        self.admin = admin
        self.counts: dict[str, int] = {}

    def _count(self, what: str, n: int) -> None:
        self.counts[what] = self.counts.get(what, 0) + n

    def build(
        self,
        authority: Authority,
        team: Team,
        size: ReviewSize,
        phase: Phase,
        *,
        authority_user: User,
        dates: review_service.PlannedDates,
        workbook_return: bool = False,
    ) -> Review:
        review = review_service.create_review(
            self.session,
            authority=authority,
            rubric=self.rubric,
            lead=team.lead,
            dates=dates,
            created_by=self.admin,
        )
        self._form_team(review, team)
        self._count("reviews", 1)
        base = {area.number: self.rng.choice((2, 3, 3, 3, 4)) for area in self.rubric.areas}
        steps = [p for p in Phase if Phase.SET_UP.position < p.position <= phase.position]
        for step in steps:
            if step is Phase.ANALYSIS:
                self._self_evaluation(review, base, authority_user, workbook_return)
            if step is Phase.MODERATION:
                self._grades(review, team, base, size)
            if step is Phase.DRAFTING:
                self._agreed_grades(review, team.lead)
            if step is Phase.FACTUAL_ACCURACY:
                self._report(review, team, size)
            review_service.advance_phase(self.session, review, step, actor=team.lead)
            if step is Phase.FIELDWORK:
                self._evidence(review, team, size)
        if phase is Phase.FIELDWORK:
            self._grades(review, team, base, size, share=0.5)
        if phase is Phase.DRAFTING:
            self._report(review, team, size)
        self.session.flush()
        return review

    # --- team ---------------------------------------------------------------------------

    def _form_team(self, review: Review, team: Team) -> None:
        areas = list(self.rubric.areas)
        lead_member = review.lead_inspector
        members = [lead_member]
        for user in team.graders[1:]:
            members.append(
                review_service.add_member(
                    self.session, review, user, ReviewRole.INSPECTOR, actor=team.lead
                )
            )
        author = review_service.add_member(
            self.session, review, team.author, ReviewRole.REPORT_AUTHOR, actor=team.lead
        )
        for member in [*members, author]:
            review_service.declare_interests(
                self.session, member, has_conflict=False, details="", actor=member.user
            )
        # The lead takes service management and capacity to improve; the others share the
        # outcomes two areas each, round the table, so every area has several graders.
        review_service.assign_areas(self.session, lead_member, areas[-2:], actor=team.lead)
        others = members[1:]
        for i, member in enumerate(others):
            chosen = {areas[(2 * i) % len(areas)], areas[(2 * i + 1) % len(areas)]}
            if len(others) < len(areas) // 2 + 1:  # a small team grades more each
                chosen |= {areas[(2 * i + 2) % len(areas)], areas[(2 * i + 3) % len(areas)]}
            review_service.assign_areas(self.session, member, list(chosen), actor=team.lead)
        self.session.flush()

    # --- self-evaluation ----------------------------------------------------------------

    def _self_answers(self, base: dict[int, int]) -> dict[str, tuple[int, str, str]]:
        answers: dict[str, tuple[int, str, str]] = {}
        for area in self.rubric.areas:
            own = min(4, base[area.number] + self.rng.choice((0, 0, 1)))
            answers[str(area.number)] = (
                own,
                f"Partners judge {area.title.lower()} to be improving across the area.",
                "Children and Young People's Plan 2006-09",
            )
            for kj in area.key_judgements:
                answers[kj.number] = (
                    max(1, min(4, own + self.rng.choice((-1, 0, 0, 0, 1)))),
                    f"Our self-assessment of {kj.number}: {kj.text[:80]}",
                    "Annual performance assessment 2006; service plans",
                )
        return answers

    def _self_evaluation(
        self, review: Review, base: dict[int, int], actor: User, workbook_return: bool
    ) -> None:
        answers = self._self_answers(base)
        if workbook_return:  # the real path: a filled workbook, parsed and stored
            submit_return(
                self.session,
                self.store,
                review,
                filled_self_evaluation(review, answers),
                filename=f"{review.authority.name} self-evaluation.xlsx",
                actor=actor,
                max_bytes=DEFAULT_MAX_BYTES,
            )
            self._count("self_evaluations", 1)
            return
        self_evaluation_id = _insert_returning_ids(
            self.session,
            SelfEvaluation.__table__,
            [
                {
                    "review_id": review.id,
                    "version": 1,
                    "rubric_id": review.rubric_id,
                    "evidence_item_id": None,
                    "filename": "self-evaluation.xlsx",
                    "submitted_via": "web",
                    "submitted_by_id": actor.id,
                }
            ],
        )[0]
        rows = []
        for area in self.rubric.areas:
            for kj in area.key_judgements:
                rows.append((kj.number, False, kj.id, None))
            rows.append((str(area.number), True, None, area.id))
        entries = [
            {
                "self_evaluation_id": self_evaluation_id,
                "position": position,
                "judgement": judgement,
                "is_area": is_area,
                "key_judgement_id": kj_id,
                "area_id": area_id,
                "grade": answers[judgement][0],
                "narrative": answers[judgement][1],
                "evidence_references": answers[judgement][2],
            }
            for position, (judgement, is_area, kj_id, area_id) in enumerate(rows, start=1)
        ]
        _insert(self.session, SelfEvaluationEntry.__table__, entries)
        _insert(
            self.session,
            AuditEvent.__table__,
            [
                _audit_row(
                    review.id,
                    actor.id,
                    "self_evaluation.submitted",
                    "SelfEvaluation",
                    self_evaluation_id,
                    f"{review.authority.name} returned its self-evaluation, version 1",
                    {"version": 1, "graded": len(entries)},
                )
            ],
        )
        self._count("self_evaluations", 1)
        self._count("self_evaluation_entries", len(entries))

    # --- evidence -----------------------------------------------------------------------

    def _evidence(self, review: Review, team: Team, size: ReviewSize) -> None:
        rng = self.rng
        key_judgements = [kj for area in self.rubric.areas for kj in area.key_judgements]
        kinds = [kind for kind, _ in KIND_WEIGHTS]
        weights = [weight for _, weight in KIND_WEIGHTS]
        start = review.fieldwork_week_one_on or date.today()
        latest = min(date.today(), start + timedelta(days=13))
        span = max((latest - (start - timedelta(days=35))).days, 1)
        items, plans = [], []
        for n in range(size.evidence):
            kind = rng.choices(kinds, weights)[0]
            by = team.graders[n % len(team.graders)]
            topic = rng.choice(TOPICS)
            place = rng.choice(NEIGHBOURHOODS)
            if kind is EvidenceKind.CASE_FILE:
                title = f"Case file reading record {review.authority.code}-CF-{n:05d}"
            else:
                title = f"{topic} ({place}, item {n + 1})"
            items.append(
                {
                    "review_id": review.id,
                    "title": title,
                    "kind": kind.value,
                    "source": f"{review.authority.name} children's services",
                    "gathered_on": latest - timedelta(days=rng.randrange(span)),
                    "inspectorate": by.inspectorate,
                    "neighbourhood": place,
                    "is_restricted": kind.always_restricted or rng.random() < 0.03,
                    "notes": f"{topic}: gathered by {by.name} in {place}. "
                    f"Read against the key judgements it bears on.",
                    "added_by_id": by.id,
                    "deletion_reason": "",
                }
            )
            links = rng.sample(key_judgements, rng.choice((1, 1, 2, 3)))
            plans.append((by, links))
        ids = _insert_returning_ids(self.session, EvidenceItem.__table__, items)
        links, search, audits, files = [], [], [], []
        for item_id, row, (by, chosen) in zip(ids, items, plans, strict=True):
            notes = []
            for kj in chosen:
                stance = "contradicts" if rng.random() < 0.25 else "supports"
                note = f"Bears on {kj.number}: {stance} the team's emerging view."
                notes.append(note)
                links.append(
                    {
                        "evidence_item_id": item_id,
                        "key_judgement_id": kj.id,
                        "stance": stance,
                        "note": note,
                        "linked_by_id": by.id,
                    }
                )
            file_names = []
            if self.blobs and size.file_every and item_id % size.file_every == 0:
                sha, name = self.blobs[item_id % len(self.blobs)]
                files.append(
                    {"evidence_item_id": item_id, "blob_sha256": sha, "original_name": name}
                )
                file_names.append(name)
            body = [row["source"], row["neighbourhood"], row["notes"], *notes, *file_names]
            search.append(
                {"evidence_item_id": item_id, "title": row["title"], "body": "\n".join(body)}
            )
            audits.append(
                _audit_row(
                    review.id,
                    by.id,
                    "evidence.added",
                    "EvidenceItem",
                    item_id,
                    f"Added evidence “{row['title']}”",
                    {
                        "title": row["title"],
                        "kind": row["kind"],
                        "links": [k.number for k in chosen],
                    },
                )
            )
        _insert(self.session, EvidenceLink.__table__, links)
        _insert(self.session, EvidenceFile.__table__, files)
        _insert(self.session, evidence_search, search)
        _insert(self.session, AuditEvent.__table__, audits)
        self._count("evidence_items", len(ids))
        self._count("evidence_links", len(links))
        self._count("evidence_files", len(files))

    # --- grades -------------------------------------------------------------------------

    def _grades(
        self, review: Review, team: Team, base: dict[int, int], size: ReviewSize, share=1.0
    ) -> None:
        rng = self.rng
        targets = grading.judgement_targets(self.session, review)
        assigned = {m.user_id: {a.area_id for a in m.assignments} for m in review.team}
        evidence_ids = self.session.scalars(
            select(EvidenceItem.id).where(EvidenceItem.review_id == review.id).limit(500)
        ).all()
        grades, plans = [], []
        for grader in team.graders:
            for target in targets:
                if target.area_id not in assigned.get(grader.id, set()):
                    continue
                if rng.random() > share:
                    continue
                history = [self._value(base[target.area_number])]
                if size.revised_every and rng.randrange(size.revised_every) == 0:
                    history.append(self._value(base[target.area_number]))
                confidence = rng.choice(("medium", "high", "medium", "low"))
                grades.append(
                    {
                        "review_id": review.id,
                        "grader_id": grader.id,
                        **target.columns(),
                        "value": history[-1],
                        "rationale": self._rationale(target, history[-1]),
                        "confidence": confidence,
                        "version": len(history),
                    }
                )
                plans.append((grader, target, history, confidence))
        ids = _insert_returning_ids(self.session, Grade.__table__, grades)
        revisions, audits = [], []
        for grade_id, (grader, target, history, confidence) in zip(ids, plans, strict=True):
            for version, value in enumerate(history, start=1):
                revisions.append(
                    {
                        "grade_id": grade_id,
                        "version": version,
                        "value": value,
                        "rationale": self._rationale(target, value),
                        "confidence": confidence,
                        "recorded_by_id": grader.id,
                    }
                )
                audits.append(
                    _audit_row(
                        review.id,
                        grader.id,
                        "grading.grade_submitted" if version == 1 else "grading.grade_revised",
                        "Grade",
                        grade_id,
                        f"{grader.name} {'graded' if version == 1 else 'revised'} {target.label}",
                        {"target": target.slug, "grade": value, "version": version},
                    )
                )
        revision_ids = _insert_returning_ids(self.session, GradeRevision.__table__, revisions)
        if evidence_ids:
            _insert(
                self.session,
                grade_evidence,
                [
                    {"grade_revision_id": rid, "evidence_item_id": eid}
                    for rid in revision_ids
                    for eid in rng.sample(evidence_ids, min(2, len(evidence_ids)))
                ],
            )
        _insert(self.session, AuditEvent.__table__, audits)
        self._count("grades", len(ids))
        self._count("grade_revisions", len(revisions))

    def _value(self, base: int) -> int:
        return max(1, min(4, base + self.rng.choice((-1, 0, 0, 0, 0, 1))))

    @staticmethod
    def _rationale(target: grading.JudgementTarget, value: int) -> str:
        return (
            f"Graded {value} for {target.label}: case files, interviews and the data seen in "
            "fieldwork point this way, weighed against the grade descriptors."
        )

    def _agreed_grades(self, review: Review, lead: User) -> None:
        """Agreed grades as moderation records them: the median for each key judgement, and
        the rubric's rule over the agreed key judgement grades for each area."""
        targets = grading.judgement_targets(self.session, review)
        rows = self.session.execute(
            select(Grade.id, Grade.version, Grade.grader_id, Grade.key_judgement_id)
            .add_columns(Grade.area_id, Grade.value, User.name, User.inspectorate)
            .join(User, User.id == Grade.grader_id)
            .where(Grade.review_id == review.id)
        ).all()
        by_target: dict[tuple, list] = {}
        for row in rows:
            key = grading.target_key_of(row)
            by_target.setdefault(key, []).append(row)
        rule = self.rubric.area_grade_rule or "rounded_median"
        agreed_kj: dict[int, list[int]] = {}
        plans = []
        for target in targets:
            team = by_target.get(target.key, [])
            values = [r.value for r in team]
            median = statistics.median(values) if values else None
            derived = None
            if target.is_area:
                derived = derive_area_grade(agreed_kj.get(target.area_id, []), rule)
                value = derived or 3
            else:
                value = derive_area_grade(values, "rounded_median") or 3
                agreed_kj.setdefault(target.area_id, []).append(value)
            plans.append((target, value, median, derived, team))
        grade_rows = [
            {
                "review_id": review.id,
                **target.columns(),
                "value": value,
                "reasons": f"The team agreed {target.label} at the moderation meeting.",
                "team_median": median,
                "derived_value": derived,
                "is_override": False,
                "agreed_by_id": lead.id,
                "version": 1,
            }
            for target, value, median, derived, _ in plans
        ]
        ids = _insert_returning_ids(self.session, AgreedGrade.__table__, grade_rows)
        revisions, audits = [], []
        for agreed_id, row, (target, value, median, derived, team) in zip(
            ids, grade_rows, plans, strict=True
        ):
            team_grades = [
                {
                    "grade_id": r.id,
                    "grade_version": r.version,
                    "grader_id": r.grader_id,
                    "grader": r.name,
                    "inspectorate": r.inspectorate,
                    "grade": r.value,
                }
                for r in team
            ]
            revisions.append(
                {
                    "agreed_grade_id": agreed_id,
                    "version": 1,
                    "value": value,
                    "reasons": row["reasons"],
                    "team_median": median,
                    "derived_value": derived,
                    "is_override": False,
                    "team_grades": team_grades,
                    "recorded_by_id": lead.id,
                }
            )
            audits.append(
                _audit_row(
                    review.id,
                    lead.id,
                    "moderation.grade_agreed",
                    "AgreedGrade",
                    agreed_id,
                    f"Agreed {target.label}: {value}",
                    {"target": target.slug, "grade": value, "version": 1},
                )
            )
        _insert(self.session, AgreedGradeRevision.__table__, revisions)
        _insert(self.session, AuditEvent.__table__, audits)
        self._count("agreed_grades", len(ids))

    # --- the report ---------------------------------------------------------------------

    def _report(self, review: Review, team: Team, size: ReviewSize) -> None:
        author = team.author
        access = review_service.access_for(author, review)
        lead_access = review_service.access_for(team.lead, review)
        name = review.authority.name
        for spec in report_drafting.section_specs(review):
            report_drafting.save_section(
                self.session,
                review,
                spec.key,
                _section_text(spec.key, spec.title, name),
                expected_version=None,
                actor=author,
                access=access,
            )
            self._count("report_sections", 1)
        areas = list(self.rubric.areas)
        bands = list(Band)
        for n in range(size.recommendations):
            area = areas[n % len(areas)]
            report_drafting.add_recommendation(
                self.session,
                review,
                RecommendationDetails(
                    f"Improve {area.title.lower()}: agree and monitor a joint plan "
                    f"with partners (recommendation {n + 1}).",
                    bands[n % len(bands)].value,
                    area.id,
                    "The authority and its partners",
                ),
                actor=team.lead,
                access=lead_access,
            )
            self._count("recommendations", 1)


def _section_text(key: str, title: str, authority: str) -> str:
    if key == "children-summary":
        return (
            f"# What we found in {authority}\n\nMost of you told us you feel safe and that "
            "adults listen to you. Some of you waited too long for help with worries."
        )
    if key.endswith("-strengths") or key.endswith("-weaknesses") or key == "main-findings":
        return "\n".join(f"- {title}: point {n} found by the team in fieldwork." for n in (1, 2, 3))
    return (
        f"{title}. The team read case files, met children and young people and interviewed "
        f"staff of {authority} and its partners.\n\n"
        "| Measure | Area | England |\n|---|---:|---:|\n| Children in care per 10,000 | 58 | 55 |"
    )


# --------------------------------------------------------------------------- the programme


def _dates(today: date, phase: Phase, rng: random.Random) -> review_service.PlannedDates:
    """Planned dates that fit the phase: past for published reviews, near today otherwise."""
    offsets = {
        Phase.SET_UP: 70,
        Phase.SELF_ASSESSMENT: 50,
        Phase.ANALYSIS: 30,
        Phase.FIELDWORK: 7,
        Phase.MODERATION: -14,
        Phase.DRAFTING: -21,
        Phase.FACTUAL_ACCURACY: -35,
    }
    two = today + timedelta(days=offsets.get(phase, -rng.randrange(90, 900)))
    two -= timedelta(days=two.weekday())
    return review_service.PlannedDates(
        set_up_on=two - timedelta(weeks=10),
        analysis_week_on=two - timedelta(weeks=6),
        fieldwork_week_one_on=two - timedelta(weeks=2),
        fieldwork_week_two_on=two,
        publication_due_on=two + timedelta(weeks=8),
    )


def _national_phases(n: int) -> list[Phase]:
    phases: list[Phase] = []
    for phase, share in NATIONAL_PHASES:
        phases += [phase] * round(share * n)
    phases = phases[:n]
    phases += [Phase.ACTION_PLAN] * (n - len(phases))
    return phases


def _store_blobs(session: Session, store: EvidenceStore, count: int) -> list[tuple[str, str]]:
    """A few small distinct text files, stored once and shared by many items."""
    blobs = []
    for n in range(count):
        text = "\n".join(
            f"Line {line}: notes of a multi-agency meeting, file {n}." for line in range(40)
        )
        stored = store.store(io.BytesIO(text.encode("utf-8")), max_bytes=DEFAULT_MAX_BYTES)
        if session.get(EvidenceBlob, stored.sha256) is None:
            session.add(
                EvidenceBlob(
                    sha256=stored.sha256,
                    size=stored.size,
                    kind="text",
                    media_type="text/plain",
                    extracted_text=text,
                )
            )
        blobs.append((stored.sha256, f"meeting-notes-{n:02d}.txt"))
    session.flush()
    return blobs


def build(
    session: Session, store: EvidenceStore, size: Size, *, seed: int = 2005, commit: bool = True
) -> BenchWorld:
    """Build the whole programme in ``session`` (an empty, migrated database)."""
    started = time.perf_counter()
    use_fast_hashing_for_tests()
    rng = random.Random(seed)
    today = date.today()
    ensure_rubrics(session, PROJECT_ROOT / "rubrics")
    rubric = session.scalars(
        select(Rubric).where(Rubric.key == "jar-2005").order_by(Rubric.revision.desc())
    ).first()
    people = People(session)
    admin = create_user(
        session,
        email="bench.admin@bench.example",
        name="Bench Administrator",
        password=PASSWORD,
        kind=UserKind.ADMINISTRATOR,
    )
    lead = create_user(
        session,
        email="bench.lead@bench.example",
        name="Rowan Hedgecock",
        password=PASSWORD,
        kind=UserKind.INSPECTOR,
        inspectorate=Inspectorate.OFSTED,
        job_title="HMI, lead inspector",
    )
    authorities = _authorities(session, generate_demo_dataset(seed=seed), size.national_reviews)
    blobs = _store_blobs(session, store, 24)
    builder = ReviewBuilder(session, rubric, store, blobs, rng, admin)

    def team_of(n: int, lead_user: User | None = None) -> Team:
        chosen_lead = lead_user or people.inspector(rng.choice(list(Inspectorate)), "HMI")
        graders = [chosen_lead]
        for i in range(n - 1):
            graders.append(people.inspector(TEAM_INSPECTORATES[(i + 1) // 2 % 6]))
        return Team(chosen_lead, graders, people.inspector(Inspectorate.OFSTED, "Report author"))

    # The national reviews draw their teams from a pool, as the inspectorates did.
    pool = [
        people.inspector(TEAM_INSPECTORATES[n % 6])
        for n in range(min(120, 8 * size.national_reviews))
    ]
    authors = [people.inspector(Inspectorate.OFSTED, "Report author") for _ in range(10)]

    def pooled_team(n: int) -> Team:
        graders = rng.sample(pool, n)
        return Team(graders[0], graders, rng.choice(authors))

    def review_of(authority, team, review_size, phase, *, workbook=False) -> Review:
        built = builder.build(
            authority,
            team,
            review_size,
            phase,
            authority_user=people.authority_user(authority),
            dates=_dates(today, phase, rng),
            workbook_return=workbook,
        )
        session.commit() if commit else session.flush()
        return built

    large = review_of(
        authorities[0], team_of(size.large.inspectors, lead), size.large, Phase.DRAFTING,
        workbook=True,
    )  # fmt: skip
    small = review_of(
        authorities[1], team_of(size.small.inspectors, lead), size.small, Phase.DRAFTING,
        workbook=True,
    )  # fmt: skip
    selfeval = review_of(
        authorities[2], team_of(size.national.inspectors, lead), size.national,
        Phase.SELF_ASSESSMENT,
    )  # fmt: skip
    fieldwork_team = team_of(size.load_graders, lead)
    fieldwork = review_of(authorities[3], fieldwork_team, size.national, Phase.FIELDWORK)
    phases = _national_phases(size.national_reviews)
    rng.shuffle(phases)
    for authority, phase in zip(authorities[4:], phases[4:], strict=False):
        review_of(authority, pooled_team(size.national.inspectors), size.national, phase)

    # The fieldwork review's graders may grade every judgement, through the API.
    access = review_service.access_for(lead, fieldwork)
    fieldwork_targets = [t.slug for t in grading.judgement_targets(session, fieldwork)]
    api_graders = []
    for user in fieldwork_team.graders:
        member = fieldwork.member_for(user.id)
        if member is not None and access.can_manage_grading and user.id != lead.id:
            grading.set_allowance(session, fieldwork, member, True, actor=lead)
        secret = api_tokens.create_token(session, user, "Load test").secret
        api_graders.append(ApiGrader(user.email, user.id, secret))
    session.commit() if commit else session.flush()

    counts = dict(builder.counts)
    counts["users"] = people.count + 2
    counts["authorities"] = len(authorities)
    counts["large_review_evidence"] = size.large.evidence
    return BenchWorld(
        size=size.name,
        password=PASSWORD,
        lead_email=lead.email,
        admin_email=admin.email,
        large_review_id=large.id,
        small_review_id=small.id,
        selfeval_review_id=selfeval.id,
        fieldwork_review_id=fieldwork.id,
        fieldwork_targets=fieldwork_targets,
        api_graders=api_graders,
        counts=counts,
        seconds=round(time.perf_counter() - started, 2),
    )


def _authorities(session: Session, dataset, count: int) -> list[Authority]:
    """The fictional authorities of the demo dataset, with their statistical neighbours."""
    chosen: Sequence[DemoAuthority] = dataset.authorities[: max(count, 4)]
    rows = [{"code": a.code, "name": a.name, "region": a.region} for a in chosen]
    ids = _insert_returning_ids(session, Authority.__table__, rows)
    by_code = dict(zip((a.code for a in chosen), ids, strict=True))
    neighbours = [
        {"authority_id": by_code[code], "neighbour_id": by_code[other], "rank": rank}
        for code in by_code
        for rank, other in enumerate(_known(dataset.neighbours.get(code, ()), by_code), start=1)
    ]
    _insert(session, AuthorityNeighbour.__table__, neighbours)
    session.flush()
    return list(
        session.scalars(select(Authority).where(Authority.id.in_(ids)).order_by(Authority.id))
    )


def _known(codes: Iterable[str], by_code: dict[str, int]) -> list[str]:
    return [c for c in codes if c in by_code]


# --------------------------------------------------------------------------- command line


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", action="store_true", help="a quick build (a few seconds)")
    parser.add_argument("--database-url", required=True, help="an empty database to fill")
    parser.add_argument("--evidence-dir", type=Path, required=True)
    parser.add_argument("--world", type=Path, help="write what was built here (JSON)")
    args = parser.parse_args(argv)
    world = generate(args.database_url, args.evidence_dir, SMALL if args.small else FULL)
    if args.world:
        args.world.write_text(world.to_json(), encoding="utf-8")
    print(json.dumps(world.counts, indent=2))
    print(f"Built in {world.seconds:.1f} s")


def generate(database_url: str, evidence_dir: Path, size: Size) -> BenchWorld:
    """Migrate ``database_url`` and build the programme in it."""
    from flask_migrate import upgrade

    from inspect_app import create_app
    from inspect_app.extensions import db

    app = create_app(
        {"DATABASE_URL": database_url, "SECRET_KEY": "bench", "EVIDENCE_DIR": str(evidence_dir)}
    )
    with app.app_context():
        upgrade()
        world = build(db.session, EvidenceStore(evidence_dir), size)
        db.session.remove()
        db.engine.dispose()
    return world


if __name__ == "__main__":
    main()
