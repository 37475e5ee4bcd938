"""The clock: ``bot.scheduler.tick`` sends what is due exactly once, through the send ledger.

Every test drives the fixture board (meeting Wednesday 3 February 2027, 10:30 London) through
``tick(now=…)`` at fixed moments and reads what a ``RecordingNotifier`` received. In winter
09:00 in London is 09:00 UTC; in summer it is 08:00 UTC.
"""

from __future__ import annotations

import multiprocessing
import queue
import threading
import traceback
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from sqlalchemy import Engine, select

from bot.leader import Leadership
from bot.notify import Delivery, DeliveryError
from bot.render_text import render
from bot.scheduler import TickResult, tick
from handlers.reminders import Outgoing, due
from handlers.replies import Reply, Tone
from storage.boards import bind_channel, board_by_name
from storage.db import make_engine
from storage.models import Send
from storage.sends import CLAIM_TIMEOUT, claim
from storage.uow import UnitOfWork
from tests.bot.recording_notifier import RecordingNotifier
from tests.conftest import NOW, Chat

FIVE_DAYS_BEFORE = datetime(2027, 1, 27, 9, 0, tzinfo=UTC)
DIGEST_DAY = datetime(2027, 2, 1, 9, 0, tzinfo=UTC)
ONE_DAY_BEFORE = datetime(2027, 2, 2, 9, 0, tzinfo=UTC)
MEETING_STARTS = datetime(2027, 2, 3, 10, 30, tzinfo=UTC)
MINUTE = timedelta(minutes=1)
BOARD = "South East Adoption Board"
HOURLY = tuple(range(24))
RACERS = 3
RACE_TIMEOUT = 180


