"""What a typed field may hold: how long it may be, in characters, and which characters.

One table for every surface (chat, console, imports, backups), so a value that one path
accepts is never refused by another. Sized from the real logs: the longest action in the
sample minutes, bullets and all, is under 1,200 characters; the columns allow more. Each
limit fits its column (``tests/handlers/test_limits.py`` holds them together), so nothing
typed reaches the database too long for it: PostgreSQL refuses such a value with an error,
SQLite stores it whatever its size.

Control characters (C0, DEL, C1) are never stored. Where they go depends on the field:

- Free text (an action's text, a note) is pasted from Word and PDF minutes, which carry
  invisible characters (a vertical tab is Word's line break, a form feed its page break).
  Refusing would send the person hunting for a character they cannot see, so line breaks
  are kept (those characters become one), tabs are kept, and the rest are dropped.
- Names, initials, meeting dates and settings are short, typed, and used to find things
  again (``/board setup`` finds a board by its name): storing something other than what was
  typed would surprise later, so a control character there is refused, saying which.
  Whitespace inside them (tabs, newlines) is read as one space, as it always was.

PostgreSQL cannot store a NUL at all, so without this a NUL anywhere was a crash there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from handlers.errors import UserError

BOARD_NAME_MAX = 120
MEMBER_NAME_MAX = 100
INITIALS_MAX = 10
ACTION_TEXT_MAX = 4000
NOTE_MAX = 2000
MEETING_LABEL_MAX = 100
SETTING_VALUE_MAX = BOARD_NAME_MAX  # the longest setting is the board's name
# A whole command line: the longest action text with its owners and due date. Each part is
# then held to its own field's limit; this bounds what the grammar reads at all.
COMMAND_MAX = 5000
# The copy of the command kept with each history event (an audit note, not a field).
COMMAND_KEPT_MAX = 1000

# Whole terminal escape sequences (not just their ESC, which would leave "]0;title" behind):
# CSI "ESC [ … final" (or its C1 form 0x9B), OSC/DCS/PM/APC/SOS strings up to BEL, ST or the
# line's end, any other two-character escape; then every other C0 and C1 control but newline
# and tab. Dropped from free text on the way in, and from everything printed to a terminal
# on the way out (``bot.render_text``), for text stored before this rule or imported.
CONTROL_SEQUENCES = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -~]?"
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f]"
)
# Any control character but newline and tab: one pass of a character class, so text without
# any (nearly all of it) skips the alternation above, which costs several times as much
# (measured on a 4,000-character action: 0.6 ms, against 0.08 ms for the whole check).
ANY_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_LINE_BREAKS = re.compile(r"\r\n?|[\x0b\x0c\x85]")
_NOT_PRINTABLE_IN_A_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class TypedField:
    """A field people type, named as the messages about it name it ("A board name …").

    ``free_text`` fields keep newlines and tabs and drop other control characters; the
    others refuse them. ``measured_only`` (the whole command line) checks only the length:
    each part of the line is judged by the field it lands in.
    """

    label: str
    limit: int
    free_text: bool = False
    measured_only: bool = False


BOARD_NAME = TypedField("A board name", BOARD_NAME_MAX)
MEMBER_NAME = TypedField("A member's name", MEMBER_NAME_MAX)
INITIALS = TypedField("Initials", INITIALS_MAX)
ACTION_TEXT = TypedField("An action's text", ACTION_TEXT_MAX, free_text=True)
NOTE = TypedField("A note", NOTE_MAX, free_text=True)
MEETING_LABEL = TypedField("A meeting's date", MEETING_LABEL_MAX)
SETTING_VALUE = TypedField("A setting's value", SETTING_VALUE_MAX)
COMMAND = TypedField("A command", COMMAND_MAX, measured_only=True)


def checked(value: str, field: TypedField, *, example: str | None = None) -> str:
    """The value as it is to be stored, or ``UserError`` saying what was wrong with it.

    Single-line fields come back with their whitespace collapsed to single spaces; free
    text with its line breaks made ``\\n`` and other control characters gone.
    """
    if not field.measured_only:
        value = _free_text(value).strip() if field.free_text else " ".join(value.split())
    if len(value) > field.limit:
        raise UserError(f"{field.label} can be at most {field.limit:,} characters (this one "
                        f"has {len(value):,}).", example=example)
    single_line = not (field.free_text or field.measured_only)
    control = _NOT_PRINTABLE_IN_A_LINE.search(value) if single_line else None
    if control is not None:
        raise UserError(f"{field.label} cannot hold control characters such as "
                        f"U+{ord(control.group()):04X}: type it again without them.",
                        example=example)
    return value


def clipped(value: str, limit: int) -> str:
    """Text the platform gave rather than the person typed (a display name), or a copy kept
    for the record (the command in history): made storable rather than refused."""
    return _free_text(value)[:limit]


def _free_text(value: str) -> str:
    if not ANY_CONTROL.search(value):
        return value
    return CONTROL_SEQUENCES.sub("", _LINE_BREAKS.sub("\n", value))


def is_ascii_number(text: str) -> bool:
    """Digits 0-9 only. ``str.isdigit`` is also true of "²" (which ``int`` refuses) and of
    "٣" (which it reads as 3); a number someone types means the digits on the keyboard."""
    return text.isascii() and text.isdigit()


def has_other_digits(text: str) -> bool:
    """Whether the text holds a digit that is not 0-9 ("²", "٣"): dates and times written
    so are refused with a clear message rather than read one way or another."""
    return any(c.isdigit() and not c.isascii() for c in text)
