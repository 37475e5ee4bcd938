"""``actionbot serve`` as operators run it: the installed command, in a process of its own,
on a free port, with no chat platform or database from this machine's environment.

The port is found free and released before the server binds it, so another test worker may
in principle take it in between; in-process servers avoid that (``tests.local_server``), a
separate process cannot be handed a socket as simply.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ACTIONBOT = Path(sys.executable).with_name("actionbot")
READY_WITHIN = 60.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without chat platforms, database or actionbot settings,
    plus ``extra``."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SLACK_", "TEAMS_", "ACTIONBOT_")) and k != "DATABASE_URL"}
    return {**env, **extra}


@dataclass(frozen=True)
class Served:
    base: str
    pid: int
    log: Path


@contextmanager
def serving(folder: Path, settings: dict[str, str], *,
            before_exec: Callable[[], None] | None = None) -> Iterator[Served]:
    """``actionbot serve`` on SQLite in ``folder`` with ``settings``, once ``/healthz``
    answers; its output goes to a file (a pipe nobody reads would fill and stall it)."""
    port = free_port()
    log = folder / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(ACTIONBOT), "serve", "--db", f"sqlite:///{folder / 'serve.db'}"],
            env=clean_env(PORT=str(port), HOST="127.0.0.1", **settings), cwd=folder,
            stdout=out, stderr=subprocess.STDOUT, preexec_fn=before_exec)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + READY_WITHIN
        while True:
            if process.poll() is not None:
                raise AssertionError(f"actionbot serve exited {process.returncode}:\n"
                                     f"{log.read_text(errors='replace')}")
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise AssertionError("actionbot serve did not listen within "
                                         f"{READY_WITHIN:.0f} s") from None
                time.sleep(0.1)
        yield Served(base, process.pid, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
