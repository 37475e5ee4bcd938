"""Command latency: signed slash commands through the real HTTP app, against Bolt's floor.

Requests alternate between actionbot and the bare ack-only app (and Bolt's default mode) on
the same kind of server in the same process, so machine noise lands on both sides of each
ratio. Each request is timed from sending to the last byte of the answer, over a kept-alive
connection (as Slack's own senders do).
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import itertools
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode

from bot.slack.listeners import slash_response
from handlers.context import Invocation
from handlers.dispatch import handle
from storage.db import make_engine
from storage.uow import UnitOfWork
from tests.bench.data import TEAM, BoardInfo, Built
from tests.bench.rate_limited_slack import RateLimitedSlack
from tests.bench.slack_server import SECRET
from tests.bench.tick import StatementCounter

ROOT = Path(__file__).resolve().parents[2]
COMMANDS = ("add", "close", "show", "list")
BUSY_TICK_EVERY = 5.0  # seconds: a minute's tick, twelve times as often
BUSY_RATE = 10  # commands a second arriving, as from a thousand boards at once
BUSY_SENDERS = 16
TRIGGERS = itertools.count(1)
PAUSE = 0.011  # seconds: as long as Bolt's default mode idles before answering


class Client:
    """Slack's side of one kept-alive connection: signs and posts slash commands."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def command(self, board: BoardInfo, text: str) -> tuple[float, dict]:
        form = urlencode({
            "token": "x", "team_id": TEAM, "team_domain": "council", "channel_id": board.channel,
            "channel_name": "board", "user_id": board.secretary, "user_name": "secretary",
            "command": "/action", "text": text, "response_url": "http://127.0.0.1:9/respond",
            # Unique, as Slack's are: the gate refuses the same signed bytes twice.
            "trigger_id": f"trig.{next(TRIGGERS)}", "api_app_id": "A1"})
        ts = str(int(time.time()))
        signature = hmac.new(SECRET.encode(), f"v0:{ts}:{form}".encode(),
                             hashlib.sha256).hexdigest()
        headers = {"Content-Type": "application/x-www-form-urlencoded",
                   "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={signature}"}
        started = time.perf_counter()
        self.conn.request("POST", "/slack/events", body=form, headers=headers)
        response = self.conn.getresponse()
        raw = response.read()
        elapsed = time.perf_counter() - started
        if response.status != 200:
            raise RuntimeError(f"/action {text} answered {response.status}: {raw[:300]!r}")
        return elapsed, json.loads(raw) if raw else {}

    def close(self) -> None:
        self.conn.close()


@dataclass
class Workload:
    """Commands as board secretaries type them, on boards picked at random."""

    built: Built
    rng: random.Random = field(default_factory=lambda: random.Random(11))

    def board(self) -> BoardInfo:
        return self.rng.choice(self.built.boards)

    def due(self) -> str:
        """A due date as people type it: 3/4, 3 April, 3 April 2027, next meeting."""
        day = date.today() + timedelta(days=self.rng.randint(20, 80))
        return self.rng.choice((f"by {day.day}/{day.month}", f"by {day.day} {day:%B}",
                                f"by {day.day} {day:%B} {day.year}", "by next meeting"))

    def text(self, verb: str) -> tuple[BoardInfo, str]:
        board = self.board()
        if verb == "add":
            owner = board.initials[self.rng.randrange(1, len(board.initials))]
            return board, f"add {owner} to review the fostering fees paper {self.due()}"
        if verb == "close":
            while not board.outstanding:
                board = self.board()
            return board, f"close {board.outstanding.pop()} letter sent"
        if verb == "show":
            return board, f"show {self.rng.randint(1, board.last_number)}"
        return board, "list"


def expect_reply(verb: str, reply: dict) -> None:
    """Every measured answer must be the command's success, not a fast error."""
    text = json.dumps(reply, ensure_ascii=False)
    wanted = {"add": "added", "close": "closed", "show": "History", "list": "Open actions"}[verb]
    if wanted not in text or reply.get("text", "").startswith("⚠"):
        raise RuntimeError(f"/action {verb} did not succeed: {text[:200]}")


