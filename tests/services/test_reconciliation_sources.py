"""Evidence counts and rubric targets of the reconciliation matrix, counted by the database."""

from __future__ import annotations

from inspect_app.domain.phases import Phase
from inspect_app.models.evidence import EvidenceLink, TrackedCase, TrackedCaseFinding
from inspect_app.models.types import utcnow
from inspect_app.services import grading, reconciliation
from inspect_app.services.reconciliation_sources import evidence_counts
from tests.grading_helpers import GradingWorld
from tests.querycount import count_queries


def _kj(world: GradingWorld, number: str):
    return next(
        k for a in world.review.rubric.areas for k in a.key_judgements if k.number == number
    )


def test_rubric_targets_are_the_grading_targets_in_one_query(make):
    world = GradingWorld.build(make, Phase.FIELDWORK)
    assert world.review.rubric_id  # loaded before counting
    with count_queries() as seen:
        targets = reconciliation.rubric_targets(world.session, world.review)
    assert len(seen) == 1
    assert targets == grading.judgement_targets(world.session, world.review)
    assert [t.position for t in targets] == list(range(len(targets)))


def test_an_item_counts_once_per_judgement_and_area_however_it_bears_on_it(make):
    world = GradingWorld.build(make, Phase.FIELDWORK)
    both = world.evidence("Multi-agency audit", "2.1")  # supports 2.1 ...
    both.links.append(
        EvidenceLink(key_judgement=_kj(world, "2.2"), stance="supports")
    )  # ... and 2.2
    tracked = world.evidence("Tracked case file", "2.3")  # supports 2.3 by a link
    case = TrackedCase(review_id=world.review.id, item=tracked, reference="TST-CT-01")
    world.session.add(case)
    case.findings.append(  # and again through the case: still one item
        TrackedCaseFinding(key_judgement=_kj(world, "2.3"), stance="supports", text="Seen.")
    )
    case.findings.append(
        TrackedCaseFinding(key_judgement=_kj(world, "2.2"), stance="contradicts", text="Gap.")
    )
    world.evidence("Contradicting minutes", "2.2", stance="contradicts")
    deleted = world.evidence("Withdrawn note", "2.1")
    deleted.deleted_at = utcnow()
    world.evidence("Other area", "1.1")
    world.session.commit()

    targets = grading.judgement_targets(world.session, world.review)
    counts = evidence_counts(world.session, world.review, targets)
    by_slug = {t.slug: counts.counts[t.key] for t in targets}
    pairs = {slug: (c.supports, c.contradicts) for slug, c in by_slug.items()}
    assert pairs["kj-2.1"] == (1, 0)  # the deleted item does not count
    assert pairs["kj-2.2"] == (1, 2)  # a link and a finding contradict it
    assert pairs["kj-2.3"] == (1, 0)  # linked and found: once
    assert pairs["area-2"] == (2, 2)  # the audit once for the area, though it backs 2.1 and 2.2
    assert pairs["kj-1.1"] == pairs["area-1"] == (1, 0)
    assert pairs["kj-2.4"] == (0, 0)
    assert counts.available


def test_findings_add_only_what_no_link_says_and_areas_count_each_item_once(make):
    world = GradingWorld.build(make, Phase.FIELDWORK)
    spread = world.evidence("Strategy review", "3.1")  # supports 3.1 ...
    spread.links.append(EvidenceLink(key_judgement=_kj(world, "3.2"), stance="supports"))
    spread.links.append(EvidenceLink(key_judgement=_kj(world, "3.3"), stance="contradicts"))
    tracked = world.evidence("Tracked case file", "3.1", stance="contradicts")
    case = TrackedCase(review_id=world.review.id, item=tracked, reference="TST-CT-02")
    world.session.add(case)
    for number, stance in (
        ("3.1", "supports"),
        ("3.1", "supports"),  # the same finding twice: one item
        ("3.1", "contradicts"),  # says what the item's link says: still one item
        ("3.4", "supports"),
    ):
        case.findings.append(
            TrackedCaseFinding(key_judgement=_kj(world, number), stance=stance, text="Seen.")
        )
    withdrawn = world.evidence("Withdrawn case file", "1.1")
    withdrawn.deleted_at = utcnow()
    gone = TrackedCase(review_id=world.review.id, item=withdrawn, reference="TST-CT-03")
    world.session.add(gone)
    gone.findings.append(
        TrackedCaseFinding(key_judgement=_kj(world, "3.2"), stance="contradicts", text="Old.")
    )
    world.evidence("Elsewhere", "3.1", review=world.other_review)
    world.session.commit()

    targets = grading.judgement_targets(world.session, world.review)
    with count_queries() as seen:
        counts = evidence_counts(world.session, world.review, targets)
    assert len(seen) == 1
    pairs = {
        t.slug: (counts.counts[t.key].supports, counts.counts[t.key].contradicts) for t in targets
    }
    assert pairs["kj-3.1"] == (2, 1)  # both items support it; the tracked item also contradicts
    assert pairs["kj-3.2"] == (1, 0)  # the deleted item's finding does not count
    assert pairs["kj-3.3"] == (0, 1)
    assert pairs["kj-3.4"] == (1, 0)  # through a finding only
    assert pairs["area-3"] == (2, 2)  # each item once per stance, however many judgements
    assert pairs["kj-1.1"] == pairs["area-1"] == (0, 0)  # only the deleted item bore on it