def utc(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def ok(chat: Chat, line: str, *, as_: str = "RE", now: datetime | None = None) -> Reply:
    reply = chat(line, as_=as_, now=now)
    assert reply.tone is not Tone.ERROR, render(reply)
    return reply


class Seen(NamedTuple):
    """A message and the tick that delivered it."""

    at: datetime
    kind: str
    recipient: str
    actions: tuple[int, ...]
    text: str


@dataclass
class Clock:
    """The scheduler of the fixture board's database, delivering to a recording notifier."""

    uow: UnitOfWork
    notifier: RecordingNotifier = field(default_factory=RecordingNotifier)

    def tick(self, now: datetime, *, dry_run: bool = False) -> TickResult:
        return tick(self.uow, Delivery({"console": self.notifier}), now=now, dry_run=dry_run,
                    worker="test-scheduler")

    def run(self, start: datetime, end: datetime, *,
            hours: Iterable[int] = (7, 8, 9, 10, 20)) -> list[Seen]:
        """Tick at the given UTC hours of every day from ``start`` to ``end`` (inclusive)."""
        seen: list[Seen] = []
        day = start.replace(hour=0, minute=0)
        while day <= end:
            for hour in sorted(hours):
                now = day.replace(hour=hour)
                if start <= now <= end:
                    seen.extend(self.tick_and_collect(now))
            day += timedelta(days=1)
        return seen

    def tick_and_collect(self, now: datetime) -> list[Seen]:
        before = len(self.notifier.messages)
        self.tick(now)
        return [Seen(now, m.kind, m.recipient, m.actions, m.text)
                for m in self.notifier.messages[before:]]

    def ledger(self) -> list[tuple[str, str, str]]:
        """(kind, recipient, status) of every row of the send ledger."""
        with self.uow.transaction() as session:
            rows = session.execute(select(Send.kind, Send.recipient, Send.status)
                                   .order_by(Send.id)).all()
        return [(row.kind, row.recipient, row.status) for row in rows]


@pytest.fixture
def clock(board: Chat) -> Clock:
    return Clock(board.uow)


def when(seen: list[Seen], *kinds: str) -> list[tuple[datetime, str, str]]:
    """(tick, kind, recipient) of the messages of those kinds (all kinds if none given);
    the order of messages within one tick is not part of the contract, so it is sorted."""
    return sorted((s.at, s.kind, s.recipient) for s in seen if not kinds or s.kind in kinds)


# ---- owner reminders and the digest, on time and once --------------------------------------
def test_reminders_go_at_nine_once_however_often_the_clock_ticks(board: Chat,
                                                                 clock: Clock) -> None:
    ok(board, "/action add KY to write to DfE @KY")
    ok(board, "/action add MH and KY to meet Surrey")

    assert clock.tick(FIVE_DAYS_BEFORE - MINUTE).sent == []
    at_nine = clock.tick(FIVE_DAYS_BEFORE)
    for later in (FIVE_DAYS_BEFORE + MINUTE, FIVE_DAYS_BEFORE + 30 * MINUTE):
        assert clock.tick(later).sent == []

    assert sorted((o.kind, o.recipient, o.slot_at) for o in at_nine.sent) == [
        ("reminder", "KY", FIVE_DAYS_BEFORE), ("reminder", "MH", FIVE_DAYS_BEFORE)
    ]
    assert sorted(clock.notifier.summary()) == [
        ("reminder", "KY", (2, 1)), ("reminder", "MH", (2,))
    ]
    assert all(m.board == BOARD for m in clock.notifier.messages)


def test_ticking_twice_at_the_same_moment_sends_nothing_the_second_time(
    board: Chat, clock: Clock
) -> None:
    ok(board, "/action add KY to write to DfE @KY")

    first = clock.tick(DIGEST_DAY)
    second = clock.tick(DIGEST_DAY)

    assert [o.kind for o in first.sent] == ["digest"]
    assert second.sent == [] and second.failed == [] and second.missed == []
    assert clock.notifier.summary() == [("digest", "channel", (1,))]


def test_the_week_before_a_meeting_ticked_every_hour(board: Chat, clock: Clock) -> None:
    ok(board, "/action add KY to write to DfE @KY")  # 1
    ok(board, "/action add MH and KY to meet Surrey")  # 2
    ok(board, "/action add All to read the annual report")  # 3: the channel's, not a DM
    ok(board, "/action decision Adopt the terms of reference")  # 4

    seen = clock.run(utc(2027, 1, 25, 0), utc(2027, 2, 3, 12), hours=HOURLY)

    assert sorted((s.at, s.kind, s.recipient, s.actions) for s in seen) == [
        (FIVE_DAYS_BEFORE, "reminder", "KY", (2, 1)),
        (FIVE_DAYS_BEFORE, "reminder", "MH", (2,)),
        (DIGEST_DAY, "digest", "channel", (3, 2, 1)),
        (ONE_DAY_BEFORE, "reminder", "KY", (2, 1)),
        (ONE_DAY_BEFORE, "reminder", "MH", (2,)),
    ]
    digest = next(s.text for s in seen if s.kind == "digest")
    assert digest.startswith(f"Action log digest — {BOARD}")
    assert "3 · All · All to read the annual report" in digest
    assert digest.rstrip(".").endswith("This action log was updated on 11 January 2027")
    reminders = "".join(s.text for s in seen if s.kind == "reminder")
    assert "All to read the annual report" not in reminders


# ---- chasing overdue actions ---------------------------------------------------------------
def test_chases_every_seven_days_and_the_chair_is_told_from_the_fourth(
    board: Chat, clock: Clock
) -> None:
    ok(board, "/action add KY to write to DfE by 18 January")  # a Monday

    seen = clock.run(utc(2027, 1, 18, 0), utc(2027, 2, 17, 23))

    assert when(seen, "chase", "escalation") == [
        (utc(2027, 1, 19), "chase", "KY"),
        (utc(2027, 1, 26), "chase", "KY"),
        (utc(2027, 2, 2), "chase", "KY"),
        (utc(2027, 2, 9), "chase", "KY"),
        (utc(2027, 2, 9), "escalation", "MH"),
        (utc(2027, 2, 16), "chase", "KY"),
        (utc(2027, 2, 16), "escalation", "MH"),
    ]
    chases = [s.text for s in seen if s.kind == "chase"]
    for number, text in enumerate(chases, start=1):
        assert text.startswith(f"Action 1 is overdue on {BOARD}")
        assert f"Reminder no. {number}." in text
    escalation = next(s.text for s in seen if s.kind == "escalation")
    assert escalation.startswith(f"For the chair: action 1 on {BOARD} still overdue after 4")


def test_escalate_2_tells_the_vice_chair_when_the_chair_owns_the_action(
    board: Chat, clock: Clock
) -> None:
    ok(board, "/board settings escalate 2")
    ok(board, "/action add MH to write to DfE by 18 January")

    seen = clock.run(utc(2027, 1, 18, 0), utc(2027, 2, 3, 0))

    assert when(seen, "chase", "escalation") == [
        (utc(2027, 1, 19), "chase", "MH"),
        (utc(2027, 1, 26), "chase", "MH"),
        (utc(2027, 1, 26), "escalation", "LH"),
        (utc(2027, 2, 2), "chase", "MH"),
        (utc(2027, 2, 2), "escalation", "LH"),
    ]


CHASE_CALENDARS = {
    "over Easter and the March clock change": (
        None, "18 March", utc(2027, 3, 18, 0), utc(2027, 4, 7, 23),
        [utc(2027, 3, 19, 9), utc(2027, 3, 30, 8), utc(2027, 4, 6, 8)],
    ),
    "over the October clock change": (
        None, "26 October", utc(2027, 10, 26, 0), utc(2027, 11, 4, 23),
        [utc(2027, 10, 27, 8), utc(2027, 11, 3, 9)],
    ),
    "over Christmas 2026 and New Year's Day": (
        utc(2026, 12, 14, 10), "24 December", utc(2026, 12, 24, 0), utc(2027, 1, 6, 23),
        [utc(2026, 12, 29, 9), utc(2027, 1, 5, 9)],
    ),
    "over Christmas 2027": (
        None, "24 December 2027", utc(2027, 12, 24, 0), utc(2028, 1, 6, 23),
        [utc(2027, 12, 29, 9), utc(2028, 1, 5, 9)],
    ),
}


@pytest.mark.parametrize("case", CHASE_CALENDARS.values(), ids=CHASE_CALENDARS.keys())
def test_chases_fall_on_working_days_at_nine_board_time(
    board: Chat, clock: Clock,
    case: tuple[datetime | None, str, datetime, datetime, list[datetime]],
) -> None:
    added_at, due_on, start, end, expected = case
    ok(board, f"/action add KY to write to DfE by {due_on}", now=added_at)

    seen = clock.run(start, end)

    assert when(seen, "chase") == [(at, "chase", "KY") for at in expected]


def test_a_closed_action_is_no_longer_chased(board: Chat, clock: Clock) -> None:
    ok(board, "/action add KY to write to DfE by 18 January")
    first = clock.run(utc(2027, 1, 18, 0), utc(2027, 1, 19, 23))
    ok(board, "/action close 1 sent", as_="KY", now=utc(2027, 1, 20, 11))

    later = clock.run(utc(2027, 1, 20, 0), utc(2027, 2, 17, 23))

    assert when(first, "chase") == [(utc(2027, 1, 19), "chase", "KY")]
    assert when(later, "chase", "escalation", "reminder") == [], "closed: nothing for KY"
    assert when(later) == [(DIGEST_DAY, "digest", "channel")]


def test_a_reassigned_action_is_chased_to_its_new_owner(board: Chat, clock: Clock) -> None:
    ok(board, "/action add KY to write to DfE by 18 January")
    first = clock.run(utc(2027, 1, 18, 0), utc(2027, 1, 19, 23))
    ok(board, "/action assign 1 @AC", now=utc(2027, 1, 20, 11))

    later = clock.run(utc(2027, 1, 20, 0), utc(2027, 2, 2, 23))

    assert when(first, "chase") == [(utc(2027, 1, 19), "chase", "KY")]
    assert when(later, "chase") == [(utc(2027, 1, 26), "chase", "AC"),
                                    (utc(2027, 2, 2), "chase", "AC")]
    second_chase = next(s for s in later if s.kind == "chase")
    assert "Reminder no. 2." in second_chase.text
    assert {s.recipient for s in later if s.kind == "reminder"} == {"AC"}


# ---- the calendar changing under the clock -------------------------------------------------
def test_a_meeting_moved_after_its_first_reminder_is_reminded_afresh(
    board: Chat, clock: Clock
) -> None:
    ok(board, "/action add KY to write to DfE @KY")
    first = clock.run(utc(2027, 1, 27, 0), utc(2027, 1, 27, 11))
    ok(board, "/board meeting move 3 February 2027 to 10 February 2027 10:30",
       now=utc(2027, 1, 27, 12))

    later = clock.run(utc(2027, 1, 27, 12), utc(2027, 2, 10, 12))

    assert when(first) == [(FIVE_DAYS_BEFORE, "reminder", "KY")]
    assert when(later) == [
        (utc(2027, 2, 3), "reminder", "KY"),
        (utc(2027, 2, 8), "digest", "channel"),
        (utc(2027, 2, 9), "reminder", "KY"),
    ]
    assert "meets on 10 February 2027, 10:30" in later[0].text


def test_a_cancelled_meeting_takes_its_pending_sends_with_it(board: Chat, clock: Clock) -> None:
    ok(board, "/action add KY to write to DfE @KY")
    first = clock.run(utc(2027, 1, 27, 0), utc(2027, 1, 27, 11))
    ok(board, "/board meeting cancel 3 February 2027", now=utc(2027, 1, 27, 12))

    later = [clock.tick(at) for at in (DIGEST_DAY, ONE_DAY_BEFORE, ONE_DAY_BEFORE + MINUTE)]

    assert when(first) == [(FIVE_DAYS_BEFORE, "reminder", "KY")]
    assert all(r.sent == [] and r.missed == [] for r in later)
    assert len(clock.notifier.messages) == 1


# ---- failures, crashes and downtime --------------------------------------------------------
def test_a_send_claimed_by_a_process_that_died_is_retried_after_the_claim_timeout(
    board: Chat, clock: Clock
) -> None:
    ok(board, "/action add KY to write to DfE @KY")
    with board.uow.transaction() as session:
        (reminder,) = due(session, FIVE_DAYS_BEFORE).outgoing
    (unit,) = reminder.units
    assert claim(board.uow, unit, worker="crashed-process", now=FIVE_DAYS_BEFORE)

    assert timedelta(minutes=10) == CLAIM_TIMEOUT
    assert clock.tick(FIVE_DAYS_BEFORE + 5 * MINUTE).sent == []
    assert clock.notifier.messages == []
    retried = clock.tick(FIVE_DAYS_BEFORE + 11 * MINUTE)
    assert [(o.kind, o.recipient) for o in retried.sent] == [("reminder", "KY")]
    assert clock.tick(FIVE_DAYS_BEFORE + 12 * MINUTE).sent == []
    assert clock.notifier.summary() == [("reminder", "KY", (1,))]
    assert clock.ledger() == [("reminder", "KY", "sent")]


def test_a_failed_delivery_is_recorded_and_retried_after_backoff(
    board: Chat, clock: Clock
) -> None:
    ok(board, "/action add KY to write to DfE @KY")
    clock.notifier.fail_next(1)

    failed = clock.tick(FIVE_DAYS_BEFORE)

    assert failed.sent == []
    assert [(o.recipient, error) for o, error in failed.failed] == [
        ("KY", "console: the platform is down")
    ]
    assert clock.ledger() == [("reminder", "KY", "failed")]
    assert clock.tick(FIVE_DAYS_BEFORE + MINUTE).sent == [], "still backing off"
    assert clock.notifier.attempts == 1
    assert [o.recipient for o in clock.tick(FIVE_DAYS_BEFORE + 2 * MINUTE).sent] == ["KY"]
    assert clock.tick(FIVE_DAYS_BEFORE + 3 * MINUTE).sent == []
    assert clock.notifier.summary() == [("reminder", "KY", (1,))]
    assert clock.ledger() == [("reminder", "KY", "sent")]


def test_a_platform_down_for_a_while_gets_each_message_once_when_it_recovers(
    board: Chat, clock: Clock
) -> None:
    ok(board, "/action add KY to write to DfE @KY")
    ok(board, "/action add MH to ring Kent @MH")
    clock.notifier.fail_next(5, RuntimeError("connection reset"))

    for minute in range(0, 21):
        clock.tick(FIVE_DAYS_BEFORE + minute * MINUTE)

    assert sorted(clock.notifier.summary()) == [
        ("reminder", "KY", (1,)), ("reminder", "MH", (2,))
    ]
    assert clock.notifier.attempts == 7
    assert sorted(clock.ledger()) == [("reminder", "KY", "sent"), ("reminder", "MH", "sent")]


def test_a_platform_down_for_a_morning_still_gets_the_reminder_that_day(
    board: Chat, clock: Clock
) -> None:
    """Down 09:00–14:00, well inside the 12 hours a late reminder may still go."""
    ok(board, "/action add KY to write to DfE @KY")
    clock.notifier.fail_next(1000)
    for step in range(0, 37):  # 09:00 to 15:00, every 10 minutes
        now = FIVE_DAYS_BEFORE + step * 10 * MINUTE
        if now == utc(2027, 1, 27, 14):
            clock.notifier.fail_next(0)
        clock.tick(now)

    assert clock.notifier.summary() == [("reminder", "KY", (1,))]
    assert clock.ledger() == [("reminder", "KY", "sent")]


def test_a_chase_lost_to_a_day_long_outage_does_not_end_the_chasing(
    board: Chat, clock: Clock
) -> None:
    ok(board, "/action add KY to write to DfE by 18 January")
    clock.notifier.fail_next(1000)
    clock.run(utc(2027, 1, 19, 0), utc(2027, 1, 19, 23), hours=HOURLY)
    clock.notifier.fail_next(0)

    seen = clock.run(utc(2027, 1, 20, 0), utc(2027, 2, 3, 0))

    assert when(seen, "chase") == [(utc(2027, 1, 26), "chase", "KY"),
                                   (utc(2027, 2, 2), "chase", "KY")]


def test_one_platform_failing_does_not_send_the_other_platform_a_second_copy(
    board: Chat, clock: Clock
) -> None:
    """A board kept in a console channel and a Slack channel: Slack fails once, then works."""
    ok(board, "/action add KY to write to DfE @KY")
    with board.uow.transaction() as session:
        kept = board_by_name(session, BOARD)
        assert kept is not None
        bind_channel(session, kept, "slack", "T1", "C1", now=NOW)
    console, slack = RecordingNotifier(), RecordingNotifier()
    delivery = Delivery({"console": console, "slack": slack})
    slack.fail_next(1)

    for minute in range(0, 5):
        tick(board.uow, delivery, now=FIVE_DAYS_BEFORE + minute * MINUTE, worker="test")

    assert slack.summary() == [("reminder", "KY", (1,))]
    assert console.summary() == [("reminder", "KY", (1,))], "sent to the console once"


def test_downtime_within_the_grace_period_sends_late(board: Chat, clock: Clock) -> None:
    ok(board, "/action add KY to write to DfE @KY")

    late = clock.tick(utc(2027, 1, 27, 20))

    assert [(o.kind, o.recipient, o.slot_at) for o in late.sent] == [
        ("reminder", "KY", FIVE_DAYS_BEFORE)
    ]
    assert late.missed == []
    assert clock.tick(utc(2027, 1, 27, 20, 1)).sent == []


def test_downtime_beyond_the_grace_period_skips_once_and_records_it(
    board: Chat, clock: Clock
) -> None:
    ok(board, "/action add KY to write to DfE @KY")

    after_a_day = clock.tick(utc(2027, 1, 28, 9))
    again = clock.tick(utc(2027, 1, 28, 9, 5))
    rest = clock.run(utc(2027, 1, 28, 10), utc(2027, 2, 2, 23))

    assert after_a_day.sent == []
    assert [(u.kind, u.recipient, u.slot_at) for u in after_a_day.missed] == [
        ("reminder", "KY", FIVE_DAYS_BEFORE)
    ]
    assert again.missed == [], "reported once"
    assert ("reminder", "KY", "skipped") in clock.ledger()
    assert when(rest) == [(DIGEST_DAY, "digest", "channel"), (ONE_DAY_BEFORE, "reminder", "KY")]


@pytest.mark.parametrize(
    ("first_tick", "sent"),
    [
        (MEETING_STARTS - MINUTE, [("digest", "channel"), ("reminder", "KY")]),
        (MEETING_STARTS, []),
        (MEETING_STARTS + timedelta(hours=1), []),
    ],
    ids=["just before the meeting", "as it starts", "during it"],
)
def test_late_sends_never_go_once_the_meeting_has_started(
    board: Chat, clock: Clock, first_tick: datetime, sent: list[tuple[str, str]]
) -> None:
    ok(board, "/action add KY to write to DfE @KY")
    ok(board, "/board settings grace 72")

    result = clock.tick(first_tick)

    assert sorted((o.kind, o.recipient) for o in result.sent) == sent
    assert sorted(m[:2] for m in clock.notifier.summary()) == sent


def test_dry_run_says_what_would_go_and_records_nothing(board: Chat, clock: Clock) -> None:
    ok(board, "/action add KY to write to DfE @KY")
    ok(board, "/action add MH to ring Kent @MH")

    preview = clock.tick(FIVE_DAYS_BEFORE, dry_run=True)
    missed_preview = clock.tick(utc(2027, 1, 28, 9), dry_run=True)

    assert sorted((o.kind, o.recipient, tuple(o.actions)) for o in preview.sent) == [
        ("reminder", "KY", (1,)), ("reminder", "MH", (2,))
    ]
    assert all(o.reply.title.startswith("Reminder: ") for o in preview.sent)
    assert sorted(u.recipient for u in missed_preview.missed) == ["KY", "MH"]
    assert clock.notifier.messages == []
    assert clock.ledger() == []

    real = clock.tick(FIVE_DAYS_BEFORE)
    assert sorted(o.recipient for o in real.sent) == ["KY", "MH"]
    assert sorted(m[:3] for m in clock.notifier.summary()) == [
        ("reminder", "KY", (1,)), ("reminder", "MH", (2,))
    ]


# ---- several schedulers at once ------------------------------------------------------------
RACE_AT = ONE_DAY_BEFORE
RACE_EXPECTED = sorted([
    ("reminder", "KY", (2, 1)),
    ("reminder", "MH", (2,)),
    ("reminder", "AC", (3,)),
    ("reminder", "LH", (4,)),
    ("reminder", "RE", (5,)),
    ("chase", "KY", (1,)),
    ("escalation", "MH", (1,)),
])
RACE_MISSED = 6  # the five 27 January reminders and the 1 February digest


def race_board(board: Chat) -> None:
    """At 09:00 on 2 February: five reminders, a chase and the chair's notice are due."""
    ok(board, "/board settings escalate 1")
    ok(board, "/action add KY to write to DfE by 1 February")
    ok(board, "/action add MH and KY to meet Surrey")
    ok(board, "/action add AC to ring Bucks @AC")
    ok(board, "/action add LH to review fees @LH")
    ok(board, "/action add RE to book the room @RE")


RaceReport = tuple[list[tuple[str, str, tuple[int, ...]]], list[str]]


def race_once(uow: UnitOfWork, worker: str) -> RaceReport:
    """Tick three times around the slot; report what was delivered and what was skipped."""
    notifier = RecordingNotifier()
    missed: list[str] = []
    for now in (RACE_AT, RACE_AT, RACE_AT + MINUTE):
        result = tick(uow, Delivery({"console": notifier}), now=now, worker=worker)
        missed.extend(u.key for u in result.missed)
    return notifier.summary(), missed


def assert_each_sent_once(reports: list[RaceReport], uow: UnitOfWork) -> None:
    delivered = sorted(m for sent, _ in reports for m in sent)
    missed = [key for _, keys in reports for key in keys]
    assert delivered == RACE_EXPECTED
    assert len(missed) == RACE_MISSED and len(set(missed)) == RACE_MISSED
    statuses = sorted(status for _, _, status in Clock(uow).ledger())
    assert statuses == ["sent"] * len(RACE_EXPECTED) + ["skipped"] * RACE_MISSED


def test_schedulers_racing_in_threads_send_each_message_once(board: Chat) -> None:
    race_board(board)
    start = threading.Barrier(RACERS)

    def racer(n: int) -> RaceReport:
        start.wait(RACE_TIMEOUT)
        return race_once(board.uow, f"thread-{n}")

    with ThreadPoolExecutor(RACERS) as pool:
        reports = list(pool.map(racer, range(RACERS)))

    assert_each_sent_once(reports, board.uow)


def _race_in_process(url: str, n: int, start: Any, results: Any) -> None:
    """Runs in a spawned process with its own engine; reports back through ``results``."""
    try:
        engine = make_engine(url)
        start.wait(RACE_TIMEOUT)
        report = race_once(UnitOfWork(engine), f"process-{n}")
        engine.dispose()
        results.put((n, report, None))
    except BaseException:  # noqa: BLE001 - handed to the parent, which fails the test
        results.put((n, ([], []), traceback.format_exc()))


def test_schedulers_racing_in_processes_send_each_message_once(
    board: Chat, engine: Engine
) -> None:
    race_board(board)
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Barrier(RACERS)
    results = ctx.Queue()
    url = engine.url.render_as_string(hide_password=False)
    procs = [ctx.Process(target=_race_in_process, args=(url, n, start, results))
             for n in range(RACERS)]
    for proc in procs:
        proc.start()
    reports: list[RaceReport] = []
    try:
        for _ in procs:
            n, report, error = results.get(timeout=RACE_TIMEOUT)
            assert error is None, f"process {n} failed:\n{error}"
            reports.append(report)
    except queue.Empty:
        pytest.fail(f"only {len(reports)} of {RACERS} schedulers reported back")
    finally:
        for proc in procs:
            proc.join(timeout=30)
            if proc.is_alive():
                proc.kill()
                proc.join()

    assert_each_sent_once(reports, board.uow)


# ---- electing the one active scheduler -----------------------------------------------------
@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'actionbot.db'}"


