"""Tools for sending /api/messages what Teams never would, and checking nothing gave way.

``send_raw`` speaks HTTP/1.1 on a socket of its own, so a test can declare a body it never
sends (a server that waited to read it would never answer), or send one in chunks.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
from select import select as ready
from urllib.parse import urlsplit

from sqlalchemy import func, select

from storage.models import Base
from storage.uow import UnitOfWork

ANSWER_WITHIN = 30.0
"""Socket timeout: a hang detector for tests that expect an answer, not a speed test."""


def send_raw(base: str, head: dict[str, str], body: bytes = b"", *, chunks: int = 0,
             path: str = "/api/messages") -> tuple[int, dict[str, str], bytes]:
    """POST ``body`` (whole, or as ``chunks`` chunked pieces) after ``head``; the answer's
    status, headers (lower-case names) and body. Ends the request early if the server
    closes the connection while it is still being sent."""
    with start_request(base, head, body, chunks=chunks, path=path) as sock:
        return read_answer(sock)


def start_request(base: str, head: dict[str, str], body: bytes = b"", *, chunks: int = 0,
                  path: str = "/api/messages", method: str = "POST") -> socket.socket:
    """Send a request and return its socket, the answer not yet read."""
    url = urlsplit(base)
    assert url.hostname is not None and url.port is not None
    lines = [f"{method} {path} HTTP/1.1", f"Host: {url.netloc}",
             *(f"{k}: {v}" for k, v in head.items())]
    sock = socket.create_connection((url.hostname, url.port), timeout=ANSWER_WITHIN)
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
    try:
        if chunks:
            size = max(1, -(-len(body) // chunks))
            for at in range(0, len(body), size):
                piece = body[at:at + size]
                sock.sendall(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
            sock.sendall(b"0\r\n\r\n")
        else:
            sock.sendall(body)
    except (BrokenPipeError, ConnectionResetError):
        pass  # refused mid-body: the answer is already waiting
    return sock


def answered(sock: socket.socket) -> bool:
    """Whether an answer (or the connection's end) is waiting on ``sock``, without waiting."""
    readable, _, _ = ready([sock], [], [], 0)
    return bool(readable)


def read_answer(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    data = b""
    while b"\r\n\r\n" not in data:
        piece = sock.recv(65536)
        if not piece:
            raise AssertionError(f"the connection closed without an answer: {data!r}")
        data += piece
    head, rest = data.split(b"\r\n\r\n", 1)
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip()
               for k, v in (line.split(":", 1) for line in header_lines)}
    length = int(headers.get("content-length", "0"))
    while len(rest) < length:
        piece = sock.recv(65536)
        if not piece:
            break
        rest += piece
    return int(status_line.split()[1]), headers, rest[:length]


def row_counts(uow: UnitOfWork) -> dict[str, int]:
    """Rows in every table: what an unauthenticated request must leave as it was."""
    with uow.transaction() as session:
        return {table.name: session.scalar(select(func.count()).select_from(table)) or 0
                for table in Base.metadata.sorted_tables}


def tracebacks(records: list[logging.LogRecord]) -> list[str]:
    """Log records that carry a traceback (uvicorn's "Exception in ASGI application" does)."""
    return [record.getMessage()[:200] for record in records
            if record.exc_info or record.exc_text or "Traceback" in record.getMessage()]


class SilentServer:
    """Accepts connections on 127.0.0.1 and never answers: Microsoft's key endpoint on a bad
    day. ``accepted`` counts the connections made to it."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0), backlog=128)
        self.held: list[socket.socket] = []
        self.accepted = 0
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.listener.getsockname()[1]}"

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            self.held.append(conn)
            self.accepted += 1

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept()
        self.listener.close()
        for conn in self.held:
            conn.close()
