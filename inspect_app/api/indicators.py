"""JSON API, version 1: the common dataset of performance indicators.

- ``GET /api/v1/indicators`` — the indicator catalogue (anyone signed in), paginated, in
  catalogue order; ``?outcome=`` narrows it to one outcome.
- ``GET /api/v1/authorities/<code>/indicators`` — an authority's figures, by indicator and
  period, paginated; ``?indicator=CODE`` and ``?period=2006-07`` narrow them. Inspectors and
  administrators may read any authority's (they benchmark areas against their neighbours);
  an authority user only its own authority's — any other code is a 404.
"""

from __future__ import annotations

from typing import Any

from flask import request
from flask_login import current_user

from inspect_app.api.pagination import page_of_query, page_request, paginated
from inspect_app.api.routes import ApiError, bp
from inspect_app.domain.indicators import OUTCOMES
from inspect_app.extensions import db
from inspect_app.models import Indicator, IndicatorValue
from inspect_app.services import api_reads

CODE_MAX = 40


def indicator_json(indicator: Indicator) -> dict[str, Any]:
    return {
        "code": indicator.code,
        "title": indicator.title,
        "outcome": indicator.outcome,
        "outcome_title": indicator.outcome_title,
        "unit": indicator.unit,
        "unit_label": indicator.unit_label,
        "higher_is_better": indicator.higher_is_better,
        "decimals": indicator.decimals,
        "key_judgements": list(indicator.key_judgements or []),
        "description": indicator.description,
        "source": indicator.source,
        "catalogue_version": indicator.catalogue_version,
    }


def value_json(value: IndicatorValue) -> dict[str, Any]:
    return {
        "indicator": value.indicator.code,
        "period": value.period,
        "value": value.value,
        "updated_at": value.updated_at.isoformat(),
    }


def _text_arg(name: str, maximum: int) -> str | None:
    raw = request.args.get(name)
    if raw is not None and (len(raw) > maximum or "\x00" in raw):
        raise ApiError(422, f"{name} must be at most {maximum} characters", field=name)
    return raw


@bp.get("/indicators")
def list_indicators():
    page = page_request()
    outcome = request.args.get("outcome")
    if outcome is not None and outcome not in OUTCOMES:
        raise ApiError(422, "outcome must be one of: " + ", ".join(OUTCOMES), field="outcome")
    indicators, total = page_of_query(
        db.session, api_reads.indicator_catalogue(outcome=outcome), page
    )
    return paginated([indicator_json(i) for i in indicators], page, total)


@bp.get("/authorities/<code>/indicators")
def authority_indicators(code: str):
    page = page_request()
    authority = (
        api_reads.authority_by_code(db.session, code)
        if len(code) <= CODE_MAX and "\x00" not in code
        else None
    )
    if authority is None or not api_reads.may_see_indicator_values(current_user, authority):
        raise ApiError(404, "There is no such authority.")
    query = api_reads.indicator_values(
        authority,
        indicator_code=_text_arg("indicator", CODE_MAX),
        period=_text_arg("period", 7),
    )
    values, total = page_of_query(db.session, query, page)
    return paginated([value_json(v) for v in values], page, total)
