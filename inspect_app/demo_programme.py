"""The demo's wider programme: eight lightweight published reviews of authorities from the
generated dataset, so that the national programme view has grades, disagreement and
self-evaluation calibration across regions and lead inspectorates to show.

Each review is one authority per region (the first of the generated authorities by code,
leaving out the six of the main demo), led by one of the demo inspectors. The phases go
through the review service (so each move is checked and audit-logged, and entering
Published freezes a real report), but the bulk of the back-story — the authority's
self-grades, two inspectors' provisional grades and the agreed grades — is written in a few
bulk inserts, recorded by one audit event per review. Their report is two short sections:
the main findings and the summary for children and young people. Fenwick Vale
(``inspect_app/demo_report.py``) remains the one complete published review.

Grades are deterministic: a profile of area grades per review, key judgements within one
grade of it (from a random generator seeded with the authority's code), agreed area grades
derived by the rubric's rule. Running it again adds only what is missing. Every name and
figure is invented.
"""

from __future__ import annotations

import random
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from inspect_app.demo_clock import stamped_on
from inspect_app.domain.agreement import derive_area_grade
from inspect_app.domain.permissions import ReviewRole
from inspect_app.domain.phases import Phase
from inspect_app.models import (
    AgreedGrade,
    AgreedGradeRevision,
    Authority,
    Grade,
    GradeRevision,
    Review,
    Rubric,
    SelfEvaluation,
    SelfEvaluationEntry,
    User,
)
from inspect_app.models.types import utcnow
from inspect_app.services import audit, grading, publication, report_drafting
from inspect_app.services import reviews as review_service
from inspect_app.services.grading import JudgementTarget
from inspect_app.services.self_evaluation import COMMAND_LINE
from inspect_app.services.users import create_user, find_by_email

if TYPE_CHECKING:
    from inspect_app.demo import DemoPerson

RUBRIC_KEY = "jar-2005"
MAIN_DEMO_CODES = frozenset({"NMB", "CSB", "FVD", "HLM", "ASH", "WRK"})
REPORT_AUTHOR = "clare.whitcombe@ofsted.example"
ADMIN = "admin@jar.example"

# Key judgements on which the two inspectors of a review disagree more often.
CONTENTIOUS = frozenset({"2.3", "2.5", "5.5", "6.3", "1.4", "3.6"})


@dataclass(frozen=True)
class ProgrammeReview:
    """One lightweight review: who led it, when it was published, its grades."""

    region: str
    lead: str  # email of a demo inspector
    inspector: str  # the second inspector, who grades every judgement too
    weeks_since_publication: int
    days_late: int  # published this many days after it was due
    area_grades: tuple[int, int, int, int, int, int, int]  # areas 1-7
    self_bias: str  # "over", "accurate", "under" or "mixed"
    final_phase: Phase


PROGRAMME = (
    ProgrammeReview(
        "North East",
        "helen.marsh@ofsted.example",
        "priya.raman@csci.example",
        82,
        0,
        (3, 3, 3, 4, 3, 3, 3),
        "over",
        Phase.CLOSED,
    ),
    ProgrammeReview(
        "North West",
        "priya.raman@csci.example",
        "sarah.quell@probation.example",
        74,
        9,
        (2, 1, 2, 2, 2, 1, 2),
        "over",
        Phase.CLOSED,
    ),
    ProgrammeReview(
        "Yorkshire and the Humber",
        "grace.lindqvist@hc.example",
        "david.okafor@ofsted.example",
        66,
        0,
        (4, 3, 4, 4, 3, 4, 4),
        "accurate",
        Phase.CLOSED,
    ),
    ProgrammeReview(
        "East Midlands",
        "david.okafor@ofsted.example",
        "tom.ellery@csci.example",
        58,
        0,
        (3, 2, 3, 3, 2, 2, 3),
        "over",
        Phase.ACTION_PLAN,
    ),
    ProgrammeReview(
        "West Midlands",
        "martin.pryce@audit.example",
        "ruth.abernathy@ali.example",
        49,
        4,
        (2, 2, 2, 3, 2, 2, 2),
        "mixed",
        Phase.ACTION_PLAN,
    ),
    ProgrammeReview(
        "London",
        "tom.ellery@csci.example",
        "owen.talbot@hmic.example",
        38,
        0,
        (3, 3, 2, 3, 3, 3, 3),
        "under",
        Phase.ACTION_PLAN,
    ),
    ProgrammeReview(
        "South East",
        "helen.marsh@ofsted.example",
        "grace.lindqvist@hc.example",
        27,
        0,
        (3, 2, 3, 3, 3, 3, 2),
        "over",
        Phase.ACTION_PLAN,
    ),
    ProgrammeReview(
        "South West",
        "sarah.quell@probation.example",
        "martin.pryce@audit.example",
        16,
        0,
        (2, 2, 3, 2, 1, 2, 2),
        "accurate",
        Phase.PUBLISHED,
    ),
)

