"""The clock: every minute, ask ``handlers.reminders`` what is due and send it, exactly once.

One periodic tick defined in code (not one persisted job per reminder): the database and the
send ledger are the only state, so several processes can run this safely and code can move.
"""

from __future__ import annotations

import logging
import os
import socket
from dataclasses import dataclass, field
from datetime import UTC, datetime

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
    delivered_platforms,
    mark_failed,
    mark_sent,
    record_skipped,
)
from storage.uow import UnitOfWork

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
         dry_run: bool = False, worker: str | None = None) -> TickResult:
    """One pass: claim, send and confirm everything due at ``now``.

    With ``dry_run`` nothing is claimed, sent or recorded: the result lists what would go.
    """
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
    for message in plan.outgoing:
        message.units = [u for u in message.units if claim(uow, u, worker=worker, now=now)]
        if not message.units:
            continue
        keys = [u.key for u in message.units]
        try:
            with uow.transaction() as session:
                reminders.compose(session, message, now)
                platforms = {c.platform for c in channels_of(session, message.board)}
            delivery.deliver(message, platforms, delivered_platforms(uow, keys))
        except Exception as err:  # noqa: BLE001 - recorded; the ledger retries it later
            log.warning("could not send %s to %s on %s: %s", message.kind, message.recipient,
                        message.board.name, err)
            mark_failed(uow, keys, now=now, error=str(err),
                        delivered=getattr(err, "delivered", ()))
            result.failed.append((message, str(err)))
            continue
        mark_sent(uow, keys, now=now)
        result.sent.append(message)
    return result


def _leader_tick(uow: UnitOfWork, delivery: Delivery, leadership: Leadership) -> None:
    try:
        if leadership.acquire():
            tick(uow, delivery)
    except Exception:  # noqa: BLE001 - one bad tick must not stop the clock
        log.exception("scheduler tick failed")


def _add_tick_job(scheduler: BaseScheduler, uow: UnitOfWork, delivery: Delivery,
                  leadership: Leadership, interval: int) -> None:
    scheduler.add_job(_leader_tick, "interval", args=(uow, delivery, leadership),
                      seconds=interval, max_instances=1, coalesce=True,
                      next_run_time=datetime.now(UTC))


def run_forever(uow: UnitOfWork, delivery: Delivery, *, interval: int = TICK_SECONDS) -> None:
    """Tick every ``interval`` seconds while this process is the elected leader."""
    leadership = Leadership(uow.engine)
    scheduler = BlockingScheduler(timezone=UTC)
    _add_tick_job(scheduler, uow, delivery, leadership, interval)
    try:
        scheduler.start()
    finally:
        leadership.release()


def start_in_background(uow: UnitOfWork, delivery: Delivery, *,
                        interval: int = TICK_SECONDS) -> BackgroundScheduler:
    """The same clock on a thread, for ``actionbot serve``; stop it with ``.shutdown()``."""
    scheduler = BackgroundScheduler(timezone=UTC)
    _add_tick_job(scheduler, uow, delivery, Leadership(uow.engine), interval)
    scheduler.start()
    return scheduler
