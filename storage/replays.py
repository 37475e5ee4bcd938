"""Signed Slack requests already let in (table ``slack_requests_seen``), so a request sent
again inside Slack's five-minute window is refused, by whichever process it reaches.

Each sighting is one ``INSERT … ON CONFLICT DO NOTHING``: of two processes given the same
request at the same moment exactly one inserts the row, and only it lets the request in.
On PostgreSQL the statement commits by itself (one round trip, no BEGIN or COMMIT); SQLite
runs it in its own short transaction. Rows older than the window are deleted at most once a
minute per process, by the sighting that finds the minute gone: no request pays for more
than one extra statement and no sweeper is needed.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import Engine, bindparam, delete
from sqlalchemy.dialects import postgresql, sqlite

from storage.db import is_sqlite, set_autocommit
from storage.models import SlackRequestSeen

WINDOW = timedelta(minutes=5)
PRUNE_EVERY = timedelta(minutes=1)

_PRUNE = delete(SlackRequestSeen).where(SlackRequestSeen.sent_at < bindparam("before"))


@lru_cache(maxsize=4)
def _sighting_statement(dialect: str) -> Any:
    """INSERT … ON CONFLICT (signature_hash) DO NOTHING RETURNING, built once per dialect
    (a row comes back only if this statement inserted it)."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return (insert(SlackRequestSeen)
            .values(signature_hash=bindparam("key"), sent_at=bindparam("sent_at"))
            .on_conflict_do_nothing(index_elements=[SlackRequestSeen.signature_hash])
            .returning(SlackRequestSeen.signature_hash))


def signature_key(signature: str) -> str:
    """What is stored for a signature: its SHA-256, so the table alone replays nothing."""
    return hashlib.sha256(signature.encode()).hexdigest()


class SeenRequests:
    """The signatures let in during the last ``WINDOW``, shared through the database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._insert = _sighting_statement(engine.dialect.name)
        self._autocommit = not is_sqlite(engine)
        self._prune_after = datetime.min.replace(tzinfo=UTC)

    def first_sighting(self, signature: str, sent_at: datetime, *, now: datetime) -> bool:
        """Record a request's signature; False if it was already recorded."""
        prune = now >= self._prune_after
        if prune:
            self._prune_after = now + PRUNE_EVERY
        with self.engine.connect() as conn:
            if self._autocommit:
                set_autocommit(conn, True)
            else:
                conn.begin()
            if prune:
                conn.execute(_PRUNE, {"before": now - WINDOW})
            inserted = conn.execute(self._insert, {"key": signature_key(signature),
                                                   "sent_at": sent_at}).first() is not None
            if not self._autocommit:
                conn.commit()
        return inserted