GRADE_WORDS = {4: "outstanding", 3: "good", 2: "adequate", 1: "inadequate"}


def programme_authorities(session: Session) -> dict[str, Authority]:
    """Region → the authority the programme reviews there: the first by code of those not
    in the main demo. One query; regions without such an authority are left out."""
    chosen: dict[str, Authority] = {}
    for authority in session.scalars(
        select(Authority)
        .where(Authority.code.not_in(MAIN_DEMO_CODES))
        .where(Authority.region.in_([p.region for p in PROGRAMME]))
        .order_by(Authority.code)
    ):
        chosen.setdefault(authority.region, authority)
    return chosen


def load_programme_reviews(
    session: Session,
    rubric: Rubric,
    users: dict[str, User],
    admin: User,
    *,
    today: date | None = None,
) -> list[Review]:
    """Add the programme's reviews that are missing (an authority that already has a review
    is left alone). Returns the reviews added. The caller commits."""
    today = today or publication.today_in_uk()
    authorities = programme_authorities(session)
    reviewed = set(session.scalars(select(Review.authority_id)))
    targets = None
    added = []
    for plan in PROGRAMME:
        authority = authorities.get(plan.region)
        if authority is None or authority.id in reviewed:
            continue
        if any(email not in users for email in (plan.lead, plan.inspector, REPORT_AUTHOR)):
            continue
        review = _review(session, plan, authority, rubric, users, admin, today, targets)
        targets = targets or grading.judgement_targets(session, review)
        added.append(review)
    return added


def top_up(session: Session, people: Iterable[DemoPerson], password: str) -> list[Review]:
    """For a database loaded before the programme existed: add any missing demo person
    (the programme lead, say) and the missing programme reviews. The caller commits."""
    for person in people:
        if find_by_email(session, person.email) is None:
            _create_person(session, person, password)
    rubric = session.scalars(
        select(Rubric).where(Rubric.key == RUBRIC_KEY).order_by(Rubric.revision.desc())
    ).first()
    admin = find_by_email(session, ADMIN)
    if rubric is None or admin is None:
        return []
    emails = {p.lead for p in PROGRAMME} | {p.inspector for p in PROGRAMME} | {REPORT_AUTHOR}
    users = {u.email: u for u in session.scalars(select(User).where(User.email.in_(emails)))}
    return load_programme_reviews(session, rubric, users, admin)


def make_programme_lead(session: Session, user: User, *, actor: User | None = None) -> None:
    """Let an inspector see the national programme view (audited, as the admin page does)."""
    if user.programme_lead:
        return
    user.programme_lead = True
    audit.record(
        session,
        action="user.programme_lead_changed",
        actor=actor,
        subject=user,
        summary=f"{user.email} may now see the national programme view",
        after={"programme_lead": True},
    )


