"""JSON backups: an explicit allow-list out, everything back into an empty database."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from sqlalchemy import Engine, text

from handlers.backups import BackupRefused, check_backup
from handlers.minutes.importer import apply_import, read_log
from storage.boards import board_by_name
from storage.dump import (
    DUMPED,
    NOT_DUMPED,
    RestoreRefused,
    dump_board,
    restore,
    rows_in_database,
)
from storage.history import Actor
from storage.models import Base
from storage.uow import UnitOfWork
from tests.conftest import NOW, Chat
from tests.handlers.minutes.files import pasted

BOARD = "South East Adoption Board"


def busy(board: Chat) -> None:
    rows = read_log(pasted([["5", "Five", "MH", "Jan 2022", "Open"],
                            ["5", "Five again", "JB", "Jan 2022", "Item in April 2021"]]
                           ).encode(), "log.txt")
    apply_import(board.uow, BOARD, rows, now=NOW, source="log.txt",
                 actor=Actor(label="console operator", platform="console"))
    board("/action add MH to write to DfE", as_="RE")
    board("/action defer 6 next meeting", as_="RE")
    board("/board member add <@U123|Amy> AC Amy Coombs", as_="RE")
    board("/action add KY to chase by 5 May", as_="RE")
    board("/action close 7 done", as_="RE")


def dumped(uow: UnitOfWork) -> dict[str, Any]:
    with uow.transaction() as session:
        board = board_by_name(session, BOARD)
        assert board is not None
        return dump_board(session, board.id, now=NOW)


def empty(engine: Engine) -> None:
    """Empty every table; PostgreSQL's id sequences start again from 1, as in a new database."""
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(Base.metadata.sorted_tables):
                conn.execute(table.delete())


def test_every_table_and_column_is_either_dumped_or_deliberately_not() -> None:
    for table in Base.metadata.sorted_tables:
        if table.name in NOT_DUMPED:
            assert table.name not in DUMPED
            continue
        assert table.name in DUMPED, (
            f"{table.name} is in no backup: add it to storage.dump.DUMPED, or to NOT_DUMPED "
            "with the reason if it must never leave the database (tokens, secrets)")
        assert {c.name for c in table.columns} == set(DUMPED[table.name]), (
            f"{table.name}: list new columns in storage.dump.DUMPED, or leave them out there "
            "and here with the reason if they must never leave the database")


def test_dump_holds_only_allow_listed_columns(board: Chat) -> None:
    busy(board)
    data = dumped(board.uow)
    assert set(data["tables"]) == set(DUMPED)
    for name, rows in data["tables"].items():
        assert rows, name
        assert all(set(row) == set(DUMPED[name]) for row in rows)
    names = {column for rows in data["tables"].values() for row in rows for column in row}
    assert not [n for n in names if re.search(r"token|secret|password|credential", n, re.I)]
    assert len(data["tables"]["actions"]) == 4
    assert {e["kind"] for e in data["tables"]["events"]} >= {"action.imported", "action.added"}


def test_dump_then_restore_into_an_empty_database(board: Chat, engine: Engine) -> None:
    busy(board)
    before = json.loads(json.dumps(dumped(board.uow)))
    empty(engine)
    with board.uow.transaction() as session:
        counts = restore(session, check_backup(before).tables)
    assert counts["actions"] == 4
    assert dumped(board.uow)["tables"] == before["tables"]
    assert "Item in April 2021" in board.text("/action show 5b", as_="RE")
    added = board("/action add LH to review the fees", as_="RE")
    assert added.title == "Action 8 added"
    board("/board meeting add 9 March 2027 10:00", as_="RE")


def test_restore_refuses_a_database_that_is_not_empty(board: Chat) -> None:
    busy(board)
    data = dumped(board.uow)
    with board.uow.transaction() as session:
        rows = rows_in_database(session)
        with pytest.raises(RestoreRefused, match="not empty"):
            restore(session, check_backup(data).tables)
    with board.uow.transaction() as session:
        assert rows_in_database(session) == rows


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(format="something else"), "not an actionbot backup"),
        (lambda d: d.update(schema="9999"), "another version"),
        (lambda d: d["tables"].update(secrets=[{"id": 1}]),
         'tables."secrets": is not a table actionbot restores'),
        (lambda d: d["tables"]["actions"][0].update(token="x"),
         r'tables.actions\[0\]: is not a row of actions \(unknown "token"\)'),
    ],
)
def test_restore_refuses_what_it_does_not_know(board: Chat, change: Any, message: str) -> None:
    busy(board)
    data = json.loads(json.dumps(dumped(board.uow)))
    change(data)
    with pytest.raises(BackupRefused, match=message):
        check_backup(data)
