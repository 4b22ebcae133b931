"""The factual accuracy check: who sees what, who comments, who answers, and the block on
publication while comments are unanswered."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from inspect_app.domain.phases import Phase
from inspect_app.models import AccuracyComment, AuditEvent
from inspect_app.services import factual_accuracy, report_drafting
from inspect_app.services.report_drafting import ReportForbidden
from tests.grading_helpers import GradingWorld, agree, submit
from tests.report_factories import ReportWorld, advance, write_full_report


@pytest.fixture
def world(make) -> ReportWorld:
    return ReportWorld.build(make, Phase.FACTUAL_ACCURACY)


def accuracy_url(world, path=""):
    return f"/reviews/{world.review.id}/report/accuracy{path}"


def raise_one(world, key="context", comment="The population is 164,000."):
    row = factual_accuracy.raise_comment(
        world.session,
        world.review,
        section_key=key,
        passage="about 45,000",
        comment=comment,
        actor=world.authority_user,
        access=world.access(world.authority_user),
    )
    world.session.commit()
    return row


def test_the_authority_reads_the_draft_text_only(make, pages):
    """No provisional grades, no team rationales, no restricted evidence: only the draft."""
    grading = GradingWorld.build(make, Phase.FIELDWORK)
    submit(grading, grading.ofsted, "kj-2.3", 3, "Secret rationale quoting case FVD-CF-9.", "high")
    case_file = grading.evidence("Case file reading record FVD-CF-9", "2.3")
    case_file.kind, case_file.is_restricted = "case_file", True
    grading.advance(Phase.MODERATION)
    agree(grading, "kj-2.3", 3, "")
    make.agree_all(grading.review)
    advance(make.session, grading.review, Phase.DRAFTING)
    write_full_report(make.session, grading.review)
    advance(make.session, grading.review, Phase.FACTUAL_ACCURACY)
    authority_user = make.authority_user(grading.review.authority)
    make.session.commit()

    pages.sign_in(authority_user)
    page = pages.get(f"/reviews/{grading.review.id}/report")
    text = page.get_text()
    assert "Children are generally safe." in text
    assert "factual accuracy check" in text
    assert "Secret rationale" not in text and grading.ofsted.name not in text
    assert "Team’s grades at agreement" not in text
    assert not page.select("a[href*='/sections/']")
    nav = [a.get_text() for a in page.select("nav[aria-label='Review sections'] a")]
    assert "Grading" not in nav and "Evidence" not in nav and "Factual accuracy" in nav
    xlsx = pages.client.get(f"/reviews/{grading.review.id}/report/download/json")
    assert b"FVD-CF-9" not in xlsx.data and b"Secret rationale" not in xlsx.data
    pages.get(f"/reviews/{grading.review.id}/report/sections/context", status=403)
    pages.get(f"/reviews/{grading.review.id}/moderation", status=404)


def test_the_authority_raises_a_comment(world, pages, session):
    pages.sign_in(world.authority_user)
    page = pages.get(accuracy_url(world))
    assert page.select_one("[data-testid=comment-form]")
    page = pages.post(accuracy_url(world), {"section_key": "", "comment": ""}, status=400)
    assert "Enter your comment" in pages.text(page, ".govuk-error-summary")
    pages.post(
        accuracy_url(world),
        {"section_key": "context", "passage": "about 45,000", "comment": "It is 46,000."},
    )
    comment = session.scalars(select(AccuracyComment)).one()
    assert (comment.section_key, comment.status, comment.raised_by_id) == (
        "context",
        "open",
        world.authority_user.id,
    )
    page = pages.get(accuracy_url(world))
    assert "1 comment still to answer" in pages.text(page, "[data-testid=unanswered]")


def test_only_the_authority_comments_and_only_the_writers_answer(world, pages):
    comment = raise_one(world)
    pages.sign_in(world.inspector)
    page = pages.get(accuracy_url(world))
    assert page.select_one("[data-testid=comment-form]") is None
    pages.post(
        accuracy_url(world, f"/{comment.id}"),
        {"decision": "reject", "reply": "No", "version": "1"},
        status=200,  # no answer form for an inspector: the post changes nothing
    )
    assert world.session.get(AccuracyComment, comment.id).is_open
    with pytest.raises(ReportForbidden):
        factual_accuracy.answer_comment(
            world.session,
            world.review,
            comment,
            accept=False,
            reply="No",
            expected_version=1,
            actor=world.inspector,
            access=world.access(world.inspector),
        )
    with pytest.raises(ReportForbidden):
        factual_accuracy.raise_comment(
            world.session,
            world.review,
            section_key="context",
            passage="",
            comment="From the team",
            actor=world.author,
            access=world.access(world.author),
        )
    pages.client.post("/sign-out")
    pages.sign_in(world.outsider)
    pages.get(accuracy_url(world), status=404)


def test_the_author_accepts_and_corrects_the_section_in_one_step(world, pages, session):
    comment = raise_one(world)
    pages.sign_in(world.author)
    page = pages.get(accuracy_url(world, f"/{comment.id}"))
    textarea = page.select_one("textarea#revised_text").get_text()
    assert textarea.startswith("The area has about 45,000")
    section = report_drafting.section_or_none(session, world.review, "context")
    pages.post(
        accuracy_url(world, f"/{comment.id}"),
        {
            "decision": "accept",
            "reply": "Corrected, thank you.",
            "revised_text": textarea.replace("45,000", "46,000"),
            "version": "1",
            "section_version": str(section.version),
        },
    )
    session.expire_all()
    comment = session.get(AccuracyComment, comment.id)
    assert (comment.status, comment.reply, comment.answered_by_id) == (
        "accepted",
        "Corrected, thank you.",
        world.author.id,
    )
    section = report_drafting.section_or_none(session, world.review, "context")
    assert "46,000" in section.body_md
    latest = report_drafting.section_history(session, section)[-1]
    assert latest.note == f"Factual accuracy comment {comment.id} accepted"
    actions = session.scalars(select(AuditEvent.action)).all()
    assert "report.accuracy_comment_answered" in actions


def test_the_author_rejects_with_a_reply_and_the_authority_sees_it(world, pages, session):
    comment = raise_one(world)
    pages.sign_in(world.author)
    page = pages.post(
        accuracy_url(world, f"/{comment.id}"),
        {"decision": "reject", "reply": "", "version": "1"},
        status=400,
    )
    assert "Enter your reply" in pages.text(page, ".govuk-error-summary")
    pages.post(
        accuracy_url(world, f"/{comment.id}"),
        {"decision": "reject", "reply": "Our figure is from the census.", "version": "1"},
    )
    section = report_drafting.section_or_none(session, world.review, "context")
    assert "45,000" in section.body_md
    pages.client.post("/sign-out")
    pages.sign_in(world.authority_user)
    page = pages.get(accuracy_url(world))
    row = pages.text(page, f"[data-testid=comment-{comment.id}]")
    assert "Rejected" in row and "Our figure is from the census." in row


def test_publication_is_blocked_while_comments_are_unanswered(world, pages, session):
    comment = raise_one(world)
    pages.sign_in(world.lead)
    page = pages.get(f"/reviews/{world.review.id}/report/publish")
    assert "1 factual accuracy comment is still unanswered." in pages.text(
        page, "[data-testid=unmet]"
    )
    page = pages.post(f"/reviews/{world.review.id}/report/publish", {}, status=400)
    assert "still unanswered" in pages.text(page, ".govuk-error-summary")
    page = pages.post(
        f"/reviews/{world.review.id}/phase", {"version": str(world.review.version)}, status=200
    )
    assert "still unanswered" in page.get_text()
    assert world.review.current_phase is Phase.FACTUAL_ACCURACY

    pages.post(
        accuracy_url(world, f"/{comment.id}"),
        {"decision": "reject", "reply": "The figure stands.", "version": "1"},
    )
    pages.post(f"/reviews/{world.review.id}/report/publish", {"make_public": "y"})
    session.expire_all()
    assert world.review.current_phase is Phase.PUBLISHED
    assert report_drafting.report_for(session, world.review).is_public


def test_comments_close_with_the_check(world, pages):
    raise_one(world, comment="Answered later.")
    comment = world.session.scalars(select(AccuracyComment)).one()
    factual_accuracy.answer_comment(
        world.session,
        world.review,
        comment,
        accept=False,
        reply="Noted.",
        expected_version=comment.version,
        actor=world.author,
        access=world.access(world.author),
    )
    advance(world.session, world.review, Phase.PUBLISHED)
    world.session.commit()
    pages.sign_in(world.authority_user)
    page = pages.get(accuracy_url(world))
    assert page.select_one("[data-testid=comment-form]") is None
    assert "The factual accuracy check is over." in page.get_text()
    pages.post(accuracy_url(world), {"section_key": "context", "comment": "Too late"}, status=200)
    assert world.session.scalars(select(AccuracyComment)).all() == [comment]
