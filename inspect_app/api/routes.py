"""JSON API, version 1: reconciliation, grades and agreed grades.

Authentication: a personal API token (``Authorization: Bearer jarw_…``, created on the profile
page) or the browser session. Token requests carry no cookies, so they are exempt from CSRF
checks; session requests are checked as forms are (send the token in ``X-CSRFToken``).
The permission rules are the pages' rules. Errors are ``{"error": {"code", "message"}}``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Blueprint, current_app, g, jsonify, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from inspect_app.domain.permissions import Access
from inspect_app.extensions import csrf, db
from inspect_app.models import AgreedGrade, Grade, Review
from inspect_app.services import api_tokens
from inspect_app.services import grading as grading_service
from inspect_app.services import moderation as moderation_service
from inspect_app.services import reconciliation as reconciliation_service
from inspect_app.services.grading import (
    GradeSubmission,
    GradingError,
    GradingForbidden,
    JudgementTarget,
    StaleGradeError,
)
from inspect_app.services.reviews import access_for, load_review
from inspect_app.web.errors import API_ERROR_CODES

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # checked below for session-authenticated requests only

ERROR_CODES = {**API_ERROR_CODES, 415: "unsupported_media_type", 422: "invalid"}


class ApiError(Exception):
    def __init__(self, status: int, message: str, code: str | None = None, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.code = code or ERROR_CODES.get(status, "error")
        self.message = message
        self.extra = extra


def error_response(status: int, code: str, message: str, **extra: Any):
    response = jsonify({"error": {"code": code, "message": message, **extra}})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="JAR Workbench"'
    return response


@bp.errorhandler(ApiError)
def _api_error(error: ApiError):
    return error_response(error.status, error.code, error.message, **error.extra)


@bp.errorhandler(CSRFError)
def _csrf_error(error: CSRFError):
    return error_response(
        400,
        "csrf_failed",
        "Requests signed in with the browser session must send the CSRF token in the "
        "X-CSRFToken header. Scripts should use a personal API token instead.",
    )


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException):
    status = error.code or 500
    custom = error.description != type(error).description
    message = error.description if custom else (error.name or "Error")
    return error_response(status, ERROR_CODES.get(status, "error"), message)


# Endpoints anyone may read without signing in: the OpenAPI document describes, never discloses.
PUBLIC_ENDPOINTS = {"api.openapi_document"}

# Identifiers beyond a database integer are nothing we could have issued: a plain 404.
MAX_ID = 2**31 - 1


@bp.before_request
def authenticate():
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, secret = header.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise ApiError(401, "Send a personal API token as ‘Authorization: Bearer <token>’.")
        user = api_tokens.authenticate(db.session, secret.strip())
        if user is None:
            raise ApiError(401, "The API token is not valid, or has been revoked.", "invalid_token")
        db.session.commit()  # records when the token was last used
        # The token user is the current user for this request only: no session is created.
        g._login_user = user
        g.api_token_authenticated = True
        return None
    if not current_user.is_authenticated:
        raise ApiError(401, "Sign in, or send a personal API token from your profile page.")
    if current_app.config.get("WTF_CSRF_ENABLED", True):
        csrf.protect()
    return None


def _review_with_access(review_id: int, permission: str) -> tuple[Review, Access]:
    review = load_review(db.session, review_id) if review_id <= MAX_ID else None
    if review is None:
        raise ApiError(404, "There is no such review.")
    access = access_for(current_user, review)
    if not access.can_view:
        raise ApiError(404, "There is no such review.")
    if not getattr(access, permission):
        # As on the pages: the team is refused plainly, anyone else learns nothing.
        if access.can_see_team_workings:
            raise ApiError(403, "You do not have permission to do that on this review.")
        raise ApiError(404, "There is no such review.")
    return review, access


def _target(review: Review, slug: str) -> JudgementTarget:
    target = grading_service.find_target(
        grading_service.judgement_targets(db.session, review), slug
    )
    if target is None:
        raise ApiError(
            404, f"This review has no judgement ‘{slug}’. Use ids like kj-2.3 or area-2."
        )
    return target


def _body() -> dict[str, Any]:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ApiError(400, "Send a JSON object with Content-Type: application/json.")
    return data


def _is_text(value: Any) -> bool:
    """A string a database can store (PostgreSQL refuses the NUL character in text)."""
    return isinstance(value, str) and "\x00" not in value


def _version(data: dict[str, Any]) -> int | None:
    if "version" not in data:
        raise ApiError(
            422,
            "Give the version you are changing: null for a first save, "
            "otherwise the version you last read.",
            field="version",
        )
    version = data["version"]
    if version is None:
        return None
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ApiError(422, "version must be null or a positive whole number", field="version")
    return version


def _int_or_none(data: dict[str, Any], key: str) -> int | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ApiError(422, f"{key} must be a whole number", field=key)
    return value


# ---------------------------------------------------------------------------
# Serialisation
# ---------------------------------------------------------------------------


def _target_json(target: JudgementTarget) -> dict[str, Any]:
    return {
        "id": target.slug,
        "kind": target.kind.value,
        "number": target.number,
        "text": target.text,
        "area": {"number": target.area_number, "title": target.area_title},
    }


def _grade_json(grade: Grade, scale) -> dict[str, Any]:
    return {
        "grader": {
            "id": grade.grader_id,
            "name": grade.grader.name,
            "inspectorate": grade.grader.inspectorate,
        },
        "grade": grade.value,
        "grade_label": scale.label_for(grade.value),
        "rationale": grade.rationale,
        "confidence": grade.confidence,
        "version": grade.version,
        "submitted_at": grade.submitted_at.isoformat(),
        "updated_at": grade.updated_at.isoformat(),
    }


def _agreed_json(agreed: AgreedGrade | None, scale) -> dict[str, Any] | None:
    if agreed is None:
        return None
    return {
        "grade": agreed.value,
        "grade_label": scale.label_for(agreed.value),
        "reasons": agreed.reasons,
        "team_median": agreed.team_median,
        "derived_grade": agreed.derived_value,
        "is_override": agreed.is_override,
        "version": agreed.version,
        "agreed_by": agreed.agreed_by.name,
        "agreed_at": agreed.agreed_at.isoformat(),
    }


def _stats_json(stats) -> dict[str, Any]:
    return {
        "alpha": stats.alpha,
        "alpha_message": stats.alpha_message,
        "exact_agreement": stats.exact_agreement,
        "within_one": stats.within_one,
        "pairs": stats.pairs,
        "judgements_compared": stats.judgements_compared,
        "graders": stats.graders,
    }


def reconciliation_json(matrix: reconciliation_service.Reconciliation) -> dict[str, Any]:
    scale = matrix.scale
    review = matrix.review
    judgements = []
    for row in matrix.rows:
        s = row.summary
        judgements.append(
            {
                **_target_json(row.target),
                "visible": row.visible,
                "submitted": row.submitted,
                "grades": [
                    _grade_json(c.grade, scale) | {"inspectorate": c.grader.inspectorate}
                    for c in row.cells
                    if c.grade is not None and c.visible
                ],
                "self_grade": row.self_grade,
                "agreed": _agreed_json(row.agreed, scale),
                "median": s.median,
                "spread": s.spread,
                "min": s.min,
                "max": s.max,
                "inspectorate_medians": s.inspectorate_medians,
                "flagged": row.flagged,
                "flags": [
                    {"code": code, "message": message}
                    for code, message in zip(s.flags, s.flag_messages, strict=True)
                ],
                "evidence": {
                    "supports": row.evidence.supports,
                    "contradicts": row.evidence.contradicts,
                }
                if row.evidence
                else None,
            }
        )
    data: dict[str, Any] = {
        "review": {
            "id": review.id,
            "reference": review.reference,
            "authority": review.authority.name,
            "phase": review.phase,
        },
        "scale": {
            "values": list(scale.values),
            "best": scale.best.value,
            "labels": {str(p.value): p.label for p in scale.points},
        },
        "blind": matrix.blind,
        "graders": [
            {"id": c.user_id, "name": c.name, "inspectorate": c.inspectorate, "on_team": c.on_team}
            for c in matrix.graders
        ],
        "agreement": {
            "overall": _stats_json(matrix.overall),
            "by_area": [{"area": a.area_title, **_stats_json(a.stats)} for a in matrix.by_area],
        },
        "judgements": judgements,
    }
    if not matrix.blind:
        data["calibration"] = {
            "graders": [
                {
                    "grader_id": c.row.grader_id,
                    "name": c.name,
                    "inspectorate": c.row.inspectorate,
                    "n": c.row.n,
                    "mean_deviation": c.row.mean_deviation,
                    "mean_absolute_deviation": c.row.mean_absolute_deviation,
                }
                for c in matrix.calibration
            ],
            "inspectorates": [
                {
                    "inspectorate": r.inspectorate,
                    "graders": r.graders,
                    "n": r.n,
                    "mean_deviation": r.mean_deviation,
                    "mean_absolute_deviation": r.mean_absolute_deviation,
                }
                for r in matrix.inspectorate_calibration
            ],
            "self_assessment": (
                matrix.self_calibration.__dict__
                if matrix.self_calibration and matrix.self_grades_available
                else None
            ),
        }
    return data


# ---------------------------------------------------------------------------
# Endpoints
# ---------------------------------------------------------------------------


@bp.get("/reviews/<int:review_id>/reconciliation")
def reconciliation(review_id: int):
    review, access = _review_with_access(review_id, "can_see_reconciliation")
    matrix = reconciliation_service.build(db.session, review, viewer=current_user, access=access)
    return jsonify(reconciliation_json(matrix))


@bp.get("/reviews/<int:review_id>/grades/<slug>")
def my_grade(review_id: int, slug: str):
    """Your own grade for a judgement, with its version (null if you have not graded it)."""
    review, _ = _review_with_access(review_id, "can_see_grading")
    target = _target(review, slug)
    grade = grading_service.current_grade(db.session, review, current_user.id, target)
    scale = review.rubric.scale
    return jsonify(
        {
            "judgement": _target_json(target),
            "grade": _grade_json(grade, scale) if grade else None,
            "version": grade.version if grade else None,
        }
    )


@contextmanager
def _grading_refusals() -> Iterator[None]:
    """A grading or moderation service's refusal as the API's answer: 403 when the user may
    not, 422 for a wrong value (nothing written), 409 with the current grade when stale."""
    try:
        yield
    except GradingForbidden as error:
        db.session.rollback()
        raise ApiError(403, str(error)) from None
    except GradingError as error:
        db.session.rollback()
        raise ApiError(422, str(error), field=error.field or "grade") from None
    except StaleGradeError as error:
        raise ApiError(
            409, error.message, current=error.current.as_dict() if error.current else None
        ) from None


@bp.put("/reviews/<int:review_id>/grades/<slug>")
def put_grade(review_id: int, slug: str):
    """Submit or revise your grade: {grade, rationale, confidence, evidence_item_ids, version}."""
    review, access = _review_with_access(review_id, "can_see_grading")
    target = _target(review, slug)
    data = _body()
    version = _version(data)
    evidence = data.get("evidence_item_ids") or []
    if not isinstance(evidence, list) or not all(
        isinstance(i, int) and not isinstance(i, bool) and 0 < i <= MAX_ID for i in evidence
    ):
        raise ApiError(
            422, "evidence_item_ids must be a list of evidence item ids", field="evidence_item_ids"
        )
    rationale = data.get("rationale")
    confidence = data.get("confidence")
    if rationale is not None and not _is_text(rationale):
        raise ApiError(422, "rationale must be text", field="rationale")
    if confidence is not None and not isinstance(confidence, str):
        raise ApiError(422, "confidence must be low, medium or high", field="confidence")
    submission = GradeSubmission(
        value=_int_or_none(data, "grade"),
        rationale=rationale or "",
        confidence=confidence,
        evidence_item_ids=tuple(evidence),
    )
    scale = review.rubric.scale
    with _grading_refusals():
        grade = grading_service.submit_grade(
            db.session,
            review,
            target,
            submission,
            grader=current_user,
            access=access,
            expected_version=version,
        )
    db.session.commit()
    status = 201 if grade.version == 1 else 200
    return jsonify({"judgement": _target_json(target), "grade": _grade_json(grade, scale)}), status


@bp.put("/reviews/<int:review_id>/agreed-grades/<slug>")
def put_agreed_grade(review_id: int, slug: str):
    """Record or change the agreed grade (lead inspector, moderation): {grade, reasons, version}."""
    review, access = _review_with_access(review_id, "can_see_moderation")
    target = _target(review, slug)
    data = _body()
    version = _version(data)
    reasons = data.get("reasons")
    if reasons is not None and not _is_text(reasons):
        raise ApiError(422, "reasons must be text", field="reasons")
    scale = review.rubric.scale
    with _grading_refusals():
        agreed = moderation_service.record_agreed_grade(
            db.session,
            review,
            target,
            value=_int_or_none(data, "grade"),
            reasons=reasons or "",
            actor=current_user,
            access=access,
            expected_version=version,
        )
    db.session.commit()
    status = 201 if agreed.version == 1 else 200
    return jsonify(
        {"judgement": _target_json(target), "agreed": _agreed_json(agreed, scale)}
    ), status