@dataclass
class Latency:
    samples: dict[str, list[float]]
    first_command: float
    handler: dict[str, tuple[float, float]] = field(default_factory=dict)
    busy_ticks: list[float] = field(default_factory=list)
    round_trip: float = 0.0

    def p50(self, name: str) -> float:
        return statistics.median(self.samples[name])

    def p99(self, name: str) -> float:
        return statistics.quantiles(self.samples[name], n=100, method="inclusive")[98]


def start_servers(db_url: str, slack_url: str) -> tuple[subprocess.Popen, dict[str, int]]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.bench.slack_server", "--db", db_url,
         "--slack-url", slack_url],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line:
        proc.wait()
        raise RuntimeError("the benchmark's Slack server did not start")
    return proc, json.loads(line)


def stop_servers(proc: subprocess.Popen) -> None:
    assert proc.stdin is not None
    proc.stdin.close()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def measure(built: Built, *, rounds: int, handler_runs: int, busy_seconds: float = 0.0,
            warmup: int = 10, progress: Callable[[str], None] = lambda _: None) -> Latency:
    """``rounds`` of each command in shuffled order, each right after a floor request; the
    very first command after start-up is timed on its own; then the same again with a pause
    of ``PAUSE`` before every request; then Bolt's default mode, each request right after a
    floor request; then, for ``busy_seconds``, commands while the scheduler ticks. Each figure
    is compared with the floor requests of its own phase.

    Pauses are kept apart because a request that follows one runs slower (the machine idles
    down between requests) and ours more than the floor's. A quiet board's commands all come
    after pauses, so both figures are reported. The default mode sleeps 10 ms polling for its
    ack, so it gets its own phase too: between the floor and each command it would weigh on
    the commands alone."""
    fake = RateLimitedSlack(rate=1000.0, burst=1000).start()
    proc, ports = start_servers(built.url, fake.url)
    clients = {name: Client(port) for name, port in ports.items()}
    work = Workload(built)
    samples: dict[str, list[float]] = defaultdict(list)
    busy_ticks: list[float] = []
    try:
        board, text = work.text("add")
        first, reply = clients["app"].command(board, text)
        expect_reply("add", reply)
        for _ in range(warmup):
            for verb in COMMANDS:
                expect_reply(verb, clients["app"].command(*work.text(verb))[1])
            clients["floor"].command(work.board(), "list")
        for n in range(rounds):
            for verb in work.rng.sample(COMMANDS, len(COMMANDS)):
                samples["floor"].append(clients["floor"].command(work.board(), "list")[0])
                elapsed, reply = clients["app"].command(*work.text(verb))
                expect_reply(verb, reply)
                samples[verb].append(elapsed)
            if n % 50 == 49:
                progress(f"{n + 1}/{rounds} rounds")
        progress("the same, each request after a pause")
        for _ in range(rounds):
            for verb in work.rng.sample(COMMANDS, len(COMMANDS)):
                time.sleep(PAUSE)
                samples["paused_floor"].append(clients["floor"].command(work.board(), "list")[0])
                time.sleep(PAUSE)
                elapsed, reply = clients["app"].command(*work.text(verb))
                expect_reply(verb, reply)
                samples[f"paused_{verb}"].append(elapsed)
        # Its kept-alive connection would have timed out while unused: open it now.
        clients["default"].close()
        clients["default"] = Client(ports["default"])
        for _ in range(warmup):
            clients["default"].command(work.board(), "list")
        for _ in range(rounds):
            samples["default_floor"].append(clients["floor"].command(work.board(), "list")[0])
            samples["default"].append(clients["default"].command(work.board(), "list")[0])
        if busy_seconds:
            progress(f"{busy_seconds:.0f} s of commands while the scheduler ticks")
            samples["busy"], busy_ticks = _while_ticking(ports["app"], work, built, fake.url,
                                                        busy_seconds)
    finally:
        for client in clients.values():
            client.close()
        stop_servers(proc)
        fake.stop()
    return Latency(samples=samples, first_command=first,
                   handler=handler_cost(built, handler_runs), busy_ticks=busy_ticks,
                   round_trip=round_trip(built.url))


