"""Who may do what on a board. A refusal says so, is shown only to the person who typed the
command, and changes nothing: every refusal here is checked by reading the log back."""

from __future__ import annotations

import pytest

from handlers.replies import Reply, Tone
from storage.uow import UnitOfWork
from tests.conftest import Chat

BOARD = "South East Adoption Board"
MANAGERS = ["MH", "LH", "RE"]
PLAIN_MEMBERS = ["KY", "AC"]


def fields(reply: Reply) -> dict[str, str]:
    return {f.label: f.value for f in reply.items[0].fields}


def snapshot(chat: Chat) -> list[str]:
    """Everything a refusal must leave alone: actions with their owners, status, due date
    and history; members; meetings; settings."""
    out: list[str] = []
    listed = chat("/action list all")
    for item in listed.items:
        number = item.title.split()[-1]
        shown = chat(f"/action show {number}")
        out.append(f"{item.title}: {item.text} {fields(shown)} {item.lines}")
        out.extend(shown.lines)
    out.extend(chat("/board member list").lines)
    out.extend(chat("/board meeting list all").lines)
    out.extend(f"{f.label}={f.value}" for f in chat("/board settings").fields)
    return out


def assert_refused(reply: Reply) -> None:
    assert reply.tone is Tone.ERROR
    assert not reply.public
    assert reply.items == ()


@pytest.fixture
def log(board: Chat) -> Chat:
    """The board with four actions: 1 owned by MH, 2 by KY, 3 by All, 4 closed (MH's)."""
    for line in ("/action add MH to write to DfE by 5 May",
                 "/action add KY to chase Bucks",
                 "/action add All to reflect on the data",
                 "/action add MH to share the template"):
        assert board(line, as_="RE").tone is Tone.SUCCESS
    assert board("/action close 4 shared", as_="MH").tone is Tone.SUCCESS
    return board


def slack_board(uow: UnitOfWork) -> Chat:
    """A Slack channel whose board was set up by Mac Heath (U1), with Kevin Yong (U9) and
    a meeting, and the same four actions as ``log``."""
    slack = Chat(uow, platform="slack", workspace="T1", channel="C1")
    assert slack("/board setup Fostering Leads", user_id="U1",
                 user_name="Mac Heath").tone is Tone.SUCCESS
    for line in ("/board member add <@U9> KY Kevin Yong",
                 "/board meeting add 3 February 2027 10:30",
                 "/action add MH to write to DfE by 5 May",
                 "/action add KY to chase Bucks",
                 "/action add All to reflect on the data",
                 "/action add MH to share the template",
                 "/action close 4 shared"):
        assert slack(line, user_id="U1").tone is Tone.SUCCESS, line
    return slack


def slack_snapshot(slack: Chat) -> list[object]:
    """What a refusal must leave alone on the Slack board, as its secretary (U1) sees it."""
    out: list[object] = []
    for number in range(1, 5):
        shown = slack(f"/action show {number}", user_id="U1")
        out.extend([shown.items[0], shown.lines])
    for line in ("/board member list", "/board meeting list all", "/board settings"):
        reply = slack(line, user_id="U1")
        out.extend([reply.lines, reply.fields])
    return out


# ---- founders ----------------------------------------------------------------------------
def test_whoever_sets_up_a_board_at_the_console_is_its_secretary(chat: Chat) -> None:
    chat("/board setup Fostering Leads", as_="DG")

    assert chat("/board member list", as_="DG").lines == ("DG — DG (secretary)",)
    assert chat("/board member add JB James Ball", as_="DG").tone is Tone.SUCCESS
    assert chat("/board meeting add 5 May 2027 10:30", as_="DG").tone is Tone.SUCCESS


def test_whoever_sets_up_a_board_from_chat_is_its_secretary(uow: UnitOfWork) -> None:
    slack = slack_board(uow)

    listed = slack("/board member list", user_id="U1")
    assert "MH — Mac Heath (secretary)" in listed.lines
    assert slack("/board meeting add 5 May 2027 10:30", user_id="U1").tone is Tone.SUCCESS
    assert slack("/board settings timezone Europe/Dublin", user_id="U1").tone is Tone.SUCCESS


# ---- managing the board ------------------------------------------------------------------
MANAGING = [
    "/board member add CA Carole Atkins",
    "/board member add KY Kevin Yong chair",
    "/board member remove AC",
    "/board meeting add 5 May 2027 10:30",
    "/board meeting move 3 February 2027 to 10 February 2027 10:30",
    "/board meeting cancel 3 February 2027",
    "/board settings timezone Europe/Dublin",
    "/board settings name Adoption Board",
]


