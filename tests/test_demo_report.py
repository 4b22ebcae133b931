"""The demo's published review: a complete report to try every export on."""

from __future__ import annotations

from sqlalchemy import select

from inspect_app.domain.phases import Phase
from inspect_app.domain.report import Band, verify_hash
from inspect_app.models import (
    AccuracyComment,
    ActionPlan,
    AgreedGrade,
    AuditEvent,
    Authority,
    PlannedAction,
    ReportSection,
    ReportSectionRevision,
    Review,
)
from inspect_app.services import publication, report_drafting


def test_demo_load_publishes_fenwick_vale_with_report_and_action_plan(runner, session, tmp_path):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert "amara.stockley@fenwickvale.example" in result.output
    review = session.scalar(
        select(Review).join(Review.authority).where(Authority.name == "Fenwick Vale Council")
    )
    assert review.current_phase is Phase.ACTION_PLAN
    published = publication.latest_published(session, review.id)
    doc = publication.published_document(published)
    assert verify_hash(doc)
    assert {r.band for r in doc.recommendations} == set(Band)
    assert doc.children_summary_md.startswith("# What we did")
    assert all(s.narrative_md and s.strengths_md and s.weaknesses_md for s in doc.area_sections)
    assert "164,000" in doc.context_md  # the accepted factual accuracy comment
    assert {c.status for c in session.scalars(select(AccuracyComment))} == {"accepted", "rejected"}
    assert report_drafting.report_for(session, review).is_public
    plan = session.scalar(select(ActionPlan).where(ActionPlan.review_id == review.id))
    assert plan.submitted_at is not None
    statuses = {a.status for a in session.scalars(select(PlannedAction))}
    assert statuses == {"completed", "in_progress", "not_started"}

    # The back-story is dated consistently: agreed, written and checked before publication.
    published_at = published.published_at
    assert published_at.date() == published.published_on
    agreed_at = session.scalars(
        select(AgreedGrade.agreed_at).where(AgreedGrade.review_id == review.id)
    ).all()
    assert agreed_at and max(agreed_at) < published_at
    saved_at = session.scalars(
        select(ReportSectionRevision.saved_at)
        .join(ReportSectionRevision.section)
        .where(ReportSection.review_id == review.id)
    ).all()
    assert saved_at and max(saved_at) < published_at
    answered_at = [c.answered_at for c in session.scalars(select(AccuracyComment))]
    assert max(answered_at) < published_at
    story = session.scalars(
        select(AuditEvent).where(
            AuditEvent.review_id == review.id, ~AuditEvent.action.startswith("action_plan.")
        )
    ).all()
    assert story and all(e.occurred_at.date() <= published.published_on for e in story)
    assert all(
        row.agreed_at is not None and row.agreed_at.date() < doc.published_on for row in doc.lineage
    )

    out = tmp_path / "exports"
    for fmt in ("html", "pdf", "docx", "md", "xlsx", "json"):
        exported = runner.invoke(
            args=["export", review.reference, "--format", fmt, "-o", str(out / f"report.{fmt}")]
        )
        assert exported.exit_code == 0, exported.output
    assert sorted(p.suffix for p in out.iterdir()) == sorted(
        [".html", ".pdf", ".docx", ".md", ".xlsx", ".json"]
    )