def round_trip(url: str, runs: int = 500) -> float:
    """p50 of ``SELECT 1`` on a kept connection: what each statement, BEGIN and COMMIT
    costs a command in waiting alone, before any work (for SQLite, a call into the library)."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                conn.exec_driver_sql("SELECT 1").scalar()
                times.append(time.perf_counter() - started)
    finally:
        engine.dispose()
    return statistics.median(times)


def paced_commands(port: int, work: Workload, *, rate: float, seconds: float,
                   senders: int) -> list[float]:
    """``rate`` signed commands a second for ``seconds``, the verbs in turn, each timed from
    when it was due to be sent, whatever the answers before it are doing (one stuck behind
    another counts its wait): what a member sees while something else loads the server."""
    count = int(seconds * rate)
    planned = [(verb, *work.text(verb)) for verb in (COMMANDS * count)[:count]]
    clients = threading.local()

    def send(i: int, due: float) -> float:
        time.sleep(max(0.0, due - time.perf_counter()))
        if not hasattr(clients, "client"):
            clients.client = Client(port)
        verb, board, text = planned[i]
        _, reply = clients.client.command(board, text)
        expect_reply(verb, reply)
        return time.perf_counter() - due

    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=senders) as pool:
        return list(pool.map(send, range(count), (began + i / rate for i in range(count))))


def _while_ticking(port: int, work: Workload, built: Built, slack_url: str,
                   seconds: float) -> tuple[list[float], list[float]]:
    """Commands arriving ``BUSY_RATE`` a second for ``seconds``, whatever the answers before
    them are doing (each is timed from when it was due to be sent, so one stuck behind
    another counts its wait), while the scheduler, in its own process, ticks every
    ``BUSY_TICK_EVERY`` seconds (a real one ticks once a minute). Their times, and the
    ticks' times."""
    start = built.morning + timedelta(minutes=1)
    ticker = subprocess.Popen(
        [sys.executable, "-m", "tests.bench.scheduler_loop", "--db", built.url,
         "--slack-url", slack_url, "--start", start.isoformat(), "--forever",
         "--every", str(BUSY_TICK_EVERY)],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL, text=True)
    assert ticker.stdout is not None
    first = ""
    try:
        first = ticker.stdout.readline()  # it is ticking
        times = paced_commands(port, work, rate=BUSY_RATE, seconds=seconds,
                               senders=BUSY_SENDERS)
    finally:
        ticker.terminate()
        out, _ = ticker.communicate(timeout=30)
    ticks = [json.loads(line)["seconds"] for line in [first, *out.splitlines()] if line.strip()]
    return times, ticks


def handler_cost(built: Built, runs: int) -> dict[str, tuple[float, float]]:
    """Per command, the handler alone in this process, back to back (no HTTP, no Bolt): its
    p50 in seconds and the SQL statements it sends. Where the HTTP figures' time goes."""
    engine = make_engine(built.url)
    uow = UnitOfWork(engine)
    counter = StatementCounter(engine)
    work = Workload(built, rng=random.Random(23))
    found = {}
    try:
        for verb in COMMANDS:
            times = []
            with counter.counting():
                for _ in range(runs):
                    board, text = work.text(verb)
                    invocation = Invocation(platform="slack", workspace=TEAM,
                                            channel=board.channel, user_id=board.secretary)
                    started = time.perf_counter()
                    slash_response(handle("action", text, invocation=invocation, uow=uow))
                    times.append(time.perf_counter() - started)
            found[verb] = (statistics.median(times), counter.count / runs)
    finally:
        engine.dispose()
    return found

