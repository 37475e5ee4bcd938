"""A local Slack Web API that enforces Slack's posting limit: per channel, a token bucket of
``rate`` messages a second holding at most ``burst``; beyond it, 429 with Retry-After.
``round_trip`` seconds are spent on every call before it answers, as the network to Slack
would (the real client opens a new HTTPS connection per call).

It keeps every accepted ``chat.postMessage`` (channel, fallback text, arrival time), so a
benchmark can count what arrived against what was owed, and work out the best time any sender
could have achieved under the same limit (``ideal_seconds``). It also keeps them with their
metadata to answer ``conversations.open`` and ``conversations.history``, which the scheduler
calls when it takes over a claim left unconfirmed by a killed process. Those two are not
rate-limited here: a takeover makes at most one pair per message in flight (8 by default),
far inside Slack's Tier 3 allowance of 50 or more a minute.

``epoch`` is Slack's clock when the fake starts: the benchmark sets it to its simulated
morning, so that the ``ts`` of each message and the scheduler's claims share one timeline.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.bot.slack.fake_history import History


@dataclass
class Posted:
    at: float
    channel: str
    text: str


@dataclass
class RateLimitedSlack:
    rate: float = 1.0
    burst: int = 2
    round_trip: float = 0.0
    epoch: float | None = None
    posted: list[Posted] = field(default_factory=list)
    refused: int = 0
    history: History = field(default_factory=History)
    _buckets: dict[str, tuple[float, float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/api/"

    def reset(self) -> None:
        with self._lock:
            self.posted, self.refused, self._buckets = [], 0, {}
        self.history.clear()

    def count(self) -> int:
        with self._lock:
            return len(self.posted)

    def _take(self, channel: str, now: float) -> float:
        """0 if the channel may post now, else the seconds until it may."""
        tokens, last = self._buckets.get(channel, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - last) * self.rate)
        if tokens >= 1.0:
            self._buckets[channel] = (tokens - 1.0, now)
            return 0.0
        self._buckets[channel] = (tokens, now)
        return (1.0 - tokens) / self.rate

    def post(self, channel: str, text: str) -> float:
        """Accept (0) or refuse (seconds to wait) one message."""
        now = time.monotonic()
        with self._lock:
            wait = self._take(channel, now)
            if wait:
                self.refused += 1
            else:
                self.posted.append(Posted(now, channel, text))
            return wait

    def start(self) -> RateLimitedSlack:
        fake = self
        if self.epoch is not None:
            began, epoch = time.monotonic(), self.epoch
            self.history.clock = lambda: epoch + time.monotonic() - began

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                url = urlsplit(self.path)
                self._api(url.path, {k: v[0] for k, v in parse_qs(url.query).items()})

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                if "json" in (self.headers.get("Content-Type") or ""):
                    self._api(self.path, json.loads(raw or "{}"))
                else:
                    self._api(self.path, {k: v[0] for k, v in parse_qs(raw).items()})

            def _api(self, path: str, args: dict[str, Any]) -> None:
                if fake.round_trip:
                    time.sleep(fake.round_trip)
                method = path.rsplit("/", 1)[-1]
                body: dict[str, Any] = {"ok": True}
                if method == "chat.postMessage":
                    wait = fake.post(str(args.get("channel", "")), str(args.get("text", "")))
                    if wait:
                        self._answer(429, {"ok": False, "error": "ratelimited"},
                                     {"Retry-After": str(max(1, math.ceil(wait)))})
                        return
                    body = fake.history.post(args)
                elif method == "conversations.open":
                    body = fake.history.open(args)
                elif method == "conversations.history":
                    body = fake.history.history(args)
                self._answer(200, body)

            def _answer(self, status: int, body: dict[str, Any],
                        headers: dict[str, str] | None = None) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def ideal_seconds(self, owed_per_channel: Counter[str]) -> float:
        """From first to last message, the time a sender posting to every channel at exactly
        the allowed rate would take (bursts are tolerated, not counted as allowance)."""
        return max((max(0, n - 1) / self.rate for n in owed_per_channel.values()),
                   default=0.0)
