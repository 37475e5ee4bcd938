"""Who and where a command runs: the board and the person typing, as immutable rows.

Every command reads its board and its author before anything else, and most never change
either. Loading them as ORM entities cost more than the statement itself (identity map,
instrumented attributes), so commands read these rows with Core, as they read ``ActionRow``s
(``storage.action_rows``). The few commands that change a board or a member (settings,
``/board member``) load the entity by id (``Scope.board_entity``, ``Session.get_one``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, and_, bindparam

from storage.models import Board, Member, MemberIdentity

BOARDS = Board.__table__
MEMBERS = Member.__table__
IDENTITIES = MemberIdentity.__table__
# The member whose linked chat account is (platform, workspace, user_id): "who is typing".
IS_ACCOUNT = and_(IDENTITIES.c.member_id == MEMBERS.c.id,
                  IDENTITIES.c.platform == bindparam("platform"),
                  IDENTITIES.c.workspace == bindparam("workspace"),
                  IDENTITIES.c.user_id == bindparam("user_id"))
BOARD_COLUMNS = (BOARDS.c.id, BOARDS.c.name, BOARDS.c.timezone, BOARDS.c.last_action_number,
                 BOARDS.c.settings)
MEMBER_COLUMNS = (MEMBERS.c.id, MEMBERS.c.board_id, MEMBERS.c.name, MEMBERS.c.initials,
                  MEMBERS.c.initials_key, MEMBERS.c.role, MEMBERS.c.active)


@dataclass(frozen=True, slots=True)
class BoardRow:
    """A board as it stood when the command began; ``last_action_number`` only for hints."""

    id: int
    name: str
    timezone: str
    last_action_number: int
    settings: dict[str, Any]


@dataclass(frozen=True, slots=True)
class MemberRow:
    id: int
    board_id: int
    name: str
    initials: str
    initials_key: str
    role: str
    active: bool


def board_row(row: Row[Any] | tuple[Any, ...], start: int = 0) -> BoardRow:
    """The ``BoardRow`` in ``row`` from position ``start`` (``BOARD_COLUMNS`` in order)."""
    id_, name, timezone, last, settings = row[start:start + len(BOARD_COLUMNS)]
    return BoardRow(id=id_, name=name, timezone=timezone, last_action_number=last,
                    settings=settings or {})


def member_row(row: Row[Any] | tuple[Any, ...], start: int = 0) -> MemberRow | None:
    """The ``MemberRow`` in ``row`` from position ``start``; None where an outer join found
    nobody."""
    values = row[start:start + len(MEMBER_COLUMNS)]
    if values[0] is None:
        return None
    id_, board_id, name, initials, initials_key, role, active = values
    return MemberRow(id=id_, board_id=board_id, name=name, initials=initials,
                     initials_key=initials_key, role=role, active=bool(active))
