"""Reading what the scheduler owes at a moment (``handlers.reminders.due``) without sending:
the plan, the action numbers each message is about, and the messages as composed."""

from __future__ import annotations

from datetime import datetime

from handlers.reminders import Outgoing, Plan, compose, due
from storage.uow import UnitOfWork
from tests.conftest import Chat
from tests.moments import ok

Owed = dict[tuple[str, str], tuple[int, ...]]


def plan_at(uow: UnitOfWork, now: datetime) -> Plan:
    with uow.transaction() as session:
        return due(session, now)


def owed(plan: Plan) -> Owed:
    """(kind, recipient) → the action numbers each message is about, newest first."""
    return {
        (o.kind, o.recipient): tuple(sorted({n for u in o.units
                                              for n in u.detail.get("actions", [])},
                                             reverse=True))
        for o in plan.outgoing
    }


def slots(plan: Plan) -> set[tuple[str, datetime]]:
    return {(o.kind, o.slot_at) for o in plan.outgoing}


def written(uow: UnitOfWork, plan: Plan, now: datetime) -> dict[tuple[str, str], Outgoing]:
    """Every outgoing message of the plan, composed as the scheduler would at ``now``."""
    with uow.transaction() as session:
        for out in plan.outgoing:
            compose(session, out, now)
    return {(o.kind, o.recipient): o for o in plan.outgoing}


def one_open_action(board: Chat) -> None:
    ok(board, "/action add KY to write to DfE @KY")
