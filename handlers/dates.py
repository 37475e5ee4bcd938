"""Dates as UK board members write them: "3/4" is 3 April, "end of March", "Q1", "next meeting".

The only module that imports dateparser. Our own rules run first for what dateparser gets
wrong or does not know; dateparser never sees a bare number ("58" would be the year 2058).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from dateparser.date import DateDataParser

from handlers.errors import UserError
from handlers.limits import MEETING_LABEL, checked, has_other_digits

DEFAULT_MEETING_TIME = time(10, 0)

_SETTINGS = {
    "DATE_ORDER": "DMY",
    "PREFER_DATES_FROM": "future",
    "RETURN_AS_TIMEZONE_AWARE": False,
    "PREFER_DAY_OF_MONTH": "first",
}

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9

_BARE_NUMBER = re.compile(r"^\s*#?\d+[a-z]?\s*$", re.I | re.A)
_NEXT_MEETING = re.compile(r"^(?:the\s+)?next\s+(?:board\s+)?meeting$", re.I)
_END_OF_MONTH = re.compile(r"^(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?month$", re.I)
_END_OF_NAMED = re.compile(
    r"^(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?([a-z]+)(?:\s+(\d{4}))?$", re.I | re.A
)
_QUARTER = re.compile(r"^(?:end\s+of\s+)?q([1-4])(?:\s+(\d{4}))?$", re.I | re.A)
_MONTH_ONLY = re.compile(r"^([a-z]+)(?:\s+(\d{4}))?$", re.I | re.A)
_DATE_WORDS = re.compile(
    r"\d|\b(?:" + "|".join(sorted(MONTHS)) + r"|mon|tue|wed|thu|fri|sat|sun|today|tomorrow"
    r"|yesterday|day|week|fortnight|month|year|next|end|ago)", re.I | re.A
)
MAX_YEARS_AHEAD = 10
_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
_DAY_MONTH_NAME = re.compile(
    rf"^(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH_NAMES}),?(?:\s+(\d{{4}}|\d{{2}}))?$", re.I | re.A)
_DAY_MONTH_NUMBER = re.compile(r"^(\d{1,2})([/.-])(\d{1,2})(?:\2(\d{4}|\d{2}))?$", re.A)
_HAS_TIME = re.compile(r"\d{1,2}\s*[:.]\s*\d{2}|\d\s*(?:am|pm)\b|\bnoon\b|\bmidday\b",
                       re.I | re.A)


class PastDate(UserError):
    """A due date that has gone by; ``suggestion`` is a sensible date to offer instead."""

    def __init__(self, day: date, suggestion: date) -> None:
        super().__init__(f"{format_date(day)} is in the past. Give a due date from today on.",
                         example=f"by {format_date(suggestion)}")
        self.suggestion = suggestion


@dataclass(frozen=True)
class NextMeeting:
    """Due at (or deferred to) the board's next meeting, worked out against its calendar."""


NEXT_MEETING = NextMeeting()


def warm() -> None:
    """Load dateparser's English data now, so the first command is not the slow one."""
    _parser(date(2000, 1, 1)).get_date_data("1 January 2000")


@lru_cache(maxsize=4)
def _parser(today: date) -> DateDataParser:
    base = datetime.combine(today, time(12, 0))
    return DateDataParser(languages=["en"], settings=dict(_SETTINGS, RELATIVE_BASE=base))


def today_in(tz: str, now: datetime) -> date:
    return now.astimezone(ZoneInfo(tz)).date()


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _plausible_year(year: str | None, today: date) -> bool:
    return year is None or today.year - 50 <= int(year) <= today.year + MAX_YEARS_AHEAD


def _future_month_end(month: int, year: str | None, today: date) -> date:
    if year:
        return _last_day(int(year), month)
    candidate = _last_day(today.year, month)
    return candidate if candidate >= today else _last_day(today.year + 1, month)


