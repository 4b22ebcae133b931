"""``flask export``: one review's report, or every report with a progress bar."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from inspect_app.domain.phases import Phase
from inspect_app.models import AuditEvent
from inspect_app.services import publication
from inspect_app.services.reviews import load_review
from tests.exports.readers import read_docx, read_xlsx
from tests.report_factories import ReportWorld


@pytest.fixture
def world(make) -> ReportWorld:
    return ReportWorld.build(make, Phase.FACTUAL_ACCURACY)


def publish(world):
    review = load_review(world.session, world.review.id)
    published = publication.publish(
        world.session, review, actor=world.lead, access=world.access(world.lead), make_public=False
    )
    world.session.commit()
    return published


def test_export_a_draft_by_reference_to_a_file(world, runner, tmp_path):
    target = tmp_path / "report.json"
    result = runner.invoke(
        args=["export", world.review.reference, "--format", "json", "-o", str(target)]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(target.read_text())
    assert data["review"]["status"] == "draft"
    assert data["review"]["reference"] == world.review.reference


def test_export_a_published_report_by_id_in_every_format(world, runner, tmp_path, session):
    published = publish(world)
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    for fmt in ("html", "pdf", "docx", "md", "xlsx", "json"):
        result = runner.invoke(
            args=["export", str(world.review.id), "--format", fmt, "-o", str(tmp_path)]
        )
        assert result.exit_code == 0, result.output
    names = sorted(p.name for p in tmp_path.iterdir())
    reference = world.review.reference.lower()
    assert names == sorted(
        f"{reference}-joint-area-review-v1.{ext}"
        for ext in ("html", "pdf", "docx", "md", "xlsx", "json")
    )
    assert (
        read_docx((tmp_path / f"{reference}-joint-area-review-v1.docx").read_bytes()).content_hash
        == published.content_hash
    )
    assert (
        read_xlsx((tmp_path / f"{reference}-joint-area-review-v1.xlsx").read_bytes()).content_hash
        == published.content_hash
    )
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == "report.exported")).all()
    assert len(events) == 6 and all(e.after["via"] == "command line" for e in events)
    assert all(e.actor_id is None for e in events)


def test_children_summary_and_standard_output(world, runner):
    result = runner.invoke(
        args=["export", world.review.reference, "--format", "md", "--children-summary", "-o", "-"]
    )
    assert result.exit_code == 0, result.output
    assert "Most of you told us you feel safe at school." in result.stdout
    refused = runner.invoke(
        args=["export", world.review.reference, "--format", "xlsx", "--children-summary"]
    )
    assert refused.exit_code != 0
    assert "not available as xlsx" in refused.output


def test_the_team_export_lists_restricted_evidence(world, runner, tmp_path):
    from tests.report_factories import add_evidence

    add_evidence(world.session, world.review, 5)
    world.session.commit()
    public = tmp_path / "public.json"
    team = tmp_path / "team.json"
    runner.invoke(args=["export", world.review.reference, "--format", "json", "-o", str(public)])
    runner.invoke(
        args=[
            "export",
            world.review.reference,
            "--format",
            "json",
            "--for",
            "team",
            "-o",
            str(team),
        ]
    )
    assert "CF-0000" not in public.read_text()
    assert "CF-0000" in team.read_text()


def test_export_all_with_a_progress_bar(world, make, runner, tmp_path):
    publish(world)
    second = ReportWorld.build(make, Phase.DRAFTING)
    make.review_in(Phase.FIELDWORK)  # no report yet: skipped
    result = runner.invoke(
        args=["export", "--all", "--format", "html", "-o", str(tmp_path / "out")]
    )
    assert result.exit_code == 0, result.output
    assert "Exporting 2 reports as html" in result.output
    assert "Wrote 2 files" in result.output
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == sorted(
        [
            f"{world.review.reference.lower()}-joint-area-review-v1.html",
            f"{second.review.reference.lower()}-joint-area-review-v1-draft.html",
        ]
    )


def test_usage_errors(world, runner):
    assert runner.invoke(args=["export", "--format", "pdf"]).exit_code != 0
    both = runner.invoke(args=["export", world.review.reference, "--all", "--format", "pdf"])
    assert both.exit_code != 0
    missing = runner.invoke(args=["export", "JAR-1999-999", "--format", "pdf"])
    assert missing.exit_code != 0 and "No review has the id or reference" in missing.output
    early = runner.invoke(
        args=["export", world.review.reference, "--format", "pdf", "--version", "3"]
    )
    assert early.exit_code != 0 and "no version 3" in early.output
