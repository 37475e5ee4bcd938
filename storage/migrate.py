"""Bring any database up to the current schema, safely when several processes start at once.

PostgreSQL: a session-level advisory lock serialises the upgrade. SQLite: a lock file beside
the database does the same (an in-memory database has only one process by definition).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from filelock import FileLock
from sqlalchemy import Connection, Engine, text

MIGRATIONS = Path(__file__).parent / "migrations"
ADVISORY_LOCK_KEY = 0x4AC7_10B0  # "actionbot" schema lock, any fixed 64-bit number


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


@contextmanager
def _schema_lock(engine: Engine) -> Iterator[None]:
    if engine.dialect.name == "postgresql":
        with engine.connect() as lock_conn:
            lock_conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": ADVISORY_LOCK_KEY})
            lock_conn.commit()
            try:
                yield
            finally:
                lock_conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_LOCK_KEY})
                lock_conn.commit()
    elif engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
        with FileLock(str(engine.url.database) + ".migrate.lock", timeout=120):
            yield
    else:
        yield


def upgrade(engine: Engine) -> tuple[str | None, str | None]:
    """Upgrade to head if needed; return (revision before, revision after)."""
    head = head_revision()
    with engine.connect() as conn:
        before = current_revision(conn)
    if before == head:
        return before, head
    with _schema_lock(engine), engine.begin() as conn:
        before = current_revision(conn)
        if before != head:
            command.upgrade(alembic_config(conn), "head")
    return before, head
