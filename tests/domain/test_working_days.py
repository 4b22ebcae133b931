"""Working days in England, checked by hand against the published bank holidays."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from inspect_app.domain.working_days import (
    ACTION_PLAN_WORKING_DAYS,
    action_plan_due,
    add_working_days,
    bank_holidays,
    is_working_day,
    partner_copies_due,
    working_days_between,
)

# From the official list of bank holidays in England and Wales, as days off work: a holiday
# at a weekend is replaced by the next weekday not already a holiday.
BANK_HOLIDAYS_2026 = {
    date(2026, 1, 1),  # New Year's Day (Thursday)
    date(2026, 4, 3),  # Good Friday
    date(2026, 4, 6),  # Easter Monday
    date(2026, 5, 4),  # Early May bank holiday
    date(2026, 5, 25),  # Spring bank holiday
    date(2026, 8, 31),  # Summer bank holiday
    date(2026, 12, 25),  # Christmas Day (Friday)
    date(2026, 12, 28),  # Boxing Day (substitute day: 26 December is a Saturday)
}
BANK_HOLIDAYS_2027 = {
    date(2027, 1, 1),  # New Year's Day (Friday)
    date(2027, 3, 26),  # Good Friday
    date(2027, 3, 29),  # Easter Monday
    date(2027, 5, 3),  # Early May bank holiday
    date(2027, 5, 31),  # Spring bank holiday
    date(2027, 8, 30),  # Summer bank holiday
    date(2027, 12, 27),  # Christmas Day (substitute day: 25 December is a Saturday)
    date(2027, 12, 28),  # Boxing Day (substitute day: 26 December is a Sunday)
}


@pytest.mark.parametrize(
    ("year", "expected"), [(2026, BANK_HOLIDAYS_2026), (2027, BANK_HOLIDAYS_2027)]
)
def test_the_holidays_package_agrees_with_the_official_list(year: int, expected: set[date]) -> None:
    weekdays_off = {d for d in bank_holidays(year) if d.weekday() < 5}
    assert weekdays_off == expected


def test_weekends_and_bank_holidays_are_not_working_days() -> None:
    assert is_working_day(date(2026, 12, 24))  # Thursday
    assert not is_working_day(date(2026, 12, 25))  # Christmas Day
    assert not is_working_day(date(2026, 12, 26))  # Saturday
    assert not is_working_day(date(2026, 12, 28))  # substitute Boxing Day
    assert is_working_day(date(2026, 12, 29))


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # Christmas 2026: Fri 25 holiday, Sat 26 / Sun 27, Mon 28 substitute Boxing Day.
        (date(2026, 12, 24), 1, date(2026, 12, 29)),
        (date(2026, 12, 24), 3, date(2026, 12, 31)),
        # …then New Year's Day (Fri 1 January 2027) and the weekend.
        (date(2026, 12, 24), 4, date(2027, 1, 4)),
        # Christmas 2027: Sat 25 and Sun 26 give Mon 27 and Tue 28.
        (date(2027, 12, 24), 1, date(2027, 12, 29)),
        # Easter 2026: Good Friday 3 April, Easter Monday 6 April.
        (date(2026, 4, 2), 1, date(2026, 4, 7)),
        # Easter 2027: Good Friday 26 March, Easter Monday 29 March.
        (date(2027, 3, 25), 1, date(2027, 3, 30)),
        (date(2027, 3, 25), 5, date(2027, 4, 5)),
        # An ordinary week.
        (date(2026, 6, 1), 5, date(2026, 6, 8)),
        (date(2026, 6, 5), 1, date(2026, 6, 8)),
    ],
)
def test_add_working_days(start: date, n: int, expected: date) -> None:
    assert add_working_days(start, n) == expected
    assert working_days_between(start, expected) == n


def test_counting_starts_after_a_non_working_start_day() -> None:
    # Saturday 26 and Christmas Day 2026 count like Thursday 24 December: the start day
    # itself is never counted.
    assert add_working_days(date(2026, 12, 26), 1) == date(2026, 12, 29)
    assert add_working_days(date(2026, 12, 25), 1) == date(2026, 12, 29)
    assert add_working_days(date(2026, 12, 26), 70) == add_working_days(date(2026, 12, 24), 70)


def test_zero_days_is_the_start_date_even_on_a_holiday() -> None:
    assert add_working_days(date(2026, 12, 25), 0) == date(2026, 12, 25)
    assert working_days_between(date(2026, 12, 25), date(2026, 12, 25)) == 0


def test_negative_days_count_back() -> None:
    assert add_working_days(date(2027, 1, 4), -1) == date(2026, 12, 31)
    assert add_working_days(date(2027, 1, 4), -4) == date(2026, 12, 24)
    assert working_days_between(date(2027, 1, 4), date(2026, 12, 24)) == -4


def test_working_days_between_counts_days_after_the_first_up_to_the_second() -> None:
    # 24 Dec 2026 to 4 Jan 2027: 29, 30, 31 December and 4 January.
    assert working_days_between(date(2026, 12, 24), date(2027, 1, 4)) == 4
    # Into a weekend: no working days after Friday up to Sunday.
    assert working_days_between(date(2026, 6, 5), date(2026, 6, 7)) == 0


def test_action_plan_due_over_christmas_and_new_year() -> None:
    # Published Monday 2 November 2026. Working days after it: November 20 (3–6, 9–13,
    # 16–20, 23–27, 30), December 18 (1–4, 7–11, 14–18, 21–24, 29–31; not 25 or 28),
    # January 20 (4–8, 11–15, 18–22, 25–29; not 1), February 1–5 and 8–11: 12 more.
    # 20 + 18 + 20 + 12 = 70 on Thursday 11 February 2027.
    assert action_plan_due(date(2026, 11, 2)) == date(2027, 2, 11)


def test_action_plan_due_over_easter_and_may_day() -> None:
    # Published Monday 1 February 2027. February 19 (2–5, 8–12, 15–19, 22–26), March 21
    # (1–5, 8–12, 15–19, 22–25, 30–31; not Good Friday 26 or Easter Monday 29), April 22
    # (1–2, 5–9, 12–16, 19–23, 26–30), May 4–7 and 10–13 (not 3 May): 8.
    # 19 + 21 + 22 + 8 = 70 on Thursday 13 May 2027.
    assert action_plan_due(date(2027, 2, 1)) == date(2027, 5, 13)


def test_action_plan_due_is_seventy_working_days_after_publication() -> None:
    published = date(2026, 4, 28)
    due = action_plan_due(published)
    assert working_days_between(published, due) == ACTION_PLAN_WORKING_DAYS
    assert is_working_day(due)
    # Without holidays, 70 working days is exactly 14 weeks; with the May and spring bank
    # holidays in between it is two working days later.
    assert due == add_working_days(published + timedelta(weeks=14), 2)


def test_partner_copies_due() -> None:
    # Published Thursday 24 December 2026: 29–31 Dec (3), Jan 4–8 (8), 11–15 (13),
    # 18–22 (18), 25–29 (23), Feb 1–5 (28), 8–9 (30).
    assert partner_copies_due(date(2026, 12, 24)) == date(2027, 2, 9)