def _own_rules(text: str, today: date) -> date | NextMeeting | None:
    if _NEXT_MEETING.match(text):
        return NEXT_MEETING
    if _END_OF_MONTH.match(text):
        return _last_day(today.year, today.month)
    m = _END_OF_NAMED.match(text) or _QUARTER.match(text) or _MONTH_ONLY.match(text)
    if m and not _plausible_year(m.group(2), today):
        return None
    m = _END_OF_NAMED.match(text)
    if m and m.group(1).lower() in MONTHS:
        return _future_month_end(MONTHS[m.group(1).lower()], m.group(2), today)
    if m and m.group(1).lower() == "year":
        return date(today.year, 12, 31)
    m = _QUARTER.match(text)
    if m:
        return _future_month_end(int(m.group(1)) * 3, m.group(2), today)
    m = _MONTH_ONLY.match(text)
    if m and m.group(1).lower() in MONTHS:
        # "by April": by the end of April.
        return _future_month_end(MONTHS[m.group(1).lower()], m.group(2), today)
    return None


def parse_due(text: str, today: date) -> date | NextMeeting | None:
    """Read a due date, or None when the words are not a date at all (then they are text).

    A date that has passed raises ``UserError``: an action cannot be due yesterday.
    """
    text = " ".join(text.split()).strip(" .,;")
    if not text or _BARE_NUMBER.match(text) or len(text) > 60:
        return None
    _refuse_other_digits(text, "3/4 or 5 May 2027")
    if not _DATE_WORDS.search(text):
        return None
    found = _own_rules(text, today) or _exact_day(text, today)
    if found is None:
        found = _dateparser_day(text, today)
        if found is None:
            return None
    if isinstance(found, date) and found < today:
        raise PastDate(found, today + timedelta(days=14))
    return found


def _refuse_other_digits(text: str, example: str) -> None:
    """Dates and times are written with the digits 0-9: "٣/٤" or "10:٣٠" is refused, not
    guessed at (``int`` reads "٣" as 3 but refuses "²", and dateparser differs again)."""
    if has_other_digits(text):
        raise UserError(f"Write dates and times with the digits 0 to 9: “{text[:60]}” has "
                        "other digits.", example=example)


def _exact_day(text: str, today: date) -> date | None:
    """ "3 April", "3rd April 2027", "3/4", "03.04.2027": read as dateparser reads them (a
    property test holds the two together), without its cost. Such dates are most of what
    people type, and dateparser spends about a millisecond on each, a fifth of an /action
    add. None means "ask dateparser", never "not a date"."""
    m = _DAY_MONTH_NAME.match(text)
    if m:
        day, month, year = int(m.group(1)), MONTHS[m.group(2).lower()], m.group(3)
    else:
        m = _DAY_MONTH_NUMBER.match(text)
        if not m:
            return None
        day, month, year = int(m.group(1)), int(m.group(3)), m.group(4)
        if m.group(2) == "." and year is None:
            return None  # "1.10" may be a time of day
    if year is not None and len(year) == 2:
        return None  # dateparser reads two-digit years against the real clock: ask it
    if (day, month) == (29, 2) and year is None:
        return None  # the next leap year: leave it to dateparser
    try:
        if year is not None:
            found = date(int(year), month, day)
            return found if _plausible_year(year, today) else None
        found = date(today.year, month, day)
    except ValueError:
        return None
    # Without a year, the next such day after today, as dateparser's "prefer future" has it.
    return found if found > today else found.replace(year=today.year + 1)


