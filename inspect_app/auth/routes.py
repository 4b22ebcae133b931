"""Signing in and out."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user

from inspect_app.auth.forms import SignInForm
from inspect_app.extensions import db, limiter
from inspect_app.models.types import utcnow
from inspect_app.services import audit
from inspect_app.services.sign_in_guard import SignInGuard
from inspect_app.services.users import authenticate

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only redirect to a path on this site after signing in."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and "\\" not in target:
            return target
    return url_for("dashboard.index")


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SIGN_IN_RATE_LIMIT"], methods=["POST"])
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = SignInForm()
    if form.validate_on_submit():
        guard = SignInGuard.from_config(current_app.config)
        email = (form.email.data or "").strip().lower()[:254]
        if guard.is_locked(db.session, email):
            # Locked, whether or not the address has an account: no password is checked.
            form.email.errors.append(guard.message)
            audit.record(
                db.session,
                action="auth.sign_in_locked",
                actor=None,
                summary="Sign-in refused: too many failed attempts",
                after={"email": email},
            )
            db.session.commit()
            return render_template("auth/sign_in.html", form=form, title="Sign in")
        user = authenticate(db.session, form.email.data, form.password.data)
        if user is None:
            failures = guard.record_failure(db.session, email)
            form.email.errors.append(
                guard.message
                if failures >= guard.max_failures
                else "Enter a correct email address and password"
            )
            audit.record(
                db.session,
                action="auth.sign_in_failed",
                actor=None,
                summary="Failed sign-in attempt",
                after={"email": email, "failures": failures},
            )
            db.session.commit()
        else:
            guard.clear(db.session, email)
            session.permanent = True  # expires after PERMANENT_SESSION_LIFETIME without use
            login_user(user)
            user.last_signed_in_at = utcnow()
            audit.record(
                db.session,
                action="auth.signed_in",
                actor=user,
                subject=user,
                summary=f"{user.name} signed in",
            )
            db.session.commit()
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/sign_in.html", form=form, title="Sign in")


@bp.post("/sign-out")
@login_required
def sign_out():
    audit.record(
        db.session,
        action="auth.signed_out",
        actor=current_user,
        subject=current_user,
        summary=f"{current_user.name} signed out",
    )
    db.session.commit()
    logout_user()
    flash("You have signed out.", "success")
    return redirect(url_for("auth.sign_in"))
