"""Engines for SQLite (the default, a file beside you) and PostgreSQL (``DATABASE_URL``)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, exc
from sqlalchemy.engine import make_url
from sqlalchemy.pool import StaticPool

DEFAULT_URL = "sqlite:///actionbot.db"
SQLITE_BUSY_TIMEOUT_SECONDS = 30
# A pooled server connection unused for longer than this is pinged before a command gets it.
IDLE_BEFORE_PING_SECONDS = 1.0
_reading_only: ContextVar[bool] = ContextVar("reading_only", default=False)
_AUTOCOMMIT_SET = "actionbot_autocommit"


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


def make_engine(raw_url: str, *, connections: int | None = None, **kwargs: Any) -> Engine:
    """Build an engine whose transactions are safe for several processes at once.

    SQLite runs in WAL mode with ``synchronous=FULL`` and every transaction starts with
    ``BEGIN IMMEDIATE`` (but those begun under ``read_only``), so two writers queue on the
    busy timeout instead of failing with "database is locked" half-way through a command.

    ``connections`` (``ACTIONBOT_DB_POOL`` for ``serve``) is the most the engine opens at
    once, all kept for reuse; without it, SQLAlchemy's 5 kept and 10 more at a pinch, enough
    for the console and one-off commands. An in-memory SQLite database is one connection.
    """
    url = make_url(normalise_url(raw_url))
    in_memory = url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")
    if connections is not None and not in_memory:
        kwargs.update(pool_size=connections, max_overflow=0)
    if url.get_backend_name() != "sqlite":
        idle = kwargs.pop("idle_before_ping", IDLE_BEFORE_PING_SECONDS)
        engine = create_engine(url, **kwargs)
        _ping_after_idle(engine, idle)
        event.listen(engine, "reset", _transactions_again)
        return engine

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


def reads_outside_transactions(engine: Engine) -> bool:
    """Whether a command should read before it begins a transaction (``storage.uow``).

    On PostgreSQL, yes: BEGIN and COMMIT are round trips to the server, two of the four a
    ``/action list`` made. On SQLite, no: they cost nothing, while statements outside a
    transaction each take their own snapshot, which made show, list and close slower
    (0.6 → 0.7, 0.9 → 1.2 and 1.2 → 1.5 ms measured). There the reads run in a deferred
    transaction, which takes no write lock.
    """
    return not is_sqlite(engine)


def set_autocommit(connection: Connection, on: bool) -> None:
    """PostgreSQL only: let each statement commit by itself, or go back to transactions.
    Only between transactions.

    Set on the driver, not through SQLAlchemy's isolation level, which cost 40 µs a switch;
    the pool's reset listener turns it off again whatever happens to the command.
    """
    pooled = connection.connection
    pooled.driver_connection.autocommit = on
    pooled.info[_AUTOCOMMIT_SET] = on


def _transactions_again(dbapi_connection: Any, record: Any, _reset_state: Any) -> None:
    """No connection goes back to the pool left in autocommit by ``set_autocommit``."""
    if record.info.pop(_AUTOCOMMIT_SET, False):
        dbapi_connection.autocommit = False


def _ping_after_idle(engine: Engine, idle_seconds: float) -> None:
    """Check a pooled server connection before use, but only if it has sat unused.

    ``pool_pre_ping`` would check every checkout: one more round trip on every command (0.1
    to 0.2 ms, about a tenth of a command on PostgreSQL). A connection that lay idle, as all do
    after a quiet spell or a database restart, is still checked and quietly replaced if dead.
    One that was in use within ``idle_seconds`` is trusted: if the server restarted in that
    moment, its command fails with "database not answering, nothing was changed" (nothing is
    half-written), and SQLAlchemy then replaces every pooled connection from before the failure.
    """

    def _used(_dbapi_connection: Any, record: Any) -> None:
        record.info["last_used"] = time.monotonic()

    # A new connection needs no ping either: it was made a moment ago.
    event.listen(engine, "connect", _used)
    event.listen(engine, "checkin", _used)

    @event.listens_for(engine, "checkout")
    def _check(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if time.monotonic() - record.info.get("last_used", 0.0) < idle_seconds:
            return
        try:
            alive = engine.dialect.do_ping(dbapi_connection)
        except Exception as err:  # noqa: BLE001 - any failure means "replace it"
            raise exc.DisconnectionError() from err
        if not alive:
            raise exc.DisconnectionError()


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"
