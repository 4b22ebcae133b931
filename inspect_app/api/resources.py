"""The read endpoints of the API and its OpenAPI document, registered on the ``api``
blueprint by importing them (as ``api/report.py`` is)."""

from inspect_app.api import (  # noqa: F401
    evidence,
    grades,
    indicators,
    openapi,
    published_reports,
    reviews,
    rubrics,
)
