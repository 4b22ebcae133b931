"""The "my reviews" dashboard, health check and static information pages."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template
from flask_login import current_user, login_required

from inspect_app.extensions import db, limiter
from inspect_app.services import health
from inspect_app.services.reviews import reviews_visible_to
from inspect_app.web.uploads import evidence_store

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
    """For load balancers: 200 when the database and the evidence store work, else 503
    with the failing checks named."""
    result = health.check(db.session, evidence_store())
    response = jsonify(result.as_dict())
    response.headers["Cache-Control"] = "no-store"
    return response, (200 if result.healthy else 503)


@bp.get("/accessibility")
def accessibility():
    return render_template("dashboard/accessibility.html", title="Accessibility statement")


@bp.get("/privacy")
def privacy():
    return render_template("dashboard/privacy.html", title="Privacy")
