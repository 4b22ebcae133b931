"""The authority's action plan: actions per recommendation, submission, progress."""

from __future__ import annotations

from flask import abort, render_template, url_for
from flask_login import current_user

from inspect_app.domain.permissions import Access
from inspect_app.extensions import db
from inspect_app.models import PlannedAction, Recommendation, Review
from inspect_app.report.forms import ActionForm, RemoveForm, SubmitPlanForm, version_of
from inspect_app.report.routes import bp
from inspect_app.services import action_plans
from inspect_app.services.action_plans import ActionDetails, StaleActionError
from inspect_app.services.publication import today_in_uk
from inspect_app.services.report_drafting import (
    ReportError,
    ReportForbidden,
    numbered,
    recommendations_for,
)
from inspect_app.web.access import review_page
from inspect_app.web.forms import saved


def _plan(review: Review):
    view = action_plans.plan_for(db.session, review, today=today_in_uk())
    if view is None:
        abort(404)
    return view


@bp.get("/<int:review_id>/action-plan")
@review_page("can_view_action_plan")
def action_plan(review: Review, access: Access):
    return render_template(
        "report/action_plan.html",
        review=review,
        access=access,
        plan=_plan(review),
        submit_form=SubmitPlanForm() if access.can_edit_action_plan else None,
        title="Action plan",
    )


@bp.post("/<int:review_id>/action-plan/submit")
@review_page("can_edit_action_plan")
def submit_plan(review: Review, access: Access):
    form = SubmitPlanForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        action_plans.submit_plan(db.session, review, actor=current_user, access=access)
    except ReportError as error:
        db.session.rollback()
        form.submit.errors = [str(error)]
        return render_template(
            "report/action_plan.html",
            review=review,
            access=access,
            plan=_plan(review),
            submit_form=form,
            form=form,
            title="Action plan",
        ), 400
    return saved(
        "Your action plan has been submitted. Keep each action’s status up to date.",
        url_for("report.action_plan", review_id=review.id),
    )


def _recommendation(review: Review, rec_id: int) -> tuple[int, Recommendation]:
    for number, rec in numbered(recommendations_for(db.session, review)):
        if rec.id == rec_id:
            return number, rec
    abort(404)


def _details(form: ActionForm) -> ActionDetails:
    return ActionDetails(
        description=form.description.data or "",
        owner=form.owner.data or "",
        target_on=form.target_on.data,
        status=form.status.data,
        progress_note=form.progress_note.data or "",
    )


@bp.route(
    "/<int:review_id>/action-plan/recommendations/<int:rec_id>/actions/new",
    methods=["GET", "POST"],
)
@review_page("can_edit_action_plan")
def new_action(review: Review, access: Access, rec_id: int):
    _plan(review)
    number, rec = _recommendation(review, rec_id)
    form = ActionForm()
    status = 200
    if form.is_submitted():
        if form.validate():
            try:
                action_plans.add_action(
                    db.session, review, rec, _details(form), actor=current_user, access=access
                )
            except ReportError as error:
                db.session.rollback()
                getattr(form, error.field or "description").errors.append(str(error))
                status = 400
            else:
                return saved(
                    f"The action for recommendation {number} has been added.",
                    url_for("report.action_plan", review_id=review.id)
                    + f"#recommendation-{number}",
                )
        else:
            status = 400
    return render_template(
        "report/action.html",
        review=review,
        access=access,
        form=form,
        number=number,
        rec=rec,
        action=None,
        title=f"Add an action for recommendation {number}",
    ), status


def _action_or_404(review: Review, action_id: int) -> PlannedAction:
    action = db.session.get(PlannedAction, action_id)
    if action is None or action.review_id != review.id:
        abort(404)
    return action


@bp.route("/<int:review_id>/action-plan/actions/<int:action_id>", methods=["GET", "POST"])
@review_page("can_edit_action_plan")
def edit_action(review: Review, access: Access, action_id: int):
    action = _action_or_404(review, action_id)
    number, rec = _recommendation(review, action.recommendation_id)
    form = ActionForm()
    status = 200
    if form.is_submitted():
        if form.validate():
            try:
                action_plans.update_action(
                    db.session,
                    review,
                    action,
                    _details(form),
                    expected_version=version_of(form.version.data),
                    actor=current_user,
                    access=access,
                )
            except ReportError as error:
                db.session.rollback()
                getattr(form, error.field or "description").errors.append(str(error))
                status = 400
            except ReportForbidden as error:  # pragma: no cover - checked by the decorator
                db.session.rollback()
                abort(403, description=str(error))
            except StaleActionError as error:
                form.description.errors.append(error.message)
                action = _action_or_404(review, action_id)
                _fill(form, action)
                status = 409
            else:
                return saved(
                    "The action has been saved.",
                    url_for("report.action_plan", review_id=review.id)
                    + f"#recommendation-{number}",
                )
        else:
            status = 400
    else:
        _fill(form, action)
    return render_template(
        "report/action.html",
        review=review,
        access=access,
        form=form,
        number=number,
        rec=rec,
        action=action,
        remove_form=RemoveForm(),
        title=f"Change an action for recommendation {number}",
    ), status


def _fill(form: ActionForm, action: PlannedAction) -> None:
    form.description.data = action.description
    form.owner.data = action.owner
    form.target_on.data = action.target_on
    form.status.data = action.status
    form.progress_note.data = action.progress_note
    form.version.data = str(action.version)


@bp.post("/<int:review_id>/action-plan/actions/<int:action_id>/remove")
@review_page("can_edit_action_plan")
def remove_action(review: Review, access: Access, action_id: int):
    action = _action_or_404(review, action_id)
    if not RemoveForm().validate_on_submit():
        abort(400)
    action_plans.remove_action(db.session, review, action, actor=current_user, access=access)
    return saved("The action has been removed.", url_for("report.action_plan", review_id=review.id))
