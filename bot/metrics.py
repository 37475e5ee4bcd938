"""Prometheus metrics for operators (``ACTIONBOT_METRICS=on``): load without a benchmark.

Every label value comes from a fixed set (command verbs, platforms, send kinds, outcomes), so
no board name, user id or typed text can reach a label: that would leak board content to
whoever scrapes, and give Prometheus one series per thing typed. Anything outside a set is
counted as ``other``.

Each process keeps and serves its own figures (no ``prometheus_client`` multiprocess mode:
it needs a shared directory and cleanup of dead processes' files); scrape every process, as
Prometheus does with one target per process, and sum in the query.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import Engine

from handlers.command_events import OUTCOMES, CommandEvent, observe
from handlers.dispatch import OTHER_VERB, VERBS

COMMAND_VERBS = frozenset(VERBS.values()) | {OTHER_VERB, "invalid"}
PLATFORMS = frozenset({"slack", "teams", "console", "email"})
SEND_KINDS = frozenset({"reminder", "digest", "chase", "escalation"})
SEND_OUTCOMES = frozenset({"sent", "failed", "held", "skipped"})
OTHER = "other"
_OUTCOMES = frozenset(OUTCOMES)
# A command takes about 1 ms on SQLite and 3 ms on PostgreSQL alone; the tail under load is
# what operators watch, up to Slack's 3 s acknowledgement limit.
COMMAND_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
TICK_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


def _bounded(value: str, allowed: frozenset[str]) -> str:
    return value if value in allowed else OTHER


class Metrics:
    """One process's metrics, in a registry of its own (several apps in one test process
    never share counts). ``close`` stops observing commands."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.commands = Histogram(
            "actionbot_command_duration_seconds", "Time to answer a command, by verb, "
            "platform and outcome.", ("command", "platform", "outcome"),
            buckets=COMMAND_BUCKETS, registry=self.registry)
        self.sends = Counter(
            "actionbot_sends", "Scheduled messages by kind and outcome (sent, failed, held "
            "by another worker, skipped as too late).", ("kind", "outcome"),
            registry=self.registry)
        self.tick_seconds = Histogram(
            "actionbot_scheduler_tick_duration_seconds", "Time one scheduler tick took.",
            buckets=TICK_BUCKETS, registry=self.registry)
        self.tick_lag = Histogram(
            "actionbot_scheduler_tick_lag_seconds", "How late a scheduler tick started "
            "after its scheduled time.", buckets=TICK_BUCKETS, registry=self.registry)
        self.ticks_missed = Counter(
            "actionbot_scheduler_ticks_missed", "Ticks not run because they would have "
            "started too late (the next one sends what they would have).",
            registry=self.registry)
        self._command_series: dict[tuple[str, str, str], Any] = {}
        self._stop = observe(self.command)

    def command(self, event: CommandEvent) -> None:
        """Runs on every command's thread: the labelled series is looked up once, as
        ``labels()`` cost 4 of the 7 µs this took."""
        key = (_bounded(event.verb, COMMAND_VERBS), _bounded(event.platform, PLATFORMS),
               _bounded(event.outcome, _OUTCOMES))
        series = self._command_series.get(key)
        if series is None:
            series = self._command_series.setdefault(key, self.commands.labels(*key))
        series.observe(event.seconds)

    def sent(self, kind: str, outcome: str, count: int = 1) -> None:
        if count:
            self.sends.labels(_bounded(kind, SEND_KINDS),
                              _bounded(outcome, SEND_OUTCOMES)).inc(count)

    def tick_started(self, scheduled: datetime, now: datetime | None = None) -> None:
        lag = ((now or datetime.now(UTC)) - scheduled).total_seconds()
        self.tick_lag.observe(max(lag, 0.0))

    def tick_timer(self) -> Callable[[], None]:
        """Start timing a tick; call what is returned when it ends."""
        started = time.perf_counter()
        return lambda: self.tick_seconds.observe(time.perf_counter() - started)

    def watch_pool(self, engine: Engine, name: str = "main") -> None:
        """Report ``engine``'s pool at each scrape: read then, so no command pays for it."""
        self.registry.register(_PoolCollector(engine, name))

    def exposition(self) -> bytes:
        return generate_latest(self.registry)

    def close(self) -> None:
        self._stop()


class _PoolCollector(Collector):
    """Connections in use and the pool's size, as SQLAlchemy's ``QueuePool`` counts them.
    A pool without those counts (SQLite in memory shares one connection) reports nothing."""

    def __init__(self, engine: Engine, name: str) -> None:
        self.engine = engine
        self.name = name

    def collect(self) -> Iterator[GaugeMetricFamily]:
        pool = self.engine.pool
        figures: Iterable[tuple[str, str, str]] = (
            ("actionbot_db_pool_checked_out", "Connections in use now.", "checkedout"),
            ("actionbot_db_pool_size", "Connections the pool keeps open.", "size"),
            ("actionbot_db_pool_overflow", "Connections opened beyond the pool's size "
             "(negative: not yet opened).", "overflow"),
        )
        for metric, doc, method in figures:
            read = getattr(pool, method, None)
            if read is None:
                continue
            family = GaugeMetricFamily(metric, doc, labels=("pool",))
            family.add_metric((self.name,), float(read()))
            yield family
