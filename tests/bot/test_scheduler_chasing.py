"""The scheduler chasing overdue actions: weekly, on working days, and telling the chair."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.bot.scheduler_clock import BOARD, DIGEST_DAY, Clock, ok, utc, when
from tests.conftest import Chat


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
