"""Hostile burst: large unauthenticated POSTs at ``/slack/events`` and ``/api/messages`` while
board secretaries' signed slash commands keep arriving.

``actionbot serve`` runs as operators run it (its own process, Slack and Teams both
configured, Teams with authentication on), so strangers' posts are refused the way
production refuses them. Reported: the commands' p50 and p99, each timed from when it was due
(one stuck behind the burst counts its wait), and the server's peak resident memory
(``VmHWM`` from /proc), against targets of 300 ms and 200 MB.
"""

from __future__ import annotations

import random
import socket
import statistics
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from storage.db import make_engine
from tests.bench.data import Shape, build
from tests.bench.latency import COMMANDS, Client, Workload, expect_reply, paced_commands
from tests.bench.rate_limited_slack import RateLimitedSlack
from tests.bench.slack_server import SECRET
from tests.bench.startup import rss_mb, serving

COMMAND_RATE = 10  # signed commands a second, as in the latency benchmark's busy phase
COMMAND_SENDERS = 8
ROUTES = ("/slack/events", "/api/messages")
SHAPE = Shape(boards=20, actions_per_board=50)


@dataclass
class Burst:
    attackers: int
    body_mb: float
    seconds: float
    command_times: list[float] = field(default_factory=list)
    posts: Counter[str] = field(default_factory=Counter)  # outcome → count, per route
    rss_before_mb: float = 0.0
    peak_rss_mb: float = 0.0

    @property
    def p50_ms(self) -> float:
        return statistics.median(self.command_times) * 1e3

    @property
    def p99_ms(self) -> float:
        return statistics.quantiles(self.command_times, n=100, method="inclusive")[98] * 1e3


def _hostile_request(route: str, body_bytes: int) -> bytes:
    """A stranger's post: no Slack signature, no Teams token, a body of ``body_bytes``."""
    if route == "/slack/events":
        prefix, kind = b"command=%2Faction&text=", b"application/x-www-form-urlencoded"
        body = prefix + b"a" * (body_bytes - len(prefix))
    else:
        prefix, kind = b'{"type": "message", "text": "', b"application/json"
        body = prefix + b"a" * (body_bytes - len(prefix) - 2) + b'"}'
    head = (f"POST {route} HTTP/1.1\r\nHost: bot\r\nContent-Length: {len(body)}\r\n"
            f"Connection: close\r\n").encode() + b"Content-Type: " + kind + b"\r\n\r\n"
    return head + body


def _attack(port: int, route: str, request: bytes, stop: threading.Event,
            outcomes: Counter[str], lock: threading.Lock) -> None:
    """Post ``request`` again and again until ``stop``; tally how each ended."""
    while not stop.is_set():
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=60) as conn:
                conn.sendall(request)
                status = conn.recv(12)[9:12].decode(errors="replace") or "closed"
        except OSError:
            status = "cut off while sending"  # refused before the body was read
        with lock:
            outcomes[f"{route} {status}"] += 1


def run(workdir: Path, morning: datetime, *, attackers: int, body_mb: float,
        seconds: float) -> Burst:
    """``attackers`` connections at a time (half on each route) post ``body_mb`` each, over
    and over, for as long as ``seconds`` of commands take."""
    db = workdir / "hostile.db"
    engine = make_engine(f"sqlite:///{db}")
    built = build(engine, SHAPE, morning=morning)
    engine.dispose()
    fake = RateLimitedSlack(rate=1000.0, burst=1000).start()
    result = Burst(attackers=attackers, body_mb=body_mb, seconds=seconds)
    try:
        with serving(built.url, SLACK_BOT_TOKEN="xoxb-bench", SLACK_SIGNING_SECRET=SECRET,
                     SLACK_API_URL=fake.url, TEAMS_CLIENT_ID="bench-app-id",
                     TEAMS_CLIENT_SECRET="bench-secret", TEAMS_TENANT_ID="bench-tenant",
                     ACTIONBOT_SCHEDULER="off") as (proc, base, _):
            port = int(base.rsplit(":", 1)[1])
            work = Workload(built, rng=random.Random(31))
            for verb in COMMANDS:  # warm: the first command pays for imports
                expect_reply(verb, Client(port).command(*work.text(verb))[1])
            result.rss_before_mb = rss_mb(proc.pid)
            requests = {route: _hostile_request(route, int(body_mb * 1024 * 1024))
                        for route in ROUTES}
            stop, lock = threading.Event(), threading.Lock()
            threads = [threading.Thread(target=_attack, daemon=True,
                                        args=(port, ROUTES[i % 2], requests[ROUTES[i % 2]],
                                              stop, result.posts, lock))
                       for i in range(attackers)]
            for thread in threads:
                thread.start()
            try:
                result.command_times = paced_commands(port, work, rate=COMMAND_RATE,
                                                      seconds=seconds, senders=COMMAND_SENDERS)
            finally:
                stop.set()
                for thread in threads:
                    thread.join(timeout=60)
            result.peak_rss_mb = rss_mb(proc.pid, "VmHWM")
    finally:
        fake.stop()
    return result

