"""What ``actionbot serve`` allows one connection: how long its headers may take, how long it
may idle, how many connections are served at once, and how many files the process may open.

About 1,000 connections that sent half a request line and then nothing took every file the
process was allowed (1,024), and everyone else was locked out: uvicorn closes an idle
kept-alive connection, but never one whose request headers are still arriving. It has no
setting for that, so :class:`HeaderTimeoutProtocol` adds one to its h11 protocol.
"""

from __future__ import annotations

import asyncio
import resource
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from bot.config import ServerLimits

# Request headers larger than this are answered 400 (h11's own default, made explicit):
# Slack's and Teams' requests carry about 2 KB of headers, a Teams token included.
MAX_HEADER_BYTES = 16 * 1024
# Files the process keeps for itself beyond its connections: the database, logs, the
# scheduler, outgoing HTTPS to Slack and Microsoft.
RESERVED_FILES = 100
UNLIMITED_FILES = 1 << 20  # what "no limit" counts as when capping connections


def uvicorn_options(limits: ServerLimits, open_files: int) -> dict[str, Any]:
    """Keyword arguments for ``uvicorn.run``. Connections are capped below the files the
    process may open, so the server answers 503 to the excess rather than run out of them."""
    return {
        "http": header_timeout_protocol(limits.header_timeout),
        "timeout_keep_alive": limits.keep_alive_timeout,
        "limit_concurrency": max(1, min(limits.max_connections, open_files - RESERVED_FILES)),
        "backlog": limits.backlog,
        "h11_max_incomplete_event_size": MAX_HEADER_BYTES,
    }


class HeaderTimeoutProtocol(H11Protocol):
    """uvicorn's h11 protocol, closing a connection whose request headers are not complete
    within ``header_timeout`` seconds of it opening, or of the previous response on it.

    The deadline is what nginx calls ``client_header_timeout``: the client gets ``408`` and
    the connection is closed. Once the headers are in, the request is the app's (bodies are
    bounded per route by ``bot.request_body``)."""

    header_timeout: float = 10.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._header_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._header_deadline = self.loop.call_later(self.header_timeout, self._headers_too_slow)

    def handle_events(self) -> None:
        """Called whenever bytes arrive and after each response: the clock runs while h11
        waits for a request's headers (state ``IDLE``) and stops once they are in."""
        super().handle_events()
        if self.conn.their_state is not h11.IDLE:
            self._stop_header_deadline()
        elif self._header_deadline is None and not self.transport.is_closing():
            self._header_deadline = self.loop.call_later(self.header_timeout,
                                                         self._headers_too_slow)

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_header_deadline()
        super().connection_lost(exc)

    def _stop_header_deadline(self) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
            self._header_deadline = None

    def _headers_too_slow(self) -> None:
        self._header_deadline = None
        if self.transport.is_closing() or self.conn.their_state is not h11.IDLE:
            return
        if self.conn.our_state is h11.IDLE:
            response = h11.Response(status_code=408, reason=b"Request Timeout",
                                    headers=[(b"connection", b"close"),
                                             (b"content-length", b"0")])
            self.transport.write(self.conn.send(response) + self.conn.send(h11.EndOfMessage()))
        self.transport.close()


def header_timeout_protocol(seconds: float) -> type[HeaderTimeoutProtocol]:
    """The protocol class with this deadline: uvicorn builds one per connection from it."""
    return type("HeaderTimeoutProtocol", (HeaderTimeoutProtocol,), {"header_timeout": seconds})


def raise_open_file_limit() -> int:
    """Lift this process's soft limit on open files to its hard limit (often 1,024 against
    several hundred thousand allowed), and return the limit now in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != hard and hard != resource.RLIM_INFINITY:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            soft = hard
        except (ValueError, OSError):
            pass  # a container may forbid it: keep the soft limit, and cap connections below it
    return soft if soft != resource.RLIM_INFINITY else UNLIMITED_FILES
