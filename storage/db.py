"""Engines for SQLite (the default, a file beside you) and PostgreSQL (``DATABASE_URL``)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.pool import StaticPool

DEFAULT_URL = "sqlite:///actionbot.db"
SQLITE_BUSY_TIMEOUT_SECONDS = 30
_reading_only: ContextVar[bool] = ContextVar("reading_only", default=False)


@contextmanager
def read_only() -> Iterator[None]:
    """A transaction that begins inside this block only reads, to its end.

    On SQLite it begins with a plain BEGIN, taking no write lock: a long read (the scheduler
    planning a tick) then holds up no command that writes. Nothing may write in it.
    """
    token = _reading_only.set(True)
    try:
        yield
    finally:
        _reading_only.reset(token)


def normalise_url(raw: str) -> str:
    """Accept Heroku-style ``postgres://`` and plain ``postgresql://`` and use psycopg 3."""
    if raw.startswith("postgres://"):
        raw = "postgresql://" + raw[len("postgres://") :]
    if raw.startswith("postgresql://"):
        raw = "postgresql+psycopg://" + raw[len("postgresql://") :]
    return raw


def make_engine(raw_url: str, **kwargs: Any) -> Engine:
    """Build an engine whose transactions are safe for several processes at once.

    SQLite runs in WAL mode with ``synchronous=FULL`` and every transaction starts with
    ``BEGIN IMMEDIATE`` (but those begun under ``read_only``), so two writers queue on the
    busy timeout instead of failing with "database is locked" half-way through a command.
    """
    url = make_url(normalise_url(raw_url))
    if url.get_backend_name() != "sqlite":
        kwargs.setdefault("pool_pre_ping", True)
        return create_engine(url, **kwargs)

    in_memory = url.database in (None, "", ":memory:")
    connect_args = {"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False}
    if in_memory:
        kwargs.setdefault("poolclass", StaticPool)
    engine = create_engine(url, connect_args=connect_args, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from pysqlite so BEGIN IMMEDIATE can be issued.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_SECONDS * 1000}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN" if _reading_only.get() else "BEGIN IMMEDIATE")

    return engine


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"
