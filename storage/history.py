"""The history of every change: written in the same transaction as the change itself."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.orm import Session

from storage.models import Event
from storage.uow import Db


@dataclass(frozen=True)
class Actor:
    """Who made a change, as history records it."""

    label: str
    platform: str
    member_id: int | None = None


# Into the table, not the entity: an ORM-enabled INSERT goes through the bulk-persistence
# machinery, which cost as much as the rest of the statement.
_APPEND = insert(Event.__table__)


def record(
    db: Db,
    *,
    board_id: int,
    kind: str,
    actor: Actor,
    at: datetime,
    action_id: int | None = None,
    command: str | None = None,
    **data: Any,
) -> None:
    """Write one event now, in the caller's transaction.

    A plain INSERT rather than an object for the session to flush: history is only ever
    appended, and every command writes it (the flush machinery cost a fifth of a close).
    """
    db.execute(_APPEND, {
        "board_id": board_id, "action_id": action_id, "at": at, "kind": kind,
        "actor_member_id": actor.member_id, "actor_label": actor.label,
        "platform": actor.platform, "command": command, "data": data,
    })


class ShownEvent(Protocol):
    """What ``/action show`` prints of an event: a row, or an ORM ``Event``."""

    @property
    def at(self) -> datetime: ...
    @property
    def kind(self) -> str: ...
    @property
    def actor_label(self) -> str: ...
    @property
    def platform(self) -> str: ...
    @property
    def data(self) -> dict[str, Any]: ...


# /action show reads this every time: built once (building costs more than running it), and
# as rows (nothing changes them; an entity each cost more than the query).
_EVENTS = Event.__table__
_LATEST_OF_ACTION = (select(_EVENTS.c.at, _EVENTS.c.kind, _EVENTS.c.actor_label,
                            _EVENTS.c.platform, _EVENTS.c.data)
                     .where(_EVENTS.c.action_id == bindparam("action_id"))
                     .order_by(_EVENTS.c.at.desc(), _EVENTS.c.id.desc())
                     .limit(bindparam("limit")))
_COUNT_OF_ACTION = (select(func.count()).select_from(_EVENTS)
                    .where(_EVENTS.c.action_id == bindparam("action_id")))


def events_of_action(db: Db, action_id: int, limit: int = 20) -> tuple[list[ShownEvent], int]:
    """The latest events of one action, oldest first, and how many there are in all
    (counted only when there are more than ``limit``)."""
    rows: list[ShownEvent] = list(db.execute(_LATEST_OF_ACTION,
                                             {"action_id": action_id, "limit": limit}))
    total = len(rows)
    if total == limit:
        total = db.scalar(_COUNT_OF_ACTION, {"action_id": action_id}) or 0
    return rows[::-1], total


def last_change_at(session: Session, board_id: int) -> datetime | None:
    return session.scalar(select(func.max(Event.at)).where(Event.board_id == board_id))
