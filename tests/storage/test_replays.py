"""The table of signed Slack requests already let in: one insert decides, whoever asks."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import Engine, func, select

from storage.models import SlackRequestSeen
from storage.replays import PRUNE_EVERY, WINDOW, SeenRequests, signature_key
from storage.uow import UnitOfWork
from tests.conftest import NOW

SIGNATURE = "v0=" + "ab" * 32


def stored(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.scalars(select(SlackRequestSeen.signature_hash)))


def test_a_signature_is_new_once_and_only_its_hash_is_kept(engine: Engine) -> None:
    seen = SeenRequests(UnitOfWork(engine))
    assert seen.first_sighting(SIGNATURE, NOW, now=NOW) is True
    assert seen.first_sighting(SIGNATURE, NOW, now=NOW) is False
    assert seen.first_sighting(SIGNATURE.replace("ab", "cd", 1), NOW, now=NOW) is True
    assert SIGNATURE not in stored(engine)
    assert signature_key(SIGNATURE) in stored(engine)


def test_two_processes_share_what_they_have_seen(engine: Engine) -> None:
    assert SeenRequests(UnitOfWork(engine)).first_sighting(SIGNATURE, NOW, now=NOW) is True
    assert SeenRequests(UnitOfWork(engine)).first_sighting(SIGNATURE, NOW, now=NOW) is False


def test_of_eight_simultaneous_sightings_exactly_one_is_first(engine: Engine) -> None:
    seen = SeenRequests(UnitOfWork(engine))
    start = threading.Barrier(8)
    results: list[bool] = []

    def look() -> None:
        start.wait(timeout=10)
        results.append(seen.first_sighting(SIGNATURE, NOW, now=NOW))

    threads = [threading.Thread(target=look) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results) == [False] * 7 + [True]


def test_rows_older_than_the_window_are_pruned_at_most_once_a_minute(engine: Engine) -> None:
    seen = SeenRequests(UnitOfWork(engine))
    seen.first_sighting("v0=old", NOW - WINDOW - timedelta(seconds=1), now=NOW)
    seen.first_sighting("v0=recent", NOW - WINDOW + timedelta(seconds=1), now=NOW)
    assert len(stored(engine)) == 2, "the first sighting pruned before inserting"

    later = NOW + timedelta(seconds=2)
    seen.first_sighting("v0=next", later, now=later)
    assert len(stored(engine)) == 3, "no second prune within the minute"

    after = NOW + PRUNE_EVERY
    seen.first_sighting("v0=last", after, now=after)
    assert sorted(stored(engine)) == sorted(signature_key(s) for s in ("v0=next", "v0=last"))
    with engine.connect() as conn:
        oldest = conn.scalar(select(func.min(SlackRequestSeen.sent_at)))
    assert oldest == later


def test_commands_after_a_sighting_still_wait_for_the_disk(engine: Engine) -> None:
    """A sighting's commit skips the flush; the connection it used, back in the pool for
    the next command, flushes again."""
    seen = SeenRequests(UnitOfWork(engine))
    seen.first_sighting(SIGNATURE, NOW, now=NOW)
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        else:
            assert conn.exec_driver_sql("SHOW synchronous_commit").scalar() == "on"
