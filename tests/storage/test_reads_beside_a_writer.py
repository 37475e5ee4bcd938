"""SQLite: commands that only read never take the write lock, so they answer while another
connection holds it; commands that write queue for it, and every one of them succeeds.

The writer here is a second SQLite connection on the same file holding ``BEGIN IMMEDIATE``
open, as another ``serve`` process or a long import would. Readers are asked to finish before
it lets go, so they can only succeed if they never needed its lock (one that did would wait
out the 30-second busy timeout and answer "not answering").
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import contextmanager

import pytest

from bot.render_text import render
from handlers.replies import Reply, Tone
from tests.conftest import Chat

READERS = 8
WRITERS = 6
ADDS_PER_WRITER = 3
# Far longer than any of these commands takes, far shorter than the writers' busy timeout.
RESULT_TIMEOUT = 20
ADDED = re.compile(r"Action (\d+) added")

pytestmark = pytest.mark.parametrize("engine", ["sqlite"], indirect=True)


@contextmanager
def _write_lock_held(board: Chat) -> Iterator[sqlite3.Connection]:
    """Another connection holds SQLite's write lock, with an uncommitted change made under
    it, until the block ends; then it commits."""
    holder = sqlite3.connect(board.uow.engine.url.database, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        holder.execute("UPDATE actions SET text = 'changed under the lock' WHERE number = 1")
        yield holder
        holder.execute("COMMIT")
    finally:
        holder.close()


def _adds(board: Chat, writer: int) -> list[Reply]:
    return [board(f"/action add KY to check item {writer}-{i}", as_="RE")
            for i in range(ADDS_PER_WRITER)]


def _assert_no_database_error(replies: list[Reply]) -> None:
    for reply in replies:
        shown = render(reply)
        assert reply.tone is not Tone.ERROR, shown
        assert "locked" not in shown and "not answering" not in shown, shown


def test_show_and_list_answer_while_another_connection_holds_the_write_lock(
        board: Chat) -> None:
    board("/action add KY to write to DfE", as_="RE")
    lines = ["/action show 1", "/action list"] * (READERS // 2)
    with _write_lock_held(board), ThreadPoolExecutor(READERS) as pool:
        replies = list(pool.map(lambda line: board(line, as_="KY"), lines,
                                timeout=RESULT_TIMEOUT))

    _assert_no_database_error(replies)
    for line, reply in zip(lines, replies, strict=True):
        shown = render(reply)
        # Each saw what was committed, not the change still pending under the lock.
        assert "KY to write to DfE" in shown, (line, shown)
        assert "changed under the lock" not in shown, (line, shown)
    assert "changed under the lock" in render(board("/action show 1", as_="KY"))


def test_writes_queue_for_the_lock_and_all_succeed_while_reads_go_on(board: Chat) -> None:
    board("/action add KY to write to DfE", as_="RE")
    with ThreadPoolExecutor(WRITERS + READERS) as pool:
        with _write_lock_held(board):
            writers: list[Future[list[Reply]]] = [pool.submit(_adds, board, w)
                                                  for w in range(WRITERS)]
            readers = [pool.submit(board, "/action show 1", as_="KY") for _ in range(READERS)]
            read = [f.result(timeout=RESULT_TIMEOUT) for f in readers]
            # No write can finish while the lock is held; nor may one give up on it.
            assert not any(f.done() for f in writers)
        done, waiting = wait(writers, timeout=RESULT_TIMEOUT * 3)
        assert not waiting
    written = [reply for f in done for reply in f.result()]

    _assert_no_database_error(read + written)
    numbers = sorted(int(m.group(1)) for r in written if (m := ADDED.fullmatch(r.title)))
    assert numbers == list(range(2, 2 + WRITERS * ADDS_PER_WRITER))
    listed = render(board("/action list all", as_="KY"))
    assert all(f"KY to check item {w}-{i}" in listed
               for w in range(WRITERS) for i in range(ADDS_PER_WRITER))
