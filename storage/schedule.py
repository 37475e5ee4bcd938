"""Cross-board queries for the scheduler: only what can be due, never whole logs."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, joinedload, selectinload

from storage.models import Action, ActionOwner, ChannelBinding, Meeting, Member, Status

REMINDED = (Status.OPEN.value, Status.ONGOING.value)
# Reminders and chases go to owners' chat accounts: load those with the actions.
_OWNERS_ACCOUNTS = (selectinload(Action.owners).joinedload(ActionOwner.member)
                    .selectinload(Member.identities))


def meetings_starting(session: Session, start: datetime, end: datetime) -> list[Meeting]:
    return list(session.scalars(
        select(Meeting)
        .where(Meeting.cancelled.is_(False), Meeting.starts_at > start, Meeting.starts_at < end)
        .order_by(Meeting.board_id, Meeting.starts_at)
    ))


def overdue_candidates(session: Session, before: date) -> list[Action]:
    """Open or ongoing actions due before ``before`` (callers refine with each board's today),
    with the chat accounts of their owners."""
    return list(session.scalars(
        select(Action)
        .where(Action.status.in_(REMINDED), Action.due_on.is_not(None), Action.due_on < before)
        .order_by(Action.board_id, Action.number)
        .options(_OWNERS_ACCOUNTS)
    ))


def reminded_actions(session: Session, board_ids: Collection[int]) -> dict[int, list[Action]]:
    """Open and ongoing actions of each board, newest first, with the chat accounts of their
    owners: what owner reminders list, for all boards in one query."""
    found: dict[int, list[Action]] = {}
    if board_ids:
        for action in session.scalars(
            select(Action)
            .where(Action.board_id.in_(list(board_ids)), Action.status.in_(REMINDED))
            .order_by(Action.board_id, Action.number.desc())
            .options(_OWNERS_ACCOUNTS)
        ):
            found.setdefault(action.board_id, []).append(action)
    return found


# Asked once for every reminder and chase that goes out: built once, owners joined in (one
# round trip, not two).
_REMINDED_NUMBERED = (
    select(Action)
    .options(joinedload(Action.owners))
    .where(Action.board_id == bindparam("board_id"),
           Action.number.in_(bindparam("numbers", expanding=True)),
           Action.status.in_(REMINDED))
    .order_by(Action.number.desc())
)


def reminded_actions_numbered(
    session: Session, board_id: int, numbers: Collection[int]
) -> list[Action]:
    """Those of ``numbers`` that are still open or ongoing, newest first: what one reminder
    or chase lists as it goes out."""
    if not numbers:
        return []
    return list(session.scalars(_REMINDED_NUMBERED, {"board_id": board_id,
                                                     "numbers": list(numbers)}).unique())


def members_by_id(session: Session, ids: set[int]) -> dict[int, Member]:
    if not ids:
        return {}
    return {m.id: m for m in session.scalars(select(Member).where(Member.id.in_(ids)))}


def channels_by_board(session: Session, ids: set[int]) -> dict[int, list[ChannelBinding]]:
    found: dict[int, list[ChannelBinding]] = {}
    if ids:
        for binding in session.scalars(
            select(ChannelBinding).where(ChannelBinding.board_id.in_(ids))
        ):
            found.setdefault(binding.board_id, []).append(binding)
    return found
