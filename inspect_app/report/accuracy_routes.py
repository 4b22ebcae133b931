"""The factual accuracy check: the authority's comments and the report author's answers."""

from __future__ import annotations

from flask import abort, render_template, url_for
from flask_login import current_user

from inspect_app.domain.permissions import Access
from inspect_app.domain.phases import Phase
from inspect_app.extensions import db
from inspect_app.models import AccuracyComment, Review
from inspect_app.report.forms import AnswerForm, CommentForm, version_of
from inspect_app.report.routes import bp
from inspect_app.services import factual_accuracy, report_drafting
from inspect_app.services import reviews as review_service
from inspect_app.services.factual_accuracy import StaleCommentError
from inspect_app.services.report_drafting import ReportError, ReportForbidden, StaleSectionError
from inspect_app.web.access import review_page
from inspect_app.web.forms import saved


def _comment_form(review: Review) -> CommentForm:
    form = CommentForm()
    form.section_key.choices = [("", "Choose a section")] + [
        (s.key, s.title) for s in report_drafting.section_specs(review)
    ]
    return form


def _titles(review: Review) -> dict[str, str]:
    return {s.key: s.title for s in report_drafting.section_specs(review)}


@bp.route("/<int:review_id>/report/accuracy", methods=["GET", "POST"])
@review_page("can_see_accuracy_comments")
def accuracy(review: Review, access: Access):
    form = _comment_form(review) if access.can_comment_on_accuracy else None
    status = 200
    if form is not None and form.is_submitted():
        if form.validate():
            try:
                factual_accuracy.raise_comment(
                    db.session,
                    review,
                    section_key=form.section_key.data,
                    passage=form.passage.data or "",
                    comment=form.comment.data or "",
                    actor=current_user,
                    access=access,
                )
            except ReportError as error:
                db.session.rollback()
                getattr(form, error.field or "comment").errors.append(str(error))
                status = 400
            else:
                return saved(
                    "Your comment has been sent to the report author.",
                    url_for("report.accuracy", review_id=review.id),
                )
        else:
            status = 400
    comments = factual_accuracy.comments_for(db.session, review)
    unanswered = sum(1 for c in comments if c.is_open)
    return render_template(
        "report/accuracy.html",
        review=review,
        access=access,
        form=form,
        comments=comments,
        unanswered=unanswered,
        titles=_titles(review),
        in_check=review.current_phase is Phase.FACTUAL_ACCURACY,
        title="Factual accuracy check",
    ), status


def _comment_or_404(review: Review, comment_id: int) -> AccuracyComment:
    comment = db.session.get(AccuracyComment, comment_id)
    if comment is None or comment.review_id != review.id:
        abort(404)
    return comment


@bp.route("/<int:review_id>/report/accuracy/<int:comment_id>", methods=["GET", "POST"])
@review_page("can_see_accuracy_comments")
def answer(review: Review, access: Access, comment_id: int):
    comment = _comment_or_404(review, comment_id)
    spec = report_drafting.spec_for_key(review, comment.section_key)
    section = report_drafting.section_or_none(db.session, review, comment.section_key)
    may_answer = access.can_answer_accuracy_comments and comment.is_open
    form = AnswerForm() if may_answer else None
    status = 200
    stale_section = None
    if form is not None and form.is_submitted():
        if form.validate():
            accept = form.decision.data == "accept"
            try:
                factual_accuracy.answer_comment(
                    db.session,
                    review,
                    comment,
                    accept=accept,
                    reply=form.reply.data or "",
                    expected_version=version_of(form.version.data),
                    actor=current_user,
                    access=access,
                    revised_text=form.revised_text.data if accept else None,
                    section_version=version_of(form.section_version.data),
                )
            except ReportError as error:
                db.session.rollback()
                getattr(form, error.field or "reply").errors.append(str(error))
                status = 400
            except ReportForbidden as error:
                db.session.rollback()
                abort(403, description=str(error))
            except StaleCommentError as error:
                form.decision.errors.append(error.message)
                status = 409
            except StaleSectionError as error:
                stale_section = error
                form.revised_text.errors.append(error.message)
                status = 409
            else:
                return saved(
                    "Your answer has been recorded"
                    + (" and the section corrected." if accept else "."),
                    url_for("report.accuracy", review_id=review.id),
                )
        else:
            status = 400
        review = review_service.load_review(db.session, review.id)
        comment = _comment_or_404(review, comment_id)
        section = report_drafting.section_or_none(db.session, review, comment.section_key)
        form.version.data = str(comment.version)
        form.section_version.data = str(section.version) if section else ""
        if not comment.is_open:
            form = None
    elif form is not None:
        form.revised_text.data = section.body_md if section else ""
        form.version.data = str(comment.version)
        form.section_version.data = str(section.version) if section else ""
    return render_template(
        "report/answer.html",
        review=review,
        access=access,
        comment=comment,
        spec=spec,
        section=section,
        form=form,
        stale_section=stale_section,
        title=f"Factual accuracy comment {comment.id}",
    ), status
