"""A review: overview, team, declarations of interest, dates and phases."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from inspect_app.domain.permissions import Access, ReviewRole
from inspect_app.domain.phases import PHASE_DESCRIPTIONS, PhaseTransitionError, unmet_preconditions
from inspect_app.extensions import db
from inspect_app.models import Review, User
from inspect_app.reviews.forms import (
    AddMemberForm,
    AdvancePhaseForm,
    DatesForm,
    DeclarationForm,
    MemberForm,
)
from inspect_app.services import reviews as review_service
from inspect_app.services.review_activity import recent_activity
from inspect_app.services.reviews import PlannedDates, ReviewError
from inspect_app.web.access import review_page
from inspect_app.web.forms import saved

bp = Blueprint("reviews", __name__, url_prefix="/reviews")

STALE_REVIEW = (
    "Somebody else changed this review while you were looking at it. "
    "The page now shows the latest version; check it and try again."
)


@bp.get("/<int:review_id>")
@review_page(cached=True)
def overview(review: Review, access: Access):
    next_phase = review.current_phase.next
    facts = review_service.review_facts(review)
    unmet = unmet_preconditions(facts, next_phase) if next_phase else []
    events = []
    if access.can_see_team_workings:
        events = recent_activity(
            db.session, review, include_restricted=access.can_see_restricted_evidence
        )
    return render_template(
        "reviews/overview.html",
        review=review,
        access=access,
        next_phase=next_phase,
        unmet=unmet,
        events=events,
        phase_descriptions=PHASE_DESCRIPTIONS,
        my_member=review.member_for(current_user.id),
        title=review.title,
    )


@bp.route("/<int:review_id>/phase", methods=["GET", "POST"])
@review_page("can_advance_phase")
def advance(review: Review, access: Access):
    next_phase = review.current_phase.next
    if next_phase is None:
        abort(409, description="The review is closed.")
    form = AdvancePhaseForm()
    unmet = unmet_preconditions(review_service.review_facts(review), next_phase)
    if form.validate_on_submit():
        if form.version.data != str(review.version):
            form.version.errors.append(STALE_REVIEW)
        else:
            try:
                review_service.advance_phase(db.session, review, next_phase, actor=current_user)
                db.session.flush()
            except PhaseTransitionError as error:
                db.session.rollback()
                form.submit.errors.extend(error.reasons)
            except StaleDataError:
                db.session.rollback()
                form.version.errors.append(STALE_REVIEW)
            else:
                return saved(
                    f"The review is now in {next_phase.label}.",
                    url_for("reviews.overview", review_id=review.id),
                )
        review = review_service.load_review(db.session, review.id)
    form.version.data = str(review.version)
    return render_template(
        "reviews/advance.html",
        review=review,
        access=access,
        form=form,
        next_phase=next_phase,
        unmet=unmet,
        description=PHASE_DESCRIPTIONS[next_phase],
        title=f"Move the review to {next_phase.label}",
    )


@bp.get("/<int:review_id>/team")
@review_page("can_see_team_workings")
def team(review: Review, access: Access):
    form = None
    if access.can_manage_team:
        form = _add_member_form(review)
    return render_template(
        "reviews/team.html", review=review, access=access, add_form=form, title="Review team"
    )


def _add_member_form(review: Review) -> AddMemberForm:
    form = AddMemberForm()
    on_team = {m.user_id for m in review.team}
    candidates = db.session.scalars(
        select(User)
        .where(User.kind == "inspector", User.is_active_account.is_(True))
        .order_by(User.inspectorate, User.name)
    ).all()
    form.user_id.choices = [(0, "Choose an inspector")] + [
        (u.id, f"{u.name} ({u.inspectorate_label})") for u in candidates if u.id not in on_team
    ]
    return form


@bp.post("/<int:review_id>/team")
@review_page("can_manage_team")
def add_member(review: Review, access: Access):
    form = _add_member_form(review)
    if form.validate_on_submit():
        user = db.session.get(User, form.user_id.data) if form.user_id.data else None
        if user is None:
            form.user_id.errors.append("Select an inspector to add")
        else:
            try:
                review_service.add_member(
                    db.session, review, user, ReviewRole(form.role.data), actor=current_user
                )
            except ReviewError as error:
                db.session.rollback()
                form.user_id.errors.append(str(error))
            else:
                return saved(
                    f"{user.name} has been added to the team.",
                    url_for("reviews.team", review_id=review.id),
                )
        review = review_service.load_review(db.session, review.id)
    return render_template(
        "reviews/team.html",
        review=review,
        access=access,
        add_form=form,
        form=form,
        title="Review team",
    ), 400


def _member_or_404(review: Review, member_id: int):
    member = next((m for m in review.team if m.id == member_id), None)
    if member is None:
        abort(404)
    return member


@bp.route("/<int:review_id>/team/<int:member_id>", methods=["GET", "POST"])
@review_page("can_manage_team")
def edit_member(review: Review, access: Access, member_id: int):
    member = _member_or_404(review, member_id)
    form = MemberForm(obj=None if request.method == "POST" else member)
    form.areas.choices = [(a.id, f"{a.number}. {a.title}") for a in review.rubric.areas]
    if request.method == "GET":
        form.role.data = member.role
        form.areas.data = [a.area_id for a in member.assignments]
    if form.validate_on_submit():
        try:
            review_service.set_role(
                db.session, member, ReviewRole(form.role.data), actor=current_user
            )
            wanted = [a for a in review.rubric.areas if a.id in set(form.areas.data or [])]
            review_service.assign_areas(db.session, member, wanted, actor=current_user)
        except ReviewError as error:
            db.session.rollback()
            form.areas.errors = [*form.areas.errors, str(error)]
            review = review_service.load_review(db.session, review.id)
            member = _member_or_404(review, member_id)
        else:
            return saved(
                f"{member.user.name}’s role and areas have been saved.",
                url_for("reviews.team", review_id=review.id),
            )
    return render_template(
        "reviews/member.html",
        review=review,
        access=access,
        member=member,
        form=form,
        title=f"Change {member.user.name}’s role and areas",
    )


@bp.post("/<int:review_id>/team/<int:member_id>/remove")
@review_page("can_manage_team")
def remove_member(review: Review, access: Access, member_id: int):
    member = _member_or_404(review, member_id)
    name = member.user.name
    try:
        review_service.remove_member(db.session, review, member, actor=current_user)
    except ReviewError as error:
        db.session.rollback()
        abort(409, description=str(error))
    return saved(
        f"{name} has been removed from the team.", url_for("reviews.team", review_id=review.id)
    )


@bp.route("/<int:review_id>/declaration", methods=["GET", "POST"])
@review_page("can_declare_interests")
def declaration(review: Review, access: Access):
    member = review.member_for(current_user.id)
    form = DeclarationForm()
    if request.method == "GET" and member.has_declared:
        form.has_conflict.data = "yes" if member.has_conflict else "no"
        form.details.data = member.conflict_details
    if form.validate_on_submit():
        try:
            review_service.declare_interests(
                db.session,
                member,
                has_conflict=form.has_conflict.data == "yes",
                details=form.details.data or "",
                actor=current_user,
            )
        except ReviewError as error:
            db.session.rollback()
            form.details.errors = [*form.details.errors, str(error)]
        else:
            return saved(
                "Your declaration of interests has been recorded.",
                url_for("reviews.overview", review_id=review.id),
            )
    return render_template(
        "reviews/declaration.html",
        review=review,
        access=access,
        form=form,
        title="Declare your interests",
    )


@bp.route("/<int:review_id>/dates", methods=["GET", "POST"])
@review_page("can_manage_team")
def dates(review: Review, access: Access):
    form = DatesForm(obj=review if request.method == "GET" else None)
    if form.validate_on_submit():
        planned = PlannedDates(
            form.set_up_on.data,
            form.analysis_week_on.data,
            form.fieldwork_week_one_on.data,
            form.fieldwork_week_two_on.data,
            form.publication_due_on.data,
        )
        if form.version.data != str(review.version):
            form.version.errors.append(STALE_REVIEW)
        else:
            try:
                review_service.update_dates(db.session, review, planned, actor=current_user)
                db.session.flush()
            except ReviewError as error:
                db.session.rollback()
                form.publication_due_on.errors = [*form.publication_due_on.errors, str(error)]
            except StaleDataError:
                db.session.rollback()
                form.version.errors.append(STALE_REVIEW)
            else:
                return saved(
                    "The planned dates have been saved.",
                    url_for("reviews.overview", review_id=review.id),
                )
        review = review_service.load_review(db.session, review.id)
    form.version.data = str(review.version)
    return render_template(
        "reviews/dates.html", review=review, access=access, form=form, title="Planned dates"
    )
