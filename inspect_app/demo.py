"""The fictional demo: authorities, people and reviews to try the product on.

Every name here is invented. Demo passwords are for local demonstration only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from inspect_app import demo_evidence, demo_grading, demo_performance, demo_programme, demo_report
from inspect_app.domain.evidence_store import EvidenceStore
from inspect_app.domain.inspectorates import Inspectorate
from inspect_app.domain.permissions import ReviewRole, UserKind
from inspect_app.domain.phases import Phase
from inspect_app.domain.rubric_validation import validate_paths
from inspect_app.models import Authority, AuthorityNeighbour, Review, Rubric, User
from inspect_app.services import reviews as review_service
from inspect_app.services.passwords import hash_password
from inspect_app.services.rubric_library import load_rubric
from inspect_app.services.users import create_user

DEMO_PASSWORD = "demo-only-password"  # noqa: S105 — documented as demo-only

AUTHORITIES = [
    # code, name, region
    ("NMB", "Northmere Borough Council", "North West"),
    ("CSB", "Castlebridge City Council", "West Midlands"),
    ("FVD", "Fenwick Vale Council", "North West"),
    ("HLM", "Harlow Moss Metropolitan Borough Council", "Yorkshire and the Humber"),
    ("ASH", "Ashcombe County Council", "South West"),
    ("WRK", "Wrexley Borough Council", "North East"),
]
NEIGHBOURS = {"NMB": ["FVD", "HLM", "WRK"], "CSB": ["HLM", "ASH", "NMB"]}


@dataclass(frozen=True)
class DemoPerson:
    email: str
    name: str
    kind: UserKind
    inspectorate: Inspectorate | None = None
    authority_code: str | None = None
    job_title: str = ""
    programme_lead: bool = False  # may see the national programme view


PEOPLE = [
    DemoPerson(
        "admin@jar.example",
        "Morgan Tate",
        UserKind.ADMINISTRATOR,
        job_title="Programme administrator",
    ),
    DemoPerson(
        "miriam.ashdown@ofsted.example",
        "Miriam Ashdown",
        UserKind.INSPECTOR,
        Inspectorate.OFSTED,
        job_title="Programme lead, joint area reviews",
        programme_lead=True,
    ),
    DemoPerson(
        "helen.marsh@ofsted.example",
        "Helen Marsh",
        UserKind.INSPECTOR,
        Inspectorate.OFSTED,
        job_title="HMI, lead inspector",
    ),
    DemoPerson(
        "david.okafor@ofsted.example",
        "David Okafor",
        UserKind.INSPECTOR,
        Inspectorate.OFSTED,
        job_title="Additional inspector",
    ),
    DemoPerson(
        "clare.whitcombe@ofsted.example",
        "Clare Whitcombe",
        UserKind.INSPECTOR,
        Inspectorate.OFSTED,
        job_title="Report author",
    ),
    DemoPerson(
        "priya.raman@csci.example",
        "Priya Raman",
        UserKind.INSPECTOR,
        Inspectorate.CSCI,
        job_title="Regulation inspector",
    ),
    DemoPerson(
        "tom.ellery@csci.example",
        "Tom Ellery",
        UserKind.INSPECTOR,
        Inspectorate.CSCI,
        job_title="Regulation inspector",
    ),
    DemoPerson(
        "grace.lindqvist@hc.example",
        "Grace Lindqvist",
        UserKind.INSPECTOR,
        Inspectorate.HEALTHCARE_COMMISSION,
        job_title="Review manager",
    ),
    DemoPerson(
        "martin.pryce@audit.example",
        "Martin Pryce",
        UserKind.INSPECTOR,
        Inspectorate.AUDIT_COMMISSION,
        job_title="Performance specialist",
    ),
    DemoPerson(
        "sarah.quell@probation.example",
        "Sarah Quell",
        UserKind.INSPECTOR,
        Inspectorate.HMI_PROBATION,
        job_title="Inspector",
    ),
    DemoPerson(
        "owen.talbot@hmic.example",
        "Owen Talbot",
        UserKind.INSPECTOR,
        Inspectorate.HMIC,
        job_title="Staff officer",
    ),
    DemoPerson(
        "ruth.abernathy@ali.example",
        "Ruth Abernathy",
        UserKind.INSPECTOR,
        Inspectorate.ALI,
        job_title="Inspector",
    ),
    DemoPerson(
        "janet.holloway@northmere.example",
        "Janet Holloway",
        UserKind.AUTHORITY,
        authority_code="NMB",
        job_title="Director of Children's Services",
    ),
    DemoPerson(
        "ian.corder@castlebridge.example",
        "Ian Corder",
        UserKind.AUTHORITY,
        authority_code="CSB",
        job_title="Head of Performance",
    ),
    DemoPerson(
        "amara.stockley@fenwickvale.example",
        "Amara Stockley",
        UserKind.AUTHORITY,
        authority_code="FVD",
        job_title="Director of Children's Services",
    ),
]

# Northmere team: who does what, and which 2005 areas (by number) each grades.
NORTHMERE_TEAM = [
    ("helen.marsh@ofsted.example", ReviewRole.LEAD_INSPECTOR, [6, 7]),
    ("david.okafor@ofsted.example", ReviewRole.INSPECTOR, [3, 4]),
    ("priya.raman@csci.example", ReviewRole.INSPECTOR, [2]),
    ("tom.ellery@csci.example", ReviewRole.INSPECTOR, [2, 5]),
    ("grace.lindqvist@hc.example", ReviewRole.INSPECTOR, [1]),
    ("martin.pryce@audit.example", ReviewRole.INSPECTOR, [6, 7]),
    ("sarah.quell@probation.example", ReviewRole.INSPECTOR, [4]),
    ("owen.talbot@hmic.example", ReviewRole.INSPECTOR, [2]),
    ("ruth.abernathy@ali.example", ReviewRole.INSPECTOR, [5]),
    ("clare.whitcombe@ofsted.example", ReviewRole.REPORT_AUTHOR, []),
]


class DemoAlreadyLoaded(RuntimeError):
    pass


def ensure_rubrics(session: Session, rubrics_dir: Path) -> None:
    specs, problems = validate_paths([rubrics_dir])
    if problems:
        raise RuntimeError("The shipped rubrics are invalid:\n" + "\n".join(map(str, problems)))
    for spec in specs:
        load_rubric(session, spec, loaded_from=str(rubrics_dir / f"{spec.key}.yaml"))


def load_demo(
    session: Session, rubrics_dir: Path, evidence_dir: Path | None = None
) -> list[DemoPerson]:
    """Create the demo data in the session (the caller commits). Returns the people.

    Evidence files go to ``evidence_dir`` (by default the app's ``EVIDENCE_DIR``)."""
    if session.scalar(select(Authority).where(Authority.code == "NMB")) is not None:
        raise DemoAlreadyLoaded("The demo is already loaded.")
    ensure_rubrics(session, rubrics_dir)
    rubric_2005 = session.scalars(
        select(Rubric).where(Rubric.key == "jar-2005").order_by(Rubric.revision.desc())
    ).first()

    authorities = {
        code: Authority(code=code, name=name, region=region) for code, name, region in AUTHORITIES
    }
    session.add_all(authorities.values())
    session.flush()
    for code, neighbour_codes in NEIGHBOURS.items():
        for rank, other in enumerate(neighbour_codes, start=1):
            session.add(
                AuthorityNeighbour(
                    authority_id=authorities[code].id, neighbour_id=authorities[other].id, rank=rank
                )
            )

    users: dict[str, User] = {}
    password_hash = hash_password(DEMO_PASSWORD)  # once: argon2 is slow on purpose
    for person in PEOPLE:
        users[person.email] = create_user(
            session,
            email=person.email,
            name=person.name,
            password=DEMO_PASSWORD,
            kind=person.kind,
            inspectorate=person.inspectorate,
            authority=authorities.get(person.authority_code or ""),
            job_title=person.job_title,
            password_hash=password_hash,
        )
        if person.programme_lead:
            demo_programme.make_programme_lead(session, users[person.email])
    admin = users["admin@jar.example"]

    northmere = _northmere_review(
        session, authorities["NMB"], rubric_2005, users, admin, demo_evidence.store_at(evidence_dir)
    )
    demo_grading.grade_northmere(session, northmere, users)
    _castlebridge_review(session, authorities["CSB"], rubric_2005, users, admin)
    demo_grading.harlow_moss_review(
        session, authorities["HLM"], rubric_2005, users, admin, demo_evidence.store_at(evidence_dir)
    )
    demo_report.fenwick_vale_review(
        session, authorities["FVD"], rubric_2005, users, admin, demo_evidence.store_at(evidence_dir)
    )
    session.flush()
    # The indicator catalogue and the 150 fictional authorities' figures.
    demo_performance.load_demo_performance_data(session, rubrics_dir)
    # A handful of lightweight published reviews of other authorities, for the national view.
    demo_programme.load_programme_reviews(session, rubric_2005, users, admin)
    return PEOPLE


def _northmere_review(
    session: Session,
    authority: Authority,
    rubric: Rubric,
    users: dict[str, User],
    admin: User,
    store: EvidenceStore,
) -> Review:
    lead = users["helen.marsh@ofsted.example"]
    review = review_service.create_review(
        session,
        authority=authority,
        rubric=rubric,
        lead=lead,
        created_by=admin,
        dates=review_service.PlannedDates(
            set_up_on=date(2026, 9, 14),
            analysis_week_on=date(2026, 10, 12),
            fieldwork_week_one_on=date(2026, 11, 9),
            fieldwork_week_two_on=date(2026, 11, 23),
            publication_due_on=date(2027, 1, 25),
        ),
    )
    areas = {area.number: area for area in rubric.areas}
    for email, role, area_numbers in NORTHMERE_TEAM:
        member = review.member_for(users[email].id)
        if member is None:
            member = review_service.add_member(session, review, users[email], role, actor=lead)
        review_service.declare_interests(
            session, member, has_conflict=False, details="", actor=users[email]
        )
        review_service.assign_areas(session, member, [areas[n] for n in area_numbers], actor=lead)
    session.flush()
    review_service.advance_phase(session, review, Phase.SELF_ASSESSMENT, actor=lead)
    demo_evidence.return_self_evaluation(session, review, users, store)
    for phase in (Phase.ANALYSIS, Phase.FIELDWORK):
        review_service.advance_phase(session, review, phase, actor=lead)
    demo_evidence.gather_evidence(session, review, users, store)
    return review


def _castlebridge_review(
    session: Session, authority: Authority, rubric: Rubric, users: dict[str, User], admin: User
) -> Review:
    lead = users["priya.raman@csci.example"]  # a lead from CSCI, not Ofsted
    review = review_service.create_review(
        session,
        authority=authority,
        rubric=rubric,
        lead=lead,
        created_by=admin,
        dates=review_service.PlannedDates(
            set_up_on=date(2027, 1, 11),
            analysis_week_on=date(2027, 2, 8),
            fieldwork_week_one_on=date(2027, 3, 8),
            fieldwork_week_two_on=date(2027, 3, 22),
            publication_due_on=date(2027, 5, 17),
        ),
    )
    review_service.add_member(
        session, review, users["tom.ellery@csci.example"], ReviewRole.INSPECTOR, actor=lead
    )
    return review
