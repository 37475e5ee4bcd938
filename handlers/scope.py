"""What every board command runs within: one transaction, one board, one person, one moment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from handlers.context import Invocation
from handlers.dates import today_in
from handlers.limits import MEMBER_NAME_MAX, clipped
from storage.board_rows import BoardRow, MemberRow
from storage.history import Actor, record
from storage.models import MANAGER_ROLES, Board
from storage.uow import CommandTransaction


@dataclass
class Scope:
    """``db`` runs Core statements in the command's transaction; ``session`` is an ORM
    session in the same transaction, made on first use by the commands that need entities."""

    tx: CommandTransaction
    board: BoardRow
    invocation: Invocation
    member: MemberRow | None
    now: datetime
    command_text: str

    @property
    def db(self) -> Connection:
        return self.tx.db

    @property
    def session(self) -> Session:
        return self.tx.session

    def board_entity(self) -> Board:
        """The board as an ORM entity, for the commands that change it."""
        return self.session.get_one(Board, self.board.id)

    @property
    def today(self) -> date:
        return today_in(self.board.timezone, self.now)

    @property
    def is_manager(self) -> bool:
        """Chair, vice-chair, secretary, or the operator at the local console."""
        if self.invocation.is_console_operator:
            return True
        return self.member is not None and self.member.role in MANAGER_ROLES

    @property
    def actor(self) -> Actor:
        if self.member is not None:
            return Actor(label=self.member.initials, platform=self.invocation.platform,
                          member_id=self.member.id)
        label = self.invocation.user_name or self.invocation.user_id or "console operator"
        return Actor(label=clipped(label, MEMBER_NAME_MAX), platform=self.invocation.platform)

    def record(self, kind: str, *, action_id: int | None = None, **data: object) -> None:
        record(self.db, board_id=self.board.id, kind=kind, actor=self.actor, at=self.now,
               action_id=action_id, command=self.command_text, **data)
