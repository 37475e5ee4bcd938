"""A command that only reads takes no transaction on PostgreSQL, and no write lock on SQLite;
every change is made inside one, on SQLite after ``BEGIN IMMEDIATE``; and no connection goes
back to the pool in autocommit."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine

from handlers.commands import parse
from handlers.dispatch import READS_ONLY, split_line
from handlers.replies import Tone
from tests.conftest import Chat
from tests.listening import listening

READING = ["/action list", "/action list all", "/action show 1", "/board member list",
           "/board meeting list", "/action help"]
WRITING = ["/action add KY to write to DfE", "/action close 1", "/action assign 1 MH",
           "/board member add TR Tom Rees"]
WRITES = ("INSERT", "UPDATE", "DELETE")


def _in_transaction(dbapi_connection: Any) -> bool:
    if hasattr(dbapi_connection, "in_transaction"):  # sqlite3
        return bool(dbapi_connection.in_transaction)
    from psycopg.pq import TransactionStatus  # noqa: PLC0415 - only with PostgreSQL

    return dbapi_connection.info.transaction_status == TransactionStatus.INTRANS


@contextmanager
def _statements(engine: Engine) -> Iterator[list[tuple[str, bool]]]:
    """Each statement run, by its first word (both words of SQLite's ``BEGIN IMMEDIATE``),
    and whether a transaction was open after it."""
    seen: list[tuple[str, bool]] = []

    def after(_conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        words = statement.upper().split(None, 2)
        head = " ".join(words[:2]) if words[:2] == ["BEGIN", "IMMEDIATE"] else words[0]
        seen.append((head, _in_transaction(cursor.connection)))

    with listening(engine, "after_cursor_execute", after):
        yield seen


def test_commands_that_only_read_change_nothing_and_take_no_transaction_or_lock(
        board: Chat) -> None:
    board("/action add KY to write to DfE", as_="RE")
    engine = board.uow.engine
    for line in READING:
        with _statements(engine) as seen:
            reply = board(line, as_="KY")
        assert reply.tone is not Tone.ERROR, (line, reply)
        assert not [s for s, _ in seen if s in WRITES], (line, seen)
        if engine.dialect.name == "postgresql":
            assert not any(open_ for _, open_ in seen), (line, seen)
        else:  # one deferred transaction, one snapshot: BEGIN and COMMIT cost SQLite nothing
            assert all(open_ for s, open_ in seen if s == "SELECT"), (line, seen)
            assert [s for s, _ in seen if s.startswith("BEGIN")] == ["BEGIN"], (line, seen)


def test_every_change_is_made_inside_one_transaction(board: Chat) -> None:
    board("/action add KY to write to DfE", as_="RE")
    engine = board.uow.engine
    for line in WRITING:
        with _statements(engine) as seen:
            reply = board(line, as_="RE")
        assert reply.tone is Tone.SUCCESS, (line, reply)
        writes = [open_ for s, open_ in seen if s in WRITES]
        assert writes and all(writes), (line, seen)
        if engine.dialect.name == "sqlite":  # the lock is taken before the write, not upgraded
            first_write = next(i for i, (s, _) in enumerate(seen) if s in WRITES)
            begins = [s for s, _ in seen[:first_write] if s.startswith("BEGIN")]
            assert begins[-1:] == ["BEGIN IMMEDIATE"], (line, seen)


def test_every_command_that_runs_without_a_transaction_is_tried_above() -> None:
    tried = {type(parse(*split_line(line), today=date(2027, 1, 11))) for line in READING}
    assert tried == READS_ONLY


@pytest.mark.parametrize("line", ["/action list", "/action show 99", "/action close 99"])
def test_no_connection_goes_back_to_the_pool_in_autocommit(board: Chat, line: str) -> None:
    engine = board.uow.engine
    board(line, as_="KY")  # the last two fail: no action 99
    pooled = [engine.raw_connection() for _ in range(engine.pool.checkedin())]
    try:
        assert pooled
        if engine.dialect.name == "postgresql":
            assert not any(p.driver_connection.autocommit for p in pooled)
    finally:
        for p in pooled:
            p.close()
    with _statements(engine) as seen:
        assert board("/action add KY to write to DfE", as_="RE").tone is Tone.SUCCESS
    assert all(open_ for s, open_ in seen if s in WRITES), seen
