"""Action numbers: many processes adding to one board at once get 1..N, none lost or repeated."""

from __future__ import annotations

import multiprocessing
import queue
import re
import traceback
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError

from handlers.context import Invocation
from handlers.dispatch import handle
from handlers.replies import Tone
from storage.actions import OwnerSpec, create_action
from storage.boards import create_board
from storage.db import make_engine
from storage.models import Action, Board, Event, Status
from storage.uow import UnitOfWork
from tests.conftest import NOW

WORKERS = 6
ADDS_PER_WORKER = 15
RESULT_TIMEOUT = 180
BOARD_NAME = "Race Board"
CONSOLE_AS_RE = Invocation(platform="console", workspace="local", channel="console",
                           as_initials="RE")
ADDED = re.compile(r"Action (\d+) added")


@dataclass(frozen=True)
class WorkerResult:
    worker: int
    numbers: list[int]
    errors: list[str]


def _add_actions(url: str, worker: int, start: Any, results: Any) -> None:
    """Runs in a spawned process: its own engine, its own adds, as fast as it can."""
    try:
        engine = make_engine(url)
        uow = UnitOfWork(engine)
        numbers: list[int] = []
        errors: list[str] = []
        start.wait(RESULT_TIMEOUT)
        for i in range(ADDS_PER_WORKER):
            reply = handle("action", f"add KY to check item {worker}-{i}",
                           invocation=CONSOLE_AS_RE, uow=uow)
            found = ADDED.fullmatch(reply.title)
            if reply.tone is Tone.SUCCESS and found:
                numbers.append(int(found.group(1)))
            else:
                errors.append(reply.title)
        engine.dispose()
        results.put(WorkerResult(worker, numbers, errors))
    except BaseException:  # noqa: BLE001 - reported to the parent, which fails the test
        results.put(WorkerResult(worker, [], [traceback.format_exc()]))


def _race(url: str) -> list[WorkerResult]:
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Barrier(WORKERS)
    results = ctx.Queue()
    procs = [ctx.Process(target=_add_actions, args=(url, w, start, results))
             for w in range(WORKERS)]
    for proc in procs:
        proc.start()
    collected: list[WorkerResult] = []
    try:
        for _ in procs:
            collected.append(results.get(timeout=RESULT_TIMEOUT))
    except queue.Empty:
        pytest.fail(f"only {len(collected)} of {WORKERS} workers reported back")
    finally:
        for proc in procs:
            proc.join(timeout=30)
            if proc.is_alive():
                proc.kill()
                proc.join()
    return collected


def test_concurrent_adds_get_distinct_consecutive_numbers(engine: Engine) -> None:
    uow = UnitOfWork(engine)
    setup = handle("board", f"setup {BOARD_NAME}", invocation=CONSOLE_AS_RE, uow=uow, now=NOW)
    assert setup.tone is Tone.SUCCESS, setup.title

    results = _race(engine.url.render_as_string(hide_password=False))

    total = WORKERS * ADDS_PER_WORKER
    for result in results:
        assert result.errors == [], f"worker {result.worker}: {result.errors}"
        assert len(result.numbers) == ADDS_PER_WORKER
        assert result.numbers == sorted(result.numbers), "one worker's numbers went backwards"
    given = sorted(n for result in results for n in result.numbers)
    assert given == list(range(1, total + 1))

    with uow.transaction() as session:
        board = session.scalars(select(Board)).one()
        stored = session.execute(
            select(Action.number, Action.copy, Action.text).where(Action.board_id == board.id)
        ).all()
        added_events = session.scalar(
            select(func.count()).where(Event.kind == "action.added", Event.board_id == board.id)
        )
        assert board.last_action_number == total
    assert sorted(row.number for row in stored) == list(range(1, total + 1))
    assert {row.copy for row in stored} == {0}
    expected_texts = {f"KY to check item {w}-{i}"
                      for w in range(WORKERS) for i in range(ADDS_PER_WORKER)}
    assert {row.text for row in stored} == expected_texts
    assert added_events == total


def _new_action(uow: UnitOfWork, board_id: int, number: int, copy: int, text: str) -> None:
    with uow.transaction() as session:
        create_action(session, board_id=board_id, number=number, text=text, status=Status.OPEN,
                      issued_on=date(2027, 1, 11), due_on=None, owners=[OwnerSpec(label="KY")],
                      now=NOW, copy=copy, imported=copy > 0)


def test_a_number_and_copy_can_be_stored_only_once(uow: UnitOfWork) -> None:
    with uow.transaction() as session:
        board_id = create_board(session, "Imported Board", now=NOW, timezone="UTC").id
        other_id = create_board(session, "Other Board", now=NOW, timezone="UTC").id

    _new_action(uow, board_id, 12, 0, "first")
    with pytest.raises(IntegrityError):
        _new_action(uow, board_id, 12, 0, "duplicate")

    _new_action(uow, board_id, 12, 1, "imported repeat of 12")
    with pytest.raises(IntegrityError):
        _new_action(uow, board_id, 12, 1, "second repeat given the same copy")
    _new_action(uow, other_id, 12, 0, "another board's 12")

    with uow.transaction() as session:
        rows = session.execute(
            select(Action.board_id, Action.number, Action.copy, Action.text)
            .order_by(Action.board_id, Action.copy)
        ).all()
    assert [tuple(row) for row in rows] == [
        (board_id, 12, 0, "first"),
        (board_id, 12, 1, "imported repeat of 12"),
        (other_id, 12, 0, "another board's 12"),
    ]
