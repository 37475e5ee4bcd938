""""My actions": one person's open actions across every board they sit on, overdue first.

Shown on Slack's App Home (and Teams' personal tab later). Each card carries its board's id,
because the person is not in that board's channel when they press its buttons.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy.orm import Session

from handlers import cards
from handlers.context import Invocation
from handlers.dates import today_in
from handlers.replies import Item, Reply
from storage.actions import outstanding_for_members
from storage.boards import boards_by_id
from storage.members import memberships
from storage.uow import UnitOfWork

HOME_LIMIT = 40


def my_actions(uow: UnitOfWork, inv: Invocation, now: datetime) -> Reply:
    with uow.transaction() as session:
        return _my_actions(session, inv, now)


def _my_actions(session: Session, inv: Invocation, now: datetime) -> Reply:
    members = memberships(session, inv.platform, inv.workspace, inv.user_id or "")
    if not members:
        return Reply(title="My actions", lines=(
            "You are not a member of any board yet. A board's secretary can add you with "
            "/board member add @you AB Your Name",))
    boards = boards_by_id(session, {m.board_id for m in members})
    rows = outstanding_for_members(session, [(m.board_id, m.id) for m in members],
                                   limit=HOME_LIMIT)
    overdue: list[Item] = []
    rest: list[Item] = []
    for action in rows:
        board = boards[action.board_id]
        today = today_in(board.timezone, now)
        item = cards.action_item(action, board.timezone, today)
        item = replace(item, title=f"{item.title} · {board.name}")
        (overdue if cards.is_overdue(action, today) else rest).append(item)
    if not rows:
        lines = ("No open actions. Well done.",)
    else:
        lines = (f"{len(overdue)} overdue" if overdue else "Nothing overdue",)
    return Reply(title="My actions", lines=lines, items=tuple(overdue + rest))
