"""Your profile: who you are, and your personal API tokens."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, url_for
from flask_login import current_user, login_required

from inspect_app.extensions import db
from inspect_app.profile.forms import NewTokenForm
from inspect_app.services import api_tokens
from inspect_app.services.api_tokens import ApiTokenError
from inspect_app.web.forms import saved

bp = Blueprint("profile", __name__, url_prefix="/profile")


def _page(form: NewTokenForm, new_token: api_tokens.NewToken | None = None, status: int = 200):
    return render_template(
        "profile/index.html",
        form=form,
        tokens=api_tokens.tokens_of(db.session, current_user),
        new_token=new_token,
        title="Your profile",
    ), status


@bp.get("")
@login_required
def index():
    return _page(NewTokenForm())


@bp.post("/tokens")
@login_required
def create_token():
    form = NewTokenForm()
    if not form.validate_on_submit():
        return _page(form, status=400)
    try:
        new = api_tokens.create_token(db.session, current_user, form.name.data)
    except ApiTokenError as error:
        db.session.rollback()
        form.name.errors.append(str(error))
        return _page(form, status=400)
    db.session.commit()
    # The token is shown in this response only: it is never stored, flashed or shown again.
    return _page(NewTokenForm(formdata=None), new_token=new)


@bp.post("/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    try:
        token = api_tokens.revoke_token(db.session, current_user, token_id)
    except ApiTokenError as error:
        db.session.rollback()
        abort(404 if "does not exist" in str(error) else 409, description=str(error))
    return saved(
        f"The token ‘{token.name}’ has been revoked. It no longer works.", url_for("profile.index")
    )
