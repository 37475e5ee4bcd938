"""PostgreSQL restarts: a pooled connection that lay idle is checked and replaced before use;
one used a moment ago is trusted, so a restart in that moment fails one command cleanly."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text

from handlers.replies import Tone
from storage.db import make_engine
from storage.uow import UnitOfWork
from tests.conftest import Chat, empty_tables

IDLE = 0.2


@pytest.fixture
def one_connection(postgres_url: str, postgres_engine: Engine) -> Iterator[Engine]:
    """A pool of exactly one connection, so the next command must reuse the one we kill."""
    empty_tables(postgres_engine)
    engine = make_engine(postgres_url, pool_size=1, max_overflow=0, idle_before_ping=IDLE)
    yield engine
    engine.dispose()


def _backend_pid(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())


def _kill(admin: Engine, pid: int) -> None:
    """What a server restart does to every connection: the backend is gone."""
    with admin.connect() as conn:
        assert conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()
        conn.commit()


def test_an_idle_connection_killed_by_a_restart_is_replaced_unnoticed(
        one_connection: Engine, postgres_engine: Engine) -> None:
    before = _backend_pid(one_connection)
    _kill(postgres_engine, before)
    time.sleep(IDLE * 2)
    after = _backend_pid(one_connection)
    assert after != before


def test_a_connection_just_used_is_not_pinged_again(one_connection: Engine) -> None:
    _backend_pid(one_connection)
    pings = []
    original = one_connection.dialect.do_ping
    one_connection.dialect.do_ping = lambda c: pings.append(c) or original(c)  # type: ignore[method-assign]
    try:
        _backend_pid(one_connection)
        time.sleep(IDLE * 2)
        _backend_pid(one_connection)
    finally:
        one_connection.dialect.do_ping = original  # type: ignore[method-assign]
    assert len(pings) == 1


def test_a_restart_right_after_use_fails_one_command_cleanly_then_recovers(
        one_connection: Engine, postgres_engine: Engine) -> None:
    chat = Chat(UnitOfWork(one_connection))
    assert chat("/board setup Restart Board", as_="RE").tone == Tone.SUCCESS
    _kill(postgres_engine, _backend_pid(one_connection))
    failed = chat("/action add RE to write to DfE", as_="RE")
    assert failed.tone == Tone.ERROR
    assert "not answering; nothing was changed" in failed.title
    assert chat("/action add RE to write to DfE", as_="RE").title == "Action 1 added"
