"""What the scheduler owes people at a given moment: ``handlers.reminders.due(session, now)``
for the fixture board (meeting Wednesday 3 February 2027, 10:30), and what ``compose`` writes.

Nothing is sent or recorded here, so each moment is looked at on its own; the send ledger
and the clock ticking over days are the scheduler's tests (tests/bot/test_scheduler_*.py).
In winter 09:00 in London is 09:00 UTC, in summer it is 08:00 UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.render_text import render
from handlers.reminders import CHANNEL
from tests.conftest import Chat
from tests.handlers.planning import one_open_action, owed, plan_at, slots, written
from tests.moments import (
    BOARD,
    DIGEST_DAY,
    FIVE_DAYS_BEFORE,
    MEETING_STARTS,
    MINUTE,
    ONE_DAY_BEFORE,
    ok,
    utc,
)


# ---- owner reminders -----------------------------------------------------------------------
def test_each_owner_gets_one_reminder_listing_only_open_and_ongoing_actions(board: Chat) -> None:
    ok(board, "/action add KY to write to DfE @KY")  # 1 open
    ok(board, "/action add KY to chase Kent @KY")  # 2 ongoing
    ok(board, "/action update 2 spoke to Kent", as_="KY")
    ok(board, "/action add KY to book the room @KY")  # 3 closed
    ok(board, "/action close 3", as_="KY")
    ok(board, "/action add KY to draft a letter @KY")  # 4 withdrawn
    ok(board, "/action withdraw 4 overtaken by events")
    ok(board, "/action add KY to report on fees @KY")  # 5 deferred to the meeting
    ok(board, "/action defer 5 next meeting")
    ok(board, "/action decision Adopt the terms of reference")  # 6
    ok(board, "/action add All to read the annual report")  # 7 everybody's: the digest's
    ok(board, "/action add MH and KY to meet Surrey")  # 8 two owners
    ok(board, "/action add AC to ring Bucks @AC")  # 9 closed: AC owes nothing
    ok(board, "/action close 9", as_="AC")

    plan = plan_at(board.uow, FIVE_DAYS_BEFORE)

    assert owed(plan) == {("reminder", "KY"): (8, 2, 1), ("reminder", "MH"): (8,)}
    assert sorted(o.recipient for o in plan.outgoing) == ["KY", "MH"], "one message each"
    assert all(o.slot_at == FIVE_DAYS_BEFORE for o in plan.outgoing)

    messages = written(board.uow, plan, FIVE_DAYS_BEFORE)
    ky = messages[("reminder", "KY")]
    assert ky.actions == [8, 2, 1]
    assert ky.reply.title == (f"Reminder: {BOARD} meets on 3 February 2027, 10:30 — "
                              "your open actions")
    assert [item.title for item in ky.reply.items] == ["Action 8", "Action 2", "Action 1"]
    text = render(ky.reply)
    for gone in ("Action 3", "Action 4", "Action 5", "Decision 6", "Action 7", "Action 9"):
        assert gone not in text
    assert [item.title for item in messages[("reminder", "MH")].reply.items] == ["Action 8"]


def test_an_owner_with_nothing_open_is_not_reminded(board: Chat) -> None:
    ok(board, "/action add All to read the annual report")
    ok(board, "/action decision Adopt the terms of reference")

    assert owed(plan_at(board.uow, FIVE_DAYS_BEFORE)) == {}
    assert owed(plan_at(board.uow, ONE_DAY_BEFORE)) == {}


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime(2027, 1, 26, 9, 0, tzinfo=UTC), set()),
        (FIVE_DAYS_BEFORE - MINUTE, set()),
        (FIVE_DAYS_BEFORE, {("reminder", FIVE_DAYS_BEFORE)}),
        (FIVE_DAYS_BEFORE + 30 * MINUTE, {("reminder", FIVE_DAYS_BEFORE)}),
        (datetime(2027, 1, 27, 21, 0, tzinfo=UTC), {("reminder", FIVE_DAYS_BEFORE)}),
        (datetime(2027, 1, 27, 21, 1, tzinfo=UTC), set()),  # beyond the 12 hours' grace
        (datetime(2027, 1, 29, 9, 0, tzinfo=UTC), set()),
        (DIGEST_DAY - MINUTE, set()),
        (DIGEST_DAY, {("digest", DIGEST_DAY)}),
        (ONE_DAY_BEFORE - MINUTE, set()),
        (ONE_DAY_BEFORE, {("reminder", ONE_DAY_BEFORE)}),
        (MEETING_STARTS - MINUTE, set()),
        (MEETING_STARTS + MINUTE, set()),
    ],
    ids=lambda v: v.isoformat() if isinstance(v, datetime) else None,
)
def test_what_is_due_when_before_the_3_february_meeting(
    board: Chat, now: datetime, expected: set[tuple[str, datetime]]
) -> None:
    one_open_action(board)
    assert slots(plan_at(board.uow, now)) == expected


def test_a_slot_beyond_the_grace_period_is_reported_missed(board: Chat) -> None:
    one_open_action(board)

    plan = plan_at(board.uow, datetime(2027, 1, 28, 9, 0, tzinfo=UTC))

    assert plan.outgoing == []
    assert [(u.kind, u.recipient, u.slot_at) for u in plan.missed] == [
        ("reminder", "KY", FIVE_DAYS_BEFORE)
    ]


def test_late_sends_stop_when_the_meeting_starts(board: Chat) -> None:
    one_open_action(board)
    ok(board, "/board settings grace 72")

    assert slots(plan_at(board.uow, MEETING_STARTS - MINUTE)) == {
        ("digest", DIGEST_DAY), ("reminder", ONE_DAY_BEFORE)
    }
    assert plan_at(board.uow, MEETING_STARTS).outgoing == []
    assert plan_at(board.uow, MEETING_STARTS + MINUTE).outgoing == []


# ---- bank holidays and clock changes -------------------------------------------------------
SLOT_CASES = {
    "after Easter Monday 2027 (winter slots)": (
        "30 March 2027 10:30", None,
        [("reminder", utc(2027, 3, 19, 9)), ("digest", utc(2027, 3, 24, 9)),
         ("reminder", utc(2027, 3, 25, 9))],
    ),
    "across Easter and the March clock change": (
        "1 April 2027 10:30", None,
        [("reminder", utc(2027, 3, 23, 9)), ("digest", utc(2027, 3, 30, 8)),
         ("reminder", utc(2027, 3, 31, 8))],
    ),
    "after the Early May bank holiday (summer slots)": (
        "4 May 2027 10:30", None,
        [("reminder", utc(2027, 4, 26, 8)), ("digest", utc(2027, 4, 29, 8)),
         ("reminder", utc(2027, 4, 30, 8))],
    ),
    "across the October clock change": (
        "3 November 2027 10:30", None,
        [("reminder", utc(2027, 10, 27, 8)), ("digest", utc(2027, 11, 1, 9)),
         ("reminder", utc(2027, 11, 2, 9))],
    ),
    "after Christmas 2026 and New Year's Day": (
        "5 January 2027 10:30", utc(2026, 12, 1, 10),
        [("reminder", utc(2026, 12, 24, 9)), ("digest", utc(2026, 12, 31, 9)),
         ("reminder", utc(2027, 1, 4, 9))],
    ),
    "straight after the Christmas 2027 substitute days": (
        "29 December 2027 10:30", None,
        [("reminder", utc(2027, 12, 20, 9)), ("digest", utc(2027, 12, 23, 9)),
         ("reminder", utc(2027, 12, 24, 9))],
    ),
}


@pytest.mark.parametrize("case", SLOT_CASES.values(), ids=SLOT_CASES.keys())
def test_slots_skip_weekends_and_bank_holidays_at_nine_board_time(
    board: Chat, case: tuple[str, datetime | None, list[tuple[str, datetime]]]
) -> None:
    meeting, added_at, expected = case
    ok(board, f"/board meeting add {meeting}", now=added_at)
    one_open_action(board)

    for kind, slot in expected:
        assert slots(plan_at(board.uow, slot - MINUTE)) == set(), f"{kind} early at {slot}"
        assert slots(plan_at(board.uow, slot)) == {(kind, slot)}, f"{kind} at {slot}"


def test_the_earliest_reminder_a_board_may_ask_for_still_goes_out(board: Chat) -> None:
    """30 working days before 12 January 2028 is 26 November 2027: 47 days, over Christmas."""
    ok(board, "/board settings reminders 30")
    ok(board, "/board meeting add 12 January 2028 10:30")
    one_open_action(board)
    slot = utc(2027, 11, 26, 9)

    assert owed(plan_at(board.uow, slot)) == {("reminder", "KY"): (1,)}
    assert [o.slot_at for o in plan_at(board.uow, slot).outgoing] == [slot]


# ---- the digest ----------------------------------------------------------------------------
def test_digest_lists_open_by_owner_overdue_closed_decided_and_deferred(board: Chat) -> None:
    before_last = datetime(2027, 1, 4, 10, 0, tzinfo=UTC)
    ok(board, "/action add KY to find the old minutes @KY", now=before_last)  # 1
    ok(board, "/action close 1", now=before_last + timedelta(days=1))
    ok(board, "/action decision Keep the old venue", now=before_last + timedelta(days=1))  # 2
    ok(board, "/board meeting add 6 January 2027 10:30")  # held: "the last meeting"
    ok(board, "/action add KY to write to DfE by 20 January")  # 3, overdue by February
    ok(board, "/action add MH and KY to meet Surrey")  # 4
    ok(board, "/action add All to read the annual report")  # 5
    ok(board, "/action add AC to ring Bucks @AC")  # 6
    ok(board, "/action close 6 rang them", as_="AC", now=utc(2027, 1, 20, 14))
    ok(board, "/action decision Adopt the terms of reference", now=utc(2027, 1, 25, 11))  # 7
    ok(board, "/action add LH to review fees @LH")  # 8
    ok(board, "/action defer 8 next meeting", now=utc(2027, 1, 26, 11))
    ok(board, "/action update 4 met on Tuesday", as_="MH", now=utc(2027, 1, 28, 16))

    plan = plan_at(board.uow, DIGEST_DAY)
    assert [(o.kind, o.recipient, o.slot_at) for o in plan.outgoing] == [
        ("digest", CHANNEL, DIGEST_DAY)
    ]
    digest = written(board.uow, plan, DIGEST_DAY)[("digest", CHANNEL)].reply

    assert digest.title == f"Action log digest — {BOARD}"
    assert digest.public
    assert "1 overdue" in digest.lines[0]
    sections = {s.heading: s.lines for s in digest.sections}
    assert "3 · KY · due 20 January 2027 (overdue) · KY to write to DfE" in sections["KY"]
    assert "4 · MH, KY · MH and KY to meet Surrey" in sections["KY"]
    assert sections["MH"] == ("4 · MH, KY · MH and KY to meet Surrey",)
    assert sections["All"] == ("5 · All · All to read the annual report",)
    assert "AC" not in sections, "AC's only action is closed"
    assert sections["Items for this meeting"] == ("8 · LH · LH to review fees",)
    assert sections["Closed since the last meeting"] == ("6 · AC · AC to ring Bucks",)
    assert sections["Decided since the last meeting"] == ("7 · Adopt the terms of reference",)
    assert digest.footer is not None
    assert digest.footer.rstrip(".") == "This action log was updated on 28 January 2027"
    assert render(digest).rstrip(".").endswith("This action log was updated on 28 January 2027")
