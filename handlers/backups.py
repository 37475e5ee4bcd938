"""A JSON backup (``actionbot export --format json``) checked whole before ``restore`` writes.

A backup is a file anyone may have edited, and one bad value can leave a board unusable for
good (a ``last_action_number`` below its highest action makes every later add fail) or make
the restore end in a traceback (a date given as a number, a 10^20 number that no INTEGER
column holds, nesting deep enough to exhaust Python's stack). So every value is checked
against its column (type, nullability, length, range), the values the code interprets against
what it accepts (statuses, roles, timezones, settings) and the rows against each other (unique
ids and keys, references, the action counter) before anything is written. A refusal names
each field it refuses by its path in the file, e.g. ``tables.actions[12].status``.

The file is bounded before it is parsed: ``MAX_BACKUP_BYTES``, and ``MAX_NESTING`` levels of
brackets, found by a scan that never recurses. A busy board's backup is a few MB; one of
5,000 actions and 50,000 history events is 22 MB, and restoring it took 10 s and 217 MB at
most (measured), so 64 MB leaves room and still fits a small server.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from itertools import accumulate
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Integer, String, Table

from handlers import limits
from handlers.dates import is_timezone
from handlers.errors import UserError
from handlers.policy import POLICY_KEYS, stored_setting_problem
from storage.boards import name_key
from storage.dump import DUMPED, FORMAT, VERSION
from storage.migrate import head_revision
from storage.models import Base, Role, Status, UTCDateTime

MB = 1024 * 1024
MAX_BACKUP_BYTES = 64 * MB
MAX_NESTING = 20
INT_MAX = 2**31 - 1  # PostgreSQL's INTEGER
SHOWN_PROBLEMS = 10
CALENDAR_TOKEN_MAX = 100
PRECISIONS = ("day", "month")

_NOT_BRACKETS = bytes(sorted(set(range(256)) - set(b"[]{}")))

# Limits the product puts on what people type, where they are tighter than the column.
TEXT_LIMITS: dict[tuple[str, str], int] = {
    ("boards", "name"): limits.BOARD_NAME_MAX,
    ("members", "name"): limits.MEMBER_NAME_MAX,
    ("members", "initials"): limits.INITIALS_MAX,
    ("actions", "text"): limits.ACTION_TEXT_MAX,
    ("actions", "status_note"): limits.NOTE_MAX,
    ("actions", "deferred_label"): limits.MEETING_LABEL_MAX,
}
CHOICES: dict[tuple[str, str], tuple[str, ...]] = {
    ("actions", "status"): tuple(s.value for s in Status),
    ("actions", "issued_precision"): PRECISIONS,
    ("members", "role"): tuple(r.value for r in Role),
}
LOWEST: dict[tuple[str, str], int] = {("actions", "number"): 1}
# (table, column) → the table its id is in.
REFERENCES: dict[tuple[str, str], str] = {
    ("channel_bindings", "board_id"): "boards",
    ("members", "board_id"): "boards",
    ("member_identities", "member_id"): "members",
    ("meetings", "board_id"): "boards",
    ("actions", "board_id"): "boards",
    ("actions", "deferred_meeting_id"): "meetings",
    ("action_owners", "action_id"): "actions",
    ("action_owners", "member_id"): "members",
    ("events", "board_id"): "boards",
    ("events", "action_id"): "actions",
    ("events", "actor_member_id"): "members",
}
# Unique together, beyond the id (the database's own constraints, checked first).
UNIQUE: dict[str, tuple[str, ...]] = {
    "boards": ("name_key",),
    "channel_bindings": ("platform", "workspace", "channel"),
    "members": ("board_id", "initials_key"),
    "member_identities": ("member_id", "platform"),
    "actions": ("board_id", "number", "copy"),
}

Rows = dict[str, list[dict[str, Any]]]


class BackupRefused(UserError):
    """The backup cannot be restored as it is; nothing was written. Names every field."""


@dataclass(frozen=True)
class Backup:
    """A backup that passed every check, its values already Python's (dates, datetimes)."""

    tables: Rows

    @property
    def board_names(self) -> list[str]:
        return [b["name"] for b in self.tables.get("boards", [])]


def read_backup(data: bytes, source: str) -> Backup:
    """The backup in ``data``, checked whole; ``BackupRefused`` saying what is wrong."""
    if len(data) > MAX_BACKUP_BYTES:
        raise BackupRefused(f"{source} is larger than {MAX_BACKUP_BYTES // MB} MB; a board's "
                            f"backup is a few MB, and actionbot restores up to "
                            f"{MAX_BACKUP_BYTES // MB} MB.")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise BackupRefused(f"{source} is not a JSON backup: it is not UTF-8 text "
                            f"(byte {err.start}).") from err
    depth = _nesting(data)
    if depth > MAX_NESTING:
        raise BackupRefused(f"{source} is not an actionbot backup: its brackets nest {depth} "
                            f"deep, and a backup's nest at most {MAX_NESTING}.")
    try:
        parsed = json.loads(text, parse_constant=_no_constant)
    except (ValueError, RecursionError) as err:  # ValueError: also the 4,300-digit limit
        reason = str(err).splitlines()[0][:200]
        raise BackupRefused(f"{source} is not a JSON backup ({reason}).") from err
    return check_backup(parsed)


