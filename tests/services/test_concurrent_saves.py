"""No lost updates: two saves at once against the same database (SQLite file or PostgreSQL).

Each thread has its own session (and so its own connection) on the app's engine. Exactly one
save wins; the other is refused with the newer value, and the history shows no lost update.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from inspect_app.domain.phases import Phase
from inspect_app.extensions import db
from inspect_app.models import AgreedGrade, AgreedGradeRevision, Grade, GradeRevision, User
from inspect_app.services import grading, moderation
from inspect_app.services.grading import GradeSubmission, StaleGradeError
from inspect_app.services.reviews import access_for, load_review
from tests.grading_helpers import GradingWorld, agree, submit


def run_in_two_threads(work: Callable[[Session, int, threading.Barrier], object]) -> list:
    """Run ``work(session, index, barrier)`` in two threads with separate sessions."""
    engine = db.engine
    barrier = threading.Barrier(2, timeout=20)
    results: list = [None, None]

    def run(index: int) -> None:
        with Session(engine) as session:
            try:
                results[index] = work(session, index, barrier)
                session.commit()
            except StaleGradeError as error:
                session.rollback()
                results[index] = error
            except Exception as error:  # surfaced by the assertions below
                session.rollback()
                results[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def _grade_in(
    session: Session,
    review_id: int,
    user_id: int,
    slug: str,
    value: int,
    expected: int | None,
    barrier: threading.Barrier,
    *,
    preload: bool = True,
):
    review = load_review(session, review_id)
    user = session.get(User, user_id)
    target = grading.find_target(grading.judgement_targets(session, review), slug)
    access = access_for(user, review)
    if preload:
        grading.current_grade(session, review, user_id, target)  # both pages show version 1
    barrier.wait()
    return grading.submit_grade(
        session,
        review,
        target,
        GradeSubmission(value, f"Saved as {value}.", "medium"),
        grader=user,
        access=access,
        expected_version=expected,
    ).value


@pytest.fixture
def world(make) -> GradingWorld:
    return GradingWorld.build(make, Phase.FIELDWORK)


def _one_won(results: list) -> tuple[int, StaleGradeError]:
    stale = [r for r in results if isinstance(r, StaleGradeError)]
    won = [r for r in results if isinstance(r, int)]
    assert len(stale) == 1 and len(won) == 1, results
    return won[0], stale[0]


def test_two_revisions_at_once_one_wins_and_nothing_is_lost(world):
    submit(world, world.ofsted, "kj-2.3", 3, "Original.", "low")
    world.session.commit()
    review_id, user_id = world.review.id, world.ofsted.id

    results = run_in_two_threads(
        lambda session, i, barrier: _grade_in(
            session, review_id, user_id, "kj-2.3", (1, 4)[i], 1, barrier
        )
    )
    winner, stale = _one_won(results)
    assert stale.current is not None and stale.current.value == winner
    assert stale.current.version == 2

    world.session.expire_all()
    grade = world.session.scalars(select(Grade)).one()
    assert (grade.value, grade.version) == (winner, 2)
    history = world.session.scalars(
        select(GradeRevision.value)
        .where(GradeRevision.grade_id == grade.id)
        .order_by(GradeRevision.version)
    ).all()
    assert history == [3, winner]


def test_two_first_grades_at_once(world):
    review_id, user_id = world.review.id, world.ofsted.id
    results = run_in_two_threads(
        lambda session, i, barrier: _grade_in(
            session, review_id, user_id, "kj-2.3", (2, 4)[i], None, barrier, preload=False
        )
    )
    winner, stale = _one_won(results)
    assert stale.current is None or stale.current.value == winner
    world.session.expire_all()
    grade = world.session.scalars(select(Grade)).one()
    assert grade.value == winner and grade.version == 1
    assert len(world.session.scalars(select(GradeRevision)).all()) == 1


def test_a_page_loaded_before_another_save_is_refused_by_the_database(world):
    """The version check in the UPDATE itself, not only the comparison before it."""
    submit(world, world.ofsted, "kj-2.3", 3, "Original.", "low")
    world.session.commit()
    review_id, user_id = world.review.id, world.ofsted.id
    engine = db.engine
    with Session(engine) as late, Session(engine) as early:
        review = load_review(late, review_id)
        user = late.get(User, user_id)
        target = grading.find_target(grading.judgement_targets(late, review), "kj-2.3")
        grading.current_grade(late, review, user_id, target)  # holds version 1 in memory
        _grade_in(early, review_id, user_id, "kj-2.3", 1, 1, threading.Barrier(1))
        early.commit()
        with pytest.raises(StaleGradeError) as caught:
            grading.submit_grade(
                late,
                review,
                target,
                GradeSubmission(4, "Late.", "high"),
                grader=user,
                access=access_for(user, review),
                expected_version=1,
            )
        assert caught.value.current.value == 1
    world.session.expire_all()
    assert world.session.scalars(select(Grade.value)).one() == 1


def test_two_agreed_grades_at_once(world):
    submit(world, world.ofsted, "kj-2.3", 3, "Original.", "low")
    world.advance(Phase.MODERATION)
    agree(world, "kj-2.3", 3)
    world.session.commit()
    review_id, lead_id = world.review.id, world.lead.id

    def work(session: Session, i: int, barrier: threading.Barrier) -> int:
        review = load_review(session, review_id)
        lead = session.get(User, lead_id)
        target = grading.find_target(grading.judgement_targets(session, review), "kj-2.3")
        moderation.moderation_item(session, review, target)
        barrier.wait()
        return moderation.record_agreed_grade(
            session,
            review,
            target,
            value=(2, 4)[i],
            reasons=f"Window {i}.",
            actor=lead,
            access=access_for(lead, review),
            expected_version=1,
        ).value

    winner, stale = _one_won(run_in_two_threads(work))
    assert stale.current.value == winner
    world.session.expire_all()
    agreed = world.session.scalars(select(AgreedGrade)).one()
    assert (agreed.value, agreed.version) == (winner, 2)
    assert world.session.scalars(
        select(AgreedGradeRevision.value).order_by(AgreedGradeRevision.version)
    ).all() == [3, winner]
