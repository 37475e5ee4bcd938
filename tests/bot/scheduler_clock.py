"""Driving ``bot.scheduler.tick`` at fixed moments and reading what a recording notifier got."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from sqlalchemy import select

from bot.notify import Delivery
from bot.render_text import render
from bot.scheduler import TickResult, tick
from handlers.replies import Reply, Tone
from storage.models import Send
from storage.uow import UnitOfWork
from tests.bot.recording_notifier import RecordingNotifier
from tests.conftest import Chat

# The fixture board meets on Wednesday 3 February 2027 at 10:30 London time. In winter
# 09:00 in London is 09:00 UTC; in summer it is 08:00 UTC.
FIVE_DAYS_BEFORE = datetime(2027, 1, 27, 9, 0, tzinfo=UTC)
DIGEST_DAY = datetime(2027, 2, 1, 9, 0, tzinfo=UTC)
ONE_DAY_BEFORE = datetime(2027, 2, 2, 9, 0, tzinfo=UTC)
MEETING_STARTS = datetime(2027, 2, 3, 10, 30, tzinfo=UTC)
MINUTE = timedelta(minutes=1)
BOARD = "South East Adoption Board"
HOURLY = tuple(range(24))


def utc(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def ok(chat: Chat, line: str, *, as_: str = "RE", now: datetime | None = None) -> Reply:
    reply = chat(line, as_=as_, now=now)
    assert reply.tone is not Tone.ERROR, render(reply)
    return reply


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
