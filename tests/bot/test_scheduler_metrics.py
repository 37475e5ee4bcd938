"""The scheduler's metrics: sends by kind and outcome, each tick timed, and how late the
clock started a tick."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from bot.leader import Leadership
from bot.metrics import Metrics
from bot.notify import Delivery
from bot.scheduler import start_in_background, tick
from tests.bot.scheduler_clock import FIVE_DAYS_BEFORE, Clock, ok, utc
from tests.conftest import Chat


@pytest.fixture
def metrics() -> Iterator[Metrics]:
    watching = Metrics()
    yield watching
    watching.close()


def value(metrics: Metrics, name: str, **labels: str) -> float:
    found = metrics.registry.get_sample_value(name, labels)
    return 0.0 if found is None else found


def measured_tick(clock: Clock, metrics: Metrics, at: object) -> None:
    tick(clock.uow, Delivery({"console": clock.notifier}), now=at, worker="test-scheduler",
         metrics=metrics)  # type: ignore[arg-type]


def test_sends_are_counted_by_kind_and_outcome_and_each_tick_timed(
    board: Chat, clock: Clock, metrics: Metrics
) -> None:
    ok(board, "/action add KY to write to DfE @KY")
    ok(board, "/action add MH and KY to meet Surrey")

    clock.notifier.fail_next(1)
    measured_tick(clock, metrics, FIVE_DAYS_BEFORE)
    measured_tick(clock, metrics, FIVE_DAYS_BEFORE)  # the same moment: nothing more to send

    assert value(metrics, "actionbot_sends_total", kind="reminder", outcome="sent") == 1
    assert value(metrics, "actionbot_sends_total", kind="reminder", outcome="failed") == 1
    assert value(metrics, "actionbot_scheduler_tick_duration_seconds_count") == 2
    assert value(metrics, "actionbot_scheduler_tick_duration_seconds_sum") > 0


def test_a_send_missed_beyond_the_grace_period_is_counted_as_skipped(
    board: Chat, clock: Clock, metrics: Metrics
) -> None:
    ok(board, "/action add KY to write to DfE @KY")

    measured_tick(clock, metrics, utc(2027, 1, 28, 9))

    assert value(metrics, "actionbot_sends_total", kind="reminder", outcome="skipped") == 1
    assert value(metrics, "actionbot_sends_total", kind="reminder", outcome="sent") == 0


def test_a_dry_run_is_not_counted(board: Chat, clock: Clock, metrics: Metrics) -> None:
    ok(board, "/action add KY to write to DfE @KY")

    tick(clock.uow, Delivery({"console": clock.notifier}), now=FIVE_DAYS_BEFORE,
         dry_run=True, metrics=metrics)

    assert value(metrics, "actionbot_scheduler_tick_duration_seconds_count") == 0
    assert value(metrics, "actionbot_sends_total", kind="reminder", outcome="sent") == 0


def test_the_running_clock_reports_each_ticks_lag_and_duration(
    clock: Clock, metrics: Metrics
) -> None:
    scheduler = start_in_background(clock.uow, Delivery({"console": clock.notifier}),
                                    interval=3600, metrics=metrics)
    try:
        deadline = time.monotonic() + 30
        while (value(metrics, "actionbot_scheduler_tick_duration_seconds_count") < 1
               and time.monotonic() < deadline):
            time.sleep(0.02)
    finally:
        scheduler.shutdown(wait=True)

    assert value(metrics, "actionbot_scheduler_tick_lag_seconds_count") == 1
    assert value(metrics, "actionbot_scheduler_tick_lag_seconds_sum") >= 0
    assert value(metrics, "actionbot_scheduler_tick_duration_seconds_count") == 1
    successor = Leadership(clock.uow.engine)
    try:
        assert successor.acquire(), "a stopped clock gives up leadership"
    finally:
        successor.release()
