"""Queries and changes of actions: one by number, or a page of them. Nothing loads a whole log.

Commands read ``ActionRow``s and change an action with one explicit statement each
(``storage.action_rows`` says why); the scheduler's and the digest's queries still return
ORM entities.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    Integer,
    Select,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from storage.action_rows import (
    ACTIONS,
    OWNERS,
    ActionRow,
    MeetingRef,
    OwnerRow,
    action_rows,
    with_owners,
)
from storage.models import OUTSTANDING, Action, ActionOwner, Status
from storage.uow import Db

PAGE_SIZE = 25

# Built once (building a statement costs more than running it). The owners come back joined
# in, so an action and its owners take one round trip.
_NUMBERED = (with_owners()
             .where(ACTIONS.c.board_id == bindparam("board_id"),
                    ACTIONS.c.number == bindparam("number"))
             .order_by(ACTIONS.c.copy, OWNERS.c.position))
_NUMBERED_FOR_UPDATE = _NUMBERED.with_for_update(of=ACTIONS)
_INSERT_ACTION = insert(ACTIONS).returning(ACTIONS.c.id)
_INSERT_OWNERS = insert(OWNERS)
_DROP_OWNERS = delete(OWNERS).where(OWNERS.c.action_id == bindparam("action_id"))
_BY_ID = ACTIONS.c.id == bindparam("action_id")
_NOW = bindparam("now", type_=ACTIONS.c.updated_at.type)
_SET_STATUS = update(ACTIONS).where(_BY_ID).values(
    status=bindparam("new_status"), deferred_meeting_id=bindparam("meeting_id"),
    deferred_label=None, updated_at=_NOW,
    status_note=func.coalesce(bindparam("note", type_=ACTIONS.c.status_note.type),
                              ACTIONS.c.status_note))
_SET_DUE = update(ACTIONS).where(_BY_ID).values(
    due_on=bindparam("due", type_=ACTIONS.c.due_on.type), updated_at=_NOW)
_TOUCH = update(ACTIONS).where(_BY_ID).values(updated_at=_NOW)


@dataclass(frozen=True)
class OwnerSpec:
    """What to store as one owner: a member, or a label kept verbatim ("All", "KY")."""

    label: str
    member_id: int | None = None


def actions_numbered(
    db: Db, board_id: int, number: int, *, for_update: bool = False
) -> list[ActionRow]:
    """The action(s) with that number. ``for_update`` locks them until the transaction ends,
    so two simultaneous clicks on "Done" close an action once, not twice."""
    query = _NUMBERED_FOR_UPDATE if for_update else _NUMBERED
    return action_rows(db.execute(query, {"board_id": board_id, "number": number}))


def create_action(
    db: Db,
    *,
    board_id: int,
    number: int,
    text: str,
    status: Status,
    issued_on: date,
    due_on: date | None,
    owners: Iterable[OwnerSpec],
    now: datetime,
    copy: int = 0,
    issued_precision: str = "day",
    imported: bool = False,
    status_note: str | None = None,
    deferred_label: str | None = None,
    deferred_meeting_id: int | None = None,
) -> ActionRow:
    """Insert the action and its owners: two statements, whatever the number of owners."""
    values = {"board_id": board_id, "number": number, "copy": copy, "text": text,
              "status": status.value, "status_note": status_note, "issued_on": issued_on,
              "issued_precision": issued_precision, "due_on": due_on,
              "deferred_meeting_id": deferred_meeting_id, "deferred_label": deferred_label,
              "imported": imported, "created_at": now, "updated_at": now}
    action_id = db.execute(_INSERT_ACTION, values).scalar_one()
    kept = _insert_owners(db, action_id, owners)
    return ActionRow(id=action_id, board_id=board_id, number=number, copy=copy, text=text,
                     status=status.value, status_note=status_note, issued_on=issued_on,
                     issued_precision=issued_precision, due_on=due_on,
                     deferred_meeting_id=deferred_meeting_id, deferred_label=deferred_label,
                     deferred_meeting=None, owners=kept)


def _insert_owners(db: Db, action_id: int,
                   owners: Iterable[OwnerSpec]) -> tuple[OwnerRow, ...]:
    kept = tuple(OwnerRow(member_id=o.member_id, label=o.label, label_key=o.label.upper())
                 for o in owners)
    if kept:
        db.execute(_INSERT_OWNERS, [
            {"action_id": action_id, "position": i, "member_id": o.member_id, "label": o.label,
             "label_key": o.label_key} for i, o in enumerate(kept)])
    return kept


def change_status(db: Db, action: ActionRow, status: Status, *, now: datetime,
                  note: str | None = None, meeting: MeetingRef | None = None) -> ActionRow:
    """Move an action to ``status``. Any deferral is replaced: by ``meeting`` when deferring,
    else cleared; a note, when given, replaces the last one."""
    db.execute(_SET_STATUS, {"action_id": action.id, "new_status": status.value,
                             "meeting_id": meeting.id if meeting else None,
                             "note": note or None, "now": now})
    return replace(action, status=status.value, deferred_label=None, deferred_meeting=meeting,
                   deferred_meeting_id=meeting.id if meeting else None,
                   status_note=note or action.status_note)


def change_due(db: Db, action: ActionRow, due: date | None, *,
               now: datetime) -> ActionRow:
    db.execute(_SET_DUE, {"action_id": action.id, "due": due, "now": now})
    return replace(action, due_on=due)


def replace_owners(db: Db, action: ActionRow, owners: Iterable[OwnerSpec], *,
                   now: datetime) -> ActionRow:
    db.execute(_DROP_OWNERS, {"action_id": action.id})
    kept = _insert_owners(db, action.id, owners)
    db.execute(_TOUCH, {"action_id": action.id, "now": now})
    return replace(action, owners=kept)


# Statuses a log holds few of (the rest are closed or withdrawn).
_FEW = {*(s.value for s in OUTSTANDING), Status.DECISION.value}


class _sorted_not_walked(FunctionElement[int]):  # noqa: N801 - SQL functions are lower case
    """A column as a sort key SQLite cannot read from an index (``number + 0``), so that it
    sorts the few matching rows instead of walking the log in index order.

    Only SQLite gets the ``+ 0``. PostgreSQL chooses well without it, and with it never
    settles on a generic plan for the prepared statement: it planned the list query afresh on
    every run (0.3 to 0.45 ms, more than running it).
    """

    type = Integer()
    inherit_cache = True


@compiles(_sorted_not_walked)
def _plain(element: _sorted_not_walked, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.clauses, **kw)


@compiles(_sorted_not_walked, "sqlite")
def _plus_zero(element: _sorted_not_walked, compiler: SQLCompiler, **kw: Any) -> str:
    return f"{compiler.process(element.clauses, **kw)} + 0"


@dataclass(frozen=True)
class _Shape:
    """Which filters a page query has; their values travel as bound parameters."""

    statuses: tuple[str, ...] | None
    by_member: bool
    by_label: bool
    everyone: bool
    by_due: bool


@lru_cache(maxsize=64)
def _queries(shape: _Shape) -> tuple[Select[Any], Select[tuple[int]]]:
    """(page, count) for one shape, built once: lists and digests run these all day, and
    building a statement costs more than running it."""
    matching = select(ACTIONS.c.id).where(ACTIONS.c.board_id == bindparam("board_id"))
    if shape.statuses is not None:
        matching = matching.where(ACTIONS.c.status.in_(shape.statuses))
    if shape.by_member or shape.by_label:
        conditions = []
        if shape.by_member:
            conditions.append(OWNERS.c.member_id == bindparam("member_id"))
        if shape.by_label:
            conditions.append(OWNERS.c.label_key == bindparam("label"))
        if shape.everyone:
            conditions.append(OWNERS.c.label_key == "ALL")
        owned = select(OWNERS.c.action_id).where(or_(*conditions))
        matching = matching.where(ACTIONS.c.id.in_(owned))
    if shape.by_due:
        matching = matching.where(ACTIONS.c.due_on.is_not(None),
                                  ACTIONS.c.due_on < bindparam("due_before"))
    newest_first = (ACTIONS.c.number.desc(), ACTIONS.c.copy.desc())
    # Left to itself SQLite walks the whole log newest first through the (board, number)
    # index, filtering as it goes, rather than sort a few rows: 0.32 ms a page at 1,000
    # actions a board. Where the statuses asked for are few (open ones, decisions), ordering
    # by an expression steers it to the (board, status, number) index and a small sort
    # instead (0.05 ms). Closed actions are most of a log: walking suits them.
    if shape.statuses is not None and set(shape.statuses) <= _FEW:
        page_order = (_sorted_not_walked(ACTIONS.c.number).desc(), ACTIONS.c.copy.desc())
    else:
        page_order = newest_first
    page_ids = (matching.order_by(*page_order)
                .offset(bindparam("offset")).limit(bindparam("limit")).subquery())
    page = (with_owners(page_ids.join(ACTIONS, ACTIONS.c.id == page_ids.c.id))
            .order_by(*newest_first, OWNERS.c.position))
    return page, select(func.count()).select_from(matching.subquery())


def page_of_actions(
    db: Db,
    board_id: int,
    *,
    page: int,
    page_size: int = PAGE_SIZE,
    statuses: Sequence[str] | None,
    owner_member_id: int | None = None,
    owner_label: str | None = None,
    include_everyone: bool = False,
    due_before: date | None = None,
) -> tuple[list[ActionRow], int]:
    """One page, newest number first, and the total that matched (counted only when the
    page does not show where the matches end)."""
    shape = _Shape(statuses=tuple(statuses) if statuses is not None else None,
                   by_member=owner_member_id is not None, by_label=owner_label is not None,
                   everyone=include_everyone and (owner_member_id is not None
                                                  or owner_label is not None),
                   by_due=due_before is not None)
    page_query, count_query = _queries(shape)
    offset = (page - 1) * page_size
    params = {"board_id": board_id, "member_id": owner_member_id,
              "label": owner_label.upper() if owner_label is not None else None,
              "due_before": due_before, "offset": offset, "limit": page_size}
    rows = action_rows(db.execute(page_query, params))
    if len(rows) < page_size and (rows or page == 1):
        return rows, offset + len(rows)
    return rows, db.scalar(count_query, params) or 0


def outstanding_statuses() -> list[str]:
    return [s.value for s in OUTSTANDING]


def changed_since(
    session: Session, board_id: int, statuses: Sequence[str], since: datetime, limit: int
) -> list[Action]:
    return list(
        session.scalars(
            select(Action)
            .where(
                Action.board_id == board_id,
                Action.status.in_(list(statuses)),
                Action.updated_at >= since,
            )
            .order_by(Action.number.desc())
            .limit(limit)
        )
    )


def deferred_to(session: Session, board_id: int, meeting_id: int) -> list[Action]:
    return list(
        session.scalars(
            select(Action)
            .where(
                Action.board_id == board_id,
                Action.status == Status.DEFERRED.value,
                Action.deferred_meeting_id == meeting_id,
            )
            .order_by(Action.number.desc())
        )
    )


def outstanding_for_members(
    session: Session, members: Sequence[tuple[int, int]], *, limit: int
) -> list[Action]:
    """Open actions owned by any of (board id, member id), or by "All" on those boards;
    those with the earliest due dates first, undated ones last."""
    if not members:
        return []
    member_ids = [m for _, m in members]
    board_ids = [b for b, _ in members]
    owned = select(ActionOwner.action_id).where(
        or_(ActionOwner.member_id.in_(member_ids), ActionOwner.label_key == "ALL")
    )
    return list(session.scalars(
        select(Action)
        .where(Action.board_id.in_(board_ids), Action.status.in_(outstanding_statuses()),
               Action.id.in_(owned))
        .order_by(Action.due_on.is_(None), Action.due_on, Action.number.desc())
        .limit(limit)
    ))


def whole_log(session: Session, board_id: int) -> Iterable[Action]:
    """Every entry, newest number first, repeats of a number in the order they were read.

    Only for exports and backups, which print the whole log by definition; streamed."""
    return session.scalars(
        select(Action)
        .where(Action.board_id == board_id)
        .order_by(Action.number.desc(), Action.copy)
        .execution_options(yield_per=500)
    )


def log_fingerprints(session: Session, board_id: int) -> list[tuple[int, int, str, str]]:
    """(number, copy, text, status) of every entry: what an import compares against."""
    return [
        (n, c, t, s)
        for n, c, t, s in session.execute(
            select(Action.number, Action.copy, Action.text, Action.status)
            .where(Action.board_id == board_id)
        )
    ]