def _dateparser_day(text: str, today: date) -> date | None:
    """dateparser's reading, kept only when it is a plausible day (not "1/13" → 2113)."""
    data = _parser(today).get_date_data(text)
    if data.date_obj is None or data.parts == ("year",):
        return None
    found = data.date_obj.date()
    if data.period == "month":
        found = _last_day(found.year, found.month)
    if data.parts == ("day",) and found < today:
        # "the 5th" after the 5th: next month's, as with "5 May" after May.
        month_after = date(found.year + found.month // 12, found.month % 12 + 1, 1)
        found = month_after.replace(day=min(found.day, _last_day(month_after.year,
                                                                 month_after.month).day))
    if not today.year - 50 <= found.year <= today.year + MAX_YEARS_AHEAD:
        return None
    return found


def parse_meeting_time(text: str, tz: str, now: datetime) -> tuple[datetime, bool]:
    """Read when a meeting is (past dates allowed: it was held). Returns (UTC time, time given).

    Without a time of day the meeting is put at 10:00, and the caller says so.
    """
    zone = ZoneInfo(tz)
    today = now.astimezone(zone).date()
    example = f"/board meeting add {format_date(today + timedelta(days=30))} 10:30"
    text = checked(text, MEETING_LABEL, example=example).strip(" .,;")
    _refuse_other_digits(text, example)
    unreadable = UserError(f"I can't read “{text[:60]}” as a date and time.", example=example)
    if not text or _BARE_NUMBER.match(text) or len(text) > 60 or not _DATE_WORDS.search(text):
        raise unreadable
    data = _parser(today).get_date_data(text)
    if data.date_obj is None or data.parts == ("year",):
        raise unreadable
    if not today.year - 50 <= data.date_obj.year <= today.year + MAX_YEARS_AHEAD:
        raise unreadable
    has_time = "time" in data.parts or bool(_HAS_TIME.search(text))
    local = data.date_obj if has_time else datetime.combine(data.date_obj, DEFAULT_MEETING_TIME)
    return to_utc(local.replace(tzinfo=None), tz, example=example), has_time


def to_utc(local: datetime, tz: str, *, example: str | None = None) -> datetime:
    """Board-local wall time to UTC; a time skipped when the clocks go forward is refused."""
    zone = ZoneInfo(tz)
    aware = local.replace(tzinfo=zone)
    utc = aware.astimezone(UTC)
    if utc.astimezone(zone).replace(tzinfo=None) != local:
        raise UserError(
            f"{local:%H:%M} does not exist on {format_date(local.date())}: "
            "the clocks go forward that night.",
            example=example,
        )
    return utc


def format_date(d: date) -> str:
    return f"{d.day} {calendar.month_name[d.month]} {d.year}"


def format_month(d: date) -> str:
    return f"{calendar.month_name[d.month]} {d.year}"


def format_local(at: datetime, tz: str) -> str:
    """'5 May 2027, 10:30' in the board's timezone."""
    local = at.astimezone(ZoneInfo(tz))
    return f"{format_date(local.date())}, {local:%H:%M}"


def local_date(at: datetime, tz: str) -> date:
    return at.astimezone(ZoneInfo(tz)).date()


@lru_cache(maxsize=1)
def _timezones() -> dict[str, str]:
    """The IANA place names, by their case-folded spelling. Not ``posix/…`` or ``right/…``
    (copies, the latter counting leap seconds, which no clock does), nor names without a
    "/" but UTC: ``localtime`` is the server's own zone, ``Factory`` a placeholder, and
    "EST" or "GB" are old aliases people misread. Listing them reads the tz database (tens
    of milliseconds), hence the cache."""
    return {name.casefold(): name for name in available_timezones()
            if ("/" in name or name == "UTC") and not name.startswith(("posix/", "right/"))}


def is_timezone(name: str) -> bool:
    """Whether a stored name (a backup's, say) is one of those timezones, spelt exactly."""
    return timezone_named(name) == name


def timezone_named(name: str) -> str | None:
    """The IANA timezone a person typed, spelt as IANA spells it ("europe/london" is
    Europe/London), or None when it is not one."""
    return _timezones().get(name.strip().casefold())


def parse_meeting_ref(text: str, today: date) -> NextMeeting | tuple[date, str]:
    """Which meeting someone means: "next meeting", "5 May 2027", or a month, "April 2027".

    Returns NEXT_MEETING, or (date, "day") for a day, or (first of month, "month").
    """
    example = "/action defer 58 next meeting"
    text = checked(text, MEETING_LABEL, example=example).strip(" .,;")
    _refuse_other_digits(text, example)
    if _NEXT_MEETING.match(text):
        return NEXT_MEETING
    m = _MONTH_ONLY.match(text)
    if m and m.group(1).lower() in MONTHS and _plausible_year(m.group(2), today):
        end = _future_month_end(MONTHS[m.group(1).lower()], m.group(2), today)
        if end < date(today.year, today.month, 1):
            raise UserError(f"{format_month(end)} has passed.", example=example)
        return end.replace(day=1), "month"
    if not text or _BARE_NUMBER.match(text) or len(text) > 60:
        raise UserError(f"I can't read “{text}” as a meeting.", example=example)
    day = _dateparser_day(text, today) if _DATE_WORDS.search(text) else None
    if day is None:
        raise UserError(f"I can't read “{text}” as a meeting date.", example=example)
    return day, "day"
