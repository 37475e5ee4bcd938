"""Engines: which driver a URL gets, the SQLite settings in force, and UTC timestamps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.pool import NullPool

from storage.boards import create_board
from storage.db import make_engine, normalise_url
from storage.migrate import upgrade
from storage.models import Board
from storage.uow import UnitOfWork


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("postgres://u:p@db.example:5432/log", "postgresql+psycopg://u:p@db.example:5432/log"),
        ("postgresql://u:p@db.example/log", "postgresql+psycopg://u:p@db.example/log"),
        ("postgresql+psycopg://u@h/log", "postgresql+psycopg://u@h/log"),
        ("sqlite:///actionbot.db", "sqlite:///actionbot.db"),
        ("sqlite:////var/lib/actionbot/log.db", "sqlite:////var/lib/actionbot/log.db"),
        ("sqlite://", "sqlite://"),
    ],
)
def test_normalise_url(raw: str, expected: str) -> None:
    assert normalise_url(raw) == expected


@pytest.mark.parametrize("scheme", ["postgres", "postgresql"])
def test_postgres_urls_get_psycopg_3(scheme: str) -> None:
    engine = make_engine(f"{scheme}://u:p@db.example:5432/log")
    try:
        assert engine.dialect.name == "postgresql"
        assert engine.dialect.driver == "psycopg"
    finally:
        engine.dispose()


def test_sqlite_url_gets_sqlite(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'log.db'}")
    try:
        assert engine.dialect.name == "sqlite"
    finally:
        engine.dispose()


def _pragma(engine: Engine, name: str) -> object:
    with engine.connect() as conn:
        return conn.execute(text(f"PRAGMA {name}")).scalar()


def test_sqlite_file_pragmas_in_force_on_every_new_connection(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'log.db'}"
    # NullPool: every connect() below is a brand-new SQLite connection.
    engines = [make_engine(url, poolclass=NullPool) for _ in range(2)]
    try:
        for engine in engines:
            for _ in range(2):
                assert str(_pragma(engine, "journal_mode")).lower() == "wal"
                assert _pragma(engine, "synchronous") == 2  # FULL; 0 would be OFF
                assert _pragma(engine, "foreign_keys") == 1
                assert int(str(_pragma(engine, "busy_timeout"))) > 0
    finally:
        for engine in engines:
            engine.dispose()


def test_sqlite_in_memory_is_never_unsynchronised() -> None:
    engine = make_engine("sqlite://")
    try:
        assert _pragma(engine, "synchronous") == 2
        assert _pragma(engine, "foreign_keys") == 1
    finally:
        engine.dispose()


def test_sqlite_foreign_keys_are_enforced(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'log.db'}")
    try:
        upgrade(engine)
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO channel_bindings (board_id, platform, workspace, channel, "
                "created_at) VALUES (999, 'console', 'local', 'console', '2027-01-01 00:00')"
            ))
    finally:
        engine.dispose()


LONDON_SUMMER = datetime(2027, 7, 1, 10, 30, tzinfo=ZoneInfo("Europe/London"))  # BST, UTC+1


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2027, 1, 11, 10, 0, tzinfo=UTC),
        LONDON_SUMMER,
        datetime(2027, 3, 28, 23, 45, 12, 123456, tzinfo=timezone(timedelta(hours=-5))),
    ],
    ids=["utc", "london-bst", "minus-5"],
)
def test_timestamps_round_trip_as_aware_utc(engine: Engine, moment: datetime) -> None:
    uow = UnitOfWork(engine)
    with uow.transaction() as session:
        board_id = create_board(session, "Round Trip Board", now=moment, timezone="UTC").id
    with uow.transaction() as session:
        stored = session.scalars(select(Board.created_at).where(Board.id == board_id)).one()
    assert stored == moment
    assert stored.tzinfo is UTC
    assert stored.utcoffset() == timedelta(0)


def test_timestamps_are_stored_as_utc_wall_time(engine: Engine) -> None:
    uow = UnitOfWork(engine)
    with uow.transaction() as session:
        board_id = create_board(session, "Wall Time Board", now=LONDON_SUMMER, timezone="UTC").id
    with engine.connect() as conn:
        raw = conn.execute(
            text("SELECT created_at FROM boards WHERE id = :id"), {"id": board_id}
        ).scalar_one()
    if isinstance(raw, str):  # SQLite keeps ISO text
        raw = datetime.fromisoformat(raw)
    assert raw == datetime(2027, 7, 1, 9, 30)


@pytest.mark.parametrize("engine", ["postgres"], indirect=True)
def test_postgres_session_timezone_does_not_shift_timestamps(engine: Engine) -> None:
    uow = UnitOfWork(engine)
    with uow.transaction() as session:
        session.execute(text("SET LOCAL TIME ZONE 'Pacific/Auckland'"))
        board_id = create_board(session, "Auckland Board", now=LONDON_SUMMER, timezone="UTC").id
    with uow.transaction() as session:
        session.execute(text("SET LOCAL TIME ZONE 'America/Los_Angeles'"))
        stored = session.scalars(select(Board.created_at).where(Board.id == board_id)).one()
    assert stored == LONDON_SUMMER
    assert stored.tzinfo is UTC


def test_naive_timestamps_are_refused(engine: Engine) -> None:
    uow = UnitOfWork(engine)
    with pytest.raises(StatementError, match="naive datetime"), uow.transaction() as session:
        create_board(session, "Naive Board", now=datetime(2027, 1, 11, 10, 0), timezone="UTC")
    with uow.transaction() as session:
        assert session.scalars(select(Board)).all() == []