def _nesting(data: bytes) -> int:
    """How deep the brackets outside strings nest, found without recursing and in C but for
    the last step: escapes dropped (a backslash escapes one character, so pairs go first),
    then what lies between quotes, then all but brackets. 22 MB took 0.8 s (measured)."""
    unescaped = data.replace(b"\\\\", b"").replace(b'\\"', b"")
    brackets = b"".join(unescaped.split(b'"')[::2]).translate(None, _NOT_BRACKETS)
    return max(accumulate(1 if b in b"[{" else -1 for b in brackets), default=0)


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number a backup holds")


def check_backup(data: Any) -> Backup:
    """Every table, row and value of a parsed backup checked against what actionbot writes."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BackupRefused("This file is not an actionbot backup (made by actionbot export "
                            "--format json).")
    if data.get("version") != VERSION or data.get("schema") != head_revision():
        raise BackupRefused(
            f"This backup was made by another version of actionbot (schema "
            f"{str(data.get('schema'))[:40]}; this one is {head_revision()}). Restore it with "
            "that version, then upgrade.")
    tables = data.get("tables")
    if not isinstance(tables, dict):
        raise BackupRefused("tables: is not an object of tables; this is not an actionbot "
                            "backup.")
    checker = _Checker()
    for name in tables:
        if name not in DUMPED:
            checker.problem(f"tables.{_shown(name)}", f"is not a table actionbot restores "
                            f"({', '.join(DUMPED)})")
    for name in DUMPED:
        checker.table(name, tables.get(name, []))
    checker.across()
    if checker.problems:
        shown = checker.problems[:SHOWN_PROBLEMS]
        more = len(checker.problems) - len(shown)
        raise BackupRefused("This backup cannot be restored: " + "; ".join(shown)
                            + (f"; and {more} more problems" if more > 0 else "") + ".")
    return Backup(checker.rows)


def _encodes(text: str) -> bool:
    """False for a string JSON gave a lone surrogate ("\\ud800"), which no database stores."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _shown(value: Any) -> str:
    """A value as JSON writes it, cut to 40 characters, lone surrogates escaped."""
    text = json.dumps(value, ensure_ascii=False).encode("utf-8", "backslashreplace").decode()
    return text if len(text) <= 40 else text[:39] + "…"


