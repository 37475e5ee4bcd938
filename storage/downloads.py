"""Files kept for a few minutes under a one-time secret (table ``export_downloads``).

Two uses: an exported log waiting behind a download link, and a log someone sent to import,
waiting for their Import button. The secret is handed out once and only its SHA-256 is
stored; taking a file deletes its row in the caller's transaction, so it is served (or
imported) once even when two requests race: the second one's delete finds nothing. Expired
rows are deleted whenever a file is kept or taken, so nothing outlives its expiry for long
and no sweeper is needed.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from storage.models import ExportDownload

EXPORT = "export"
IMPORT = "import"
TOKEN_BYTES = 32


@dataclass(frozen=True)
class HeldFile:
    """A taken file, detached from the session (its row is already deleted)."""

    filename: str
    mime: str
    content: bytes
    board_id: int | None
    requested_by: str | None


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def purge_expired(session: Session, now: datetime) -> int:
    """Delete every file whose time is up; how many went."""
    result = session.execute(delete(ExportDownload).where(ExportDownload.expires_at <= now))
    return int(getattr(result, "rowcount", 0) or 0)


def keep(session: Session, *, purpose: str, filename: str, mime: str, content: bytes,
         now: datetime, ttl: timedelta, board_id: int | None = None,
         requested_by: str | None = None) -> str:
    """Store a file and return its secret (URL-safe, 256 random bits). The secret is not
    stored: whoever gets it is the only one who can take the file."""
    purge_expired(session, now)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    session.add(ExportDownload(token_hash=_hash(token), purpose=purpose, board_id=board_id,
                               requested_by=requested_by, filename=filename[:255],
                               mime=mime[:100], content=content, created_at=now,
                               expires_at=now + ttl))
    session.flush()
    return token


def _live(session: Session, token: str, purpose: str, now: datetime) -> ExportDownload | None:
    if not token or len(token) > 100:
        return None
    return session.scalar(select(ExportDownload).where(
        ExportDownload.token_hash == _hash(token),
        ExportDownload.purpose == purpose,
        ExportDownload.expires_at > now,
    ))


def is_waiting(session: Session, token: str, *, purpose: str, now: datetime) -> bool:
    """Would ``take`` hand this file out now? Takes nothing (for HTTP HEAD)."""
    return _live(session, token, purpose, now) is not None


def take(session: Session, token: str, *, purpose: str, now: datetime) -> HeldFile | None:
    """The file kept under ``token`` for ``purpose``, removed so nobody gets it again; None if
    unknown, expired, already taken, or kept for the other purpose."""
    purge_expired(session, now)
    row = _live(session, token, purpose, now)
    if row is None:
        return None
    held = HeldFile(filename=row.filename, mime=row.mime, content=row.content,
                    board_id=row.board_id, requested_by=row.requested_by)
    gone = session.execute(delete(ExportDownload).where(ExportDownload.id == row.id))
    if getattr(gone, "rowcount", 0) != 1:
        return None
    return held