def two_engines(url: str) -> tuple[Engine, Engine]:
    return make_engine(url), make_engine(url)


def test_sqlite_leadership_one_lock_file_holder_at_a_time(sqlite_url: str) -> None:
    engines = two_engines(sqlite_url)
    leader, standby = Leadership(engines[0]), Leadership(engines[1])
    try:
        assert leader.acquire()
        assert not standby.acquire()
        leader.release()
        assert standby.acquire()
        assert not leader.acquire()
    finally:
        leader.release()
        standby.release()
        for e in engines:
            e.dispose()


def test_sqlite_leadership_is_given_up_by_a_leader_that_ticked_many_times(
    sqlite_url: str,
) -> None:
    """The scheduler re-checks leadership on every tick; one release must still let go."""
    engines = two_engines(sqlite_url)
    leader, standby = Leadership(engines[0]), Leadership(engines[1])
    try:
        for _ in range(3):
            assert leader.acquire()
            assert not standby.acquire()
        leader.release()
        assert standby.acquire(), "the standby should take over once the leader releases"
    finally:
        for lock in (leader, standby):
            lock.release()
        for e in engines:
            e.dispose()


def test_postgres_leadership_only_one_wins_the_advisory_lock(postgres_url: str) -> None:
    engines = two_engines(postgres_url)
    leader, standby = Leadership(engines[0]), Leadership(engines[1])
    try:
        assert leader.acquire()
        assert not standby.acquire()
        assert leader.acquire(), "the leader stays leader on the next tick"
        assert not standby.acquire()
    finally:
        leader.release()
        standby.release()
        for e in engines:
            e.dispose()


