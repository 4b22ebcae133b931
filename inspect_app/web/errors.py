"""Error pages in the GOV.UK style, and JSON errors for the API."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

TITLES = {
    400: "There is a problem with the request",
    403: "You do not have permission to do that",
    404: "Page not found",
    405: "That action is not allowed here",
    409: "Somebody else changed this first",
    413: "The file is too large",
    429: "Too many attempts",
    500: "Sorry, there is a problem with the service",
}

# The API's error objects are {"error": {"code": …, "message": …}}; see inspect_app/api.
API_ERROR_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "stale_version",
    413: "too_large",
    429: "too_many_requests",
    500: "server_error",
}


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def render_error(code: int, message: str | None = None):
    title = TITLES.get(code, "Sorry, there is a problem")
    if _wants_json():
        return jsonify(
            {
                "error": {
                    "code": API_ERROR_CODES.get(code, "error"),
                    "status": code,
                    "title": title,
                    "message": message or title,
                }
            }
        ), code
    return render_template("errors/error.html", code=code, title=title, message=message), code


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_error(
            400,
            "The form had expired or was not sent from this service. Go back, "
            "reload the page and try again. Nothing was saved.",
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = error.code or 500
        # Only messages a view chose to give are shown, never Werkzeug's defaults.
        custom = error.description != type(error).description
        message = error.description if custom else None
        return render_error(code, message)

    @app.errorhandler(500)
    def server_error(error: Exception):
        return render_error(500)
