"""The scheduler's owner reminders and digest: on time, once, and following the calendar."""

from __future__ import annotations

from bot.notify import DeliveryError
from handlers.reminders import Outgoing
from tests.bot.recording_notifier import RecordingNotifier
from tests.bot.scheduler_clock import (
    BOARD,
    DIGEST_DAY,
    FIVE_DAYS_BEFORE,
    HOURLY,
    MINUTE,
    ONE_DAY_BEFORE,
    Clock,
    ok,
    utc,
    when,
)
from tests.conftest import Chat


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
