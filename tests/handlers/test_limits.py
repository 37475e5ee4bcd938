"""The table of typed fields: each limit fits its column, and ``checked`` keeps, drops or
refuses each kind of character as its docstring says."""

from __future__ import annotations

from zoneinfo import available_timezones

import pytest

from handlers.dates import is_timezone, timezone_named
from handlers.errors import UserError
from handlers.limits import (
    ACTION_TEXT,
    BOARD_NAME,
    BOARD_NAME_MAX,
    COMMAND,
    INITIALS_MAX,
    MEETING_LABEL_MAX,
    MEMBER_NAME,
    MEMBER_NAME_MAX,
    NOTE,
    checked,
    clipped,
    has_other_digits,
    is_ascii_number,
)
from storage.models import Action, Board, Event, Member


def column_length(column: object) -> int:
    return column.type.length  # type: ignore[attr-defined]


def test_every_limit_fits_its_column() -> None:
    assert column_length(Board.__table__.c.name) >= BOARD_NAME_MAX
    assert column_length(Member.__table__.c.name) >= MEMBER_NAME_MAX
    assert column_length(Event.__table__.c.actor_label) >= MEMBER_NAME_MAX
    assert column_length(Member.__table__.c.initials_key) >= INITIALS_MAX
    assert column_length(Action.__table__.c.deferred_label) >= MEETING_LABEL_MAX


def test_every_timezone_offered_fits_the_column_and_none_is_a_copy_or_placeholder() -> None:
    for name in ("Europe/London", "America/New_York", "UTC", "Etc/GMT+5"):
        assert timezone_named(name) == name
    assert timezone_named("  europe/LONDON ") == "Europe/London"
    for name in ("posix/Europe/London", "right/Europe/London", "localtime", "Factory", "EST",
                 "GB", "", "Europe", "Europe/London/", "../zoneinfo/UTC"):
        assert timezone_named(name) is None, name
    width = column_length(Board.__table__.c.timezone)
    assert all(len(name) <= width for name in available_timezones())


@pytest.mark.parametrize(
    ("typed", "field", "stored"),
    [
        ("  South \t East\nAdoption  Board ", BOARD_NAME, "South East Adoption Board"),
        ("B" * BOARD_NAME_MAX, BOARD_NAME, "B" * BOARD_NAME_MAX),
        ("KY to\x00 do\x07 it\r\nthen\treport\x0bback", ACTION_TEXT,
         "KY to do it\nthen\treport\nback"),
        ("title \x1b]0;pwned\x07kept \x1b[31mred\x1b[0m \x9b2J", NOTE, "title kept red"),
        ("  sent \x00 ", NOTE, "sent"),
    ],
)
def test_checked_gives_the_value_to_store(typed: str, field: object, stored: str) -> None:
    assert checked(typed, field) == stored  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("typed", "field", "message"),
    [
        ("B" * 131, BOARD_NAME,
         "A board name can be at most 120 characters (this one has 131)."),
        ("n" * 1234, MEMBER_NAME,
         "A member's name can be at most 100 characters (this one has 1,234)."),
        ("Mac\x00Heath", MEMBER_NAME, "A member's name cannot hold control characters such as "
         "U+0000: type it again without them."),
        ("Mac\x9bHeath", MEMBER_NAME, "A member's name cannot hold control characters such as "
         "U+009B: type it again without them."),
        ("a" * 4001, ACTION_TEXT, "An action's text can be at most 4,000 characters (this one "
         "has 4,001)."),
        ("x" * 5001, COMMAND, "A command can be at most 5,000 characters (this one has 5,001)."),
    ],
)
def test_checked_refuses_saying_what_is_wrong(typed: str, field: object, message: str) -> None:
    with pytest.raises(UserError) as caught:
        checked(typed, field, example="an example")  # type: ignore[arg-type]
    assert caught.value.message == message
    assert caught.value.example == "an example"


def test_the_whole_command_is_only_measured() -> None:
    line = "add KY to\x00 do it"
    assert checked(line, COMMAND) == line


def test_clipped_makes_a_platforms_text_storable() -> None:
    assert clipped("Dr\x00 Mac\x1b[2J Heath" + "x" * 500, 20) == "Dr Mac Heath" + "x" * 8


@pytest.mark.parametrize(("text", "ascii_number", "other_digits"), [
    ("58", True, False), ("²", False, True), ("٣", False, True), ("1٣", False, True),
    ("", False, False), ("5a", False, False), ("½", False, False), ("-1", False, False),
])
def test_numbers_are_the_digits_0_to_9(text: str, ascii_number: bool,
                                       other_digits: bool) -> None:
    assert is_ascii_number(text) is ascii_number
    assert has_other_digits(text) is other_digits


def test_a_stored_timezone_must_be_spelt_as_iana_spells_it() -> None:
    assert is_timezone("Europe/London")
    assert not is_timezone("europe/london")
    assert not is_timezone("posix/Europe/London")
