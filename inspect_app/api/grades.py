"""JSON API, version 1: the grades of a review, as the caller may see them.

``GET /api/v1/reviews/<id>/grades`` — every judgement (each area's key judgements, then the
area), paginated, with the provisional grades the caller may see and the agreed grade where
the pages would show it:

- blind grading: a team inspector sees the team's grades for a judgement only once they have
  graded it themselves, or once the review reaches moderation (``grades_visible``);
- authority users and administrators never see provisional grades;
- agreed grades: to the team, and to whoever may read the report (the authority from the
  factual accuracy check, administrators once it is published).

``?area=N`` narrows the list to one judgement area.
"""

from __future__ import annotations

from typing import Any

from flask_login import current_user

from inspect_app.api.pagination import page_of_list, page_request, paginated, whole_number_arg
from inspect_app.api.routes import (
    ApiError,
    _agreed_json,
    _grade_json,
    _review_with_access,
    _target_json,
    bp,
)
from inspect_app.extensions import db
from inspect_app.services import api_reads


@bp.get("/reviews/<int:review_id>/grades")
def list_grades(review_id: int):
    review, access = _review_with_access(review_id, "can_view")
    page = page_request()
    area = whole_number_arg("area", None, 1000)
    rows = api_reads.grades_as_seen_by(db.session, review, current_user, access)
    if area is not None:
        if not any(r.target.area_number == area for r in rows):
            raise ApiError(422, f"This review’s rubric has no area {area}.", field="area")
        rows = [r for r in rows if r.target.area_number == area]
    shown, total = page_of_list(rows, page)
    scale = review.rubric.scale
    items: list[dict[str, Any]] = [
        {
            "judgement": _target_json(row.target),
            "grades_visible": row.grades_visible,
            "grades": [_grade_json(g, scale) for g in row.grades],
            "agreed": _agreed_json(row.agreed, scale),
        }
        for row in shown
    ]
    return paginated(items, page, total)
