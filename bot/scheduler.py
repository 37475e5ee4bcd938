"""The clock: every minute, ask ``handlers.reminders`` what is due and send it, exactly once.

One periodic tick defined in code (not one persisted job per reminder): the database and the
send ledger are the only state, so several processes can run this safely and code can move.
Within a tick, messages go out ``Delivery.senders`` at a time; each is claimed, sent and
confirmed on its own, so a crash or a failure costs at most the messages in flight.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Literal

from apscheduler.events import (
    EVENT_JOB_MISSED,
    EVENT_JOB_SUBMITTED,
    EVENT_SCHEDULER_SHUTDOWN,
    JobEvent,
)
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from bot.leader import Leadership
from bot.notify import Delivery
from handlers import reminders
from storage.boards import channels_of
from storage.sends import (
    Unit,
    claim,
    mark_failed,
    mark_sent,
    record_skipped,
)
from storage.uow import UnitOfWork

if TYPE_CHECKING:
    from bot.metrics import Metrics

log = logging.getLogger(__name__)
TICK_SECONDS = 60


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass
class TickResult:
    sent: list[reminders.Outgoing] = field(default_factory=list)
    failed: list[tuple[reminders.Outgoing, str]] = field(default_factory=list)
    missed: list[Unit] = field(default_factory=list)


def tick(uow: UnitOfWork, delivery: Delivery, *, now: datetime | None = None,
         dry_run: bool = False, worker: str | None = None,
         metrics: Metrics | None = None) -> TickResult:
    """One pass: claim, send and confirm everything due at ``now``; ``metrics`` counts the
    sends and times the tick (a dry run is not counted).

    With ``dry_run`` nothing is claimed, sent or recorded: the result lists what would go.
    """
    if metrics is None or dry_run:
        return _tick(uow, delivery, now, dry_run, worker, metrics)
    done = metrics.tick_timer()
    try:
        return _tick(uow, delivery, now, dry_run, worker, metrics)
    finally:
        done()


def _tick(uow: UnitOfWork, delivery: Delivery, now: datetime | None, dry_run: bool,
          worker: str | None, metrics: Metrics | None) -> TickResult:
    now = now or datetime.now(UTC)
    worker = worker or worker_name()
    result = TickResult()
    with uow.transaction() as session:
        plan = reminders.due(session, now)
        if dry_run:
            for message in plan.outgoing:
                reminders.compose(session, message, now)
            result.sent, result.missed = plan.outgoing, plan.missed
            return result
    for unit in plan.missed:
        if record_skipped(uow, unit, now=now, reason="missed beyond the grace period"):
            log.warning("skipped %s %s for %s (slot %s)", unit.kind, unit.key, unit.recipient,
                        unit.slot_at.isoformat())
            result.missed.append(unit)
            if metrics is not None:
                metrics.sent(unit.kind, "skipped")
    outcomes = _send_all(plan.outgoing, lambda m: _send(uow, delivery, m, now, worker),
                         delivery.senders)
    for message, (status, error) in zip(plan.outgoing, outcomes, strict=True):
        if metrics is not None:
            metrics.sent(message.kind, status)
        if status == "sent":
            result.sent.append(message)
        elif status == "failed":
            result.failed.append((message, error))
    return result


Outcome = tuple[Literal["sent", "failed", "held"], str]


def _send_all(messages: list[reminders.Outgoing],
              send: Callable[[reminders.Outgoing], Outcome], senders: int) -> list[Outcome]:
    """Outcomes in plan order. Several at a time when allowed: each send is mostly waiting on
    the platform, and the plan already spaces out messages to the same person."""
    if senders <= 1 or len(messages) <= 1:
        return [send(m) for m in messages]
    with ThreadPoolExecutor(max_workers=min(senders, len(messages)),
                            thread_name_prefix="actionbot-send") as pool:
        return list(pool.map(send, messages))


def _send(uow: UnitOfWork, delivery: Delivery, message: reminders.Outgoing, now: datetime,
          worker: str) -> Outcome:
    """Claim, compose, deliver, confirm one message. "held" means every unit of it was
    already settled or is being sent by another worker.

    When a claim is taken over from a sender that died unconfirmed, or retries a failed
    attempt, the message carries since when (``resumed_since``), so that a notifier able to
    look can avoid a second copy.
    """
    claims = [c for u in message.units if (c := claim(uow, u, worker=worker, now=now))]
    if not claims:
        return "held", ""
    message.units = [c.unit for c in claims]
    message.resumed_since = min((c.resumed_since for c in claims if c.resumed_since),
                                default=None)
    keys = [u.key for u in message.units]
    # Platforms an earlier, failed attempt did reach: every unit of the message got them.
    already = frozenset.intersection(*(c.delivered for c in claims))
    try:
        with uow.transaction() as session:
            reminders.compose(session, message, now)
            platforms = {c.platform for c in channels_of(session, message.board)}
        delivery.deliver(message, platforms, already)
    except Exception as err:  # noqa: BLE001 - recorded; the ledger retries it later
        log.warning("could not send %s to %s on %s: %s", message.kind, message.recipient,
                    message.board.name, err)
        mark_failed(uow, keys, now=now, error=str(err), delivered=getattr(err, "delivered", ()))
        return "failed", str(err)
    mark_sent(uow, keys, now=now)
    return "sent", ""


def _leader_tick(uow: UnitOfWork, delivery: Delivery, leadership: Leadership,
                 metrics: Metrics | None = None) -> None:
    try:
        if leadership.acquire():
            tick(uow, delivery, metrics=metrics)
    except Exception:  # noqa: BLE001 - one bad tick must not stop the clock
        log.exception("scheduler tick failed")


def _add_tick_job(scheduler: BaseScheduler, uow: UnitOfWork, delivery: Delivery,
                  leadership: Leadership, interval: int, metrics: Metrics | None) -> None:
    scheduler.add_job(_leader_tick, "interval", args=(uow, delivery, leadership, metrics),
                      seconds=interval, max_instances=1, coalesce=True,
                      next_run_time=datetime.now(UTC))
    if metrics is not None:
        scheduler.add_listener(lambda event: _tick_timing(event, metrics),
                               EVENT_JOB_SUBMITTED | EVENT_JOB_MISSED)


def _tick_timing(event: JobEvent, metrics: Metrics) -> None:
    """Lag: from the time a tick was due to when it was handed to a thread to run. A tick
    later than APScheduler's grace time is not run at all; it is counted as missed."""
    if event.code == EVENT_JOB_MISSED:
        metrics.ticks_missed.inc()
    elif scheduled := getattr(event, "scheduled_run_times", None):
        metrics.tick_started(max(scheduled))


def run_forever(uow: UnitOfWork, delivery: Delivery, *, interval: int = TICK_SECONDS,
                metrics: Metrics | None = None) -> None:
    """Tick every ``interval`` seconds while this process is the elected leader."""
    leadership = Leadership(uow.engine)
    scheduler = BlockingScheduler(timezone=UTC)
    _add_tick_job(scheduler, uow, delivery, leadership, interval, metrics)
    try:
        scheduler.start()
    finally:
        leadership.release()


def start_in_background(uow: UnitOfWork, delivery: Delivery, *,
                        interval: int = TICK_SECONDS,
                        metrics: Metrics | None = None) -> BackgroundScheduler:
    """The same clock on a thread, for ``actionbot serve``; stop it with ``.shutdown()``,
    which gives up leadership as ``run_forever`` does when it ends."""
    scheduler = BackgroundScheduler(timezone=UTC)
    leadership = Leadership(uow.engine)
    _add_tick_job(scheduler, uow, delivery, leadership, interval, metrics)
    scheduler.add_listener(lambda _: leadership.release(), EVENT_SCHEDULER_SHUTDOWN)
    scheduler.start()
    return scheduler
