"""Slow and idle clients against a real ``actionbot serve``: connections whose request headers
never finish are answered 408 and closed, while everyone else is still served.

The server runs as operators run it (its own process, Teams configured with real auth) with
the header deadline set to one second, so the test waits about that long, not ten.
"""

from __future__ import annotations

import resource
import socket
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config import Config, ConfigError, ServerLimits
from bot.server_limits import RESERVED_FILES, uvicorn_options
from tests.serve_process import serving

SLOW_CONNECTIONS = 50
LOW_SOFT_LIMIT = 256
REFUSED = b"HTTP/1.1 408 Request Timeout\r\n"


def _healthz(base: str) -> int:
    with urllib.request.urlopen(f"{base}/healthz", timeout=5) as response:
        return response.status


def _lower_soft_file_limit() -> None:
    """Run in the child before ``exec``: the soft limit many hosts start with."""
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (LOW_SOFT_LIMIT, hard))


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """``actionbot serve`` on a free port with a one-second header deadline; its base URL
    and process id. One for the module: start-up is the slow part, and each test opens
    connections of its own."""
    with serving(tmp_path_factory.mktemp("serve"),
                 {"ACTIONBOT_SCHEDULER": "off", "ACTIONBOT_HEADER_TIMEOUT": "1",
                  "TEAMS_CLIENT_ID": "app-id", "TEAMS_CLIENT_SECRET": "secret",
                  "TEAMS_TENANT_ID": "tenant"},
                 before_exec=_lower_soft_file_limit) as server:
        yield server.base, server.pid


def _open_slow(port: int) -> socket.socket:
    """A connection that sends half a request's headers and then nothing."""
    conn = socket.create_connection(("127.0.0.1", port), timeout=30)
    conn.sendall(b"POST /api/messages HTTP/1.1\r\nHost: bot\r\nContent-Type: appl")
    return conn


def _read_until_closed(conn: socket.socket) -> bytes:
    received = b""
    while chunk := conn.recv(4096):
        received += chunk
    return received


def test_unfinished_headers_are_closed_while_healthz_keeps_answering(
    served: tuple[str, int]
) -> None:
    base, _ = served
    port = int(base.rsplit(":", 1)[1])
    slow = [_open_slow(port) for _ in range(SLOW_CONNECTIONS)]
    try:
        assert [_healthz(base) for _ in range(5)] == [200] * 5
        answers = [_read_until_closed(conn) for conn in slow]
    finally:
        for conn in slow:
            conn.close()
    assert all(answer.startswith(REFUSED) for answer in answers), answers[0]
    assert _healthz(base) == 200


def test_headers_sent_a_byte_at_a_time_do_not_buy_more_time(served: tuple[str, int]) -> None:
    """The deadline counts from the connection's first moment, not from its last byte."""
    base, _ = served
    header = b"GET /healthz HTTP/1.1\r\nHost: bot\r\nX-Padding: " + b"a" * 200 + b"\r\n\r\n"
    with socket.create_connection(("127.0.0.1", int(base.rsplit(":", 1)[1])),
                                  timeout=30) as conn:
        conn.settimeout(0.1)
        received = b""
        for byte in header:  # 40 s in all at this pace, against a deadline of one second
            try:
                conn.sendall(bytes([byte]))
                received = conn.recv(4096)
            except TimeoutError:
                continue
            except (BrokenPipeError, ConnectionResetError):
                break
            if received:
                break
    assert received.startswith(REFUSED)


def test_a_kept_alive_connection_is_served_and_then_held_to_the_deadline(
    served: tuple[str, int]
) -> None:
    base, _ = served
    with socket.create_connection(("127.0.0.1", int(base.rsplit(":", 1)[1])),
                                  timeout=30) as conn:
        conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: bot\r\n\r\n")
        first = b""
        while not first.endswith(b'{"status":"ok"}'):
            first += conn.recv(4096) or pytest.fail(f"closed after {first!r}")
        assert first.startswith(b"HTTP/1.1 200 OK")
        conn.sendall(b"GET /healthz HTTP/1.1\r\nHo")
        assert _read_until_closed(conn).startswith(REFUSED)


def test_serve_lifts_its_open_file_limit_to_the_hard_limit(served: tuple[str, int]) -> None:
    _, pid = served
    line = next(line for line in Path(f"/proc/{pid}/limits").read_text().splitlines()
                if line.startswith("Max open files"))
    soft, hard = line.split()[3:5]
    assert int(soft) > LOW_SOFT_LIMIT
    assert soft == hard


def test_connections_are_capped_below_the_files_the_process_may_open() -> None:
    limits = ServerLimits(max_connections=1000)
    assert uvicorn_options(limits, open_files=100_000)["limit_concurrency"] == 1000
    assert uvicorn_options(limits, open_files=1024)["limit_concurrency"] == 1024 - RESERVED_FILES


def test_limits_come_from_the_environment() -> None:
    limits = Config.from_env({"ACTIONBOT_HEADER_TIMEOUT": "2.5",
                              "ACTIONBOT_KEEP_ALIVE_TIMEOUT": "30",
                              "ACTIONBOT_MAX_CONNECTIONS": "200",
                              "ACTIONBOT_BACKLOG": "64"}).limits
    assert limits == ServerLimits(header_timeout=2.5, keep_alive_timeout=30.0,
                                  max_connections=200, backlog=64)
    assert Config.from_env({}).limits == ServerLimits(header_timeout=10.0,
                                                      keep_alive_timeout=5.0,
                                                      max_connections=1000, backlog=2048)


@pytest.mark.parametrize(("name", "value", "says"), [
    ("ACTIONBOT_HEADER_TIMEOUT", "ten", "ACTIONBOT_HEADER_TIMEOUT must be a number of seconds"),
    ("ACTIONBOT_HEADER_TIMEOUT", "0", "above 0 and at most 600, such as 10, not '0'"),
    ("ACTIONBOT_KEEP_ALIVE_TIMEOUT", "-1", "ACTIONBOT_KEEP_ALIVE_TIMEOUT must be"),
    ("ACTIONBOT_HEADER_TIMEOUT", "nan", "not 'nan'"),
    ("ACTIONBOT_MAX_CONNECTIONS", "0", "from 1 to 1,000,000, such as 1000, not '0'"),
    ("ACTIONBOT_BACKLOG", "1e3", "ACTIONBOT_BACKLOG must be a whole number"),
])
def test_bad_limits_stop_start_up_saying_what_to_write(name: str, value: str, says: str) -> None:
    with pytest.raises(ConfigError) as raised:
        Config.from_env({name: value})
    assert says in str(raised.value)
