"""Queries about actions: one by number, or a page of them. Nothing loads a whole log."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from sqlalchemy import Select, bindparam, func, or_, select
from sqlalchemy.orm import Session, joinedload

from storage.models import OUTSTANDING, Action, ActionOwner, Status

PAGE_SIZE = 25

# Most commands name an action by number: built once (building costs more than running it),
# owners joined in, so the action and its owners come back in one round trip.
_NUMBERED = (select(Action)
             .options(joinedload(Action.owners))
             .where(Action.board_id == bindparam("board_id"), Action.number == bindparam("number"))
             .order_by(Action.copy))
_NUMBERED_FOR_UPDATE = _NUMBERED.with_for_update(of=Action)


@dataclass(frozen=True)
class OwnerSpec:
    """What to store as one owner: a member, or a label kept verbatim ("All", "KY")."""

    label: str
    member_id: int | None = None


def actions_numbered(
    session: Session, board_id: int, number: int, *, for_update: bool = False
) -> list[Action]:
    """The action(s) with that number. ``for_update`` locks them until the transaction ends,
    so two simultaneous clicks on "Done" close an action once, not twice."""
    query = _NUMBERED_FOR_UPDATE if for_update else _NUMBERED
    return list(session.scalars(query, {"board_id": board_id, "number": number}).unique())


def create_action(
    session: Session,
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
) -> Action:
    action = Action(
        board_id=board_id,
        number=number,
        copy=copy,
        text=text,
        status=status.value,
        issued_on=issued_on,
        issued_precision=issued_precision,
        due_on=due_on,
        imported=imported,
        created_at=now,
        updated_at=now,
    )
    set_owners(action, owners)
    session.add(action)
    session.flush()
    return action


def set_owners(action: Action, owners: Iterable[OwnerSpec]) -> None:
    action.owners = [
        ActionOwner(position=i, member_id=o.member_id, label=o.label, label_key=o.label.upper())
        for i, o in enumerate(owners)
    ]


@dataclass(frozen=True)
class _Shape:
    """Which filters a page query has; their values travel as bound parameters."""

    statuses: tuple[str, ...] | None
    by_member: bool
    by_label: bool
    everyone: bool
    by_due: bool


@lru_cache(maxsize=64)
def _queries(shape: _Shape) -> tuple[Select[tuple[Action]], Select[tuple[int]]]:
    """(page, count) for one shape, built once: lists and digests run these all day, and
    building a statement costs more than running it."""
    query = select(Action).where(Action.board_id == bindparam("board_id"))
    if shape.statuses is not None:
        query = query.where(Action.status.in_(shape.statuses))
    if shape.by_member or shape.by_label:
        conditions = []
        if shape.by_member:
            conditions.append(ActionOwner.member_id == bindparam("member_id"))
        if shape.by_label:
            conditions.append(ActionOwner.label_key == bindparam("label"))
        if shape.everyone:
            conditions.append(ActionOwner.label_key == "ALL")
        owned = select(ActionOwner.action_id).where(or_(*conditions))
        query = query.where(Action.id.in_(owned))
    if shape.by_due:
        query = query.where(Action.due_on.is_not(None), Action.due_on < bindparam("due_before"))
    page = (query.order_by(Action.number.desc(), Action.copy.desc())
            .offset(bindparam("offset")).limit(bindparam("limit")))
    return page, select(func.count()).select_from(query.subquery())


def page_of_actions(
    session: Session,
    board_id: int,
    *,
    page: int,
    page_size: int = PAGE_SIZE,
    statuses: Sequence[str] | None,
    owner_member_id: int | None = None,
    owner_label: str | None = None,
    include_everyone: bool = False,
    due_before: date | None = None,
) -> tuple[list[Action], int]:
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
    rows = list(session.scalars(page_query, params))
    if len(rows) < page_size and (rows or page == 1):
        return rows, offset + len(rows)
    return rows, session.scalar(count_query, params) or 0


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
