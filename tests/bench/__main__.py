"""``python -m tests.bench [--quick] [--json FILE]``: actionbot against the platforms' limits.

Builds the data it needs, measures command latency against Bolt's floor (SQLite and
PostgreSQL), the scheduler's tick, the fan-out of a morning's reminders to a rate-limited
Slack (also across a SIGKILL), start-up, and signed commands during a burst of hostile
posts; prints one table and writes it as JSON.
Figures are ratios and shares taken in one run, because the machines are shared and noisy.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from storage.db import make_engine
from storage.uow import UnitOfWork
from tests.bench import fanout, hostile, latency, report, startup
from tests.bench import tick as ticks
from tests.bench.data import Shape, build, next_morning
from tests.bench.postgres import admin_engine, scratch_database


@dataclass(frozen=True)
class Mode:
    name: str
    boards: int
    tick_sizes: tuple[int, ...]  # actions per board, smallest first; the last is "the" data
    rounds: int  # of each command over HTTP; a quarter as many again for the handler alone
    busy_seconds: float  # of commands while the scheduler ticks
    fanout_boards: int
    fanout_people: int
    many_dms: tuple[tuple[str, int, float], ...]  # (name, boards, seconds a call takes)
    fanout_postgres: bool
    help_runs: int
    hostile: tuple[int, float, float]  # (connections posting at once, MB a post, seconds)


FULL = Mode("full", boards=1000, tick_sizes=(10, 100, 1000), rounds=300, busy_seconds=30,
            fanout_boards=1000,
            fanout_people=100, many_dms=(("dms", 1000, 0.0), ("dms_50ms", 100, 0.05)),
            fanout_postgres=True, help_runs=10, hostile=(16, 50.0, 30.0))
QUICK = Mode("quick", boards=100, tick_sizes=(100,), rounds=30, busy_seconds=0,
             fanout_boards=100,
             fanout_people=80, many_dms=(), fanout_postgres=False, help_runs=3,
             hostile=(8, 16.0, 10.0))


class Progress:
    def __init__(self) -> None:
        self.started = time.monotonic()

    def __call__(self, message: str) -> None:
        print(f"[{time.monotonic() - self.started:6.1f}s] {message}", file=sys.stderr,
              flush=True)


def _backend(label: str, databases: Callable[[int], AbstractContextManager[str]], mode: Mode,
             morning: datetime, out: dict[str, Any], say: Progress) -> None:
    """Tick cost at each size, then command latency on the largest."""
    out.setdefault("tick", {})[label] = []
    for size in mode.tick_sizes:
        shape = Shape(boards=mode.boards, actions_per_board=size)
        with databases(size) as url:
            engine = make_engine(url)
            say(f"{label}: loading {shape.actions:,} actions")
            built = build(engine, shape, morning=morning)
            say(f"{label}: loaded in {built.seconds:.1f} s; settling two weeks of ledger")
            uow = UnitOfWork(engine)
            primed = ticks.prime(uow, morning)
            cost = ticks.measure(uow, morning)
            engine.dispose()
            out["tick"][label].append({"actions": shape.actions, "boards": shape.boards,
                                       "load_seconds": built.seconds,
                                       "rows": built.rows, "primed": primed, **vars(cost)})
            say(f"{label}: tick {cost.seconds:.2f} s for {cost.messages} messages, "
                f"{cost.statements} statements; idle tick {cost.idle_seconds:.3f} s")
            if size == mode.tick_sizes[-1]:
                say(f"{label}: command latency, {mode.rounds} rounds")
                result = latency.measure(built, rounds=mode.rounds, handler_runs=mode.rounds // 4,
                                         busy_seconds=mode.busy_seconds,
                                         progress=lambda m: say(f"{label}: {m}"))
                out.setdefault("latency", {})[label] = report.latency_figures(result)


def run(mode: Mode, *, postgres: bool, sections: set[str]) -> dict[str, Any]:
    say = Progress()
    morning = next_morning(date.today())
    out: dict[str, Any] = {"mode": mode.name, "machine": report.machine(),
                           "morning": morning.isoformat(), "load_before": os.getloadavg()}
    admin, reason = admin_engine() if postgres else (None, "")
    if admin is None and postgres:
        say(f"PostgreSQL skipped: {reason}")
        out["postgres_skipped"] = reason
    workdir = Path(tempfile.mkdtemp(prefix="actionbot-bench-"))
    try:
        if sections & {"latency", "tick"}:
            _backend("sqlite", lambda size: _sqlite_file(workdir, size), mode, morning, out,
                     say)
            if admin is not None:
                _backend("postgres", lambda size: scratch_database(admin, str(size)), mode,
                         morning, out, say)
        if "fanout" in sections:
            _fanout(mode, morning, out, say, workdir, admin)
        if "startup" in sections:
            say("start-up")
            helps = startup.help_seconds(mode.help_runs)
            serve = startup.serve_memory()
            out["startup"] = {"help_seconds": startup.median(helps), "help_runs": helps,
                              **vars(serve)}
        if "hostile" in sections:
            attackers, body_mb, seconds = mode.hostile
            say(f"hostile burst: {attackers} unauthenticated {body_mb:.0f} MB posts at a time "
                f"for {seconds:.0f} s of signed commands")
            burst = hostile.run(workdir, morning, attackers=attackers, body_mb=body_mb,
                                seconds=seconds)
            out["hostile"] = report.hostile_figures(burst)
            say(f"hostile burst: commands p99 {burst.p99_ms:.0f} ms, peak RSS "
                f"{burst.peak_rss_mb:.0f} MB")
    finally:
        if admin is not None:
            admin.dispose()
        shutil.rmtree(workdir, ignore_errors=True)
    out["load_after"] = os.getloadavg()
    out["seconds"] = time.monotonic() - say.started
    return out


@contextmanager
def _sqlite_file(workdir: Path, name: int | str) -> Iterator[str]:
    try:
        yield f"sqlite:///{workdir / f'bench-{name}.db'}"
    finally:
        for path in workdir.glob(f"bench-{name}.db*"):
            path.unlink()


def _fanout(mode: Mode, morning: datetime, out: dict[str, Any], say: Progress,
            workdir: Path, postgres: Engine | None) -> None:
    shape = Shape(boards=mode.fanout_boards, actions_per_board=10, overdue=0, deferred=0,
                  people=mode.fanout_people, all_due=True)
    backends: dict[str, Callable[[str], AbstractContextManager[str]]] = {
        "sqlite": lambda name: _sqlite_file(workdir, name)}
    if postgres is not None and mode.fanout_postgres:
        backends["postgres"] = lambda name: scratch_database(postgres, name)
    runs: dict[str, Any] = {}
    for backend, databases in backends.items():
        kinds = (("paced", False), ("killed", True)) if backend == "sqlite" else (("paced", False),)
        for name, kill in kinds:
            key = name if backend == "sqlite" else f"{name}_{backend}"
            say(f"fan-out ({key}): {shape.boards * shape.members:,} reminders to "
                f"{mode.fanout_people} people")
            with databases(f"fanout_{name}") as url:
                result = fanout.run(shape, morning, url, kill_halfway=kill, workdir=workdir)
            runs[key] = report.fanout_figures(result)
            say(f"fan-out ({key}): {result.received}/{result.owed} in "
                f"{result.first_to_last:.1f} s (best possible {result.ideal:.1f} s), "
                f"lost {result.lost}, duplicated {result.duplicated}")
    for key, boards, round_trip in mode.many_dms:
        dms = Shape(boards=boards, actions_per_board=10, overdue=0, deferred=0, all_due=True)
        say(f"fan-out ({key}): {dms.boards * dms.members:,} reminders to as many people, "
            f"{round_trip * 1e3:.0f} ms a call")
        with _sqlite_file(workdir, f"fanout_{key}") as url:
            result = fanout.run(dms, morning, url, round_trip=round_trip, workdir=workdir)
        runs[key] = {**report.fanout_figures(result), "round_trip_ms": round_trip * 1e3}
        say(f"fan-out ({key}): {result.achieved_rate:.0f} messages/s, lost {result.lost}, "
            f"duplicated {result.duplicated}")
    out["fanout"] = runs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench", description=__doc__)
    parser.add_argument("--quick", action="store_true",
                        help="small data (10 k actions, 1 k reminders), within a minute")
    parser.add_argument("--json", metavar="FILE", help="also write the figures here")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite figures only")
    parser.add_argument("--only", metavar="SECTIONS",
                        default="latency,tick,fanout,startup,hostile",
                        help="comma-separated subset of latency,tick,fanout,startup,hostile")
    args = parser.parse_args(argv)
    sections = {s.strip() for s in args.only.split(",") if s.strip()}
    out = run(QUICK if args.quick else FULL, postgres=not args.no_postgres, sections=sections)
    figures = report.flat(out)
    print(report.table(out, figures))
    if args.json:
        Path(args.json).write_text(json.dumps({**figures, "details": out}, indent=2,
                                              default=str) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
