"""Fast builders for national programme tests: reviews with their grades written straight to
the tables (no phase walk), so a test can hold thirty reviews and stay quick. Fictional only.

Judgements are named by number as in the rubric: ``"2.3"`` for a key judgement, ``"2"`` for
the judgement area itself.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date

from inspect_app.domain.inspectorates import Inspectorate
from inspect_app.domain.permissions import ReviewRole
from inspect_app.domain.phases import Phase
from inspect_app.models import (
    AgreedGrade,
    Authority,
    Grade,
    PublishedReport,
    Review,
    Rubric,
    SelfEvaluation,
    SelfEvaluationEntry,
    TeamMember,
    User,
)

_seq = itertools.count(1)


@dataclass
class Plan:
    """One review to build."""

    authority: Authority
    lead: User
    phase: Phase = Phase.PUBLISHED
    rubric_key: str = "jar-2005"
    agreed: dict[str, int] = field(default_factory=dict)
    provisional: dict[str, list[int]] = field(default_factory=dict)  # grades by grader 1, 2, …
    self_grades: list[dict[str, int]] = field(default_factory=list)  # one dict per version
    published_on: date | None = None
    analysis_week_on: date | None = date(2026, 9, 7)
    fieldwork_week_one_on: date | None = date(2026, 10, 5)
    fieldwork_week_two_on: date | None = date(2026, 10, 19)
    publication_due_on: date | None = date(2026, 12, 14)
    rubric: Rubric | None = None  # a particular revision; else rubric_key as the tests load it


def _targets(rubric: Rubric) -> dict[str, dict[str, int | None]]:
    out: dict[str, dict[str, int | None]] = {}
    for area in rubric.areas:
        out[str(area.number)] = {"key_judgement_id": None, "area_id": area.id}
        for kj in area.key_judgements:
            out[kj.number] = {"key_judgement_id": kj.id, "area_id": None}
    return out


class NationalBuilder:
    def __init__(self, make) -> None:
        self.make = make
        self.session = make.session
        self._graders: list[User] = []
        self._targets: dict[int, dict[str, dict[str, int | None]]] = {}

    def authority(self, name: str, region: str) -> Authority:
        n = next(_seq)
        authority = Authority(name=name, code=f"NAT{n}", region=region)
        self.session.add(authority)
        self.session.flush()
        return authority

    def grader(self, i: int) -> User:
        while len(self._graders) <= i:
            self._graders.append(self.make.inspector(Inspectorate.CSCI))
        return self._graders[i]

    def targets(self, rubric: Rubric) -> dict[str, dict[str, int | None]]:
        if rubric.id not in self._targets:
            self._targets[rubric.id] = _targets(rubric)
        return self._targets[rubric.id]

    def review(self, plan: Plan) -> Review:
        rubric = plan.rubric or self.make.rubric(plan.rubric_key)
        targets = self.targets(rubric)
        n = next(_seq)
        review = Review(
            reference=f"JAR-NAT-{n:04d}",
            authority_id=plan.authority.id,
            rubric_id=rubric.id,
            phase=plan.phase.value,
            analysis_week_on=plan.analysis_week_on,
            fieldwork_week_one_on=plan.fieldwork_week_one_on,
            fieldwork_week_two_on=plan.fieldwork_week_two_on,
            publication_due_on=plan.publication_due_on,
        )
        self.session.add(review)
        self.session.flush()
        self.session.add(
            TeamMember(review_id=review.id, user_id=plan.lead.id, role=ReviewRole.LEAD_INSPECTOR)
        )
        for number, value in plan.agreed.items():
            self.session.add(
                AgreedGrade(
                    review_id=review.id, value=value, agreed_by_id=plan.lead.id, **targets[number]
                )
            )
        for number, values in plan.provisional.items():
            for i, value in enumerate(values):
                self.session.add(
                    Grade(
                        review_id=review.id,
                        grader_id=self.grader(i).id,
                        value=value,
                        rationale="Seen in case files.",
                        confidence="medium",
                        **targets[number],
                    )
                )
        for version, grades in enumerate(plan.self_grades, start=1):
            returned = SelfEvaluation(
                review_id=review.id,
                version=version,
                rubric_id=rubric.id,
                filename="self-evaluation.xlsx",
                submitted_via="web",
            )
            for position, (number, grade) in enumerate(grades.items()):
                target = targets[number]
                returned.entries.append(
                    SelfEvaluationEntry(
                        position=position,
                        judgement=number,
                        is_area=target["area_id"] is not None,
                        grade=grade,
                        **target,
                    )
                )
            self.session.add(returned)
        if plan.published_on is not None:
            self.session.add(
                PublishedReport(
                    review_id=review.id,
                    version_number=1,
                    document={},
                    content_hash="0" * 64,
                    published_on=plan.published_on,
                    published_by_id=plan.lead.id,
                )
            )
        self.session.flush()
        return review


@dataclass
class Programme:
    """The hand-built programme of the national view tests (figures worked out by hand in
    tests/services/test_national_view.py)."""

    a: Review
    b: Review
    c: Review
    d: Review
    e: Review
    authorities: dict[str, Authority]


def hand_built_programme(make) -> Programme:
    """Three published reviews (A, B in the North East, C in the South West), one in
    fieldwork (D, grading still open) and one in moderation (E, grading closed)."""
    build = NationalBuilder(make)
    north = build.authority("Northmere Borough Council", "North East")
    fen = build.authority("Fenwick Vale Council", "North East")
    castle = build.authority("Castlebridge City Council", "South West")
    marl = build.authority("Marlow Downs Council", "South West")
    hollin = build.authority("Hollinford Council", "South West")
    ofsted_lead = make.inspector(Inspectorate.OFSTED, name="Olive Ofsted-Lead")
    csci_lead = make.inspector(Inspectorate.CSCI, name="Cyril Csci-Lead")
    a = build.review(
        Plan(
            north,
            ofsted_lead,
            agreed={"1": 3, "2": 2, "1.1": 3, "2.3": 2},
            provisional={"2.3": [2, 4], "1.1": [3, 3]},
            self_grades=[{"1": 1, "2": 1}, {"1": 4, "2": 3, "2.3": 3}],
            published_on=date(2026, 3, 1),
            fieldwork_week_one_on=date(2025, 11, 3),
            fieldwork_week_two_on=date(2025, 11, 17),
            publication_due_on=date(2026, 2, 15),
        )
    )
    b = build.review(
        Plan(
            fen,
            csci_lead,
            agreed={"1": 4, "2": 2, "1.1": 4, "2.3": 2},
            provisional={"2.3": [1, 2], "1.1": [3, 4]},
            self_grades=[{"1": 4, "2": 2, "1.1": 3}],
            published_on=date(2026, 6, 1),
            fieldwork_week_one_on=date(2026, 3, 2),
            fieldwork_week_two_on=date(2026, 3, 16),
            publication_due_on=date(2026, 6, 1),
        )
    )
    c = build.review(
        Plan(
            castle,
            ofsted_lead,
            phase=Phase.ACTION_PLAN,
            agreed={"1": 3, "2": 1},
            provisional={"2.3": [3], "1.1": [2, 2, 3]},
            self_grades=[{"1": 3, "2": 1}],
            published_on=date(2027, 2, 1),
            fieldwork_week_one_on=date(2026, 11, 2),
            fieldwork_week_two_on=date(2026, 11, 16),
            publication_due_on=date(2027, 1, 18),
        )
    )
    d = build.review(
        Plan(
            marl,
            ofsted_lead,
            phase=Phase.FIELDWORK,
            provisional={"1.1": [1, 4]},
            analysis_week_on=date(2026, 11, 2),
            fieldwork_week_one_on=date(2026, 12, 1),
            fieldwork_week_two_on=date(2026, 12, 8),
            publication_due_on=date(2027, 2, 1),
        )
    )
    e = build.review(
        Plan(
            hollin,
            csci_lead,
            phase=Phase.MODERATION,
            provisional={"2.3": [1, 4]},
            self_grades=[{"1": 4}],
            analysis_week_on=date(2026, 11, 9),
            fieldwork_week_one_on=date(2026, 12, 7),
            fieldwork_week_two_on=date(2026, 12, 20),
            publication_due_on=date(2027, 3, 1),
        )
    )
    make.session.commit()
    return Programme(
        a,
        b,
        c,
        d,
        e,
        {"A": north, "B": fen, "C": castle, "D": marl, "E": hollin},
    )
