"""SQLite: ``show`` from 16 members at once while something writes. A script, not a test:
``python -m tests.bench.reads_beside_a_writer [--seconds 3]``.

Two rounds on one SQLite file, through ``handlers.dispatch.handle`` in threads (no HTTP):
``held``, where another connection holds the write lock (``BEGIN IMMEDIATE``) for half a
second while 16 members each ask for ``show 1`` once; and ``busy``, where 16 members ask
for ``show 1`` over and over while one member updates actions as fast as they can. Run it
against an older checkout (``PYTHONPATH``) to compare.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from handlers.context import Invocation
from handlers.dispatch import handle
from handlers.replies import Reply, Tone
from storage.db import make_engine
from storage.migrate import upgrade
from storage.uow import UnitOfWork

MEMBERS = 16
HOLD_SECONDS = 0.5
ACTIONS = 50
AS_RE = Invocation(platform="console", workspace="local", channel="console", as_initials="RE")


def _ms(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds)
    return {"p50_ms": round(statistics.median(ordered) * 1000, 2),
            "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 2),
            "max_ms": round(ordered[-1] * 1000, 2)}


def _timed(uow: UnitOfWork, text: str) -> tuple[float, Reply]:
    start = time.perf_counter()
    reply = handle("action", text, invocation=AS_RE, uow=uow)
    return time.perf_counter() - start, reply


def _held(uow: UnitOfWork, path: Path) -> dict[str, object]:
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    releaser = threading.Timer(HOLD_SECONDS, lambda: holder.execute("COMMIT"))
    releaser.start()
    with ThreadPoolExecutor(MEMBERS) as pool:
        results = list(pool.map(lambda _: _timed(uow, "show 1"), range(MEMBERS)))
    releaser.join()
    holder.close()
    errors = sum(reply.tone is Tone.ERROR for _, reply in results)
    return {"hold_ms": HOLD_SECONDS * 1000, **_ms([t for t, _ in results]), "errors": errors}


def _busy(uow: UnitOfWork, seconds: float) -> dict[str, object]:
    stop = time.perf_counter() + seconds
    reads: list[float] = []
    writes: list[float] = []
    errors: list[str] = []

    def member(texts: list[str], into: list[float]) -> None:
        i = 0
        while time.perf_counter() < stop:
            took, reply = _timed(uow, texts[i % len(texts)])
            into.append(took)
            if reply.tone is Tone.ERROR:
                errors.append(reply.title)
            i += 1

    updates = [f"update {n} progress noted {n}" for n in range(1, ACTIONS + 1)]
    threads = [threading.Thread(target=member, args=(["show 1"], reads)) for _ in range(MEMBERS)]
    threads.append(threading.Thread(target=member, args=(updates, writes)))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"reads_per_s": round(len(reads) / seconds), "reads": _ms(reads),
            "writes_per_s": round(len(writes) / seconds), "writes": _ms(writes),
            "errors": len(errors)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        engine = make_engine(f"sqlite:///{path}", pool_size=MEMBERS + 4)
        upgrade(engine)
        uow = UnitOfWork(engine)
        handle("board", "setup Bench Board", invocation=AS_RE, uow=uow)
        handle("board", "member add KY Kevin Yong", invocation=AS_RE, uow=uow)
        for n in range(ACTIONS):
            handle("action", f"add KY to check item {n}", invocation=AS_RE, uow=uow)
        for _ in range(200):  # warm caches and the pool
            _timed(uow, "show 1")
        print(json.dumps({"held": _held(uow, path), "busy": _busy(uow, args.seconds)},
                         indent=2))
        engine.dispose()


if __name__ == "__main__":
    main()
