"""The rubric browser: judgement areas, key judgements, descriptors and evidence prompts."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import login_required

from inspect_app.extensions import db
from inspect_app.services.rubric_library import all_rubrics, rubric_with_judgements

bp = Blueprint("rubrics", __name__, url_prefix="/rubrics")


@bp.get("/")
@login_required
def index():
    rubrics = all_rubrics(db.session)
    latest = {}
    for rubric in rubrics:
        latest[rubric.key] = rubric.id  # ordered by revision, so the last one wins
    return render_template(
        "rubrics/index.html", rubrics=rubrics, latest_ids=set(latest.values()), title="Rubrics"
    )


@bp.get("/<int:rubric_id>")
@login_required
def show(rubric_id: int):
    rubric = rubric_with_judgements(db.session, rubric_id)
    if rubric is None:
        abort(404)
    return render_template(
        "rubrics/show.html",
        rubric=rubric,
        scale=rubric.scale,
        title=rubric.title,
    )
