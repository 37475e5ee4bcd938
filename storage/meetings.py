"""Queries about a board's meetings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, bindparam, select
from sqlalchemy.orm import Session

from storage.action_rows import MEETINGS, MeetingRef
from storage.models import Meeting
from storage.uow import Db

# A board's meetings that are not cancelled. "by next meeting", reminders and the digest ask
# for the next and last all day: those are built once (building the statement took twice as
# long as running it). On the table's columns, so that a command's "by next meeting" reads a
# plain row (``_NEXT_REF``) while the scheduler's queries load entities.
_IS_SCHEDULED = (MEETINGS.c.board_id == bindparam("board_id"), MEETINGS.c.cancelled.is_(False))
_FROM_NOW: ColumnElement[bool] = MEETINGS.c.starts_at >= bindparam("now",
                                                                    type_=Meeting.starts_at.type)
_SCHEDULED = select(Meeting).where(*_IS_SCHEDULED)
_NEXT = _SCHEDULED.where(_FROM_NOW).order_by(Meeting.starts_at).limit(1)
_NEXT_REF = (select(MEETINGS.c.id, MEETINGS.c.starts_at).where(*_IS_SCHEDULED, _FROM_NOW)
             .order_by(MEETINGS.c.starts_at).limit(1))
_LAST = (_SCHEDULED.where(Meeting.starts_at < bindparam("now", type_=Meeting.starts_at.type))
         .order_by(Meeting.starts_at.desc()).limit(1))


def next_meeting(session: Session, board_id: int, now: datetime) -> Meeting | None:
    return session.scalar(_NEXT, {"board_id": board_id, "now": now})


def next_meeting_ref(db: Db, board_id: int, now: datetime) -> MeetingRef | None:
    """The next meeting's id and time: what "by next meeting" needs, without an entity."""
    row = db.execute(_NEXT_REF, {"board_id": board_id, "now": now}).first()
    return MeetingRef(id=row.id, starts_at=row.starts_at) if row is not None else None


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
