"""Several schedulers ticking at once, in threads and in processes, send each message once."""

from __future__ import annotations

import multiprocessing
import queue
import threading
import traceback
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import Engine

from bot.notify import Delivery
from bot.scheduler import tick
from storage.db import make_engine
from storage.uow import UnitOfWork
from tests.bot.recording_notifier import RecordingNotifier
from tests.bot.scheduler_clock import MINUTE, ONE_DAY_BEFORE, Clock, ok
from tests.conftest import Chat

RACERS = 3
RACE_TIMEOUT = 180
RACE_AT = ONE_DAY_BEFORE
RACE_EXPECTED = sorted([
    ("reminder", "KY", (2, 1)),
    ("reminder", "MH", (2,)),
    ("reminder", "AC", (3,)),
    ("reminder", "LH", (4,)),
    ("reminder", "RE", (5,)),
    ("chase", "KY", (1,)),
    ("escalation", "MH", (1,)),
])
RACE_MISSED = 6  # the five 27 January reminders and the 1 February digest


def race_board(board: Chat) -> None:
    """At 09:00 on 2 February: five reminders, a chase and the chair's notice are due."""
    ok(board, "/board settings escalate 1")
    ok(board, "/action add KY to write to DfE by 1 February")
    ok(board, "/action add MH and KY to meet Surrey")
    ok(board, "/action add AC to ring Bucks @AC")
    ok(board, "/action add LH to review fees @LH")
    ok(board, "/action add RE to book the room @RE")


RaceReport = tuple[list[tuple[str, str, tuple[int, ...]]], list[str]]


def race_once(uow: UnitOfWork, worker: str) -> RaceReport:
    """Tick three times around the slot; report what was delivered and what was skipped."""
    notifier = RecordingNotifier()
    missed: list[str] = []
    for now in (RACE_AT, RACE_AT, RACE_AT + MINUTE):
        result = tick(uow, Delivery({"console": notifier}), now=now, worker=worker)
        missed.extend(u.key for u in result.missed)
    return notifier.summary(), missed


def assert_each_sent_once(reports: list[RaceReport], uow: UnitOfWork) -> None:
    delivered = sorted(m for sent, _ in reports for m in sent)
    missed = [key for _, keys in reports for key in keys]
    assert delivered == RACE_EXPECTED
    assert len(missed) == RACE_MISSED and len(set(missed)) == RACE_MISSED
    statuses = sorted(status for _, _, status in Clock(uow).ledger())
    assert statuses == ["sent"] * len(RACE_EXPECTED) + ["skipped"] * RACE_MISSED


def test_schedulers_racing_in_threads_send_each_message_once(board: Chat) -> None:
    race_board(board)
    start = threading.Barrier(RACERS)

    def racer(n: int) -> RaceReport:
        start.wait(RACE_TIMEOUT)
        return race_once(board.uow, f"thread-{n}")

    with ThreadPoolExecutor(RACERS) as pool:
        reports = list(pool.map(racer, range(RACERS)))

    assert_each_sent_once(reports, board.uow)


def _race_in_process(url: str, n: int, start: Any, results: Any) -> None:
    """Runs in a spawned process with its own engine; reports back through ``results``."""
    try:
        engine = make_engine(url)
        start.wait(RACE_TIMEOUT)
        report = race_once(UnitOfWork(engine), f"process-{n}")
        engine.dispose()
        results.put((n, report, None))
    except BaseException:  # noqa: BLE001 - handed to the parent, which fails the test
        results.put((n, ([], []), traceback.format_exc()))


def test_schedulers_racing_in_processes_send_each_message_once(
    board: Chat, engine: Engine
) -> None:
    race_board(board)
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Barrier(RACERS)
    results = ctx.Queue()
    url = engine.url.render_as_string(hide_password=False)
    procs = [ctx.Process(target=_race_in_process, args=(url, n, start, results))
             for n in range(RACERS)]
    for proc in procs:
        proc.start()
    reports: list[RaceReport] = []
    try:
        for _ in procs:
            n, report, error = results.get(timeout=RACE_TIMEOUT)
            assert error is None, f"process {n} failed:\n{error}"
            reports.append(report)
    except queue.Empty:
        pytest.fail(f"only {len(reports)} of {RACERS} schedulers reported back")
    finally:
        for proc in procs:
            proc.join(timeout=30)
            if proc.is_alive():
                proc.kill()
                proc.join()

    assert_each_sent_once(reports, board.uow)