def _create_person(session: Session, person: DemoPerson, password: str) -> User:
    authority = None
    if person.authority_code:
        authority = session.scalar(select(Authority).where(Authority.code == person.authority_code))
    user = create_user(
        session,
        email=person.email,
        name=person.name,
        password=password,
        kind=person.kind,
        inspectorate=person.inspectorate,
        authority=authority,
        job_title=person.job_title,
    )
    if person.programme_lead:
        make_programme_lead(session, user)
    return user


# --------------------------------------------------------------------------- one review


def _monday_before(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _review(
    session: Session,
    plan: ProgrammeReview,
    authority: Authority,
    rubric: Rubric,
    users: dict[str, User],
    admin: User,
    today: date,
    targets: list[JudgementTarget] | None,
) -> Review:
    lead, inspector, author = users[plan.lead], users[plan.inspector], users[REPORT_AUTHOR]
    published_on = today - timedelta(weeks=plan.weeks_since_publication)
    due_on = published_on - timedelta(days=plan.days_late)
    fieldwork_two = _monday_before(due_on - timedelta(weeks=8))
    dates = review_service.PlannedDates(
        set_up_on=fieldwork_two - timedelta(weeks=10),
        analysis_week_on=fieldwork_two - timedelta(weeks=6),
        fieldwork_week_one_on=fieldwork_two - timedelta(weeks=2),
        fieldwork_week_two_on=fieldwork_two,
        publication_due_on=due_on,
    )
    with stamped_on(session, dates.set_up_on):
        review = review_service.create_review(
            session, authority=authority, rubric=rubric, lead=lead, created_by=admin, dates=dates
        )
        review_service.add_member(session, review, inspector, ReviewRole.INSPECTOR, actor=lead)
        review_service.add_member(session, review, author, ReviewRole.REPORT_AUTHOR, actor=lead)
        for member in review.team:
            review_service.declare_interests(
                session, member, has_conflict=False, details="", actor=member.user
            )
            if member.role != ReviewRole.REPORT_AUTHOR:
                review_service.assign_areas(session, member, list(rubric.areas), actor=lead)
        session.flush()
        review_service.advance_phase(session, review, Phase.SELF_ASSESSMENT, actor=lead)

    targets = targets or grading.judgement_targets(session, review)
    grades = _grades(plan, authority, targets, rubric.area_grade_rule or "rounded_median")
    with stamped_on(session, dates.analysis_week_on - timedelta(days=7)):
        self_evaluation = _self_evaluation(session, review, targets, grades)
    with stamped_on(session, dates.analysis_week_on):
        review_service.advance_phase(session, review, Phase.ANALYSIS, actor=lead)
    with stamped_on(session, dates.fieldwork_week_one_on):
        review_service.advance_phase(session, review, Phase.FIELDWORK, actor=lead)
    with stamped_on(session, fieldwork_two + timedelta(days=4)):
        grade_ids = _provisional_grades(session, review, targets, grades, (lead, inspector))
    with stamped_on(session, fieldwork_two + timedelta(days=7)):
        review_service.advance_phase(session, review, Phase.MODERATION, actor=lead)
        agreed = _agreed_grades(
            session, review, targets, grades, lead, (lead, inspector), grade_ids
        )
        review_service.advance_phase(session, review, Phase.DRAFTING, actor=lead)
        audit.record(
            session,
            action="demo.review_history_loaded",
            actor=None,
            review_id=review.id,
            subject=review,
            summary=f"Loaded the fictional back-story of {review.reference}: a self-evaluation "
            f"of {self_evaluation} judgements, {len(grade_ids)} provisional grades and "
            f"{agreed} agreed grades",
            after={"self_grades": self_evaluation, "grades": len(grade_ids), "agreed": agreed},
        )
    with stamped_on(session, fieldwork_two + timedelta(days=14)):
        _write_report(session, review, authority, grades, author)
        review_service.advance_phase(session, review, Phase.FACTUAL_ACCURACY, actor=lead)
    with stamped_on(session, published_on):
        publication.publish_first_version(session, review, actor=lead, today=published_on)
        review_service.advance_phase(session, review, Phase.PUBLISHED, actor=lead)
    if plan.final_phase.is_at_least(Phase.ACTION_PLAN):
        with stamped_on(session, published_on + timedelta(days=1)):
            review_service.advance_phase(session, review, Phase.ACTION_PLAN, actor=lead)
    if plan.final_phase is Phase.CLOSED:
        with stamped_on(session, published_on + timedelta(weeks=15)):
            review_service.advance_phase(session, review, Phase.CLOSED, actor=lead)
    session.flush()
    return review


@dataclass(frozen=True)
class _Grades:
    agreed: dict[str, int]  # judgement number ("2.3", or "2" for the area) → agreed grade
    second: dict[str, int]  # the second inspector's provisional grade
    self_grades: dict[str, int]


def _clip(value: int) -> int:
    return max(1, min(4, value))


def _grades(
    plan: ProgrammeReview, authority: Authority, targets: list[JudgementTarget], rule: str
) -> _Grades:
    rng = random.Random(f"jar-demo-programme-{authority.code}")
    agreed: dict[str, int] = {}
    second: dict[str, int] = {}
    self_grades: dict[str, int] = {}
    for target in targets:
        base = plan.area_grades[target.area_number - 1]
        if target.is_area:
            keys = [t.number for t in targets if t.area_id == target.id and not t.is_area]
            value = derive_area_grade([agreed[k] for k in keys], rule) or base
        else:
            roll = rng.random()
            value = _clip(base + (-1 if roll < 0.12 else 1 if roll > 0.88 else 0))
        agreed[target.number] = value
        odds = 0.5 if target.number in CONTENTIOUS else 0.12
        step = rng.choice((-1, 1)) * (2 if rng.random() < 0.1 else 1)
        second[target.number] = _clip(value + step) if rng.random() < odds else value
        self_grades[target.number] = _clip(value + _self_offset(plan.self_bias, rng))
    return _Grades(agreed, second, self_grades)


def _self_offset(bias: str, rng: random.Random) -> int:
    roll = rng.random()
    if bias == "over":
        return 1 if roll < 0.7 else 0
    if bias == "under":
        return -1 if roll < 0.35 else 0
    if bias == "mixed":
        return 1 if roll < 0.3 else -1 if roll > 0.8 else 0
    return 1 if roll < 0.1 else 0  # accurate


def _self_evaluation(
    session: Session, review: Review, targets: list[JudgementTarget], grades: _Grades
) -> int:
    record = SelfEvaluation(
        review_id=review.id,
        version=1,
        rubric_id=review.rubric_id,
        filename=f"{review.authority.name} self-evaluation.xlsx",
        submitted_via=COMMAND_LINE,
        submitted_by=None,
        entries=[
            SelfEvaluationEntry(
                position=position,
                judgement=t.number,
                is_area=t.is_area,
                **t.columns(),
                grade=grades.self_grades[t.number],
                narrative=f"Our assessment of {t.area_title.lower()}"
                + ("." if t.is_area else f": {t.number}."),
                evidence_references="Children and Young People's Plan; APA 2006",
            )
            for position, t in enumerate(targets, start=1)
        ],
    )
    session.add(record)
    session.flush()
    return len(targets)


def _provisional_grades(
    session: Session,
    review: Review,
    targets: list[JudgementTarget],
    grades: _Grades,
    graders: tuple[User, User],
) -> dict[tuple[int, str], int]:
    """Both inspectors grade every judgement: the lead as agreed, the other as drawn.
    Returns (grader id, judgement number) → the grade's id."""
    rows = []
    for grader, values in zip(graders, (grades.agreed, grades.second), strict=True):
        for t in targets:
            value = values[t.number]
            now = utcnow()
            rows.append(
                {
                    "review_id": review.id,
                    "grader_id": grader.id,
                    **t.columns(),
                    "value": value,
                    "rationale": f"{GRADE_WORDS[value].capitalize()}: {t.text}",
                    "confidence": "medium",
                    "submitted_at": now,
                    "updated_at": now,
                    "version": 1,
                }
            )
    ids = session.scalars(
        insert(Grade).returning(Grade.id, sort_by_parameter_order=True), rows
    ).all()
    session.execute(
        insert(GradeRevision),
        [
            {
                "grade_id": grade_id,
                "version": 1,
                "value": row["value"],
                "rationale": row["rationale"],
                "confidence": row["confidence"],
                "recorded_by_id": row["grader_id"],
                "recorded_at": row["submitted_at"],
            }
            for grade_id, row in zip(ids, rows, strict=True)
        ],
    )
    numbers = [t.number for t in targets] * len(graders)
    return {
        (row["grader_id"], number): grade_id
        for grade_id, row, number in zip(ids, rows, numbers, strict=True)
    }


def _agreed_grades(
    session: Session,
    review: Review,
    targets: list[JudgementTarget],
    grades: _Grades,
    lead: User,
    graders: tuple[User, User],
    grade_ids: dict[tuple[int, str], int],
) -> int:
    rows = []
    team = []
    for t in targets:
        pair = [grades.agreed[t.number], grades.second[t.number]]
        value = grades.agreed[t.number]
        derived = value if t.is_area else None
        now = utcnow()
        rows.append(
            {
                "review_id": review.id,
                **t.columns(),
                "value": value,
                "reasons": "Agreed at the moderation meeting."
                if pair[0] == pair[1]
                else "The team weighed the case files and interviews and agreed "
                f"{GRADE_WORDS[value]}.",
                "team_median": float(statistics.median(pair)),
                "derived_value": derived,
                "is_override": False,
                "agreed_by_id": lead.id,
                "agreed_at": now,
                "version": 1,
            }
        )
        team.append(
            [
                {
                    "grade_id": grade_ids[(g.id, t.number)],
                    "grade_version": 1,
                    "grader_id": g.id,
                    "grader": g.name,
                    "inspectorate": g.inspectorate,
                    "grade": v,
                }
                for g, v in zip(graders, pair, strict=True)
            ]
        )
    ids = session.scalars(
        insert(AgreedGrade).returning(AgreedGrade.id, sort_by_parameter_order=True), rows
    ).all()
    session.execute(
        insert(AgreedGradeRevision),
        [
            {
                "agreed_grade_id": agreed_id,
                "version": 1,
                "value": row["value"],
                "reasons": row["reasons"],
                "team_median": row["team_median"],
                "derived_value": row["derived_value"],
                "is_override": False,
                "team_grades": team_grades,
                "recorded_by_id": lead.id,
                "recorded_at": row["agreed_at"],
            }
            for agreed_id, row, team_grades in zip(ids, rows, team, strict=True)
        ],
    )
    return len(rows)


def _write_report(
    session: Session, review: Review, authority: Authority, grades: _Grades, author: User
) -> None:
    access = review_service.access_for(author, review)
    areas = {area.number: area.title for area in review.rubric.areas}
    lines = [
        f"- {areas[n]}: {GRADE_WORDS[grades.agreed[str(n)]]}." for n in sorted(areas) if n <= 5
    ]
    findings = (
        f"Outcomes for children and young people in {authority.name}:\n\n"
        + "\n".join(lines)
        + f"\n\nThe management of services is {GRADE_WORDS[grades.agreed['6']]} and the "
        f"capacity to improve is {GRADE_WORDS[grades.agreed['7']]}."
    )
    summary = (
        "# What we did\n\n"
        f"We are inspectors. We visited {authority.name} to find out how well the council and "
        "the people it works with help children and young people, and we talked to many of "
        "you.\n\n# What we found\n\n"
        f"Services for keeping you safe are {GRADE_WORDS[grades.agreed['2']]}. Services "
        f"helping you to enjoy school and achieve are {GRADE_WORDS[grades.agreed['3']]}."
    )
    for key, body in (("main-findings", findings), ("children-summary", summary)):
        report_drafting.save_section(
            session, review, key, body, expected_version=None, actor=author, access=access
        )
