"""The fast reading of plain dates ("3 April", "3/4/27") agrees with dateparser's.

``handlers.dates`` reads the commonest due dates itself because dateparser costs about a
millisecond each; these properties hold the two readings together, so the shortcut can never
change what a date means.
"""

from __future__ import annotations

import calendar
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from handlers.dates import _dateparser_day, _exact_day, parse_due

DAYS_AROUND = st.dates(min_value=date(2024, 1, 1), max_value=date(2040, 12, 31))


@st.composite
def plain_dates(draw: st.DrawFn) -> str:
    """A day and month as UK members type them, with or without a year."""
    day = draw(st.integers(1, 31))
    month = draw(st.integers(1, 12))
    year = draw(st.one_of(st.none(), st.integers(2015, 2045).map(str),
                          st.integers(0, 99).map(lambda y: f"{y:02d}")))
    if draw(st.booleans()):
        names = [calendar.month_name[month], calendar.month_abbr[month]]
        name = draw(st.sampled_from(names)).lower() if draw(st.booleans()) else names[0]
        ordinal = draw(st.sampled_from(["", "st", "nd", "rd", "th"]))
        text = f"{day}{ordinal} {name}"
        return f"{text} {year}" if year else text
    separator = draw(st.sampled_from("/.-"))
    parts = [f"{day:02d}" if draw(st.booleans()) else str(day), str(month)]
    return separator.join([*parts, year] if year else parts)


@settings(max_examples=300, deadline=None)
@given(text=plain_dates(), today=DAYS_AROUND)
def test_the_fast_reading_is_dateparsers_reading(text: str, today: date) -> None:
    fast = _exact_day(text, today)
    if fast is not None:
        assert fast == _dateparser_day(text, today)


@settings(max_examples=100, deadline=None)
@given(today=DAYS_AROUND, offset=st.integers(1, 360))
def test_the_dates_people_type_most_take_the_fast_way(today: date, offset: int) -> None:
    day = date.fromordinal(today.toordinal() + offset)
    if (day.day, day.month) == (29, 2):
        day = day.replace(day=28)
    for text in (f"{day.day} {day:%B}", f"{day.day}/{day.month}", f"{day.day} {day:%B} {day.year}",
                 f"{day.day}/{day.month}/{day.year}"):
        assert _exact_day(text, today) == parse_due(text, today) == day, text


def test_what_it_cannot_vouch_for_is_left_to_dateparser() -> None:
    today = date(2027, 1, 11)
    assert _exact_day("29 Feb", today) is None  # the next leap year
    assert parse_due("29 Feb", today) == date(2028, 2, 29)
    assert _exact_day("31/4", today) is None and parse_due("31/4", today) is None
    assert _exact_day("3/4/27", today) is None and parse_due("3/4/27", today) == date(2027, 4, 3)
    assert _exact_day("next Friday", today) is None
    assert parse_due("next Friday", today) == date(2027, 1, 15)
