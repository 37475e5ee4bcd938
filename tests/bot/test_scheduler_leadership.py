"""Electing the one active scheduler: the SQLite lock file and the PostgreSQL advisory lock."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bot.leader import Leadership
from storage.db import make_engine


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'actionbot.db'}"


@contextmanager
def leader_and_standby(url: str) -> Iterator[tuple[Leadership, Leadership]]:
    """Two schedulers' claims on leadership, each on its own engine; both let go at the end."""
    engines = make_engine(url), make_engine(url)
    leader, standby = Leadership(engines[0]), Leadership(engines[1])
    try:
        yield leader, standby
    finally:
        leader.release()
        standby.release()
        for e in engines:
            e.dispose()


def test_sqlite_leader_stays_leader_whichever_worker_thread_ticks(sqlite_url: str) -> None:
    """APScheduler runs each tick on any thread of its pool; the lock is the process's."""
    with leader_and_standby(sqlite_url) as (leader, standby):
        answers: list[bool] = []
        for _ in range(3):
            worker = threading.Thread(target=lambda: answers.append(leader.acquire()))
            worker.start()
            worker.join()
        assert answers == [True, True, True]
        assert not standby.acquire()


def test_sqlite_leadership_one_lock_file_holder_at_a_time(sqlite_url: str) -> None:
    with leader_and_standby(sqlite_url) as (leader, standby):
        assert leader.acquire()
        assert not standby.acquire()
        leader.release()
        assert standby.acquire()
        assert not leader.acquire()


def test_sqlite_leadership_is_given_up_by_a_leader_that_ticked_many_times(
    sqlite_url: str,
) -> None:
    """The scheduler re-checks leadership on every tick; one release must still let go."""
    with leader_and_standby(sqlite_url) as (leader, standby):
        for _ in range(3):
            assert leader.acquire()
            assert not standby.acquire()
        leader.release()
        assert standby.acquire(), "the standby should take over once the leader releases"


def test_postgres_leadership_only_one_wins_the_advisory_lock(postgres_url: str) -> None:
    with leader_and_standby(postgres_url) as (leader, standby):
        assert leader.acquire()
        assert not standby.acquire()
        assert leader.acquire(), "the leader stays leader on the next tick"
        assert not standby.acquire()


def test_postgres_leadership_passes_to_the_standby_when_the_leader_releases(
    postgres_url: str,
) -> None:
    with leader_and_standby(postgres_url) as (leader, standby):
        assert leader.acquire()
        assert not standby.acquire()
        leader.release()
        assert standby.acquire(), "the standby should win once the leader releases"
        assert not leader.acquire()
