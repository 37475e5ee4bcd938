"""The chair's ``/action digest``, and help."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from handlers.replies import Tone
from tests.conftest import Chat
from tests.handlers.reading_back import BOARD, sections

AFTER_DUE = datetime(2027, 1, 25, 10, 0, tzinfo=UTC)
AFTER_MEETING = datetime(2027, 2, 10, 10, 0, tzinfo=UTC)


# ---- digest ------------------------------------------------------------------------------
def test_digest_groups_open_actions_by_owner_and_marks_overdue(log: Chat) -> None:
    reply = log("/action digest", as_="MH", now=AFTER_DUE)

    assert reply.title == f"Action log digest — {BOARD}"
    assert reply.lines == ("4 open actions, 1 overdue", "Next meeting: 3 February 2027, 10:30")
    got = sections(reply)
    assert got["All"] == ("3 · All · All to reflect on the data",)
    assert got["KY"] == ("2 · KY · due 5 May 2027 · KY to chase Bucks",)
    assert got["MH"] == ("1 · MH · due 20 January 2027 (overdue) · MH to write to DfE",)
    assert "No owner yet" not in got, "an item for the meeting is listed once, under its heading"
    assert "LH" not in got
    assert "AC" not in got


def test_digest_lists_items_for_the_next_meeting(log: Chat) -> None:
    reply = log("/action digest", as_="MH", now=AFTER_DUE)

    assert sections(reply)["Items for this meeting"] == ("7 · nobody yet · Read the PLO report",)


def test_digest_lists_what_closed_and_was_decided_since_the_last_meeting(log: Chat) -> None:
    log("/board meeting add 6 January 2027 10:30", as_="RE")

    reply = log("/action digest", as_="MH", now=AFTER_DUE)

    got = sections(reply)
    assert got["Closed since the last meeting"] == ("4 · LH · LH to draft the terms of reference",)
    assert got["Decided since the last meeting"] == ("5 · Terms of reference adopted",)


def test_digest_leaves_out_what_closed_before_the_last_meeting(log: Chat) -> None:
    after = datetime(2027, 2, 5, 10, 0, tzinfo=UTC)
    log("/action close 2 chased", as_="KY", now=after)
    log("/action decision Fees frozen for 2027", as_="MH", now=after)

    reply = log("/action digest", as_="MH", now=AFTER_MEETING)

    got = sections(reply)
    assert got["Closed since the last meeting"] == ("2 · KY · due 5 May 2027 · KY to chase Bucks",)
    assert got["Decided since the last meeting"] == ("8 · Fees frozen for 2027",)
    assert "Items for this meeting" not in got
    assert reply.lines == ("3 open actions, 1 overdue",)


def test_digest_ends_with_the_date_the_log_was_updated(log: Chat) -> None:
    reply = log("/action digest", as_="MH", now=AFTER_DUE)
    assert reply.footer is not None
    assert reply.footer.startswith("This action log was updated on 11 January 2027")

    log("/action update 2 chased by phone", as_="KY", now=datetime(2027, 6, 30, 23, 30, tzinfo=UTC))

    later = log("/action digest", as_="MH", now=datetime(2027, 7, 2, 9, 0, tzinfo=UTC))
    assert later.footer is not None
    assert later.footer.startswith("This action log was updated on 1 July 2027")


@pytest.mark.parametrize("who", ["MH", "LH", "RE", None])
def test_managers_post_the_digest_to_the_channel(log: Chat, who: str | None) -> None:
    reply = log("/action digest", as_=who)

    assert reply.public
    assert reply.tone is not Tone.ERROR


@pytest.mark.parametrize("who", ["KY", "AC"])
def test_members_see_the_digest_privately(log: Chat, who: str) -> None:
    reply = log("/action digest", as_=who)

    assert not reply.public
    assert reply.title == f"Action log digest — {BOARD}"
    assert reply.sections == log("/action digest", as_="MH").sections


def test_digest_of_an_empty_log(board: Chat) -> None:
    reply = board("/action digest", as_="MH")

    assert reply.lines == ("0 open actions", "Next meeting: 3 February 2027, 10:30")
    assert reply.sections == ()


# ---- help --------------------------------------------------------------------------------
def test_action_help_lists_every_command(board: Chat) -> None:
    reply = board("/action help", as_="KY")

    assert reply.title == "Action log commands"
    assert reply.tone is Tone.INFO
    assert not reply.public
    for verb in ("add", "assign", "close", "reopen", "update", "due", "defer", "withdraw",
                 "decision", "list", "show", "digest"):
        assert any(line.startswith(f"/action {verb}") for line in reply.lines), verb
    assert reply.lines[-1].endswith("See also /board help.")


def test_help_on_one_command(board: Chat) -> None:
    reply = board("/action help done", as_="KY")

    assert reply.title == "/action close"
    assert reply.lines == ("/action close <N> [note]", "Example: /action close 58 letter sent",
                           "“done” and “complete” work too.")


def test_board_help(board: Chat) -> None:
    reply = board("/board help", as_="KY")

    assert reply.title == "Board commands"
    for verb in ("setup", "member", "meeting", "settings"):
        assert any(line.startswith(f"/board {verb}") for line in reply.lines), verb
    assert board("/board help members", as_="KY").title == "/board member"


def test_help_on_something_unknown_lists_the_commands(board: Chat) -> None:
    reply = board("/action help frobnicate", as_="KY")

    assert reply.title == "There is no help on “frobnicate”. Action log commands"
    assert len(reply.lines) > 10


def test_help_works_in_a_channel_without_a_board(chat: Chat) -> None:
    assert chat("/action help", as_="ZZ").title == "Action log commands"
    assert chat("/board help setup", as_="ZZ").lines[1] == (
        "Example: /board setup South East Adoption Board"
    )
    assert chat("/action", as_="ZZ").title == "Action log commands"
