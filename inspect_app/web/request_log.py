"""Structured logs: one line per request, every line carrying the request's id.

``INSPECT_LOG_FORMAT=json`` (the default in production) writes one JSON object per line
with ``timestamp``, ``level``, ``logger``, ``message`` and, inside a request,
``request_id``, ``user_id``, ``method`` and ``path``; the line written when a request
ends adds ``status`` and ``duration_ms``. ``text`` writes the same for people.

The request id comes from an incoming ``X-Request-ID`` header when it looks like one
(a proxy or load balancer set it), otherwise it is made here; either way it is sent
back in the response's ``X-Request-ID`` header. Query strings are never logged: they
can hold search terms.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, Response, g, has_request_context, request
from flask.logging import default_handler
from flask_login import current_user

REQUEST_ID_HEADER = "X-Request-ID"
LOGGER_NAME = "inspect_app"
REQUEST_LOGGER = "inspect_app.request"
FORMATS = ("json", "text")
_VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:@/+=-]{0,127}")
_CONTEXT_FIELDS = ("request_id", "user_id", "method", "path")
_REQUEST_FIELDS = ("status", "duration_ms")


def request_id() -> str | None:
    """The current request's id (None outside a request)."""
    if not has_request_context():
        return None
    if "request_id" not in g:
        g.request_id = _incoming_request_id() or uuid.uuid4().hex
    return g.request_id


def _incoming_request_id() -> str | None:
    given = request.headers.get(REQUEST_ID_HEADER, "")
    return given if _VALID_REQUEST_ID.fullmatch(given) else None


def _user_id() -> int | None:
    """The user, if this request has loaded it already: a log line never runs a query."""
    user = g.get("_login_user")
    return getattr(user, "id", None) if user is not None and user.is_authenticated else None


class RequestContextFilter(logging.Filter):
    """Adds the request's id, user, method and path to every record logged in a request."""

    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context():
            values = {
                "request_id": request_id(),
                "user_id": _user_id(),
                "method": request.method,
                "path": request.path,
            }
        else:
            values = dict.fromkeys(_CONTEXT_FIELDS)
        for name, value in values.items():
            if not hasattr(record, name):
                setattr(record, name, value)
        return True


def _timestamp(record: logging.LogRecord) -> str:
    moment = datetime.fromtimestamp(record.created, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "timestamp": _timestamp(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in _CONTEXT_FIELDS + _REQUEST_FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                entry[name] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        parts = [_timestamp(record), record.levelname, record.name]
        rid = getattr(record, "request_id", None)
        if rid:
            parts.append(f"[{rid}]")
        user = getattr(record, "user_id", None)
        if user is not None:
            parts.append(f"user={user}")
        parts.append(record.getMessage())
        line = " ".join(parts)
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is when a line is written (gunicorn, tests)."""

    _inspect_handler = True

    def __init__(self) -> None:
        super().__init__()

    @property
    def stream(self):  # type: ignore[override]
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:
        pass


def configure_logging(app: Flask) -> logging.Handler:
    """Send the app's logs to stderr in the configured format (replacing an earlier set-up)."""
    log_format = str(app.config["LOG_FORMAT"]).lower()
    if log_format not in FORMATS:
        from inspect_app.config import ConfigurationError

        raise ConfigurationError(
            f"INSPECT_LOG_FORMAT must be one of {', '.join(FORMATS)}, not {log_format!r}"
        )
    logger = logging.getLogger(LOGGER_NAME)
    for handler in list(logger.handlers):
        if handler is default_handler or getattr(handler, "_inspect_handler", False):
            logger.removeHandler(handler)
    handler = _StderrHandler()
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    handler.addFilter(RequestContextFilter())
    logger.addHandler(handler)
    logger.setLevel(str(app.config["LOG_LEVEL"]).upper())
    logger.propagate = False  # these lines are ours: not again through a root handler
    # Alembic's fileConfig (``flask db upgrade`` in the same process) disables loggers
    # that existed before it ran; ours must keep working.
    for name in (LOGGER_NAME, REQUEST_LOGGER):
        logging.getLogger(name).disabled = False
    return handler


def init_app(app: Flask) -> None:
    configure_logging(app)
    log = logging.getLogger(REQUEST_LOGGER)

    @app.before_request
    def start_timer() -> None:
        g.request_started = time.perf_counter()
        request_id()

    @app.after_request
    def log_request(response: Response) -> Response:
        rid = request_id()
        if rid:
            response.headers[REQUEST_ID_HEADER] = rid
        started = g.get("request_started")
        duration = round((time.perf_counter() - started) * 1000, 1) if started else None
        log.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "status": response.status_code,
                "duration_ms": duration,
                "user_id": _signed_in_user_id(),
            },
        )
        return response


def _signed_in_user_id() -> int | None:
    """The signed-in user's id (the security headers load the user for every request anyway)."""
    try:
        return current_user.id if current_user.is_authenticated else None
    except RuntimeError:
        return None
