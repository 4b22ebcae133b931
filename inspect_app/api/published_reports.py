"""JSON API, version 1: the published reports a caller may read.

``GET /api/v1/reports`` — paginated, newest review first: each review whose report is
published, with every published version (newest first). The report itself, as the JSON
export, is at ``GET /api/v1/reviews/<id>/report`` (see ``api/report.py``), ``?version=N`` for
an earlier version.
"""

from __future__ import annotations

from flask import url_for
from flask_login import current_user

from inspect_app.api.pagination import page_of_query, page_request, paginated
from inspect_app.api.routes import bp
from inspect_app.extensions import db
from inspect_app.models import PublishedReport, Review
from inspect_app.services import api_reads


def _version_json(review: Review, published: PublishedReport) -> dict:
    return {
        "version_number": published.version_number,
        "published_on": published.published_on.isoformat(),
        "published_at": published.published_at.isoformat(),
        "content_hash": published.content_hash,
        "reasons": published.reasons,
        "url": url_for(
            "api.published_report", review_id=review.id, version=published.version_number
        ),
    }


@bp.get("/reports")
def list_reports():
    page = page_request()
    reviews, total = page_of_query(db.session, api_reads.published_reviews(current_user), page)
    versions = api_reads.published_versions_of(db.session, [r.id for r in reviews])
    items = [
        {
            "review": {
                "id": review.id,
                "reference": review.reference,
                "title": review.title,
                "phase": review.phase,
                "authority": {
                    "code": review.authority.code,
                    "name": review.authority.name,
                    "region": review.authority.region,
                },
            },
            "url": url_for("api.published_report", review_id=review.id),
            "versions": [_version_json(review, v) for v in versions.get(review.id, [])],
        }
        for review in reviews
    ]
    return paginated(items, page, total)
