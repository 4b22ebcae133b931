"""Working days in England: the deadlines that run from a report's publication.

A working day is Monday to Friday and not a bank holiday in England (England and Wales share
their bank holidays). Bank holidays come from the ``holidays`` package
(``holidays.UK(subdiv="ENG")``), including substitute days when a holiday falls at a
weekend (Boxing Day on a Saturday gives a holiday on the Monday after Christmas) and
one-off holidays such as a coronation. Holidays announced after the installed version of
``holidays`` was released are not known: keep the package up to date.

Counting starts the day after the start date: ``add_working_days(start, 1)`` is the first
working day after ``start``, whether or not ``start`` is itself a working day. So a report
published on a Saturday has the same deadlines as one published on the Friday before:
"within 70 working days of publication" counts 70 working days after it.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

import holidays

__all__ = [
    "ACTION_PLAN_WORKING_DAYS",
    "PARTNER_COPIES_WORKING_DAYS",
    "action_plan_due",
    "add_working_days",
    "bank_holidays",
    "is_working_day",
    "partner_copies_due",
    "working_days_between",
]

# The authority's action plan goes to the Government Office and the department within 70
# working days of publication.
ACTION_PLAN_WORKING_DAYS = 70
# The authority sends copies of the report to its partners and local media within 30 working
# days (the 2005 JAR regulations).
PARTNER_COPIES_WORKING_DAYS = 30

_ONE_DAY = timedelta(days=1)


@cache
def bank_holidays(year: int) -> frozenset[date]:
    """Bank holidays in England in ``year`` (a few fall at weekends: harmless)."""
    return frozenset(holidays.UK(subdiv="ENG", years=year).keys())


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def add_working_days(start: date, n: int) -> date:
    """The date ``n`` working days after ``start`` (before it when ``n`` is negative).

    ``start`` itself is never counted, so the result is the same from a Saturday as from the
    Friday before. ``n == 0`` returns ``start`` unchanged, even on a non-working day.
    """
    step = _ONE_DAY if n >= 0 else -_ONE_DAY
    day = start
    remaining = abs(n)
    while remaining:
        day += step
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(a: date, b: date) -> int:
    """Working days after ``a`` up to and including ``b``; negative when ``b`` is before ``a``.

    The inverse of :func:`add_working_days` for ``n >= 0``: ``working_days_between(a,
    add_working_days(a, n)) == n``.
    """
    if b < a:
        return -working_days_between(b, a)
    count = 0
    day = a
    while day < b:
        day += _ONE_DAY
        if is_working_day(day):
            count += 1
    return count


def action_plan_due(published_on: date) -> date:
    """When the authority's action plan is due: 70 working days after publication."""
    return add_working_days(published_on, ACTION_PLAN_WORKING_DAYS)


def partner_copies_due(published_on: date) -> date:
    """When copies must have gone to partners and local media: 30 working days after."""
    return add_working_days(published_on, PARTNER_COPIES_WORKING_DAYS)
