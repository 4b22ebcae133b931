"""Writing the report: versioned sections, stale saves, audit, recommendations, seeds."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from inspect_app.domain.phases import Phase, PhaseTransitionError
from inspect_app.domain.report import Band
from inspect_app.models import AuditEvent, ReportSectionRevision
from inspect_app.models.report import ReportRecordIsPermanent
from inspect_app.services import report_drafting
from inspect_app.services import reviews as review_service
from inspect_app.services.report_drafting import (
    RecommendationDetails,
    ReportError,
    ReportForbidden,
    StaleSectionError,
)
from inspect_app.services.report_seeds import seed_for
from tests.report_factories import ReportWorld, add_evidence


@pytest.fixture
def world(make) -> ReportWorld:
    return ReportWorld.build(make, Phase.DRAFTING)


def save(world, user, key, body, version):
    return report_drafting.save_section(
        world.session,
        world.review,
        key,
        body,
        expected_version=version,
        actor=user,
        access=world.access(user),
    )


def test_each_save_is_a_new_version_kept_and_audited(world):
    first = save(world, world.author, "context", "Version one.", 1)
    assert first.version == 2  # the factory wrote version 1
    second = save(world, world.lead, "context", "Version two.", 2)
    assert second.version == 3
    revisions = report_drafting.section_history(world.session, second)
    assert [(r.version, r.body_md) for r in revisions][-2:] == [
        (2, "Version one."),
        (3, "Version two."),
    ]
    assert revisions[-1].saved_by == world.lead
    events = world.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "report.section_saved")
    ).all()
    last = events[-1]
    assert last.before == {"version": 2, "body_markdown": "Version one."}
    assert last.after["version"] == 3 and last.actor_id == world.lead.id


def test_unchanged_text_saves_nothing(world):
    section = report_drafting.section_or_none(world.session, world.review, "context")
    again = save(world, world.author, "context", section.body_md + "\n", section.version)
    assert again.version == section.version


def test_a_stale_save_is_refused_with_the_newer_text_who_and_a_diff(world):
    save(world, world.author, "context", "The author's text.\nSecond line.", 1)
    world.session.commit()
    with pytest.raises(StaleSectionError) as stale:
        save(world, world.lead, "context", "The lead's text.\nSecond line.", 1)
    error = stale.value
    assert error.current.body_md == "The author's text.\nSecond line."
    assert error.current.saved_by == world.author.name
    assert error.current.version == 2
    assert [(d.change.value, d.text) for d in error.diff] == [
        ("removed", "The author's text."),
        ("added", "The lead's text."),
        ("same", "Second line."),
    ]
    section = report_drafting.section_or_none(world.session, world.review, "context")
    assert section.body_md == "The author's text.\nSecond line."


def test_a_concurrent_save_between_read_and_flush_is_refused(world, app):
    """Two authors load version 1; the second save loses at the database (version column)."""
    from inspect_app.extensions import db

    engine = db.engine
    with engine.begin() as conn:  # another author's save lands underneath the session
        conn.execute(
            text(
                "UPDATE report_section SET body_md = 'Sneaked in', version = version + 1 "
                "WHERE review_id = :r AND key = 'context'"
            ),
            {"r": world.review.id},
        )
    with pytest.raises(StaleSectionError) as stale:
        save(world, world.author, "context", "Mine", 1)
    assert stale.value.current.body_md == "Sneaked in"


def test_only_the_writers_may_save_and_only_while_drafting(world):
    with pytest.raises(ReportForbidden):
        save(world, world.inspector, "context", "Not mine to write", 1)
    with pytest.raises(ReportForbidden):
        save(world, world.authority_user, "context", "Nor mine", 1)
    with pytest.raises(ReportError):
        save(world, world.author, "no-such-section", "Text", None)


def test_section_revisions_are_permanent_in_the_orm_and_the_database(world, session):
    save(world, world.author, "context", "Kept.", 1)
    session.commit()
    revision = session.scalars(select(ReportSectionRevision)).first()
    revision.body_md = "Rewritten history"
    with pytest.raises(ReportRecordIsPermanent):
        session.flush()
    session.rollback()
    for statement in (
        "UPDATE report_section_revision SET body_md = 'x'",
        "DELETE FROM report_section_revision",
    ):
        with pytest.raises(DatabaseError):
            session.execute(text(statement))
        session.rollback()


def test_recommendations_are_numbered_by_band_then_as_written(world):
    lead, access = world.lead, world.access(world.lead)
    late = report_drafting.add_recommendation(
        world.session,
        world.review,
        RecommendationDetails("Act now on referrals.", Band.IMMEDIATE.value, None, "The council"),
        actor=lead,
        access=access,
    )
    numbers = report_drafting.numbered(
        report_drafting.recommendations_for(world.session, world.review)
    )
    bands = [(n, r.band) for n, r in numbers]
    assert bands == [
        (1, "immediate"),
        (2, "immediate"),
        (3, "immediate"),
        (4, "six_months"),
        (5, "longer_term"),
    ]
    assert numbers[2][1] == late


@pytest.mark.parametrize(
    ("details", "field"),
    [
        (RecommendationDetails("", "immediate", None, "The council"), "text_md"),
        (RecommendationDetails("Do it.", "someday", None, "The council"), "band"),
        (RecommendationDetails("Do it.", "immediate", None, "  "), "responsible_body"),
        (RecommendationDetails("Do it.", "immediate", 999_999, "The council"), "area_id"),
    ],
)
def test_recommendations_are_validated(world, details, field):
    with pytest.raises(ReportError) as error:
        report_drafting.add_recommendation(
            world.session, world.review, details, actor=world.lead, access=world.access(world.lead)
        )
    assert error.value.field == field


def test_the_review_needs_a_draft_to_reach_the_factual_accuracy_check(make):
    review = make.review_in(Phase.MODERATION)
    make.agree_all(review)
    review_service.advance_phase(
        make.session, review, Phase.DRAFTING, actor=review.lead_inspector.user
    )
    with pytest.raises(PhaseTransitionError) as refused:
        review_service.advance_phase(
            make.session, review, Phase.FACTUAL_ACCURACY, actor=review.lead_inspector.user
        )
    assert "The draft report has no content yet." in refused.value.reasons


def test_seeds_use_agreed_reasons_and_unrestricted_evidence_notes_only(world, session):
    items = add_evidence(session, world.review, 20, restricted_every=2)
    restricted_notes = [i.links[0].note for i in items if i.is_restricted]
    open_notes = [i.links[0].note for i in items if not i.is_restricted]
    specs = {s.key: s for s in report_drafting.section_specs(world.review)}
    seeded = "\n".join(
        seed_for(session, world.review, specs[f"area-{a.number}-{part}"])
        for a in world.review.rubric.areas
        for part in ("strengths", "weaknesses")
    )
    assert any(note in seeded for note in open_notes)
    assert not any(note in seeded for note in restricted_notes)
    narrative = seed_for(session, world.review, specs["area-2-narrative"])
    assert "Agreed at the moderation meeting." in narrative
    assert "Staying safe" in seed_for(session, world.review, specs["children-summary"])
