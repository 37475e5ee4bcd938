"""Queries about boards and the channels bound to them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, bindparam, join, select, update
from sqlalchemy.orm import Session

from storage.board_rows import (
    BOARD_COLUMNS,
    BOARDS,
    IDENTITIES,
    IS_ACCOUNT,
    MEMBER_COLUMNS,
    MEMBERS,
    BoardRow,
    MemberRow,
    board_row,
    member_row,
)
from storage.models import Board, ChannelBinding
from storage.uow import Db

_CHANNELS = ChannelBinding.__table__
_OF_CHANNEL = (
    _CHANNELS.c.platform == bindparam("platform"),
    _CHANNELS.c.workspace == bindparam("workspace"),
    _CHANNELS.c.channel == bindparam("channel"),
)
# Built once: on SQLite building a statement costs more than running it (about 0.2 ms
# against 0.08 ms; tests/bench measures the command path).
_BOARD_OF_CHANNEL = (select(*BOARD_COLUMNS)
                     .join_from(BOARDS, _CHANNELS, _CHANNELS.c.board_id == BOARDS.c.id)
                     .where(*_OF_CHANNEL))
_BOARD_BY_ID = select(*BOARD_COLUMNS).where(BOARDS.c.id == bindparam("board_id"))
# The channel's board and, if the person typing is one of its active members, that member:
# every command typed in a channel asks both, so one statement answers them.
_BOARD_AND_MEMBER = (
    _BOARD_OF_CHANNEL.add_columns(*MEMBER_COLUMNS)
    .outerjoin(join(MEMBERS, IDENTITIES, IS_ACCOUNT),
               and_(MEMBERS.c.board_id == BOARDS.c.id, MEMBERS.c.active.is_(True)))
    .limit(1)
)


def name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def board_for_channel(db: Db, platform: str, workspace: str, channel: str) -> BoardRow | None:
    row = db.execute(_BOARD_OF_CHANNEL, {"platform": platform, "workspace": workspace,
                                         "channel": channel}).first()
    return board_row(row) if row is not None else None


def board_by_id(db: Db, board_id: int) -> BoardRow | None:
    row = db.execute(_BOARD_BY_ID, {"board_id": board_id}).first()
    return board_row(row) if row is not None else None


def board_and_member_for_channel(
    db: Db, platform: str, workspace: str, channel: str, user_id: str
) -> tuple[BoardRow | None, MemberRow | None]:
    row = db.execute(_BOARD_AND_MEMBER, {"platform": platform, "workspace": workspace,
                                         "channel": channel, "user_id": user_id}).first()
    if row is None:
        return None, None
    return board_row(row), member_row(row, len(BOARD_COLUMNS))


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
# more than the statement.
_NEXT_NUMBER = (
    update(BOARDS)
    .where(BOARDS.c.id == bindparam("board_id"))
    .values(last_action_number=BOARDS.c.last_action_number + 1)
    .returning(BOARDS.c.last_action_number)
)


def allocate_action_number(db: Db, board_id: int) -> int:
    """The board's next action number, race-safe across processes.

    The UPDATE takes the board row's write lock until the transaction ends, so concurrent
    adders queue and get consecutive numbers; a rolled-back add gives its number back.
    """
    return int(db.execute(_NEXT_NUMBER, {"board_id": board_id}).scalar_one())


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
