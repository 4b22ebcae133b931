"""JSON API, version 1: the rubric library (anyone signed in may read it, as on the pages).

- ``GET /api/v1/rubrics`` — every stored revision of every rubric, paginated.
- ``GET /api/v1/rubrics/<key>/<version>`` — one rubric with its grade scale, judgement areas
  and key judgements: the newest revision of that version, or ``?revision=N``.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify

from inspect_app.api.pagination import page_of_query, page_request, paginated, whole_number_arg
from inspect_app.api.routes import MAX_ID, ApiError, bp
from inspect_app.extensions import db
from inspect_app.models import JudgementArea, KeyJudgement, Rubric
from inspect_app.services import api_reads


def _descriptors(mapping: dict[str, str]) -> dict[str, str]:
    """Descriptors by grade, best grade first (JSON object keys are strings)."""
    return {str(k): v for k, v in sorted(((int(k), v) for k, v in mapping.items()), reverse=True)}


def rubric_summary_json(rubric: Rubric, latest: dict[str, int]) -> dict[str, Any]:
    return {
        "key": rubric.key,
        "version": rubric.version,
        "revision": rubric.revision,
        "title": rubric.title,
        "source": rubric.source,
        "content_hash": rubric.content_hash,
        "loaded_at": rubric.loaded_at.isoformat(),
        "is_latest": latest.get(rubric.key) == rubric.revision,
    }


def _key_judgement_json(kj: KeyJudgement) -> dict[str, Any]:
    return {
        "id": f"kj-{kj.number}",
        "number": kj.number,
        "text": kj.text,
        "evidence_prompts": list(kj.evidence_prompts),
        "descriptors": _descriptors(kj.descriptors),
    }


def _area_json(area: JudgementArea) -> dict[str, Any]:
    return {
        "id": f"area-{area.number}",
        "number": area.number,
        "code": area.code,
        "title": area.title,
        "kind": area.kind,
        "description": area.description,
        "lead_inspectorates": list(area.lead_inspectorates),
        "descriptors": _descriptors(area.descriptors),
        "key_judgements": [_key_judgement_json(kj) for kj in area.key_judgements],
    }


def scale_json(rubric: Rubric) -> dict[str, Any]:
    scale = rubric.scale
    return {
        "best": scale.best.value,
        "grades": [
            {"value": p.value, "label": p.label, "descriptor": p.descriptor} for p in scale.points
        ],
    }


@bp.get("/rubrics")
def list_rubrics():
    page = page_request()
    rubrics, total = page_of_query(db.session, api_reads.rubric_library(), page)
    latest = api_reads.latest_revisions(db.session) if rubrics else {}
    return paginated([rubric_summary_json(r, latest) for r in rubrics], page, total)


@bp.get("/rubrics/<key>/<version>")
def get_rubric(key: str, version: str):
    revision = whole_number_arg("revision", None, MAX_ID)
    if "\x00" in key + version:  # never a rubric's name; PostgreSQL refuses it in text
        raise ApiError(404, "There is no such rubric.")
    rubric = api_reads.rubric_version(db.session, key, version, revision)
    if rubric is None:
        which = f" revision {revision}" if revision else ""
        raise ApiError(404, f"There is no rubric ‘{key[:80]}’ version ‘{version[:40]}’{which}.")
    latest = api_reads.latest_revisions(db.session)
    return jsonify(
        rubric_summary_json(rubric, latest)
        | {
            "description": rubric.description,
            "area_grade_rule": rubric.area_grade_rule,
            "scale": scale_json(rubric),
            "areas": [_area_json(a) for a in rubric.areas],
        }
    )
