"""A clock for the demo's back-story.

The demo's published review happened weeks before the demo is loaded: graded in fieldwork,
agreed at moderation, written, checked and published on its publication date. Without this
clock every record would say "today", and the published report would show grades agreed
months after it was published. ``stamped_on`` makes what the application records inside a
block (every ``utcnow()``: column defaults, services and the audit log) fall on a given day.

For the demo loader only: it changes the clock of the whole process while the block runs.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from sqlalchemy.orm import Session

import inspect_app.models.types as model_types

__all__ = ["stamped_on"]


@contextmanager
def stamped_on(session: Session, day: date, at: time = time(9, 30)) -> Iterator[None]:
    """Record everything inside the block on ``day`` from ``at`` (UTC), a second apart, in
    the order it happens. The session is flushed before the block ends, since column
    defaults (the audit log's time, for one) are taken when rows are written."""
    real = model_types.datetime
    start = datetime.combine(day, at, tzinfo=UTC)
    ticks = itertools.count()

    class _Then(real):  # type: ignore[misc, valid-type]
        @classmethod
        def now(cls, tz: tzinfo | None = None) -> datetime:
            moment = start + timedelta(seconds=next(ticks))
            return moment.astimezone(tz) if tz is not None else moment.replace(tzinfo=None)

    model_types.datetime = _Then
    try:
        yield
        session.flush()
    finally:
        model_types.datetime = real
