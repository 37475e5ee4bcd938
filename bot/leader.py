"""Electing the one active scheduler: a PostgreSQL advisory lock, or a lock file for SQLite.

Whoever holds the lock ticks; the others stand by and try again each interval, so a standby
takes over within one interval of the leader dying (its lock dies with its connection or
process).
"""

from __future__ import annotations

import logging

from filelock import FileLock, Timeout
from sqlalchemy import Connection, Engine, text

log = logging.getLogger(__name__)
SCHEDULER_LOCK_KEY = 0x4AC7_5C4E


class Leadership:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._conn: Connection | None = None
        self._file: FileLock | None = None
        database = engine.url.database
        if engine.dialect.name == "sqlite" and database not in (None, "", ":memory:"):
            # Not per thread (filelock's default): ticks run on any of the scheduler's worker
            # threads, and a lock held by one looked free to the next, which then failed to
            # take it from its own process and skipped its tick.
            self._file = FileLock(f"{database}.scheduler.lock", thread_local=False)

    def acquire(self) -> bool:
        """True while this process is the leader (re-checked on every call)."""
        if self.engine.dialect.name == "postgresql":
            return self._acquire_postgres()
        if self._file is None:
            return True
        if self._file.is_locked:
            return True
        try:
            self._file.acquire(timeout=0)
        except Timeout:
            return False
        return True

    def _acquire_postgres(self) -> bool:
        if self._conn is not None:
            try:
                self._conn.execute(text("SELECT 1"))
                return True
            except Exception:  # noqa: BLE001 - the connection died, and the lock with it
                log.warning("lost the scheduler lock's connection; standing for election again")
                self._conn = None
        conn = self.engine.connect()
        won = conn.execute(text("SELECT pg_try_advisory_lock(:k)"),
                           {"k": SCHEDULER_LOCK_KEY}).scalar()
        conn.commit()
        if won:
            self._conn = conn
            return True
        conn.close()
        return False

    def release(self) -> None:
        """Give the lock up now, so a standby takes over at its next try."""
        if self._conn is not None:
            try:
                self._conn.execute(text("SELECT pg_advisory_unlock(:k)"),
                                   {"k": SCHEDULER_LOCK_KEY})
                self._conn.commit()
            finally:
                # Never hand a connection that may still hold the lock back to the pool.
                self._conn.invalidate()
                self._conn.close()
                self._conn = None
        if self._file is not None and self._file.is_locked:
            self._file.release(force=True)
