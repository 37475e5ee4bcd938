"""Driving ``bot.scheduler.tick`` at fixed moments and reading what a recording notifier got."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import select

from bot.notify import Delivery
from bot.scheduler import TickResult, tick
from storage.models import Send
from storage.uow import UnitOfWork
from tests.bot.recording_notifier import RecordingNotifier
from tests.moments import (  # noqa: F401 - the scheduler tests import them from here
    BOARD,
    DIGEST_DAY,
    FIVE_DAYS_BEFORE,
    MEETING_STARTS,
    MINUTE,
    ONE_DAY_BEFORE,
    ok,
    utc,
)

HOURLY = tuple(range(24))


class Seen(NamedTuple):
    """A message and the tick that delivered it."""

    at: datetime
    kind: str
    recipient: str
    actions: tuple[int, ...]
    text: str


@dataclass
class Clock:
    """The scheduler of the fixture board's database, delivering to a recording notifier."""

    uow: UnitOfWork
    notifier: RecordingNotifier = field(default_factory=RecordingNotifier)

    def tick(self, now: datetime, *, dry_run: bool = False) -> TickResult:
        return tick(self.uow, Delivery({"console": self.notifier}), now=now, dry_run=dry_run,
                    worker="test-scheduler")

    def run(self, start: datetime, end: datetime, *,
            hours: Iterable[int] = (7, 8, 9, 10, 20)) -> list[Seen]:
        """Tick at the given UTC hours of every day from ``start`` to ``end`` (inclusive)."""
        seen: list[Seen] = []
        day = start.replace(hour=0, minute=0)
        while day <= end:
            for hour in sorted(hours):
                now = day.replace(hour=hour)
                if start <= now <= end:
                    seen.extend(self.tick_and_collect(now))
            day += timedelta(days=1)
        return seen

    def tick_and_collect(self, now: datetime) -> list[Seen]:
        before = len(self.notifier.messages)
        self.tick(now)
        return [Seen(now, m.kind, m.recipient, m.actions, m.text)
                for m in self.notifier.messages[before:]]

    def ledger(self) -> list[tuple[str, str, str]]:
        """(kind, recipient, status) of every row of the send ledger."""
        with self.uow.transaction() as session:
            rows = session.execute(select(Send.kind, Send.recipient, Send.status)
                                   .order_by(Send.id)).all()
        return [(row.kind, row.recipient, row.status) for row in rows]


def when(seen: list[Seen], *kinds: str) -> list[tuple[datetime, str, str]]:
    """(tick, kind, recipient) of the messages of those kinds (all kinds if none given);
    the order of messages within one tick is not part of the contract, so it is sorted."""
    return sorted((s.at, s.kind, s.recipient) for s in seen if not kinds or s.kind in kinds)