@pytest.mark.parametrize("who", MANAGERS)
@pytest.mark.parametrize("line", MANAGING)
def test_chair_vice_chair_and_secretary_manage_the_board(board: Chat, who: str,
                                                         line: str) -> None:
    before = snapshot(board)

    reply = board(line, as_=who)

    assert reply.tone is Tone.SUCCESS, reply.title
    assert snapshot(board) != before


@pytest.mark.parametrize("who", PLAIN_MEMBERS)
@pytest.mark.parametrize("line", MANAGING)
def test_plain_members_cannot_manage_the_board(board: Chat, who: str, line: str) -> None:
    before = snapshot(board)

    reply = board(line, as_=who)

    assert_refused(reply)
    assert reply.title.startswith("Only the chair, vice-chair or secretary can ")
    assert "RE (secretary)" in reply.title
    assert snapshot(board) == before


def test_a_plain_member_cannot_promote_themselves(board: Chat) -> None:
    reply = board("/board member add KY Kevin Yong chair", as_="KY")

    assert_refused(reply)
    assert reply.title == ("Only the chair, vice-chair or secretary can add members. "
                           "Ask RE (secretary), MH (chair), LH (vice-chair).")
    assert "KY — Kevin Yong (member)" in board("/board member list").lines


# ---- adding and updating -----------------------------------------------------------------
@pytest.mark.parametrize("who", PLAIN_MEMBERS + MANAGERS)
def test_any_member_may_add_update_and_record_decisions(log: Chat, who: str) -> None:
    assert log("/action add Read the PLO report", as_=who).title == "Action 5 added"
    assert log("/action decision Terms of reference adopted", as_=who).title == (
        "Decision 6 recorded"
    )
    updated = log("/action update 1 draft shared with LH", as_=who)
    assert updated.title == "Action 1 updated: ongoing"
    shown = log("/action show 1")
    assert fields(shown)["Status"] == "Ongoing"
    assert shown.lines[-1].endswith(f"— {who} updated it: draft shared with LH (console)")


# ---- close, reopen, reassign, withdraw ---------------------------------------------------
OWNER_ONLY = [
    ("/action close 1 letter sent", "close it"),
    ("/action done 1", "close it"),
    ("/action complete 1", "close it"),
    ("/action reopen 4", "reopen it"),
    ("/action assign 1 @KY", "reassign it"),
    ("/action withdraw 1 no longer needed", "withdraw it"),
]


@pytest.mark.parametrize("who", PLAIN_MEMBERS)
@pytest.mark.parametrize(("line", "doing"), OWNER_ONLY)
def test_other_members_cannot_close_reopen_reassign_or_withdraw(
    log: Chat, who: str, line: str, doing: str
) -> None:
    before = snapshot(log)

    reply = log(line, as_=who)

    assert_refused(reply)
    number = line.split()[2]
    assert reply.title == (
        f"Only action {number}'s owners, the chair, vice-chair or secretary can {doing}. "
        "Nothing was changed; ask RE (secretary), MH (chair), LH (vice-chair)."
    )
    assert snapshot(log) == before


@pytest.mark.parametrize("who", MANAGERS)
def test_managers_may_close_reopen_reassign_and_withdraw_any_action(log: Chat, who: str) -> None:
    assert log("/action assign 2 @AC", as_=who).title == "Action 2 assigned to AC"
    assert log("/action close 2", as_=who).title == "Action 2 closed"
    assert log("/action reopen 2", as_=who).title == "Action 2 reopened"
    assert log("/action withdraw 2", as_=who).title == "Action 2 withdrawn"
    assert fields(log("/action show 2"))["Status"] == "Withdrawn"


def test_owners_may_close_reopen_reassign_and_withdraw_their_action(log: Chat) -> None:
    assert log("/action close 2 chased", as_="KY").title == "Action 2 closed"
    assert log("/action reopen 2", as_="KY").title == "Action 2 reopened"
    assert log("/action assign 2 @KY @AC", as_="KY").title == "Action 2 assigned to KY, AC"
    assert log("/action close 2", as_="AC").title == "Action 2 closed"
    assert log("/action reopen 2", as_="AC").title == "Action 2 reopened"
    assert log("/action withdraw 2 overtaken", as_="AC").title == "Action 2 withdrawn"
    events = log("/action show 2").lines
    assert [e.split(" — ")[1] for e in events[2:]] == [
        "KY closed it: chased (console)",
        "KY reopened it (console)",
        "KY assigned it to KY, AC (console)",
        "AC closed it (console)",
        "AC reopened it (console)",
        "AC withdrew it: overtaken (console)",
    ]


@pytest.mark.parametrize("who", PLAIN_MEMBERS)
def test_any_member_may_close_an_all_action(log: Chat, who: str) -> None:
    reply = log("/action close 3 discussed", as_=who)

    assert reply.title == "Action 3 closed"
    assert fields(log("/action show 3"))["Status"] == "Closed"