class _Checker:
    """Collects every problem of one backup, and the rows converted where they are right."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.rows: Rows = {}

    def problem(self, path: str, message: str) -> None:
        self.problems.append(f"{path}: {message}")

    def table(self, name: str, rows: Any) -> None:
        path = f"tables.{name}"
        self.rows[name] = []
        if not isinstance(rows, list):
            self.problem(path, "is not a list of rows")
            return
        columns = DUMPED[name]
        for i, row in enumerate(rows):
            where = f"{path}[{i}]"
            if not isinstance(row, dict) or set(row) != set(columns):
                extra = sorted(set(row) - set(columns)) if isinstance(row, dict) else []
                missing = [c for c in columns if not isinstance(row, dict) or c not in row]
                self.problem(where, "is not a row of " + name + " ("
                             + "; ".join(filter(None, [
                                 f"unknown {', '.join(map(_shown, extra))[:80]}" if extra
                                 else "",
                                 f"missing {', '.join(missing)}" if missing else ""]))
                             + ")")
                continue
            converted = {c: self.value(Base.metadata.tables[name], c, row[c], f"{where}.{c}")
                         for c in columns}
            self.rows[name].append(converted)

    def value(self, table: Table, column: str, value: Any, path: str) -> Any:
        col = table.c[column]
        if value is None:
            if not col.nullable or col.primary_key:
                self.problem(path, "must not be null")
            return None
        kind = col.type
        check: Callable[[Any, str, str, str], Any] = self._json
        if isinstance(kind, Boolean):
            check = self._boolean
        elif isinstance(kind, Integer):
            check = self._integer
        elif isinstance(kind, UTCDateTime):
            check = self._moment
        elif isinstance(kind, Date):
            check = self._day
        elif isinstance(kind, String):  # Text too: Text is a String
            check = self._text
        elif not isinstance(kind, JSON):
            raise TypeError(f"{table.name}.{column}: no check for {kind!r}")
        return check(value, path, table.name, column)

    def _boolean(self, value: Any, path: str, table: str, column: str) -> Any:
        if not isinstance(value, bool):
            self.problem(path, f"{_shown(value)} is not true or false")
        return value

    def _integer(self, value: Any, path: str, table: str, column: str) -> Any:
        low = 1 if column == "id" else LOWEST.get((table, column), 0)
        if type(value) is not int:
            self.problem(path, f"{_shown(value)} is not a whole number")
        elif not low <= value <= INT_MAX:
            self.problem(path, f"{_shown(value)} is out of range ({low} to {INT_MAX:,})")
        return value

    def _moment(self, value: Any, path: str, table: str, column: str) -> Any:
        try:
            moment = datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            self.problem(path, f"{_shown(value)} is not a date and time with its offset, "
                         "such as \"2027-01-11T10:00:00+00:00\"")
        return moment

    def _day(self, value: Any, path: str, table: str, column: str) -> Any:
        try:
            day = date.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            day = None
        if day is None:
            self.problem(path, f"{_shown(value)} is not a date such as \"2027-01-11\"")
        return day

    def _text(self, value: Any, path: str, table: str, column: str) -> Any:
        if not isinstance(value, str):
            self.problem(path, f"{_shown(value)} is not text")
            return value
        col_length = Base.metadata.tables[table].c[column].type.length  # type: ignore[attr-defined]
        longest = TEXT_LIMITS.get((table, column), col_length)
        choices = CHOICES.get((table, column))
        if "\x00" in value:
            self.problem(path, "holds a NUL character, which no database keeps")
        elif not _encodes(value):
            self.problem(path, "holds half of a UTF-16 pair (\\ud800 to \\udfff), which is "
                         "not text")
        elif longest is not None and len(value) > longest:
            self.problem(path, f"is {len(value):,} characters long (at most {longest:,})")
        elif choices is not None and value not in choices:
            self.problem(path, f"{_shown(value)} is not a {column.replace('_', ' ')} "
                         f"({', '.join(choices)})")
        elif (table, column) == ("boards", "timezone") and not is_timezone(value):
            self.problem(path, f"{_shown(value)} is not a timezone (an IANA name such as "
                         "Europe/London)")
        return value

    def _json(self, value: Any, path: str, table: str, column: str) -> Any:
        if not isinstance(value, dict):
            self.problem(path, f"{_shown(value)} is not an object")
        elif (table, column) == ("boards", "settings"):
            self._settings(value, path)
        return value

    def _settings(self, settings: dict[str, Any], path: str) -> None:
        for key, value in settings.items():
            if key == "calendar_token":
                good = isinstance(value, str) and 0 < len(value) <= CALENDAR_TOKEN_MAX
                if not good:
                    self.problem(f"{path}.{key}", f"{_shown(value)} is not a calendar token")
            elif key not in POLICY_KEYS:
                self.problem(f"{path}.{_shown(key)}", "is not a setting "
                             f"({', '.join([*POLICY_KEYS, 'calendar_token'])})")
            elif (problem := stored_setting_problem(key, value)) is not None:
                self.problem(f"{path}.{key}", f"{_shown(value)} {problem}")

    def across(self) -> None:
        """Rows against each other: unique ids and keys, references, the action counter."""
        if self.problems:
            return  # rows that failed a check may hold anything; one round of messages
        ids = {name: self._unique(name, ("id",)) for name in DUMPED}
        for name, columns in UNIQUE.items():
            self._unique(name, columns)
        for (name, column), target in REFERENCES.items():
            for i, row in enumerate(self.rows[name]):
                if row[column] is not None and row[column] not in ids[target]:
                    self.problem(f"tables.{name}[{i}].{column}",
                                 f"{row[column]} is no id in tables.{target}")
        for i, board in enumerate(self.rows["boards"]):
            path = f"tables.boards[{i}]"
            if board["name_key"] != name_key(board["name"]):
                self.problem(f"{path}.name_key", f"{_shown(board['name_key'])} does not match "
                             f"the name (it should be {_shown(name_key(board['name']))})")
            highest = max((a["number"] for a in self.rows["actions"]
                           if a["board_id"] == board["id"]), default=0)
            if board["last_action_number"] < highest:
                self.problem(f"{path}.last_action_number",
                             f"{board['last_action_number']} is below the board's highest "
                             f"action number, {highest}: every new action would clash")

    def _unique(self, name: str, columns: tuple[str, ...]) -> set[Any]:
        seen: dict[tuple[Any, ...], int] = {}
        for i, row in enumerate(self.rows[name]):
            key = tuple(row[c] for c in columns)
            if key in seen:
                self.problem(f"tables.{name}[{i}]", f"repeats the {' and '.join(columns)} of "
                             f"tables.{name}[{seen[key]}] ({', '.join(map(_shown, key))})")
            seen.setdefault(key, i)
        return {k[0] for k in seen} if columns == ("id",) else set()

