"""JSON API, version 1: evidence metadata (never file contents).

- ``GET /api/v1/reviews/<id>/evidence`` — the review's evidence, newest first, paginated;
  ``?kind=``, ``?key_judgement=2.3`` and ``?inspectorate=`` narrow it.
- ``GET /api/v1/reviews/<id>/evidence/<item id>`` — one item.

The rules of the evidence pages: the team and administrators see the evidence base, the
authority does not (404); restricted items only to the team's inspectors, and each look at
one is audit-logged as on its page. Deleted items are left out of the list; asked for by id,
they are shown with when and why they were deleted.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from flask_login import current_user

from inspect_app.api.pagination import PageRequest, page_request, paginated
from inspect_app.api.reviews import inspectorate_json
from inspect_app.api.routes import MAX_ID, ApiError, _review_with_access, bp
from inspect_app.domain.evidence import EvidenceKind
from inspect_app.domain.inspectorates import Inspectorate
from inspect_app.extensions import db
from inspect_app.models import EvidenceItem, Review
from inspect_app.services import evidence as evidence_service
from inspect_app.services.evidence import EvidenceFilters


def evidence_json(item: EvidenceItem) -> dict[str, Any]:
    return {
        "id": item.id,
        "title": item.title,
        "kind": item.kind,
        "kind_label": item.kind_label,
        "source": item.source,
        "gathered_on": item.gathered_on.isoformat(),
        "inspectorate": inspectorate_json(item.inspectorate),  # null: from the authority
        "neighbourhood": item.neighbourhood,
        "restricted": item.is_restricted,
        "added_at": item.added_at.isoformat(),
        "deleted_at": item.deleted_at.isoformat() if item.deleted_at else None,
        "files": [
            {"id": f.id, "name": f.download_name, "media_type": f.media_type, "size": f.size}
            for f in item.files
        ],
        "bearings": [
            {"key_judgement": number, "stance": stance} for number, stance in item.bearings
        ],
    }


def _enum_arg(name: str, enum: type) -> Any:
    raw = request.args.get(name)
    if raw is None:
        return None
    try:
        return enum(raw)
    except ValueError:
        raise ApiError(
            422, f"{name} must be one of: " + ", ".join(e.value for e in enum), field=name
        ) from None


def _filters(review: Review) -> EvidenceFilters:
    key_judgement_id = None
    number = request.args.get("key_judgement")
    if number is not None:
        by_number = {
            kj.number: kj.id
            for kj in evidence_service.key_judgements_for(db.session, review.rubric_id)
        }
        if number not in by_number:
            raise ApiError(
                422,
                f"This review’s rubric has no key judgement ‘{number[:20]}’. "
                "Give its number, like 2.3.",
                field="key_judgement",
            )
        key_judgement_id = by_number[number]
    return EvidenceFilters(
        key_judgement_id=key_judgement_id,
        kind=_enum_arg("kind", EvidenceKind),
        inspectorate=_enum_arg("inspectorate", Inspectorate),
    )


@bp.get("/reviews/<int:review_id>/evidence")
def list_evidence(review_id: int):
    review, access = _review_with_access(review_id, "can_see_evidence")
    page: PageRequest = page_request()
    filters = _filters(review)
    found = evidence_service.evidence_page(
        db.session,
        review,
        filters,
        page=page.page,
        per_page=page.per_page,
        include_restricted=access.can_see_restricted_evidence,
    )
    # The evidence pages show the last page for a page past the end; the API shows nothing.
    items = found.items if found.page == page.page else []
    return paginated([evidence_json(i) for i in items], page, found.total)


@bp.get("/reviews/<int:review_id>/evidence/<int:item_id>")
def get_evidence(review_id: int, item_id: int):
    review, access = _review_with_access(review_id, "can_see_evidence")
    item = evidence_service.load_item(db.session, review, item_id) if item_id <= MAX_ID else None
    if item is None or (item.is_restricted and not access.can_see_restricted_evidence):
        raise ApiError(404, "This review has no such evidence item.")
    body = evidence_json(item) | {
        "added_by": item.added_by.name if item.added_by else None,
        "deletion_reason": item.deletion_reason if item.is_deleted else None,
    }
    if item.is_restricted:
        evidence_service.record_restricted_access(db.session, item, actor=current_user)
        db.session.commit()
    return jsonify(body)
