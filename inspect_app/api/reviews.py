"""JSON API, version 1: the reviews a caller may see.

- ``GET /api/v1/reviews`` — paginated, newest first; ``?phase=`` narrows it to one phase.
- ``GET /api/v1/reviews/<id>`` — one review: dates, team, and what the caller may do on it.

The reviews listed are those on the caller's dashboard; any other review is a 404.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from flask_login import current_user

from inspect_app.api.pagination import page_of_query, page_request, paginated
from inspect_app.api.routes import ApiError, _review_with_access, bp
from inspect_app.domain.inspectorates import Inspectorate
from inspect_app.domain.permissions import Access
from inspect_app.domain.phases import Phase
from inspect_app.extensions import db
from inspect_app.models import Review, User
from inspect_app.services import api_reads


def _date(value) -> str | None:
    return value.isoformat() if value else None


def inspectorate_json(code: str | None) -> dict[str, str] | None:
    if not code:
        return None
    return {"code": code, "name": Inspectorate(code).label}


def review_summary_json(review: Review, viewer: User) -> dict[str, Any]:
    lead = review.lead_inspector
    member = review.member_for(viewer.id)
    return {
        "id": review.id,
        "reference": review.reference,
        "title": review.title,
        "phase": review.phase,
        "phase_label": review.current_phase.label,
        "authority": {
            "id": review.authority.id,
            "code": review.authority.code,
            "name": review.authority.name,
            "region": review.authority.region,
        },
        "rubric": {
            "key": review.rubric.key,
            "version": review.rubric.version,
            "revision": review.rubric.revision,
            "title": review.rubric.title,
        },
        "planned_dates": {
            "set_up_on": _date(review.set_up_on),
            "analysis_week_on": _date(review.analysis_week_on),
            "fieldwork_week_one_on": _date(review.fieldwork_week_one_on),
            "fieldwork_week_two_on": _date(review.fieldwork_week_two_on),
            "publication_due_on": _date(review.publication_due_on),
        },
        "lead_inspector": (
            {"name": lead.user.name, "inspectorate": inspectorate_json(lead.user.inspectorate)}
            if lead
            else None
        ),
        "your_role": member.role if member else None,
    }


def permissions_json(access: Access) -> dict[str, bool]:
    """What the caller may read or do on the review, so a script can tell before it asks."""
    return {
        "see_evidence": access.can_see_evidence,
        "see_restricted_evidence": access.can_see_restricted_evidence,
        "see_provisional_grades": access.can_see_provisional_grades,
        "see_agreed_grades": api_reads.may_see_agreed_grades(access),
        "see_reconciliation": access.can_see_reconciliation,
        "grade": access.can_grade,
        "moderate": access.can_moderate,
        "view_report": access.can_view_report,
    }


def _phase_filter() -> list[Phase] | None:
    raw = request.args.get("phase")
    if raw is None:
        return None
    try:
        return [Phase(raw)]
    except ValueError:
        raise ApiError(
            422, "phase must be one of: " + ", ".join(p.value for p in Phase), field="phase"
        ) from None


@bp.get("/reviews")
def list_reviews():
    page = page_request()
    query = api_reads.visible_reviews(current_user, phases=_phase_filter())
    reviews, total = page_of_query(db.session, query, page)
    return paginated([review_summary_json(r, current_user) for r in reviews], page, total)


@bp.get("/reviews/<int:review_id>")
def get_review(review_id: int):
    review, access = _review_with_access(review_id, "can_view")
    return jsonify(
        review_summary_json(review, current_user)
        | {
            "phase_changed_at": review.phase_changed_at.isoformat(),
            "team": [
                {
                    "name": m.user.name,
                    "inspectorate": inspectorate_json(m.user.inspectorate),
                    "role": m.role,
                }
                for m in review.team
            ],
            "permissions": permissions_json(access),
        }
    )
