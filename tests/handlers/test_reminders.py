"""What the scheduler owes people at a given moment: ``handlers.reminders.due(session, now)``
for the fixture board (meeting Wednesday 3 February 2027, 10:30), and what ``compose`` writes.

Nothing is sent or recorded here, so each moment is looked at on its own; the send ledger
and the clock ticking over days are the scheduler's tests (tests/bot/test_scheduler.py).
In winter 09:00 in London is 09:00 UTC, in summer it is 08:00 UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.render_text import render
from handlers.reminders import CHANNEL, Outgoing, Plan, compose, due
from handlers.replies import Reply, Tone
from storage.uow import UnitOfWork
from tests.conftest import Chat

FIVE_DAYS_BEFORE = datetime(2027, 1, 27, 9, 0, tzinfo=UTC)
DIGEST_DAY = datetime(2027, 2, 1, 9, 0, tzinfo=UTC)
ONE_DAY_BEFORE = datetime(2027, 2, 2, 9, 0, tzinfo=UTC)
MEETING_STARTS = datetime(2027, 2, 3, 10, 30, tzinfo=UTC)
MINUTE = timedelta(minutes=1)
BOARD = "South East Adoption Board"

Owed = dict[tuple[str, str], tuple[int, ...]]


def ok(chat: Chat, line: str, *, as_: str = "RE", now: datetime | None = None) -> Reply:
    reply = chat(line, as_=as_, now=now)
    assert reply.tone is not Tone.ERROR, render(reply)
    return reply


def plan_at(uow: UnitOfWork, now: datetime) -> Plan:
    with uow.transaction() as session:
        return due(session, now)


def owed(plan: Plan) -> Owed:
    """(kind, recipient) → the action numbers each message is about, newest first."""
    return {
        (o.kind, o.recipient): tuple(sorted({n for u in o.units
                                              for n in u.detail.get("actions", [])},
                                             reverse=True))
        for o in plan.outgoing
    }


def slots(plan: Plan) -> set[tuple[str, datetime]]:
    return {(o.kind, o.slot_at) for o in plan.outgoing}


def written(uow: UnitOfWork, plan: Plan, now: datetime) -> dict[tuple[str, str], Outgoing]:
    """Every outgoing message of the plan, composed as the scheduler would at ``now``."""
    with uow.transaction() as session:
        for out in plan.outgoing:
            compose(session, out, now)
    return {(o.kind, o.recipient): o for o in plan.outgoing}


def one_open_action(board: Chat) -> None:
    ok(board, "/action add KY to write to DfE @KY")


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
def _utc(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


SLOT_CASES = {
    "after Easter Monday 2027 (winter slots)": (
        "30 March 2027 10:30", None,
        [("reminder", _utc(2027, 3, 19, 9)), ("digest", _utc(2027, 3, 24, 9)),
         ("reminder", _utc(2027, 3, 25, 9))],
    ),
    "across Easter and the March clock change": (
        "1 April 2027 10:30", None,
        [("reminder", _utc(2027, 3, 23, 9)), ("digest", _utc(2027, 3, 30, 8)),
         ("reminder", _utc(2027, 3, 31, 8))],
    ),
    "after the Early May bank holiday (summer slots)": (
        "4 May 2027 10:30", None,
        [("reminder", _utc(2027, 4, 26, 8)), ("digest", _utc(2027, 4, 29, 8)),
         ("reminder", _utc(2027, 4, 30, 8))],
    ),
    "across the October clock change": (
        "3 November 2027 10:30", None,
        [("reminder", _utc(2027, 10, 27, 8)), ("digest", _utc(2027, 11, 1, 9)),
         ("reminder", _utc(2027, 11, 2, 9))],
    ),
    "after Christmas 2026 and New Year's Day": (
        "5 January 2027 10:30", _utc(2026, 12, 1, 10),
        [("reminder", _utc(2026, 12, 24, 9)), ("digest", _utc(2026, 12, 31, 9)),
         ("reminder", _utc(2027, 1, 4, 9))],
    ),
    "straight after the Christmas 2027 substitute days": (
        "29 December 2027 10:30", None,
        [("reminder", _utc(2027, 12, 20, 9)), ("digest", _utc(2027, 12, 23, 9)),
         ("reminder", _utc(2027, 12, 24, 9))],
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
    slot = _utc(2027, 11, 26, 9)

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
    ok(board, "/action close 6 rang them", as_="AC", now=_utc(2027, 1, 20, 14))
    ok(board, "/action decision Adopt the terms of reference", now=_utc(2027, 1, 25, 11))  # 7
    ok(board, "/action add LH to review fees @LH")  # 8
    ok(board, "/action defer 8 next meeting", now=_utc(2027, 1, 26, 11))
    ok(board, "/action update 4 met on Tuesday", as_="MH", now=_utc(2027, 1, 28, 16))

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


# ---- chases and the chair ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("due", "chased"),
    [
        ("20 January", _utc(2027, 1, 21, 9)),  # Wednesday → Thursday
        ("22 January", _utc(2027, 1, 25, 9)),  # Friday → Monday
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
    now = _utc(2027, 1, 21, 9)

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
    now = _utc(2027, 1, 21, 9)

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

    assert owed(plan_at(board.uow, _utc(2027, 1, 21, 9))) == {("chase", "AC"): (1,)}
    assert owed(plan_at(board.uow, FIVE_DAYS_BEFORE)) == {("reminder", "AC"): (1,)}


def test_closed_and_withdrawn_actions_drop_out_of_what_is_due(board: Chat) -> None:
    ok(board, "/action add KY to write to DfE by 20 January")
    ok(board, "/action add KY to chase Kent by 20 January")
    ok(board, "/action close 1", as_="KY", now=_utc(2027, 1, 26, 17))
    ok(board, "/action withdraw 2", now=_utc(2027, 1, 26, 17))

    assert owed(plan_at(board.uow, FIVE_DAYS_BEFORE)) == {}
    assert owed(plan_at(board.uow, _utc(2027, 1, 28, 9))) == {}


def test_a_moved_meeting_takes_its_reminders_and_digest_with_it(board: Chat) -> None:
    one_open_action(board)
    ok(board, "/board meeting move 3 February 2027 to 10 February 2027 10:30")

    for old in (FIVE_DAYS_BEFORE, DIGEST_DAY, ONE_DAY_BEFORE):
        assert plan_at(board.uow, old).outgoing == [], f"still due at {old}"
    assert slots(plan_at(board.uow, _utc(2027, 2, 3, 9))) == {("reminder", _utc(2027, 2, 3, 9))}
    assert slots(plan_at(board.uow, _utc(2027, 2, 8, 9))) == {("digest", _utc(2027, 2, 8, 9))}
    assert slots(plan_at(board.uow, _utc(2027, 2, 9, 9))) == {("reminder", _utc(2027, 2, 9, 9))}
    reminder = written(board.uow, plan_at(board.uow, _utc(2027, 2, 9, 9)), _utc(2027, 2, 9, 9))
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
            _utc(2027, 1, 29, 9): {("reminder", _utc(2027, 1, 29, 9))},
            DIGEST_DAY: {("digest", DIGEST_DAY)},
            ONE_DAY_BEFORE: set(),
        }),
        ("reminders off", {FIVE_DAYS_BEFORE: set(), ONE_DAY_BEFORE: set(),
                           DIGEST_DAY: {("digest", DIGEST_DAY)}}),
        ("digest off", {DIGEST_DAY: set(), FIVE_DAYS_BEFORE: {("reminder", FIVE_DAYS_BEFORE)}}),
        ("digest 3", {DIGEST_DAY: set(),
                      _utc(2027, 1, 29, 9): {("digest", _utc(2027, 1, 29, 9))}}),
        ("time 08:30", {
            _utc(2027, 1, 27, 8, 29): set(),
            _utc(2027, 1, 27, 8, 30): {("reminder", _utc(2027, 1, 27, 8, 30))},
            _utc(2027, 2, 1, 8, 30): {("digest", _utc(2027, 2, 1, 8, 30))},
            _utc(2027, 1, 21, 8, 30): {("chase", _utc(2027, 1, 21, 8, 30))},
        }),
        ("chase off", {_utc(2027, 1, 21, 9): set(), _utc(2027, 1, 28, 9): set()}),
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
