"""Pagination of every list in the API, one way everywhere.

A list takes ``?page=`` (from 1) and ``?per_page=`` (1 to :data:`MAX_PER_PAGE`, default
:data:`DEFAULT_PER_PAGE`) and answers ``{"items": [...], "page": 1, "per_page": 20,
"total": 57}``. A page past the end is an empty ``items`` list, never an error; a page number
or size that is not a whole number in range is a 422 error naming the parameter.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Response, jsonify, request
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from inspect_app.api.routes import ApiError

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100
MAX_PAGE = 100_000  # keeps offsets well inside every database's integer range

_WHOLE_NUMBER = re.compile(r"[0-9]{1,10}")

T = TypeVar("T")


@dataclass(frozen=True)
class PageRequest:
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


def whole_number_arg(name: str, default: int | None, maximum: int) -> int | None:
    """A whole-number query parameter from 1 to ``maximum`` (422 naming it otherwise)."""
    raw = request.args.get(name)
    if raw is None:
        return default
    if not _WHOLE_NUMBER.fullmatch(raw) or not 1 <= int(raw) <= maximum:
        raise ApiError(422, f"{name} must be a whole number from 1 to {maximum:,}", field=name)
    return int(raw)


def page_request() -> PageRequest:
    """The page asked for in the query string (422 ``invalid`` when it makes no sense)."""
    return PageRequest(
        page=whole_number_arg("page", 1, MAX_PAGE) or 1,
        per_page=whole_number_arg("per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE) or DEFAULT_PER_PAGE,
    )


def page_of_list(items: Sequence[T], page: PageRequest) -> tuple[list[T], int]:
    """One page of a list already in memory, and the list's length."""
    return list(items[page.offset : page.offset + page.per_page]), len(items)


def page_of_query(session: Session, query: Select, page: PageRequest) -> tuple[list[Any], int]:
    """One page of a query's rows (two statements: the count and the page), and the count.

    ``query`` must be ordered by something unique so that pages do not overlap."""
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = list(session.scalars(query.limit(page.per_page).offset(page.offset)))
    return rows, total or 0


def paginated(items: list[dict[str, Any]], page: PageRequest, total: int) -> Response:
    return jsonify({"items": items, "page": page.page, "per_page": page.per_page, "total": total})
