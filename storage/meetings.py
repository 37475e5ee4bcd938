"""Queries about a board's meetings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from storage.models import Meeting

# A board's meetings that are not cancelled. "by next meeting", reminders and the digest ask
# for the next and last all day: those are built once (building the statement took twice as
# long as running it).
_SCHEDULED = select(Meeting).where(Meeting.board_id == bindparam("board_id"),
                                   Meeting.cancelled.is_(False))
_NEXT = (_SCHEDULED.where(Meeting.starts_at >= bindparam("now", type_=Meeting.starts_at.type))
         .order_by(Meeting.starts_at).limit(1))
_LAST = (_SCHEDULED.where(Meeting.starts_at < bindparam("now", type_=Meeting.starts_at.type))
         .order_by(Meeting.starts_at.desc()).limit(1))


def next_meeting(session: Session, board_id: int, now: datetime) -> Meeting | None:
    return session.scalar(_NEXT, {"board_id": board_id, "now": now})


def last_meeting(session: Session, board_id: int, now: datetime) -> Meeting | None:
    return session.scalar(_LAST, {"board_id": board_id, "now": now})


def meetings_between(
    session: Session, board_id: int, start: datetime, end: datetime
) -> list[Meeting]:
    """Scheduled meetings starting in [start, end), earliest first."""
    return list(session.scalars(
        _SCHEDULED.where(Meeting.starts_at >= start, Meeting.starts_at < end)
        .order_by(Meeting.starts_at), {"board_id": board_id}
    ))


def meetings_page(
    session: Session, board_id: int, *, since: datetime, limit: int
) -> list[Meeting]:
    return list(session.scalars(
        _SCHEDULED.where(Meeting.starts_at >= since).order_by(Meeting.starts_at).limit(limit),
        {"board_id": board_id}
    ))


def add_meeting(session: Session, board_id: int, starts_at: datetime, now: datetime) -> Meeting:
    meeting = Meeting(board_id=board_id, starts_at=starts_at, cancelled=False, created_at=now)
    session.add(meeting)
    session.flush()
    return meeting


def all_meetings(session: Session, board_id: int) -> list[Meeting]:
    """Every meeting, cancelled ones too, earliest first (for the calendar feed)."""
    return list(session.scalars(
        select(Meeting).where(Meeting.board_id == board_id).order_by(Meeting.starts_at)
    ))


def first_meeting_id_between(
    session: Session, board_id: int, start: datetime, end: datetime
) -> int | None:
    """The first meeting in [start, end), preferring one that was not cancelled."""
    return session.scalar(
        select(Meeting.id)
        .where(Meeting.board_id == board_id, Meeting.starts_at >= start,
               Meeting.starts_at < end)
        .order_by(Meeting.cancelled, Meeting.starts_at)
        .limit(1)
    )
