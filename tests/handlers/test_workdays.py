"""Working days in England and Wales: no weekends, no bank holidays (substitute days included).

Pure date arithmetic, no database: the scheduler's slots hang on these answers.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from handlers.workdays import after, before, is_working_day, on_or_after

BANK_HOLIDAYS = [
    date(2026, 12, 25),  # Christmas Day, a Friday
    date(2026, 12, 28),  # Boxing Day fell on a Saturday: substitute Monday
    date(2027, 1, 1),  # New Year's Day, a Friday
    date(2027, 3, 26),  # Good Friday
    date(2027, 3, 29),  # Easter Monday
    date(2027, 5, 3),  # Early May bank holiday
    date(2027, 5, 31),  # Spring bank holiday
    date(2027, 8, 30),  # Summer bank holiday (England, not Scotland's first Monday)
    date(2027, 12, 27),  # Christmas Day fell on a Saturday: substitute Monday
    date(2027, 12, 28),  # Boxing Day fell on a Sunday: substitute Tuesday
]

WORKING_DAYS = [
    date(2026, 12, 24),  # Christmas Eve is not a bank holiday
    date(2026, 12, 29),
    date(2026, 12, 31),
    date(2027, 1, 4),
    date(2027, 3, 25),  # Maundy Thursday
    date(2027, 3, 30),  # the Tuesday after Easter
    date(2027, 8, 2),  # Scotland's summer bank holiday, not England's
    date(2027, 11, 1),  # the Monday after the October clock change
    date(2027, 12, 24),
    date(2027, 12, 29),
]

WEEKENDS = [
    date(2026, 12, 26),  # Boxing Day on a Saturday: the Saturday is still not a working day
    date(2027, 3, 27),
    date(2027, 3, 28),  # the clocks go forward
    date(2027, 10, 31),  # the clocks go back
    date(2027, 12, 25),
    date(2027, 12, 26),
]


@pytest.mark.parametrize("day", BANK_HOLIDAYS, ids=str)
def test_bank_holidays_of_england_and_wales_are_not_working_days(day: date) -> None:
    assert day.weekday() < 5, "a bank holiday in this list should fall on a weekday"
    assert not is_working_day(day)


@pytest.mark.parametrize("day", WEEKENDS, ids=str)
def test_weekends_are_not_working_days(day: date) -> None:
    assert not is_working_day(day)


@pytest.mark.parametrize("day", WORKING_DAYS, ids=str)
def test_ordinary_weekdays_are_working_days(day: date) -> None:
    assert is_working_day(day)


def test_an_ordinary_week_has_five_working_days() -> None:
    monday = date(2027, 1, 18)
    week = [monday + timedelta(days=i) for i in range(7)]
    assert [is_working_day(d) for d in week] == [True] * 5 + [False] * 2


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2027, 1, 20), date(2027, 1, 20)),  # a Wednesday is its own answer
        (date(2027, 1, 23), date(2027, 1, 25)),  # Saturday → Monday
        (date(2027, 3, 26), date(2027, 3, 30)),  # Good Friday → the Tuesday after Easter
        (date(2027, 3, 28), date(2027, 3, 30)),  # clock-change Sunday → Tuesday
        (date(2026, 12, 25), date(2026, 12, 29)),  # Christmas 2026 → Tuesday 29th
        (date(2027, 12, 25), date(2027, 12, 29)),  # Christmas 2027 → Wednesday 29th
        (date(2027, 5, 1), date(2027, 5, 4)),  # weekend then Early May bank holiday
    ],
    ids=str,
)
def test_on_or_after_moves_to_the_next_working_day_only_when_needed(
    day: date, expected: date
) -> None:
    assert on_or_after(day) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2027, 1, 20), date(2027, 1, 21)),  # Wednesday → Thursday
        (date(2027, 1, 22), date(2027, 1, 25)),  # Friday → Monday
        (date(2027, 3, 25), date(2027, 3, 30)),  # Maundy Thursday → over Easter and the clocks
        (date(2026, 12, 24), date(2026, 12, 29)),  # Christmas Eve 2026 → 29 December
        (date(2026, 12, 31), date(2027, 1, 4)),  # New Year's Eve → over New Year's Day
        (date(2027, 12, 24), date(2027, 12, 29)),  # Christmas Eve 2027 → 29 December
        (date(2027, 10, 29), date(2027, 11, 1)),  # over the October clock change
    ],
    ids=str,
)
def test_after_is_the_first_working_day_strictly_later(day: date, expected: date) -> None:
    assert after(day) == expected


@pytest.mark.parametrize(
    ("meeting", "count", "expected"),
    [
        # The fixture board's meeting, Wednesday 3 February 2027.
        (date(2027, 2, 3), 1, date(2027, 2, 2)),
        (date(2027, 2, 3), 2, date(2027, 2, 1)),
        (date(2027, 2, 3), 5, date(2027, 1, 27)),
        # Tuesday after Easter 2027: back over Easter Monday, the weekend and Good Friday.
        (date(2027, 3, 30), 1, date(2027, 3, 25)),
        (date(2027, 3, 30), 2, date(2027, 3, 24)),
        (date(2027, 3, 30), 5, date(2027, 3, 19)),
        # Thursday 1 April 2027.
        (date(2027, 4, 1), 1, date(2027, 3, 31)),
        (date(2027, 4, 1), 2, date(2027, 3, 30)),
        (date(2027, 4, 1), 5, date(2027, 3, 23)),
        # Tuesday after the Early May bank holiday.
        (date(2027, 5, 4), 1, date(2027, 4, 30)),
        (date(2027, 5, 4), 5, date(2027, 4, 26)),
        # Tuesday 5 January 2027: over New Year's Day and Christmas 2026.
        (date(2027, 1, 5), 1, date(2027, 1, 4)),
        (date(2027, 1, 5), 2, date(2026, 12, 31)),
        (date(2027, 1, 5), 5, date(2026, 12, 24)),
        # Wednesday 29 December 2027, straight after the two substitute days.
        (date(2027, 12, 29), 1, date(2027, 12, 24)),
        (date(2027, 12, 29), 2, date(2027, 12, 23)),
        (date(2027, 12, 29), 5, date(2027, 12, 20)),
        # A meeting on a non-working day counts back from the day itself.
        (date(2027, 3, 29), 1, date(2027, 3, 25)),
        (date(2027, 5, 1), 1, date(2027, 4, 30)),
    ],
    ids=str,
)
def test_before_counts_back_working_days(meeting: date, count: int, expected: date) -> None:
    assert before(meeting, count) == expected


def test_before_zero_days_is_the_day_itself() -> None:
    assert before(date(2027, 2, 3), 0) == date(2027, 2, 3)


@pytest.mark.parametrize("count", range(1, 31))
def test_before_always_lands_on_a_working_day_and_skips_exactly_count_of_them(count: int) -> None:
    meeting = date(2027, 1, 5)
    day = before(meeting, count)
    assert is_working_day(day)
    between = [day + timedelta(days=i) for i in range(1, (meeting - day).days)]
    assert sum(is_working_day(d) for d in between) == count - 1
