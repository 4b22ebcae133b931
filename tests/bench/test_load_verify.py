"""The load test's verification finds lost updates, refused saves that were stored and missing
audit events — so that its "zero lost updates" means something."""

from __future__ import annotations

import copy

import pytest

from bench.load.verify import snapshot, verify
from inspect_app.domain.phases import Phase
from tests.grading_helpers import GradingWorld, submit

SLUG = "kj-2.3"


def attempt(world, user, nonce: str, value: int, read_version, outcome: str, version=None):
    """A save as the load test's users record it (and, if accepted, as the server stores it)."""
    if outcome == "accepted":
        grade = submit(
            world, user, SLUG, value, f"Load test save {nonce}: graded {value}.", "medium",
            version=read_version,
        )  # fmt: skip
        version = grade.version
    found = {"nonce": nonce, "grader_id": user.id, "slug": SLUG, "read_version": read_version,
             "value": value, "outcome": outcome}  # fmt: skip
    if version is not None:
        found["version"] = version
    return found


@pytest.fixture
def run(make):
    """Three saves by the CSCI inspector during a 'run': two accepted, one refused (409)."""
    world = GradingWorld.build(make, Phase.FIELDWORK)
    review_id = world.review.id
    before = snapshot(world.session, review_id)
    attempts = [
        attempt(world, world.csci, "p-1", 2, None, "accepted"),
        attempt(world, world.csci, "p-2", 3, 1, "accepted"),
        attempt(world, world.csci, "p-3", 4, 1, "conflict"),  # stale: read version 1
    ]
    world.session.commit()
    record = {"attempts": attempts, "uploads": [], "requests": 9, "failures": 0, "errors": []}
    return world, review_id, before, record


def test_a_clean_run_passes(run):
    world, review_id, before, record = run
    verdict = verify(world.session, review_id, before, record)
    assert verdict.ok, verdict.problems
    assert (verdict.accepted_saves, verdict.conflicts_409, verdict.lost_updates) == (2, 1, 0)


def test_an_accepted_save_missing_from_the_history_is_a_lost_update(run):
    world, review_id, before, record = run
    claimed = copy.deepcopy(record)
    claimed["attempts"].append(
        {"nonce": "p-4", "grader_id": world.csci.id, "slug": SLUG, "read_version": 2,
         "value": 1, "outcome": "accepted", "version": 3}
    )  # fmt: skip
    verdict = verify(world.session, review_id, before, claimed)
    assert not verdict.ok
    assert verdict.lost_updates >= 2  # not in the history, and not in the audit log


def test_a_stored_save_that_was_answered_409_is_a_problem(run):
    world, review_id, before, record = run
    answered = copy.deepcopy(record)
    answered["attempts"][1]["outcome"] = "conflict"  # the server said 409 but stored it
    verdict = verify(world.session, review_id, before, answered)
    assert not verdict.ok
    assert any("was stored, but the save was answered conflict" in p for p in verdict.problems)


def test_a_save_stored_without_being_tried_is_a_problem(run):
    world, review_id, before, record = run
    submit(world, world.csci, SLUG, 1, "Somebody else's save.", "low", version=2)
    world.session.commit()
    verdict = verify(world.session, review_id, before, record)
    assert any("is no save that was tried" in p for p in verdict.problems)
    assert any("last accepted save" in p for p in verdict.problems)  # the value moved on


def test_failed_requests_and_unanswered_saves_fail_the_run(run):
    world, review_id, before, record = run
    failed = copy.deepcopy(record)
    failed["failures"] = 1
    failed["attempts"].append(
        {"nonce": "p-9", "grader_id": world.csci.id, "slug": SLUG, "read_version": 2,
         "value": 2, "outcome": "unanswered"}
    )  # fmt: skip
    verdict = verify(world.session, review_id, before, failed)
    assert not verdict.ok
    assert verdict.errors == 1 and verdict.unanswered == 1
