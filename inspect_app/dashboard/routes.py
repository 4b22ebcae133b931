"""The "my reviews" dashboard, health check and static information pages."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template
from flask_login import current_user, login_required
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from inspect_app.extensions import db, limiter
from inspect_app.services.reviews import reviews_visible_to

bp = Blueprint("dashboard", __name__)


@bp.get("/")
@login_required
def index():
    reviews = reviews_visible_to(db.session, current_user)
    roles = {}
    for review in reviews:
        member = review.member_for(current_user.id)
        roles[review.id] = member.review_role.label if member else None
    return render_template("dashboard/index.html", reviews=reviews, roles=roles, title="My reviews")


@bp.get("/healthz")
@limiter.exempt
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return jsonify({"status": "error", "database": "unreachable"}), 503
    return jsonify({"status": "ok", "database": "ok"})


@bp.get("/accessibility")
def accessibility():
    return render_template("dashboard/accessibility.html", title="Accessibility statement")


@bp.get("/privacy")
def privacy():
    return render_template("dashboard/privacy.html", title="Privacy")
