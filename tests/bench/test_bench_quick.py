"""The benchmark's smallest pieces, for correctness only: the data it loads is data the
product reads, its commands succeed, its tick sends, and the fan-out through a rate-limited
fake Slack loses nothing. No timing is asserted here; ``python -m tests.bench`` measures."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import Engine, func, select

from handlers import reminders
from handlers.context import Invocation
from handlers.dispatch import handle
from handlers.replies import Tone
from storage.models import Action, Event, Member
from storage.uow import UnitOfWork
from tests.bench import fanout, hostile, latency, report
from tests.bench.data import TEAM, Shape, build, next_morning
from tests.bench.tick import measure, prime

MORNING = next_morning(date.today())


def test_loaded_boards_are_what_the_product_reads(engine: Engine) -> None:
    shape = Shape(boards=20, actions_per_board=30, people=40)
    built = build(engine, shape, morning=MORNING)
    uow = UnitOfWork(engine)
    with uow.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Action)) == shape.actions
        assert session.scalar(select(func.count()).select_from(Event)) > shape.actions
        secretary = session.scalars(select(Member).where(Member.board_id == 1)).first()
        assert secretary is not None and secretary.role == "secretary"
        assert [i.user_id for i in secretary.identities] == [built.boards[0].secretary]
    board = built.boards[3]
    invocation = Invocation(platform="slack", workspace=TEAM, channel=board.channel,
                            user_id=board.secretary)
    closing = board.outstanding[-1]
    for text in (f"close {closing}", f"show {closing}", "list"):
        reply = handle("action", text, invocation=invocation, uow=uow)
        assert reply.tone is not Tone.ERROR, (text, reply.title)
    added = handle("action", "add AB to write to DfE by next meeting", invocation=invocation,
                   uow=uow)
    assert added.title == f"Action {shape.actions_per_board + 1} added"


def test_tick_sends_the_mornings_messages_once(engine: Engine) -> None:
    built = build(engine, Shape(boards=40, actions_per_board=20), morning=MORNING)
    uow = UnitOfWork(engine)
    prime(uow, built.morning)
    cost = measure(uow, built.morning)
    assert cost.messages > 0
    with uow.transaction() as session:
        assert reminders.due(session, built.morning).outgoing == []


def test_signed_commands_answer_over_http(tmp_path: Path) -> None:
    from storage.db import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'latency.db'}")
    built = build(engine, Shape(boards=5, actions_per_board=20), morning=MORNING)
    engine.dispose()
    result = latency.measure(built, rounds=2, handler_runs=2, busy_seconds=1.0, warmup=1)
    assert all(len(result.samples[c]) == 2 for c in latency.COMMANDS)
    assert all(len(result.samples[f"paused_{c}"]) == 2 for c in latency.COMMANDS)
    assert len(result.samples["default"]) == len(result.samples["default_floor"]) == 2
    assert all(statements > 0 for _, statements in result.handler.values())
    assert len(result.samples["busy"]) == latency.BUSY_RATE and result.busy_ticks


def test_fan_out_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    shape = Shape(boards=12, actions_per_board=10, overdue=0, deferred=0, people=30,
                  all_due=True)
    run = fanout.run(shape, MORNING, f"sqlite:///{tmp_path / 'paced.db'}", rate=4.0,
                     workdir=tmp_path)
    assert (run.owed, run.received, run.lost, run.duplicated) == (120, 120, 0, 0)


def test_fan_out_killed_half_way_loses_nothing(tmp_path: Path) -> None:
    """A claim the killed process never confirmed is taken over, and Slack is read back
    first: what already arrived is not sent again."""
    shape = Shape(boards=12, actions_per_board=10, overdue=0, deferred=0, people=30,
                  all_due=True)
    run = fanout.run(shape, MORNING, f"sqlite:///{tmp_path / 'killed.db'}", rate=4.0,
                     kill_halfway=True, workdir=tmp_path)
    assert run.killed_at is not None and run.lost == 0
    assert run.duplicated == 0


def test_hostile_burst_is_refused_while_commands_succeed(tmp_path: Path) -> None:
    """Every stranger's post is refused (401, 413, or cut off while sending), never a 5xx,
    and every signed command during the burst succeeds; the report carries both keys."""
    burst = hostile.run(tmp_path, MORNING, attackers=2, body_mb=1.0, seconds=1.0)
    assert len(burst.command_times) == hostile.COMMAND_RATE
    routes = {outcome.split(" ", 1)[0] for outcome in burst.posts}
    assert routes == set(hostile.ROUTES)
    statuses = {outcome.split(" ", 1)[1] for outcome in burst.posts}
    assert statuses <= {"401", "413", "cut off while sending"}, burst.posts
    assert burst.peak_rss_mb >= burst.rss_before_mb > 0
    figures = report.flat({"hostile": report.hostile_figures(burst)})
    assert figures["hostile_burst_p99_ms"] == burst.p99_ms
    assert figures["hostile_burst_rss_mb"] == burst.peak_rss_mb
