"""Start-up: how long ``actionbot --help`` takes, and how much memory ``actionbot serve`` holds.

``serve`` runs as operators run it: a real subprocess with Slack configured from the
environment (the Web API pointed at a local fake), a SQLite database, the scheduler on.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from tests.bench.rate_limited_slack import RateLimitedSlack

SECRET = "bench-serve-secret"


def actionbot_command() -> list[str]:
    script = Path(sys.executable).parent / "actionbot"
    return [str(script)] if script.exists() else [sys.executable, "-m", "bot.cli"]


def help_seconds(runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([*actionbot_command(), "--help"], check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - started)
    return times


@dataclass
class Serve:
    ready_seconds: float
    rss_mb: float
    rss_after_command_mb: float


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    """Resident memory from /proc: ``VmRSS`` now, or ``VmHWM``, the most it has held."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} in /proc")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _command(base: str) -> None:
    """One signed /action list from a channel with no board: the full command path."""
    form = urlencode({"team_id": "T1", "channel_id": "C1", "user_id": "U1",
                      "command": "/action", "text": "list", "response_url": "http://127.0.0.1:9/"})
    ts = str(int(time.time()))
    sig = hmac.new(SECRET.encode(), f"v0:{ts}:{form}".encode(), hashlib.sha256).hexdigest()
    request = urllib.request.Request(
        f"{base}/slack/events", data=form.encode(), method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded",
                 "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={sig}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()


@contextmanager
def serving(db_url: str, **settings: str) -> Iterator[tuple[subprocess.Popen, str, float]]:
    """``actionbot serve`` on ``db_url`` in its own process, configured only by ``settings``
    (no chat platform or database from this environment), on a free port on 127.0.0.1.
    Yields the process, its base URL and the seconds it took to answer ``/healthz``."""
    workdir = Path(tempfile.mkdtemp(prefix="actionbot-serve-"))
    port = _free_port()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SLACK_", "TEAMS_", "DATABASE_URL"))}
    env.update(HOST="127.0.0.1", PORT=str(port), **settings)
    started = time.perf_counter()
    proc = subprocess.Popen([*actionbot_command(), "serve", "--db", db_url],
                            env=env, cwd=workdir, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"actionbot serve exited {proc.returncode}")
            if time.perf_counter() - started > 60:
                raise RuntimeError("actionbot serve did not answer /healthz within 60 s")
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.05)
        yield proc, base, time.perf_counter() - started
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(workdir, ignore_errors=True)


def serve_memory() -> Serve:
    fake = RateLimitedSlack(rate=1000.0, burst=1000).start()
    workdir = Path(tempfile.mkdtemp(prefix="actionbot-serve-db-"))
    try:
        with serving(f"sqlite:///{workdir / 'serve.db'}", SLACK_BOT_TOKEN="xoxb-bench",
                     SLACK_SIGNING_SECRET=SECRET, SLACK_API_URL=fake.url) as (proc, base, ready):
            rss = rss_mb(proc.pid)
            _command(base)
            return Serve(ready_seconds=ready, rss_mb=rss, rss_after_command_mb=rss_mb(proc.pid))
    finally:
        fake.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def median(values: list[float]) -> float:
    return statistics.median(values)
