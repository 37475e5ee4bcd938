"""Tick cost: one scheduler tick over a loaded database, its time and its SQL statements.

The ledger is first brought to where a scheduler that had been running for the last two
weeks would have left it (``prime``), so the measured tick does one ordinary morning's work
and not a fortnight's catch-up. Messages are rendered as Block Kit and dropped: this measures
our side of a tick, not Slack's (the fan-out benchmark measures that).
"""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine

from bot.notify import Delivery
from bot.scheduler import tick
from bot.slack.blocks import render
from handlers import reminders
from handlers.dates import to_utc
from handlers.reminders import Outgoing
from storage.models import Send
from storage.uow import UnitOfWork
from tests.bench.data import OVERDUE_DAYS, TIMEZONE
from tests.listening import listening

PRIME_DAYS = OVERDUE_DAYS + 2


class RenderingNotifier:
    """Renders each message as Slack would get it, then drops it."""

    def __init__(self) -> None:
        self.delivered = 0

    def deliver(self, message: Outgoing) -> None:
        render(message.reply)
        self.delivered += 1


@dataclass
class StatementCounter:
    """SQL statements sent to the database (``before_cursor_execute``), BEGIN included."""

    engine: Engine
    count: int = 0

    def _seen(self, *_: Any) -> None:
        self.count += 1

    @contextmanager
    def counting(self) -> Iterator[StatementCounter]:
        self.count = 0
        with listening(self.engine, "before_cursor_execute", self._seen):
            yield self


def prime(uow: UnitOfWork, morning: datetime, days: int = PRIME_DAYS) -> int:
    """Settle in the ledger what each of the last ``days`` mornings owed, as a running
    scheduler would have: sent if it was due, skipped if it was already missed."""
    settled = 0
    for back in range(days, 0, -1):
        day = morning.date() - timedelta(days=back)
        at = to_utc(datetime(day.year, day.month, day.day, 9), TIMEZONE)
        with uow.transaction() as session:
            plan = reminders.due(session, at)
        rows = [_row(u, at, "sent") for o in plan.outgoing for u in o.units]
        rows += [_row(u, at, "skipped") for u in plan.missed]
        with uow.transaction() as session:
            session.add_all(rows)
        settled += len(rows)
    return settled


def _row(unit: Any, at: datetime, status: str) -> Send:
    return Send(key=unit.key, kind=unit.kind, board_id=unit.board_id, recipient=unit.recipient,
                member_id=unit.member_id, action_id=unit.action_id, meeting_id=unit.meeting_id,
                slot_at=unit.slot_at, status=status, claimed_by="bench-prime", claimed_at=at,
                attempts=1, sent_at=at if status == "sent" else None, detail=unit.detail)


@dataclass
class TickCost:
    seconds: float
    statements: int
    messages: int
    idle_seconds: float
    idle_statements: int
    plan_seconds: float
    plan_statements: int


def measure(uow: UnitOfWork, morning: datetime) -> TickCost:
    """The morning's tick (claims, composes, renders, confirms), then an idle tick a minute
    later (nothing new due: the cost paid every minute of the day), and ``due()`` alone."""
    counter = StatementCounter(uow.engine)
    notifier = RenderingNotifier()
    delivery = Delivery({"slack": notifier, "console": notifier})
    # A full garbage collection over the benchmark's own data (every board loaded, the other
    # database's runs) takes 60-70 ms and lands wherever allocation counts say: collect
    # before each timed tick so neither pays for what came before it.
    gc.collect()
    with counter.counting():
        started = time.perf_counter()
        result = tick(uow, delivery, now=morning, worker="bench")
        seconds = time.perf_counter() - started
        statements = counter.count
    gc.collect()
    with counter.counting():
        started = time.perf_counter()
        tick(uow, delivery, now=morning + timedelta(minutes=1), worker="bench")
        idle_seconds = time.perf_counter() - started
        idle_statements = counter.count
    with counter.counting(), uow.transaction() as session:
        started = time.perf_counter()
        reminders.due(session, morning + timedelta(minutes=2))
        plan_seconds = time.perf_counter() - started
        plan_statements = counter.count
    if result.failed:
        raise RuntimeError(f"tick failed to deliver: {result.failed[0][1]}")
    return TickCost(seconds=seconds, statements=statements, messages=len(result.sent),
                    idle_seconds=idle_seconds, idle_statements=idle_statements,
                    plan_seconds=plan_seconds, plan_statements=plan_statements)
