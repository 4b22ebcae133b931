"""Published reports at their public address: no sign-in needed, and only when the lead
inspector has made the report public. The page is the report's own HTML export (the latest
published version, from its frozen snapshot), with the stylesheet served from a route so the
Content Security Policy can refuse inline styles."""

from __future__ import annotations

from flask import Blueprint, Response, abort, url_for

from inspect_app.exports.export_html import children_summary_to_html, report_css, to_html
from inspect_app.extensions import db
from inspect_app.services import publication

bp = Blueprint("public", __name__, url_prefix="/published")

CSS_MAX_AGE = 3600


@bp.get("/report.css")
def stylesheet():
    response = Response(report_css(), mimetype="text/css")
    response.headers["Cache-Control"] = f"public, max-age={CSS_MAX_AGE}"
    return response


def _public_document(slug: str):
    found = publication.public_report(db.session, slug)
    if found is None:
        abort(404)
    _, published = found
    return publication.published_document(published)


def _html(page: str) -> Response:
    response = Response(page, mimetype="text/html")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/<slug>")
def report(slug: str):
    doc = _public_document(slug)
    return _html(to_html(doc, stylesheet_href=url_for("public.stylesheet")))


@bp.get("/<slug>/children")
def children_summary(slug: str):
    doc = _public_document(slug)
    return _html(children_summary_to_html(doc, stylesheet_href=url_for("public.stylesheet")))
