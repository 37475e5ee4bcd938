"""Fan-out: a morning of reminders through the real scheduler to a Slack that enforces its
per-channel rate, counting what arrived against what was owed.

The scheduler runs as a subprocess (``tests.bench.scheduler_loop``) so that it can be killed
with SIGKILL half-way and restarted, as a crashed clock process would be. A claim that the
killed process never confirmed is held for the ledger's claim timeout (10 minutes) before it
is taken over; the restarted loop ticks once a simulated minute, so it gets there, and then
reads the fake's history to find which of those messages had already arrived. The fake's
clock starts at the simulated morning, so that its messages and the claims share a timeline.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from bot.slack.blocks import render
from handlers import reminders
from storage.db import make_engine
from storage.models import Send
from storage.uow import UnitOfWork
from tests.bench.data import Shape, build
from tests.bench.rate_limited_slack import RateLimitedSlack

ROOT = Path(__file__).resolve().parents[2]
RUN_TIMEOUT = 900


@dataclass
class FanoutRun:
    owed: int
    channels: int
    received: int
    duplicated: int
    lost: int
    refused: int
    first_to_last: float
    ideal: float
    wall: float
    killed_at: int | None = None
    held_by_kill: int = 0

    @property
    def allowed_rate(self) -> float:
        return self.owed / self.ideal if self.ideal else float("inf")

    @property
    def achieved_rate(self) -> float:
        return self.received / self.first_to_last if self.first_to_last else float("inf")

    @property
    def share(self) -> float:
        return self.ideal / self.first_to_last if self.first_to_last else 1.0


def owed_messages(uow: UnitOfWork, morning: datetime) -> Counter[tuple[str, str]]:
    """(Slack channel, fallback text) of every message due at ``morning``, rendered as the
    notifier renders it."""
    owed: Counter[tuple[str, str]] = Counter()
    with uow.transaction() as session:
        for message in reminders.due(session, morning).outgoing:
            reminders.compose(session, message, morning)
            text, _ = render(message.reply)
            for address in message.addresses:
                if address.platform == "slack":
                    owed[(address.target, text)] += 1
    return owed


def _scheduler(db_url: str, slack_url: str, start: datetime, log: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "tests.bench.scheduler_loop", "--db", db_url,
             "--slack-url", slack_url, "--start", start.isoformat()],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def _wait(proc: subprocess.Popen, log: Path) -> None:
    try:
        code = proc.wait(timeout=RUN_TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise RuntimeError(f"the scheduler did not finish in {RUN_TIMEOUT} s; see {log}") from None
    if code != 0:
        raise RuntimeError(f"the scheduler exited {code}:\n{log.read_text()[-3000:]}")


def run(shape: Shape, morning: datetime, db_url: str, *, rate: float = 1.0, burst: int = 2,
        round_trip: float = 0.0, kill_halfway: bool = False, workdir: Path) -> FanoutRun:
    """Load ``shape`` (it should be ``all_due``) into the empty database at ``db_url``, send
    the morning's reminders, and count. The scheduler's log goes to ``workdir``."""
    engine = make_engine(db_url)
    build(engine, shape, morning=morning)
    uow = UnitOfWork(engine)
    owed = owed_messages(uow, morning)
    per_channel = Counter(channel for channel, _ in owed.elements())
    fake = RateLimitedSlack(rate=rate, burst=burst, round_trip=round_trip,
                            epoch=morning.timestamp()).start()
    log = workdir / "scheduler.log"
    killed_at, held = None, 0
    try:
        began = time.monotonic()
        proc = _scheduler(db_url, fake.url, morning, log)
        if kill_halfway:
            half = sum(owed.values()) // 2
            while fake.count() < half and proc.poll() is None:
                time.sleep(0.005)
            killed_at = fake.count()
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            with uow.transaction() as session:
                held = session.scalar(select(func.count()).select_from(Send)
                                      .where(Send.status == "claimed")) or 0
            proc = _scheduler(db_url, fake.url, morning + timedelta(minutes=1), log)
        _wait(proc, log)
        wall = time.monotonic() - began
    finally:
        fake.stop()
        engine.dispose()
    got = Counter((p.channel, p.text) for p in fake.posted)
    arrivals = [p.at for p in fake.posted]
    return FanoutRun(
        owed=sum(owed.values()), channels=len(per_channel), received=len(fake.posted),
        duplicated=sum(max(0, n - owed[k]) for k, n in got.items()),
        lost=sum(max(0, n - got[k]) for k, n in owed.items()),
        refused=fake.refused,
        first_to_last=(max(arrivals) - min(arrivals)) if arrivals else 0.0,
        ideal=fake.ideal_seconds(per_channel), wall=wall, killed_at=killed_at,
        held_by_kill=held)
