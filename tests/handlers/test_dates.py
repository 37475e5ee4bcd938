"""Dates as UK board members write them, and meeting times across the clock changes."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from handlers.dates import (
    NEXT_MEETING,
    format_date,
    format_local,
    parse_due,
    parse_meeting_ref,
    parse_meeting_time,
    to_utc,
)
from handlers.errors import UserError

TODAY = date(2027, 1, 11)  # a Monday in January
LONDON = "Europe/London"
NOW = datetime(2027, 1, 11, 10, 0, tzinfo=UTC)


def utc(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


# ---- due dates ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3/4", date(2027, 4, 3)),
        ("3/4/2027", date(2027, 4, 3)),
        ("12/2", date(2027, 2, 12)),
        ("13/1", date(2027, 1, 13)),
        ("5 May", date(2027, 5, 5)),
        ("5th May", date(2027, 5, 5)),
        ("5 may", date(2027, 5, 5)),
        ("5 May 2028", date(2028, 5, 5)),
        ("2027-03-05", date(2027, 3, 5)),
        ("end of March", date(2027, 3, 31)),
        ("end of march", date(2027, 3, 31)),
        ("the end of February", date(2027, 2, 28)),
        ("end of the month", date(2027, 1, 31)),
        ("end of month", date(2027, 1, 31)),
        ("end of the year", date(2027, 12, 31)),
        ("Q1", date(2027, 3, 31)),
        ("q2", date(2027, 6, 30)),
        ("end of Q3", date(2027, 9, 30)),
        ("Q4", date(2027, 12, 31)),
        ("Q1 2028", date(2028, 3, 31)),
        ("April", date(2027, 4, 30)),
        ("Sept", date(2027, 9, 30)),
        ("April 2028", date(2028, 4, 30)),
        ("January", date(2027, 1, 31)),
        ("today", TODAY),
        ("tomorrow", date(2027, 1, 12)),
        ("  5   May.  ", date(2027, 5, 5)),
    ],
)
def test_parse_due_reads_uk_dates(text: str, expected: date) -> None:
    assert parse_due(text, TODAY) == expected


@pytest.mark.parametrize(
    "text", ["next meeting", "Next Meeting", "the next meeting", "next board meeting"]
)
def test_parse_due_next_meeting_is_the_sentinel(text: str) -> None:
    assert parse_due(text, TODAY) is NEXT_MEETING


@pytest.mark.parametrize(
    ("text", "today", "expected"),
    [
        ("5 May", date(2027, 6, 1), date(2028, 5, 5)),
        ("5 January", TODAY, date(2028, 1, 5)),
        ("10/1", TODAY, date(2028, 1, 10)),
        ("end of March", date(2027, 4, 10), date(2028, 3, 31)),
        ("Q1", date(2027, 4, 1), date(2028, 3, 31)),
        ("April", date(2027, 5, 2), date(2028, 4, 30)),
        ("the 5th", TODAY, date(2027, 2, 5)),
    ],
)
def test_parse_due_prefers_the_future(text: str, today: date, expected: date) -> None:
    assert parse_due(text, today) == expected


def test_end_of_the_current_month_is_still_due_on_its_last_day() -> None:
    assert parse_due("end of the month", date(2027, 1, 31)) == date(2027, 1, 31)
    assert parse_due("end of January", date(2027, 1, 31)) == date(2027, 1, 31)


@pytest.mark.parametrize(
    "text",
    [
        "58", "#58", "58b", "12", "31", "2058", "1/13",
        "one", "five", "twelve",
        "the team", "consensus", "region", "", "   ",
    ],
)
def test_parse_due_leaves_numbers_and_words_as_text(text: str) -> None:
    assert parse_due(text, TODAY) is None


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("1 January 2027", "1 January 2027"),
        ("yesterday", "10 January 2027"),
        ("31/12/2026", "31 December 2026"),
        ("Q1 2026", "31 March 2026"),
        ("end of March 2026", "31 March 2026"),
    ],
)
def test_parse_due_refuses_past_dates(text: str, shown: str) -> None:
    with pytest.raises(UserError) as caught:
        parse_due(text, TODAY)
    assert f"{shown} is in the past" in caught.value.message
    assert caught.value.example


@pytest.mark.parametrize("text", ["Q1 0000", "April 0000", "end of March 0000"])
def test_parse_due_year_zero_is_not_a_date(text: str) -> None:
    assert parse_due(text, TODAY) is None


# ---- meeting times ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12 January 2027 14:00", utc(2027, 1, 12, 14, 0)),
        ("3/2/2027 10:30", utc(2027, 2, 3, 10, 30)),
        ("5 May 2027 10:30", utc(2027, 5, 5, 9, 30)),
        ("5 May 2027 2pm", utc(2027, 5, 5, 13, 0)),
        ("5 May 2027 14.30", utc(2027, 5, 5, 13, 30)),
        ("5 May 2027 noon", utc(2027, 5, 5, 11, 0)),
        # Around the March 2027 change (01:00 GMT becomes 02:00 BST on 28 March).
        ("27 March 2027 10:00", utc(2027, 3, 27, 10, 0)),
        ("28 March 2027 00:30", utc(2027, 3, 28, 0, 30)),
        ("28 March 2027 02:30", utc(2027, 3, 28, 1, 30)),
        ("28 March 2027 10:00", utc(2027, 3, 28, 9, 0)),
        ("29 March 2027 10:00", utc(2027, 3, 29, 9, 0)),
        # Around the October 2027 change (02:00 BST becomes 01:00 GMT on 31 October).
        ("30 October 2027 10:00", utc(2027, 10, 30, 9, 0)),
        ("31 October 2027 00:30", utc(2027, 10, 30, 23, 30)),
        ("31 October 2027 02:00", utc(2027, 10, 31, 2, 0)),
        ("31 October 2027 10:00", utc(2027, 10, 31, 10, 0)),
        ("1 November 2027 10:00", utc(2027, 11, 1, 10, 0)),
    ],
)
def test_meeting_time_converts_london_to_utc(text: str, expected: datetime) -> None:
    assert parse_meeting_time(text, LONDON, NOW) == (expected, True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12 January 2027", utc(2027, 1, 12, 10, 0)),
        ("5 May 2027", utc(2027, 5, 5, 9, 0)),
        ("28 March 2027", utc(2027, 3, 28, 9, 0)),
        ("31 October 2027", utc(2027, 10, 31, 10, 0)),
        ("tomorrow", utc(2027, 1, 12, 10, 0)),
    ],
)
def test_meeting_without_a_time_is_at_ten_local(text: str, expected: datetime) -> None:
    assert parse_meeting_time(text, LONDON, NOW) == (expected, False)


def test_meeting_time_allows_past_dates() -> None:
    assert parse_meeting_time("10 December 2026 18:00", LONDON, NOW) == (
        utc(2026, 12, 10, 18, 0),
        True,
    )


@pytest.mark.parametrize(
    "text", ["28 March 2027 01:00", "28 March 2027 01:30", "28 March 2027 01:59"]
)
def test_meeting_time_skipped_by_the_spring_clock_change_is_refused(text: str) -> None:
    with pytest.raises(UserError) as caught:
        parse_meeting_time(text, LONDON, NOW)
    assert "does not exist on 28 March 2027" in caught.value.message
    assert (caught.value.example or "").startswith("/board meeting add")


def test_meeting_time_in_the_repeated_autumn_hour_is_accepted() -> None:
    when, time_given = parse_meeting_time("31 October 2027 01:30", LONDON, NOW)
    assert time_given
    assert when.tzinfo == UTC
    assert when in (utc(2027, 10, 31, 0, 30), utc(2027, 10, 31, 1, 30))
    assert when.astimezone(ZoneInfo(LONDON)).strftime("%d %H:%M") == "31 01:30"


@pytest.mark.parametrize("text", ["", "58", "#58", "2027", "banana", "x" * 100])
def test_unreadable_meeting_time_is_a_user_error(text: str) -> None:
    with pytest.raises(UserError) as caught:
        parse_meeting_time(text, LONDON, NOW)
    assert "as a date and time" in caught.value.message
    assert (caught.value.example or "").startswith("/board meeting add")


def test_to_utc_refuses_the_missing_spring_hour_and_accepts_the_autumn_one() -> None:
    with pytest.raises(UserError, match="does not exist"):
        to_utc(datetime(2027, 3, 28, 1, 30), LONDON)
    assert to_utc(datetime(2027, 10, 31, 1, 30), LONDON).astimezone(
        ZoneInfo(LONDON)
    ).hour == 1
    assert to_utc(datetime(2027, 7, 1, 10, 0), LONDON) == utc(2027, 7, 1, 9, 0)
    assert to_utc(datetime(2027, 12, 1, 10, 0), LONDON) == utc(2027, 12, 1, 10, 0)


# ---- which meeting ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("next meeting", NEXT_MEETING),
        ("the next board meeting", NEXT_MEETING),
        ("5 May 2027", (date(2027, 5, 5), "day")),
        ("3/2/2027", (date(2027, 2, 3), "day")),
        ("April", (date(2027, 4, 1), "month")),
        ("April 2028", (date(2028, 4, 1), "month")),
        ("January", (date(2027, 1, 1), "month")),
    ],
)
def test_parse_meeting_ref(text: str, expected: object) -> None:
    assert parse_meeting_ref(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("December 2026", "December 2026 has passed."),
        ("58", "I can't read “58” as a meeting."),
        ("", "I can't read “” as a meeting."),
        ("banana", "I can't read “banana” as a meeting date."),
    ],
)
def test_unreadable_meeting_ref_is_a_user_error(text: str, message: str) -> None:
    with pytest.raises(UserError) as caught:
        parse_meeting_ref(text, TODAY)
    assert caught.value.message == message
    assert (caught.value.example or "").startswith("/action defer")


def test_meeting_ref_year_zero_is_a_user_error() -> None:
    with pytest.raises(UserError):
        parse_meeting_ref("April 0000", TODAY)


# ---- how dates are shown ------------------------------------------------------------------
def test_dates_are_shown_the_british_way() -> None:
    assert format_date(date(2027, 5, 5)) == "5 May 2027"
    assert format_local(utc(2027, 7, 1, 9, 0), LONDON) == "1 July 2027, 10:00"
    assert format_local(utc(2027, 12, 1, 9, 0), LONDON) == "1 December 2027, 09:00"


# ---- nothing typed makes parse_due fail badly --------------------------------------------
DATE_WORDS = st.sampled_from(
    [
        "by", "due", "end", "of", "the", "month", "year", "next", "meeting", "Q1", "q4",
        "March", "Sept", "May", "3/4", "58", "58b", "#58", "2058", "0000", "1/13", "5th",
        "today", "yesterday", "tomorrow", "week", "@MH", "<@U1|mac>", "10:30", "am", "½",
        "²", "١٢",
    ]
)
DUE_TEXT = st.one_of(
    st.text(),
    st.text(min_size=200, max_size=2000),
    st.lists(DATE_WORDS | st.text(max_size=4), max_size=6).map(" ".join),
)


@settings(max_examples=300, deadline=None)
@given(DUE_TEXT, st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)))
def test_parse_due_returns_none_a_future_date_or_next_meeting(text: str, today: date) -> None:
    try:
        due = parse_due(text, today)
    except UserError:
        return
    assert due is None or due is NEXT_MEETING or (isinstance(due, date) and due >= today)
