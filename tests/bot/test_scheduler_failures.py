"""The scheduler through failed deliveries, crashed workers, downtime and dry runs."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.notify import Delivery
from bot.scheduler import tick
from handlers.reminders import due
from storage.boards import bind_channel, board_by_name
from storage.sends import CLAIM_TIMEOUT, claim
from tests.bot.recording_notifier import RecordingNotifier
from tests.bot.scheduler_clock import (
    BOARD,
    DIGEST_DAY,
    FIVE_DAYS_BEFORE,
    HOURLY,
    MEETING_STARTS,
    MINUTE,
    ONE_DAY_BEFORE,
    Clock,
    ok,
    utc,
    when,
)
from tests.conftest import NOW, Chat


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
