"""Queries about boards and the channels bound to them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, bindparam, join, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from storage.models import Board, ChannelBinding, Member, MemberIdentity

# Built once: on SQLite building a statement costs more than running it (about 0.2 ms
# against 0.08 ms; tests/bench measures the command path).
_BOARD_OF_CHANNEL = (
    select(Board)
    .join(ChannelBinding, ChannelBinding.board_id == Board.id)
    .where(
        ChannelBinding.platform == bindparam("platform"),
        ChannelBinding.workspace == bindparam("workspace"),
        ChannelBinding.channel == bindparam("channel"),
    )
)


def name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def board_for_channel(
    session: Session, platform: str, workspace: str, channel: str
) -> Board | None:
    return session.scalar(_BOARD_OF_CHANNEL, {"platform": platform, "workspace": workspace,
                                              "channel": channel})


# The channel's board and, if the person typing is one of its active members, that member:
# every command typed in a channel asks both, so one statement answers them.
_ACCOUNT = join(Member, MemberIdentity, and_(
    MemberIdentity.member_id == Member.id,
    MemberIdentity.platform == bindparam("platform"),
    MemberIdentity.workspace == bindparam("workspace"),
    MemberIdentity.user_id == bindparam("user_id"),
))
_BOARD_AND_MEMBER = (
    _BOARD_OF_CHANNEL.add_columns(Member)
    .outerjoin(_ACCOUNT, and_(Member.board_id == Board.id, Member.active.is_(True)))
    .limit(1)
)


def board_and_member_for_channel(
    session: Session, platform: str, workspace: str, channel: str, user_id: str
) -> tuple[Board | None, Member | None]:
    row = session.execute(_BOARD_AND_MEMBER, {"platform": platform, "workspace": workspace,
                                              "channel": channel, "user_id": user_id}).first()
    return (row[0], row[1]) if row is not None else (None, None)


def board_by_name(session: Session, name: str) -> Board | None:
    return session.scalar(select(Board).where(Board.name_key == name_key(name)))


def create_board(session: Session, name: str, *, now: datetime, timezone: str) -> Board:
    board = Board(
        name=" ".join(name.split()),
        name_key=name_key(name),
        timezone=timezone,
        last_action_number=0,
        settings={},
        created_at=now,
    )
    session.add(board)
    session.flush()
    return board


def bind_channel(
    session: Session, board: Board, platform: str, workspace: str, channel: str, *, now: datetime
) -> None:
    """Point a channel at a board, replacing whatever it pointed at before."""
    binding = session.scalar(
        select(ChannelBinding).where(
            ChannelBinding.platform == platform,
            ChannelBinding.workspace == workspace,
            ChannelBinding.channel == channel,
        )
    )
    if binding is None:
        session.add(
            ChannelBinding(
                board_id=board.id,
                platform=platform,
                workspace=workspace,
                channel=channel,
                created_at=now,
            )
        )
    else:
        binding.board_id = board.id
    session.flush()


_CHANNELS_OF = select(ChannelBinding).where(ChannelBinding.board_id == bindparam("board_id"))


def channels_of(session: Session, board: Board) -> list[ChannelBinding]:
    return list(session.scalars(_CHANNELS_OF, {"board_id": board.id}))


# Built once, on the table rather than the entity: the ORM's bulk-update machinery would cost
# more than the statement, and the one attribute it changes is set from RETURNING below.
_BOARDS = Board.__table__
_NEXT_NUMBER = (
    update(_BOARDS)
    .where(_BOARDS.c.id == bindparam("board_id"))
    .values(last_action_number=_BOARDS.c.last_action_number + 1)
    .returning(_BOARDS.c.last_action_number)
)


def allocate_action_number(session: Session, board: Board) -> int:
    """The board's next action number, race-safe across processes.

    The UPDATE takes the board row's write lock until the transaction ends, so concurrent
    adders queue and get consecutive numbers; a rolled-back add gives its number back.
    """
    number = session.execute(_NEXT_NUMBER, {"board_id": board.id}).scalar_one()
    set_committed_value(board, "last_action_number", number)
    return number


def boards_by_id(session: Session, ids: set[int]) -> dict[int, Board]:
    if not ids:
        return {}
    return {b.id: b for b in session.scalars(select(Board).where(Board.id.in_(ids)))}


def lock_board(session: Session, board_id: int) -> None:
    """Hold the board row until the transaction ends: one import (or add) at a time."""
    session.scalar(select(Board.id).where(Board.id == board_id).with_for_update())


def raise_action_counter(session: Session, board: Board, highest: int) -> None:
    """After an import: new numbers continue after the highest number the log holds."""
    session.execute(
        update(Board)
        .where(Board.id == board.id, Board.last_action_number < highest)
        .values(last_action_number=highest)
    )
    session.refresh(board)


def board_with_calendar_token(session: Session, token: str) -> Board | None:
    """The board whose meetings calendar has this secret token (boards are few; logs are not)."""
    if not token:
        return None
    for board_id, settings in session.execute(select(Board.id, Board.settings)):
        if (settings or {}).get("calendar_token") == token:
            return session.get(Board, board_id)
    return None