def test_postgres_leadership_passes_to_the_standby_when_the_leader_releases(
    postgres_url: str,
) -> None:
    engines = two_engines(postgres_url)
    leader, standby = Leadership(engines[0]), Leadership(engines[1])
    try:
        assert leader.acquire()
        assert not standby.acquire()
        leader.release()
        assert standby.acquire(), "the standby should win once the leader releases"
        assert not leader.acquire()
    finally:
        leader.release()
        standby.release()
        for e in engines:
            e.dispose()


class CannotReach(RecordingNotifier):
    """A platform on which one person cannot be reached (no chat account linked, say)."""

    def __init__(self, unreachable: str) -> None:
        super().__init__()
        self.unreachable = unreachable

    def deliver(self, message: Outgoing) -> None:
        if message.recipient == self.unreachable:
            raise DeliveryError(f"{message.recipient} cannot be reached yet")
        super().deliver(message)


def test_the_digest_names_people_the_reminders_could_not_reach(board: Chat) -> None:
    ok(board, "/action add KY to write to DfE @KY")
    ok(board, "/action add MH to ring Kent @MH")
    clock = Clock(board.uow, notifier=CannotReach("KY"))

    clock.run(FIVE_DAYS_BEFORE, DIGEST_DAY)

    digest = next(m.text for m in clock.notifier.messages if m.kind == "digest")
    assert "Not reached by reminders" in digest
    assert "KY: console: KY cannot be reached yet" in digest
    assert "MH:" not in digest
    assert [m.recipient for m in clock.notifier.messages if m.kind == "reminder"] == ["MH"]
