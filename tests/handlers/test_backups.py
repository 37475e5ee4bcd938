"""A backup is checked whole before restore writes: each refusal names the field and why.

The checks are pure (nothing is written), so they run on SQLite only; restoring through the
real CLI on both databases is in ``tests/handlers/minutes/test_cli.py``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest

from handlers.backups import (
    MAX_BACKUP_BYTES,
    MAX_NESTING,
    BackupRefused,
    check_backup,
    read_backup,
)
from tests.conftest import Chat
from tests.handlers.minutes.test_dump import busy, dumped

ON_SQLITE = pytest.mark.parametrize("engine", ["sqlite"], indirect=True)

Change = Callable[[dict[str, Any]], object]
STATUSES = "open, ongoing, deferred, closed, withdrawn, decision"


@pytest.fixture
def backup(board: Chat) -> dict[str, Any]:
    """A busy board's backup as the file holds it: 4 actions (5, 5b, 6, 7), members,
    a meeting, owners and history."""
    busy(board)
    return json.loads(json.dumps(dumped(board.uow)))


def _set(table: str, index: int, column: str, value: Any) -> Change:
    return lambda d: d["tables"][table][index].update({column: value})


def _settings(value: Any) -> Change:
    return _set("boards", 0, "settings", value)


def refusal(data: dict[str, Any]) -> str:
    with pytest.raises(BackupRefused) as refused:
        check_backup(data)
    return refused.value.message


@ON_SQLITE
def test_a_real_backup_passes_with_its_values_made_python_again(
    backup: dict[str, Any]
) -> None:
    checked = check_backup(backup)
    assert checked.board_names == ["South East Adoption Board"]
    action = checked.tables["actions"][0]
    assert isinstance(action["issued_on"], date)
    assert action["created_at"].tzinfo is not None
    assert isinstance(action["created_at"], datetime)
    assert read_backup(json.dumps(backup).encode(), "b.json").tables == checked.tables


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_set("boards", 0, "last_action_number", 0),
         "tables.boards[0].last_action_number: 0 is below the board's highest action number, "
         "7: every new action would clash"),
        (_set("boards", 0, "timezone", "Mars/Olympus_Mons"),
         'tables.boards[0].timezone: "Mars/Olympus_Mons" is not a timezone (an IANA name such '
         "as Europe/London)"),
        (_set("boards", 0, "timezone", "posix/Europe/London"),
         'tables.boards[0].timezone: "posix/Europe/London" is not a timezone'),
        (_set("boards", 0, "timezone", "right/UTC"),
         'tables.boards[0].timezone: "right/UTC" is not a timezone'),
        (_set("actions", 2, "status", "Flying"),
         f'tables.actions[2].status: "Flying" is not a status ({STATUSES})'),
        (_set("actions", 0, "issued_precision", "year"),
         'tables.actions[0].issued_precision: "year" is not a issued precision (day, month)'),
        (_set("members", 1, "role", "king"),
         'tables.members[1].role: "king" is not a role (chair, vice-chair, secretary, member)'),
        (_settings("reminders 5,1"),
         'tables.boards[0].settings: "reminders 5,1" is not an object'),
        (_settings({"reminders": [5, 99]}),
         "tables.boards[0].settings.reminders: [5, 99] is not a list of working days from 1 "
         "to 30"),
        (_settings({"time": "25:00"}),
         'tables.boards[0].settings.time: "25:00" is not a 24-hour time such as "09:00"'),
        (_settings({"chase": "7"}),
         'tables.boards[0].settings.chase: "7" is not a whole number from 1 to 60 or null'),
        (_settings({"grace": None}),
         "tables.boards[0].settings.grace: null is not a whole number from 1 to 72"),
        (_settings({"colour": "blue"}),
         'tables.boards[0].settings."colour": is not a setting (reminders, digest, time, chase, '
         "escalate, grace, calendar_token)"),
        (_settings({"\ud800": 1}), 'tables.boards[0].settings."\\ud800": is not a setting'),
        (_settings({"calendar_token": 7}),
         "tables.boards[0].settings.calendar_token: 7 is not a calendar token"),
        (_set("actions", 0, "issued_on", 20270111),
         'tables.actions[0].issued_on: 20270111 is not a date such as "2027-01-11"'),
        (_set("actions", 0, "due_on", "2030-02-30"),
         'tables.actions[0].due_on: "2030-02-30" is not a date such as "2027-01-11"'),
        (_set("meetings", 0, "starts_at", "2027-02-03T10:30:00"),
         'tables.meetings[0].starts_at: "2027-02-03T10:30:00" is not a date and time with its '
         'offset, such as "2027-01-11T10:00:00+00:00"'),
        (_set("actions", 0, "number", 10**20),
         "tables.actions[0].number: 100000000000000000000 is out of range (1 to "
         "2,147,483,647)"),
        (_set("actions", 0, "number", 0), "tables.actions[0].number: 0 is out of range (1 to"),
        (_set("actions", 0, "copy", -1), "tables.actions[0].copy: -1 is out of range (0 to"),
        (_set("actions", 0, "number", 5.5), "tables.actions[0].number: 5.5 is not a whole "
                                            "number"),
        (_set("actions", 0, "number", True), "tables.actions[0].number: true is not a whole "
                                             "number"),
        (_set("actions", 0, "imported", "yes"),
         'tables.actions[0].imported: "yes" is not true or false'),
        (_set("actions", 0, "text", None), "tables.actions[0].text: must not be null"),
        (_set("actions", 0, "text", ["Five"]), 'tables.actions[0].text: ["Five"] is not text'),
        (_set("actions", 0, "text", "x" * 4001),
         "tables.actions[0].text: is 4,001 characters long (at most 4,000)"),
        (_set("boards", 0, "name", "B" * 121),
         "tables.boards[0].name: is 121 characters long (at most 120)"),
        (_set("members", 0, "name", "Nul\x00l"),
         "tables.members[0].name: holds a NUL character, which no database keeps"),
        (_set("actions", 1, "text", "half \ud800 a pair"),
         "tables.actions[1].text: holds half of a UTF-16 pair (\\ud800 to \\udfff), which "
         "is not text"),
        (_set("events", 0, "data", "moved"), 'tables.events[0].data: "moved" is not an object'),
        (lambda d: d["tables"]["actions"][0].pop("text"),
         "tables.actions[0]: is not a row of actions (missing text)"),
        (lambda d: d["tables"].update(actions={"0": {}}),
         "tables.actions: is not a list of rows"),
        (lambda d: d.update(tables=[]), "tables: is not an object of tables"),
        (lambda d: d["tables"]["actions"].append(dict(d["tables"]["actions"][0])),
         "tables.actions[4]: repeats the id of tables.actions[0]"),
        (lambda d: d["tables"]["actions"][1].update(number=5, copy=0),
         "tables.actions[1]: repeats the board_id and number and copy of tables.actions[0] "
         "(1, 5, 0)"),
        (_set("action_owners", 0, "action_id", 9999),
         "tables.action_owners[0].action_id: 9999 is no id in tables.actions"),
        (_set("actions", 2, "deferred_meeting_id", 4242),
         "tables.actions[2].deferred_meeting_id: 4242 is no id in tables.meetings"),
        (_set("boards", 0, "name_key", "another board"),
         'tables.boards[0].name_key: "another board" does not match the name (it should be '
         '"south east adoption board")'),
    ],
)
@ON_SQLITE
def test_a_bad_value_is_refused_naming_its_field(backup: dict[str, Any], change: Change,
                                                 message: str) -> None:
    change(backup)
    assert message in refusal(backup)


@ON_SQLITE
def test_every_problem_is_listed_up_to_ten(backup: dict[str, Any]) -> None:
    backup["tables"]["boards"][0]["timezone"] = "Nowhere"
    for action in backup["tables"]["actions"]:
        action["status"] = "Flying"
    message = refusal(backup)
    assert message.startswith("This backup cannot be restored: tables.boards[0].timezone: ")
    assert message.count("is not a status") == 4
    assert message.endswith(f"({STATUSES}).")
    first = backup["tables"]["actions"][0]
    backup["tables"]["actions"] += [dict(first, status="open", text=None) for _ in range(12)]
    assert refusal(backup).endswith("tables.actions[8].text: must not be null; "
                                    "and 7 more problems.")


def test_brackets_nested_too_deep_are_refused_before_parsing() -> None:
    deep = b'{"format": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    with pytest.raises(BackupRefused, match=f"its brackets nest 100001 deep, and a backup's "
                                            f"nest at most {MAX_NESTING}"):
        read_backup(deep, "deep.json")


@ON_SQLITE
def test_brackets_inside_text_do_not_count_as_nesting(backup: dict[str, Any]) -> None:
    backup["tables"]["actions"][0]["text"] = '[[[[{{{{"\\' * 100
    checked = read_backup(json.dumps(backup).encode(), "b.json")
    assert checked.tables["actions"][0]["text"] == '[[[[{{{{"\\' * 100


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xff\xfe{}", r"b\.json is not a JSON backup: it is not UTF-8 text \(byte 0\)"),
        (b'{"format": NaN}', r"b\.json is not a JSON backup \(NaN is not a number a backup "
                             r"holds"),
        (b'{"n": ' + b"9" * 5000 + b"}", r"b\.json is not a JSON backup \(Exceeds the limit"),
        (b'{"format": "actionbot-board-dump"', r"b\.json is not a JSON backup \(Expecting"),
        (b"[]", "This file is not an actionbot backup"),
        (b" " * (MAX_BACKUP_BYTES + 1), r"b\.json is larger than 64 MB"),
    ],
)
def test_a_file_that_is_no_backup_is_refused(data: bytes, message: str) -> None:
    with pytest.raises(BackupRefused, match=message):
        read_backup(data, "b.json")


@ON_SQLITE
def test_a_backup_of_another_version_is_refused(backup: dict[str, Any]) -> None:
    backup["schema"] = {"not": "a revision"}
    assert "made by another version of actionbot" in refusal(backup)


@ON_SQLITE
def test_times_keep_their_offset(backup: dict[str, Any]) -> None:
    backup["tables"]["meetings"][0]["starts_at"] = "2027-02-03T11:30:00+01:00"
    meeting = check_backup(backup).tables["meetings"][0]
    assert meeting["starts_at"] == datetime(2027, 2, 3, 10, 30, tzinfo=UTC)