def test_a_convention_owner_who_joins_later_may_close_their_action(board: Chat) -> None:
    board("/action add CA to share the legal advice", as_="RE")
    assert_refused(board("/action close 1", as_="CA"))

    board("/board member add CA Carole Atkins", as_="RE")

    assert board("/action close 1", as_="CA").title == "Action 1 closed"


def test_a_removed_member_loses_their_rights(log: Chat) -> None:
    log("/board member remove KY", as_="MH")
    before = snapshot(log)

    for line in ("/action close 2", "/action add Something", "/action list"):
        assert_refused(log(line, as_="KY"))
    assert snapshot(log) == before


def test_the_console_operator_may_do_anything(log: Chat) -> None:
    assert log("/action close 2").title == "Action 2 closed"
    assert log("/board member add CA Carole Atkins").tone is Tone.SUCCESS
    assert log("/board meeting add 5 May 2027 10:30").tone is Tone.SUCCESS
    assert log("/action show 2").lines[-1] == (
        "11 January 2027, 10:00 — console operator closed it (console)"
    )


# ---- non-members -------------------------------------------------------------------------
EVERY_COMMAND = [
    "/action add Read the report",
    "/action add Read the report @MH by 5 May",
    "/action decision Terms of reference adopted",
    "/action assign 1 @KY",
    "/action close 1",
    "/action done 1",
    "/action complete 1",
    "/action close 3",
    "/action reopen 4",
    "/action update 1 draft shared",
    "/action due 1 end of April",
    "/action defer 1 next meeting",
    "/action withdraw 1",
    "/action list",
    "/action list all",
    "/action show 1",
    "/action digest",
    "/board member add ZZ Zed Zee chair",
    "/board member remove KY",
    "/board member list",
    "/board meeting add 5 May 2027 10:30",
    "/board meeting list",
    "/board meeting move 3 February 2027 to 10 February 2027",
    "/board meeting cancel 3 February 2027",
    "/board settings",
    "/board settings name Zed Board",
]


@pytest.mark.parametrize("line", EVERY_COMMAND)
def test_non_members_are_refused_everything_but_help(log: Chat, line: str) -> None:
    before = snapshot(log)

    reply = log(line, as_="ZZ")

    assert_refused(reply)
    assert reply.title.startswith("Only ")
    assert snapshot(log) == before


@pytest.mark.parametrize("line", ["/action help", "/board help", "/action help close"])
def test_non_members_may_read_help(log: Chat, line: str) -> None:
    reply = log(line, as_="ZZ")

    assert reply.tone is Tone.INFO
    assert reply.lines


@pytest.mark.parametrize("line", EVERY_COMMAND)
def test_unlinked_chat_accounts_are_refused_everything_but_help(uow: UnitOfWork,
                                                                line: str) -> None:
    slack = slack_board(uow)
    before = slack_snapshot(slack)

    reply = slack(line, user_id="U5", user_name="Zed Zee")

    assert_refused(reply)
    assert reply.title.startswith("Only ")
    assert slack_snapshot(slack) == before
    assert slack("/action show 5", user_id="U1").tone is Tone.ERROR
    assert slack("/action help", user_id="U5").tone is Tone.INFO


def test_refusal_tells_a_non_member_whom_to_ask(log: Chat) -> None:
    reply = log("/action add Read the report", as_="ZZ")

    assert reply.title == (f"Only members of {BOARD} can add actions. Ask RE (secretary), "
                           "MH (chair), LH (vice-chair) to add you.")
    assert reply.lines == ("For example: /board member add @you AB Your Name",)


def test_a_linked_account_acts_as_its_member(uow: UnitOfWork) -> None:
    slack = slack_board(uow)

    assert_refused(slack("/action close 1", user_id="U9"))
    assert slack("/action add KY to chase Kent", user_id="U9").title == "Action 5 added"
    assert slack("/action close 2", user_id="U9").title == "Action 2 closed"
    assert slack("/action close 3", user_id="U9").title == "Action 3 closed"
    assert_refused(slack("/board meeting add 5 May 2027 10:30", user_id="U9"))
    assert slack("/action close 1", user_id="U1").title == "Action 1 closed"


def test_membership_is_per_board(uow: UnitOfWork) -> None:
    slack_board(uow)
    other = Chat(uow, platform="slack", workspace="T1", channel="C2")
    other("/board setup Adoption Board", user_id="U7", user_name="Amy Coombs")

    reply = other("/action add Read the report", user_id="U9")

    assert_refused(reply)
    assert reply.title.startswith("Only members of Adoption Board")
