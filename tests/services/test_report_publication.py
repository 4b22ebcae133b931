"""Publication: the frozen snapshot, immutability, re-issue and the public address."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from inspect_app.domain.phases import Phase, PhaseTransitionError
from inspect_app.domain.report import ReportStatus, compute_hash
from inspect_app.exports import EXPORTERS
from inspect_app.models import AuditEvent, PublishedReport
from inspect_app.models.report import ReportRecordIsPermanent
from inspect_app.services import factual_accuracy, publication, report_drafting
from inspect_app.services import reviews as review_service
from inspect_app.services.report_drafting import RecommendationDetails, ReportError, ReportForbidden
from inspect_app.services.reviews import load_review
from tests.exports.readers import read_docx, read_html, read_json, read_markdown, read_xlsx
from tests.report_factories import ReportWorld


@pytest.fixture
def world(make) -> ReportWorld:
    return ReportWorld.build(make, Phase.FACTUAL_ACCURACY)


def publish(world, make_public=False):
    review = load_review(world.session, world.review.id)
    published = publication.publish(
        world.session,
        review,
        actor=world.lead,
        access=world.access(world.lead),
        make_public=make_public,
    )
    world.session.commit()
    return published


def test_publishing_freezes_the_whole_report_with_its_hash(world, session):
    published = publish(world)
    assert world.review.current_phase is Phase.PUBLISHED
    assert published.version_number == 1
    doc = publication.published_document(published)
    assert doc.status is ReportStatus.PUBLISHED and doc.published_on == published.published_on
    assert compute_hash(doc) == published.content_hash
    assert [g.grade for g in doc.grades_in_order] == [3] * 7
    assert len(doc.recommendations) == 4
    assert doc.main_findings_md.startswith("- Children are generally safe.")
    assert all(row.team_grades == () for row in doc.lineage)  # the public annex
    actions = session.scalars(select(AuditEvent.action)).all()
    assert "report.published" in actions


def test_every_export_after_publication_comes_from_the_snapshot(world, session):
    published = publish(world)
    review = load_review(session, world.review.id)
    session.execute(  # the live tables change underneath (say, a careless script)
        text("UPDATE report_section SET body_md = 'Rewritten later' WHERE review_id = :r"),
        {"r": review.id},
    )
    session.execute(text("UPDATE recommendation SET text_md = 'Changed later'"))
    readers = {
        "html": lambda b: read_html(b.decode()),
        "md": lambda b: read_markdown(b.decode()),
        "json": lambda b: read_json(b.decode()),
        "docx": read_docx,
        "xlsx": read_xlsx,
    }
    for user in (world.lead, world.authority_user):
        view = publication.document_for(session, review, world.access(user))
        assert view.published.id == published.id
        for fmt, read in readers.items():
            data = EXPORTERS[fmt].render(view.doc, view.audience)
            extract = read(data)
            assert extract.content_hash == published.content_hash, fmt
            assert "Changed later" not in repr(extract.recommendations), fmt
            assert b"Rewritten later" not in data, fmt


def test_the_report_cannot_be_edited_after_publication(world):
    publish(world)
    review = load_review(world.session, world.review.id)
    for user in (world.lead, world.author):
        access = world.access(user)
        with pytest.raises(ReportForbidden, match="has been published"):
            report_drafting.save_section(
                world.session,
                review,
                "context",
                "Late",
                expected_version=2,
                actor=user,
                access=access,
            )
        with pytest.raises(ReportForbidden):
            report_drafting.add_recommendation(
                world.session,
                review,
                RecommendationDetails("Late", "immediate", None, "The council"),
                actor=user,
                access=access,
            )


def test_published_reports_are_permanent_in_the_orm_and_the_database(world, session):
    published = publish(world)
    published.content_hash = "0" * 64
    with pytest.raises(ReportRecordIsPermanent):
        session.flush()
    session.rollback()
    published = session.scalars(select(PublishedReport)).one()
    session.delete(published)
    with pytest.raises(ReportRecordIsPermanent):
        session.flush()
    session.rollback()
    for statement in (
        "UPDATE published_report SET document = '{}'",
        "UPDATE published_report SET reasons = 'tampered'",
        "DELETE FROM published_report",
    ):
        with pytest.raises(DatabaseError):
            session.execute(text(statement))
        session.rollback()


def test_publication_waits_for_every_accuracy_comment(world, session):
    factual_accuracy.raise_comment(
        session,
        world.review,
        section_key="context",
        passage="",
        comment="The population is 164,000.",
        actor=world.authority_user,
        access=world.access(world.authority_user),
    )
    session.commit()
    with pytest.raises(
        PhaseTransitionError, match="1 factual accuracy comment is still unanswered"
    ):
        publish(world)
    session.rollback()
    assert session.scalars(select(PublishedReport)).first() is None


def test_moving_the_phase_on_from_the_review_page_also_publishes(world, session):
    review_service.advance_phase(session, world.review, Phase.PUBLISHED, actor=world.lead)
    session.commit()
    published = publication.latest_published(session, world.review.id)
    assert published is not None and published.version_number == 1


def test_only_the_lead_publishes(world):
    review = load_review(world.session, world.review.id)
    with pytest.raises(ReportForbidden):
        publication.publish(
            world.session,
            review,
            actor=world.author,
            access=world.access(world.author),
            make_public=False,
        )


def test_a_reissue_is_a_new_numbered_version_with_reasons(world, session):
    first = publish(world)
    review = load_review(session, world.review.id)
    lead_access = world.access(world.lead)
    with pytest.raises(ReportError):
        publication.reopen_for_reissue(
            session, review, reasons=" ", actor=world.lead, access=lead_access
        )
    with pytest.raises(ReportForbidden):
        publication.reopen_for_reissue(
            session, review, reasons="Typo", actor=world.author, access=world.access(world.author)
        )
    publication.reopen_for_reissue(
        session,
        review,
        reasons="The population figure was wrong.",
        actor=world.lead,
        access=lead_access,
    )
    section = report_drafting.section_or_none(session, review, "context")
    report_drafting.save_section(
        session,
        review,
        "context",
        "The area has about 46,000 children and young people.",
        expected_version=section.version,
        actor=world.author,
        access=world.access(world.author),
    )
    team_view = publication.document_for(session, review, lead_access, prefer_draft=True)
    assert team_view.is_live_draft and team_view.doc.version_number == 2
    authority_view = publication.document_for(session, review, world.access(world.authority_user))
    assert authority_view.published.id == first.id  # the authority sees version 1 meanwhile

    second = publication.publish_reissue(
        session,
        review,
        reasons="The population figure was wrong.",
        actor=world.lead,
        access=lead_access,
        today=date(2027, 2, 1),
    )
    session.commit()
    assert second.version_number == 2 and second.published_on == date(2027, 2, 1)
    doc2 = publication.published_document(second)
    assert doc2.issue_reasons == "The population figure was wrong."
    assert doc2.status_text == "Published 1 February 2027 (re-issue 2)"
    assert "46,000" in doc2.context_md
    assert second.content_hash != first.content_hash
    assert "46,000" not in publication.published_document(first).context_md
    latest = publication.document_for(session, review, world.access(world.authority_user))
    assert latest.published.id == second.id
    old = publication.document_for(session, review, lead_access, version_number=1)
    assert old.published.id == first.id
    # and editing is closed again
    with pytest.raises(ReportForbidden):
        report_drafting.save_section(
            session,
            review,
            "context",
            "Again",
            expected_version=None,
            actor=world.author,
            access=world.access(world.author),
        )


def test_the_public_address_works_only_when_public(world, session):
    publish(world)
    report = report_drafting.report_for(session, world.review)
    assert publication.public_report(session, report.public_slug) is None
    publication.set_public(
        session, world.review, is_public=True, actor=world.lead, access=world.access(world.lead)
    )
    found = publication.public_report(session, report.public_slug)
    assert found is not None and found[1].version_number == 1
    assert publication.public_report(session, "guess") is None
    with pytest.raises(ReportForbidden):
        publication.set_public(
            session,
            world.review,
            is_public=False,
            actor=world.author,
            access=world.access(world.author),
        )
