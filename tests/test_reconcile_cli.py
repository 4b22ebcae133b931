"""``flask reconcile REVIEW`` prints the reconciliation summary."""

from __future__ import annotations

from inspect_app.domain.phases import Phase
from tests.grading_helpers import GradingWorld, agree, submit


def test_reconcile_prints_agreement_flags_and_grades(make, runner):
    world = GradingWorld.build(make, Phase.FIELDWORK)
    submit(world, world.ofsted, "kj-2.3", 4, "Ofsted.", "high")
    submit(world, world.csci, "kj-2.3", 2, "CSCI.", "medium")
    submit(world, world.generalist, "kj-2.2", 3, "Generalist.", "low")
    submit(world, world.csci, "kj-2.2", 3, "CSCI.", "low")
    world.advance(Phase.MODERATION)
    agree(world, "kj-2.3", 3)
    world.session.commit()

    result = runner.invoke(args=["reconcile", world.review.reference])
    assert result.exit_code == 0, result.output
    out = result.output
    assert world.review.reference in out and "Moderation" in out
    assert "Whole review: alpha" in out and "exact 50%" in out
    assert "Flagged for discussion (1)" in out
    flagged_part = out.split("Flagged for discussion (1)")[1].split("Other judgements")[0]
    assert "2.3" in flagged_part and "Grades span 2 grade points (2 to 4)" in flagged_part
    assert "agreed 3" in flagged_part
    assert "OI = Ofsted Inspector" in out
    assert "Calibration against the agreed grades" in out

    by_id = runner.invoke(args=["reconcile", str(world.review.id)])
    assert by_id.exit_code == 0 and by_id.output == out


def test_reconcile_unknown_review(runner, make):
    result = runner.invoke(args=["reconcile", "JAR-1999-999"])
    assert result.exit_code == 1
    assert "No review has the id or reference" in result.output


def test_reconcile_with_one_grader_explains_alpha(make, runner):
    world = GradingWorld.build(make, Phase.FIELDWORK)
    submit(world, world.csci, "kj-2.3", 3, "Alone.", "medium")
    world.session.commit()
    result = runner.invoke(args=["reconcile", world.review.reference])
    assert result.exit_code == 0
    assert "Fewer than two graders" in result.output
