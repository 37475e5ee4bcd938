"""What is owed for overdue actions (chases, and the chair told), and how changes to the log,
the calendar, board settings and several boards move what is due."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.render_text import render
from storage.uow import UnitOfWork
from tests.conftest import Chat
from tests.handlers.planning import one_open_action, owed, plan_at, slots, written
from tests.moments import (
    BOARD,
    DIGEST_DAY,
    FIVE_DAYS_BEFORE,
    MINUTE,
    ONE_DAY_BEFORE,
    ok,
    utc,
)


# ---- chases and the chair ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("due", "chased"),
    [
        ("20 January", utc(2027, 1, 21, 9)),  # Wednesday → Thursday
        ("22 January", utc(2027, 1, 25, 9)),  # Friday → Monday
    ],
)
def test_an_overdue_action_is_chased_the_next_working_day_at_nine(
    board: Chat, due: str, chased: datetime
) -> None:
    ok(board, f"/action add KY to write to DfE by {due}")

    day_before = chased - timedelta(days=1)
    assert [o for o in plan_at(board.uow, day_before).outgoing if o.kind == "chase"] == []
    assert owed(plan_at(board.uow, chased - MINUTE)) == {}
    plan = plan_at(board.uow, chased)
    assert owed(plan) == {("chase", "KY"): (1,)}
    assert [u.detail["chase"] for o in plan.outgoing for u in o.units] == [1]

    chase = written(board.uow, plan, chased)[("chase", "KY")]
    assert chase.reply.title == f"Action 1 is overdue on {BOARD}"
    assert "Reminder no. 1." in chase.reply.lines[0]
    assert "(overdue)" in render(chase.reply)


def test_only_open_and_ongoing_overdue_actions_are_chased(board: Chat) -> None:
    ok(board, "/action add KY to write to DfE by 20 January")  # 1 open
    ok(board, "/action add KY to chase Kent by 20 January")  # 2 ongoing
    ok(board, "/action update 2 left a message", as_="KY")
    ok(board, "/action add KY to book the room by 20 January")  # 3 closed
    ok(board, "/action close 3", as_="KY")
    ok(board, "/action add KY to draft a letter by 20 January")  # 4 withdrawn
    ok(board, "/action withdraw 4")
    ok(board, "/action add KY to report on fees by 20 January")  # 5 deferred
    ok(board, "/action defer 5 next meeting")
    now = utc(2027, 1, 21, 9)

    plan = plan_at(board.uow, now)

    assert owed(plan) == {("chase", "KY"): (2, 1)}, "one chase message for both"
    chase = written(board.uow, plan, now)[("chase", "KY")]
    assert chase.reply.title == f"2 actions are overdue on {BOARD}"
    assert [item.title for item in chase.reply.items] == ["Action 2", "Action 1"]


@pytest.mark.parametrize(
    ("owners", "told"),
    [("@KY", "MH"), ("@MH", "LH"), ("@MH @LH", "RE")],
    ids=["the chair", "the vice-chair when the chair owns it",
         "the secretary when chair and vice-chair own it"],
)
def test_escalation_goes_to_the_chair_unless_the_chair_owns_the_action(
    board: Chat, owners: str, told: str
) -> None:
    ok(board, "/board settings escalate 1")
    ok(board, f"/action add to write to DfE {owners} by 20 January")
    now = utc(2027, 1, 21, 9)

    plan = plan_at(board.uow, now)

    escalations = {r: a for (kind, r), a in owed(plan).items() if kind == "escalation"}
    assert escalations == {told: (1,)}
    chases = {r for (kind, r) in owed(plan) if kind == "chase"}
    assert chases == {o.lstrip("@") for o in owners.split()}
    note = written(board.uow, plan, now)[("escalation", told)].reply
    assert note.title.startswith(f"For the chair: action 1 on {BOARD} still overdue")


# ---- changes to the log and the calendar ---------------------------------------------------
def test_a_reassigned_action_is_reminded_and_chased_to_its_new_owner(board: Chat) -> None:
    ok(board, "/action add KY to write to DfE by 20 January")
    ok(board, "/action assign 1 @AC")

    assert owed(plan_at(board.uow, utc(2027, 1, 21, 9))) == {("chase", "AC"): (1,)}
    assert owed(plan_at(board.uow, FIVE_DAYS_BEFORE)) == {("reminder", "AC"): (1,)}


def test_closed_and_withdrawn_actions_drop_out_of_what_is_due(board: Chat) -> None:
    ok(board, "/action add KY to write to DfE by 20 January")
    ok(board, "/action add KY to chase Kent by 20 January")
    ok(board, "/action close 1", as_="KY", now=utc(2027, 1, 26, 17))
    ok(board, "/action withdraw 2", now=utc(2027, 1, 26, 17))

    assert owed(plan_at(board.uow, FIVE_DAYS_BEFORE)) == {}
    assert owed(plan_at(board.uow, utc(2027, 1, 28, 9))) == {}


def test_a_moved_meeting_takes_its_reminders_and_digest_with_it(board: Chat) -> None:
    one_open_action(board)
    ok(board, "/board meeting move 3 February 2027 to 10 February 2027 10:30")

    for old in (FIVE_DAYS_BEFORE, DIGEST_DAY, ONE_DAY_BEFORE):
        assert plan_at(board.uow, old).outgoing == [], f"still due at {old}"
    assert slots(plan_at(board.uow, utc(2027, 2, 3, 9))) == {("reminder", utc(2027, 2, 3, 9))}
    assert slots(plan_at(board.uow, utc(2027, 2, 8, 9))) == {("digest", utc(2027, 2, 8, 9))}
    assert slots(plan_at(board.uow, utc(2027, 2, 9, 9))) == {("reminder", utc(2027, 2, 9, 9))}
    reminder = written(board.uow, plan_at(board.uow, utc(2027, 2, 9, 9)), utc(2027, 2, 9, 9))
    assert "meets on 10 February 2027, 10:30" in reminder[("reminder", "KY")].reply.title


def test_a_cancelled_meeting_takes_its_reminders_and_digest_with_it(board: Chat) -> None:
    one_open_action(board)
    ok(board, "/board meeting cancel 3 February 2027")

    for old in (FIVE_DAYS_BEFORE, DIGEST_DAY, ONE_DAY_BEFORE):
        plan = plan_at(board.uow, old)
        assert plan.outgoing == [], f"still due at {old}"
        assert plan.missed == []


# ---- board settings ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ("reminders 3", {
            FIVE_DAYS_BEFORE: set(),
            utc(2027, 1, 29, 9): {("reminder", utc(2027, 1, 29, 9))},
            DIGEST_DAY: {("digest", DIGEST_DAY)},
            ONE_DAY_BEFORE: set(),
        }),
        ("reminders off", {FIVE_DAYS_BEFORE: set(), ONE_DAY_BEFORE: set(),
                           DIGEST_DAY: {("digest", DIGEST_DAY)}}),
        ("digest off", {DIGEST_DAY: set(), FIVE_DAYS_BEFORE: {("reminder", FIVE_DAYS_BEFORE)}}),
        ("digest 3", {DIGEST_DAY: set(),
                      utc(2027, 1, 29, 9): {("digest", utc(2027, 1, 29, 9))}}),
        ("time 08:30", {
            utc(2027, 1, 27, 8, 29): set(),
            utc(2027, 1, 27, 8, 30): {("reminder", utc(2027, 1, 27, 8, 30))},
            utc(2027, 2, 1, 8, 30): {("digest", utc(2027, 2, 1, 8, 30))},
            utc(2027, 1, 21, 8, 30): {("chase", utc(2027, 1, 21, 8, 30))},
        }),
        ("chase off", {utc(2027, 1, 21, 9): set(), utc(2027, 1, 28, 9): set()}),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_board_settings_change_when_things_are_due(
    board: Chat, setting: str, expected: dict[datetime, set[tuple[str, datetime]]]
) -> None:
    ok(board, "/action add KY to write to DfE by 20 January")
    ok(board, f"/board settings {setting}")

    for now, owed_then in expected.items():
        assert slots(plan_at(board.uow, now)) == owed_then, now.isoformat()


# ---- many boards ---------------------------------------------------------------------------
def test_one_persons_messages_from_several_boards_are_spread_apart(uow: UnitOfWork) -> None:
    """Slack allows about one message a second per conversation: a person's reminders from
    several boards are queued as far apart as they can be, so that waiting out their limit
    holds nobody else up. Everyone else keeps the order the boards gave."""
    for channel, initials, mention in (("C1", "KY", "<@U3|Kevin Yong>"),
                                       ("C2", "AC", "<@U4|Amy Coombs>")):
        chat = Chat(uow, platform="slack", workspace="T1", channel=channel)
        ok(chat, f"/board setup Board {channel}")
        ok(chat, f"/board member add {mention} {initials}")
        ok(chat, "/board member add <@U2|Mac Heath> MH chair")
        ok(chat, "/board meeting add 3 February 2027 10:30")
        ok(chat, f"/action add {initials} to chase Kent @{initials}")
        ok(chat, "/action add MH to write to DfE @MH")

    plan = plan_at(uow, FIVE_DAYS_BEFORE)
    # Each board gives its newest action's owner first: MH (U2), then KY (U3) or AC (U4).
    assert [o.addresses[0].target for o in plan.outgoing] == ["U2", "U3", "U4", "U2"]
