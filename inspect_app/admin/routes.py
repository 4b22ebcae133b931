"""Administration: users, authorities and setting up reviews."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from inspect_app.admin.forms import AuthorityForm, EditUserForm, NewReviewForm, UserForm
from inspect_app.domain.inspectorates import Inspectorate
from inspect_app.domain.permissions import UserKind
from inspect_app.extensions import db
from inspect_app.models import Authority, AuthorityNeighbour, Rubric, User
from inspect_app.services import audit
from inspect_app.services.authorities import AuthorityDetails, AuthorityError, save_authority
from inspect_app.services.reviews import PlannedDates, ReviewError, create_review
from inspect_app.services.rubric_library import latest_rubrics
from inspect_app.services.users import UserError, create_user, set_password
from inspect_app.web.access import administrator_only
from inspect_app.web.forms import saved

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _authority_choices(placeholder: str) -> list[tuple[int, str]]:
    authorities = db.session.scalars(select(Authority).order_by(Authority.name)).all()
    return [(0, placeholder)] + [(a.id, a.name) for a in authorities]


@bp.get("/")
@administrator_only
def index():
    return render_template("admin/index.html", title="Administration")


@bp.get("/users")
@administrator_only
def users():
    people = db.session.scalars(
        select(User).options(selectinload(User.authority)).order_by(User.kind, User.name)
    ).all()
    return render_template("admin/users.html", users=people, title="Users")


@bp.route("/users/new", methods=["GET", "POST"])
@administrator_only
def new_user():
    form = UserForm()
    form.authority_id.choices = _authority_choices("Not an authority user")
    if form.validate_on_submit():
        kind = UserKind(form.kind.data)
        authority = (
            db.session.get(Authority, form.authority_id.data) if form.authority_id.data else None
        )
        try:
            user = create_user(
                db.session,
                email=form.email.data,
                name=form.name.data,
                password=form.password.data,
                kind=kind,
                inspectorate=Inspectorate(form.inspectorate.data)
                if form.inspectorate.data
                else None,
                authority=authority,
                job_title=form.job_title.data or "",
                created_by=current_user,
            )
        except UserError as error:
            db.session.rollback()
            form.email.errors.append(str(error))
        else:
            return saved(f"{user.name} can now sign in.", url_for("admin.users"))
    return render_template("admin/user_new.html", form=form, title="Add a user")


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@administrator_only
def edit_user(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = EditUserForm()
    if request.method == "GET":
        form.active.data = user.is_active_account
        form.programme_lead.data = user.programme_lead
    if form.validate_on_submit():
        if user.id == current_user.id and not form.active.data:
            form.active.errors.append("You cannot deactivate your own account")
        elif form.programme_lead.data and not user.is_inspector:
            form.programme_lead.errors.append("Only an inspector can be an inspectorate lead")
        else:
            if user.programme_lead != form.programme_lead.data:
                user.programme_lead = bool(form.programme_lead.data)
                audit.record(
                    db.session,
                    action="user.programme_lead_changed",
                    actor=current_user,
                    subject=user,
                    summary=f"{user.email} "
                    + ("may now" if user.programme_lead else "may no longer")
                    + " see the national programme view",
                    after={"programme_lead": user.programme_lead},
                )
            if user.is_active_account != form.active.data:
                user.is_active_account = form.active.data
                audit.record(
                    db.session,
                    action="user.activation_changed",
                    actor=current_user,
                    subject=user,
                    summary=f"{user.email} "
                    + ("reactivated" if form.active.data else "deactivated"),
                    after={"active": form.active.data},
                )
            if form.new_password.data:
                set_password(db.session, user, form.new_password.data, changed_by=current_user)
            return saved(f"Changes to {user.name} have been saved.", url_for("admin.users"))
    return render_template("admin/user_edit.html", form=form, user=user, title=user.name)


@bp.get("/authorities")
@administrator_only
def authorities():
    rows = db.session.scalars(
        select(Authority)
        .options(selectinload(Authority.neighbour_links).selectinload(AuthorityNeighbour.neighbour))
        .order_by(Authority.name)
    ).all()
    return render_template("admin/authorities.html", authorities=rows, title="Local authorities")


@bp.route("/authorities/new", methods=["GET", "POST"], defaults={"authority_id": None})
@bp.route("/authorities/<int:authority_id>", methods=["GET", "POST"])
@administrator_only
def edit_authority(authority_id: int | None):
    authority = db.session.get(Authority, authority_id) if authority_id else None
    if authority_id and authority is None:
        abort(404)
    form = AuthorityForm(obj=authority if request.method == "GET" else None)
    others = db.session.scalars(
        select(Authority).where(Authority.id != (authority_id or 0)).order_by(Authority.name)
    ).all()
    form.neighbours.choices = [(a.id, a.name) for a in others]
    if request.method == "GET" and authority is not None:
        form.neighbours.data = [link.neighbour_id for link in authority.neighbour_links]
    if form.validate_on_submit():
        # Checkboxes carry no order: neighbours kept keep their rank, new ones come after.
        chosen = list(form.neighbours.data or ())
        kept = [
            link.neighbour_id
            for link in (authority.neighbour_links if authority else [])
            if link.neighbour_id in chosen
        ]
        details = AuthorityDetails(
            name=form.name.data,
            code=form.code.data,
            region=form.region.data,
            neighbour_ids=tuple(kept + [n for n in chosen if n not in kept]),
        )
        try:
            authority = save_authority(db.session, authority, details, actor=current_user)
        except AuthorityError as error:
            db.session.rollback()
            form.name.errors.append(str(error))
        else:
            return saved(f"{authority.name} has been saved.", url_for("admin.authorities"))
    return render_template(
        "admin/authority_edit.html",
        form=form,
        authority=authority,
        title=authority.name if authority else "Add a local authority",
    )


@bp.route("/reviews/new", methods=["GET", "POST"])
@administrator_only
def new_review():
    form = NewReviewForm()
    form.authority_id.choices = _authority_choices("Choose an authority")
    form.rubric_id.choices = [(0, "Choose a rubric")] + [
        (r.id, r.label) for r in latest_rubrics(db.session)
    ]
    inspectors = db.session.scalars(
        select(User)
        .where(User.kind == UserKind.INSPECTOR.value, User.is_active_account.is_(True))
        .order_by(User.name)
    ).all()
    form.lead_id.choices = [(0, "Choose the lead inspector")] + [
        (u.id, f"{u.name} ({u.inspectorate_label})") for u in inspectors
    ]
    if form.validate_on_submit():
        authority = db.session.get(Authority, form.authority_id.data)
        rubric = db.session.get(Rubric, form.rubric_id.data)
        lead = db.session.get(User, form.lead_id.data)
        for field, value, message in (
            (form.authority_id, authority, "Select the authority"),
            (form.rubric_id, rubric, "Select the rubric"),
            (form.lead_id, lead, "Select the lead inspector"),
        ):
            if value is None:
                field.errors.append(message)
        if authority and rubric and lead:
            dates = PlannedDates(
                form.set_up_on.data,
                form.analysis_week_on.data,
                form.fieldwork_week_one_on.data,
                form.fieldwork_week_two_on.data,
                form.publication_due_on.data,
            )
            try:
                review = create_review(
                    db.session,
                    authority=authority,
                    rubric=rubric,
                    lead=lead,
                    dates=dates,
                    created_by=current_user,
                )
            except ReviewError as error:
                db.session.rollback()
                form.lead_id.errors.append(str(error))
            else:
                return saved(
                    f"Review {review.reference} has been set up.",
                    url_for("reviews.overview", review_id=review.id),
                )
    return render_template("admin/review_new.html", form=form, title="Set up a review")
