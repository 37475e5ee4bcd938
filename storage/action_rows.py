"""What a command reads about an action: an immutable row, not an ORM entity.

Commands read one action or a page of them and answer with cards; none needs the session to
track the objects. Building ORM entities (identity map, instrumented attributes, relationship
loaders) was most of a command's time, so the hot commands read plain rows with Core, and
say what to change with explicit statements (``storage.actions``). The scheduler, imports and
exports still use the ORM's ``Action``: cards and permission checks accept either, through
``ShownAction``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from sqlalchemy import Select, select

from storage.models import Action, ActionOwner, Meeting

ACTIONS = Action.__table__
OWNERS = ActionOwner.__table__
MEETINGS = Meeting.__table__


class ShownOwner(Protocol):
    @property
    def member_id(self) -> int | None: ...
    @property
    def label(self) -> str: ...
    @property
    def label_key(self) -> str: ...


class MeetingTime(Protocol):
    @property
    def starts_at(self) -> datetime: ...


class ShownAction(Protocol):
    """What cards, replies and permission checks read: an ``ActionRow`` or an ORM ``Action``."""

    @property
    def id(self) -> int: ...
    @property
    def board_id(self) -> int: ...
    @property
    def number(self) -> int: ...
    @property
    def copy(self) -> int: ...
    @property
    def text(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def status_note(self) -> str | None: ...
    @property
    def issued_on(self) -> date: ...
    @property
    def issued_precision(self) -> str: ...
    @property
    def due_on(self) -> date | None: ...
    @property
    def deferred_meeting_id(self) -> int | None: ...
    @property
    def deferred_label(self) -> str | None: ...
    @property
    def deferred_meeting(self) -> MeetingTime | None: ...
    @property
    def owners(self) -> Sequence[ShownOwner]: ...


@dataclass(frozen=True, slots=True)
class OwnerRow:
    member_id: int | None
    label: str
    label_key: str


@dataclass(frozen=True, slots=True)
class MeetingRef:
    """The meeting a deferred action is an item for: enough to say its date."""

    id: int
    starts_at: datetime


@dataclass(frozen=True, slots=True)
class ActionRow:
    """One action as it stood when read (or as a command just wrote it)."""

    id: int
    board_id: int
    number: int
    copy: int
    text: str
    status: str
    status_note: str | None
    issued_on: date
    issued_precision: str
    due_on: date | None
    deferred_meeting_id: int | None
    deferred_label: str | None
    deferred_meeting: MeetingRef | None
    owners: tuple[OwnerRow, ...]


# The action's columns, its deferred meeting's start and one owner per result row: an
# action with three owners comes back as three rows, which ``action_rows`` folds together.
_COLUMNS = (ACTIONS.c.id, ACTIONS.c.board_id, ACTIONS.c.number, ACTIONS.c.copy, ACTIONS.c.text,
            ACTIONS.c.status, ACTIONS.c.status_note, ACTIONS.c.issued_on,
            ACTIONS.c.issued_precision, ACTIONS.c.due_on, ACTIONS.c.deferred_meeting_id,
            ACTIONS.c.deferred_label, MEETINGS.c.starts_at, OWNERS.c.member_id, OWNERS.c.label,
            OWNERS.c.label_key)


def with_owners(actions: Any = ACTIONS) -> Select[Any]:
    """SELECT the row columns from ``actions`` (the table, or a join that starts with it),
    with meeting and owners joined in; callers add WHERE and ORDER BY (owners by position)."""
    joined = (actions
              .outerjoin(MEETINGS, MEETINGS.c.id == ACTIONS.c.deferred_meeting_id)
              .outerjoin(OWNERS, OWNERS.c.action_id == ACTIONS.c.id))
    return select(*_COLUMNS).select_from(joined)


def action_rows(result: Iterable[Sequence[Any]]) -> list[ActionRow]:
    """Fold the joined result (one row per owner) into actions, in the order they came."""
    found: dict[int, tuple[Sequence[Any], list[OwnerRow]]] = {}
    for row in result:
        entry = found.get(row[0])
        if entry is None:
            entry = found[row[0]] = (row, [])
        if row[14] is not None:
            entry[1].append(OwnerRow(member_id=row[13], label=row[14], label_key=row[15]))
    return [_action(row, owners) for row, owners in found.values()]


def _action(row: Sequence[Any], owners: list[OwnerRow]) -> ActionRow:
    (id_, board_id, number, copy, text, status, status_note, issued_on, issued_precision,
     due_on, meeting_id, deferred_label, starts_at) = row[:13]
    meeting = MeetingRef(meeting_id, starts_at) if starts_at is not None else None
    return ActionRow(id=id_, board_id=board_id, number=number, copy=copy, text=text,
                     status=status, status_note=status_note, issued_on=issued_on,
                     issued_precision=issued_precision, due_on=due_on,
                     deferred_meeting_id=meeting_id, deferred_label=deferred_label,
                     deferred_meeting=meeting, owners=tuple(owners))
