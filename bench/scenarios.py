"""What the benchmarks build and which pages they time. Fictional data only."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from inspect_app.config import PROJECT_ROOT
from inspect_app.demo import ensure_rubrics
from inspect_app.domain.inspectorates import Inspectorate
from inspect_app.domain.permissions import ReviewRole, UserKind
from inspect_app.models import Authority, Review, Rubric
from inspect_app.services import reviews as svc
from inspect_app.services.passwords import use_fast_hashing_for_tests
from inspect_app.services.users import create_user

PASSWORD = "benchmark-password"  # noqa: S105


@dataclass
class World:
    small: Review
    large: Review
    viewer_email: str
    password: str = PASSWORD


def build_programme(session: Session, *, team_size: int, reviews: int) -> World:
    use_fast_hashing_for_tests()
    ensure_rubrics(session, PROJECT_ROOT / "rubrics")
    rubric = session.query(Rubric).filter_by(key="jar-2005").one()
    inspectorates = list(Inspectorate)
    people = [
        create_user(
            session,
            email=f"bench.inspector{i}@bench.example",
            name=f"Inspector {i}",
            password=PASSWORD,
            kind=UserKind.INSPECTOR,
            inspectorate=inspectorates[i % len(inspectorates)],
        )
        for i in range(team_size + 1)
    ]
    admin = create_user(
        session,
        email="bench.admin@bench.example",
        name="Bench Admin",
        password=PASSWORD,
        kind=UserKind.ADMINISTRATOR,
    )
    built = []
    for n in range(reviews):
        authority = Authority(
            name=f"Benchmark Area {n:03d}", code=f"BA{n:03d}", region="Benchmark Region"
        )
        session.add(authority)
        session.flush()
        lead = people[n % len(people)]
        review = svc.create_review(
            session,
            authority=authority,
            rubric=rubric,
            lead=lead,
            dates=svc.PlannedDates(),
            created_by=admin,
        )
        built.append(review)
    small, large = built[0], built[1]
    for person in people[2 : team_size + 1]:
        member = svc.add_member(session, large, person, ReviewRole.INSPECTOR, actor=admin)
        svc.declare_interests(session, member, has_conflict=False, details="", actor=person)
        svc.assign_areas(session, member, rubric.areas, actor=admin)
    session.commit()
    return World(small=small, large=large, viewer_email=admin.email)


PageFor = Callable[[World, str], str]

PAGES: list[tuple[str, PageFor]] = [
    ("review overview", lambda w, size: f"/reviews/{getattr(w, size).id}"),
    ("review team", lambda w, size: f"/reviews/{getattr(w, size).id}/team"),
    ("rubric browser", lambda w, size: f"/rubrics/{getattr(w, size).rubric_id}"),
    ("dashboard (all reviews)", lambda w, size: "/"),
]
