"""Reading the log: ``/action list`` with each filter and 25 a page, ``/action show`` with its
history, the chair's ``/action digest``, and help."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from handlers.replies import Reply, Tone
from tests.conftest import Chat

BOARD = "South East Adoption Board"
AFTER_DUE = datetime(2027, 1, 25, 10, 0, tzinfo=UTC)
AFTER_MEETING = datetime(2027, 2, 10, 10, 0, tzinfo=UTC)


def titles(reply: Reply) -> list[str]:
    assert reply.tone is not Tone.ERROR, reply.title
    return [item.title for item in reply.items]


def fields(reply: Reply, index: int = 0) -> dict[str, str]:
    return {f.label: f.value for f in reply.items[index].fields}


def sections(reply: Reply) -> dict[str, tuple[str, ...]]:
    return {section.heading: section.lines for section in reply.sections}


@pytest.fixture
def log(board: Chat) -> Chat:
    """1 MH due 20 Jan, 2 KY due 5 May, 3 All, 4 LH closed, 5 decision, 6 withdrawn,
    7 nobody's, deferred to the next meeting."""
    for line, who in (
        ("/action add MH to write to DfE by 20 January", "KY"),
        ("/action add KY to chase Bucks by 5 May", "KY"),
        ("/action add All to reflect on the data", "MH"),
        ("/action add LH to draft the terms of reference", "RE"),
        ("/action close 4 draft circulated", "LH"),
        ("/action decision Terms of reference adopted", "MH"),
        ("/action add AC to review fees", "RE"),
        ("/action withdraw 6 overtaken by events", "RE"),
        ("/action add Read the PLO report", "AC"),
        ("/action defer 7 next meeting", "AC"),
    ):
        assert board(line, as_=who).tone is Tone.SUCCESS, line
    return board


# ---- list --------------------------------------------------------------------------------
def test_list_shows_open_actions_newest_first(log: Chat) -> None:
    reply = log("/action list", as_="AC")

    assert reply.title == f"Open actions on {BOARD} (1–4 of 4)"
    assert reply.tone is Tone.INFO
    assert not reply.public
    assert titles(reply) == ["Action 7", "Action 3", "Action 2", "Action 1"]
    assert reply.footer is None
    assert reply.items[2].text == "KY to chase Bucks"
    assert fields(reply, 2) == {"Owners": "KY", "Due": "5 May 2027", "Status": "Open",
                                "Issued": "11 January 2027"}
    assert fields(reply, 0)["Status"] == "Item for the 3 February 2027 meeting"
    assert [b.command for b in reply.items[2].buttons] == [
        "/action close 2", "/action update 2 <note>", "/action defer 2 next meeting",
    ]


def test_list_open_is_the_default(log: Chat) -> None:
    assert titles(log("/action list open", as_="AC")) == titles(log("/action list", as_="AC"))


def test_list_all_includes_closed_withdrawn_and_decisions(log: Chat) -> None:
    reply = log("/action list all", as_="KY")

    assert reply.title == f"All actions and decisions on {BOARD} (1–7 of 7)"
    assert titles(reply) == ["Action 7", "Action 6", "Decision 5", "Action 4", "Action 3",
                             "Action 2", "Action 1"]
    assert fields(reply, 1)["Status"] == "Withdrawn"
    assert fields(reply, 2)["Status"] == "DECISION"
    assert fields(reply, 3)["Status"] == "Closed"


def test_list_mine_includes_all_actions(log: Chat) -> None:
    reply = log("/action list mine", as_="KY")

    assert reply.title == f"Your open actions on {BOARD} (1–2 of 2)"
    assert titles(reply) == ["Action 3", "Action 2"]


def test_list_mine_leaves_out_closed_actions(log: Chat) -> None:
    assert titles(log("/action list mine", as_="LH")) == ["Action 3"]


def test_list_mine_needs_to_know_who_you_are(log: Chat) -> None:
    reply = log("/action list mine")

    assert reply.tone is Tone.ERROR
    assert reply.title == "“mine” needs to know who you are: you are not linked to a member."
    assert reply.lines == ("For example: /action list @MH",)


def test_list_overdue_travels_in_time(log: Chat) -> None:
    today = log("/action list overdue", as_="MH")
    assert today.title == f"Overdue actions on {BOARD}: none"
    assert today.items == ()

    later = log("/action list overdue", as_="MH", now=AFTER_DUE)

    assert later.title == f"Overdue actions on {BOARD} (1–1 of 1)"
    assert titles(later) == ["Action 1"]
    assert fields(later)["Due"] == "20 January 2027 (overdue)"


def test_list_overdue_leaves_out_closed_actions(log: Chat) -> None:
    log("/action close 1 sent", as_="MH")

    reply = log("/action list overdue", as_="MH", now=AFTER_DUE)

    assert reply.items == ()


def test_list_closed_includes_withdrawn(log: Chat) -> None:
    reply = log("/action list closed", as_="AC")

    assert reply.title == f"Closed actions on {BOARD} (1–2 of 2)"
    assert titles(reply) == ["Action 6", "Action 4"]
    assert reply.items[1].lines == ("Note: draft circulated",)
    assert reply.items[1].buttons == ()


def test_list_decisions(log: Chat) -> None:
    reply = log("/action list decisions", as_="AC")

    assert reply.title == f"Decisions on {BOARD} (1–1 of 1)"
    assert titles(reply) == ["Decision 5"]
    assert reply.items[0].text == "Terms of reference adopted"


def test_list_by_owner(log: Chat) -> None:
    reply = log("/action list @MH", as_="AC")

    assert reply.title == f"Open actions for MH on {BOARD} (1–1 of 1)"
    assert titles(reply) == ["Action 1"]


def test_list_by_a_convention_owner_who_is_not_a_member(board: Chat) -> None:
    board("/action add RR to share the inspection report", as_="KY")
    board("/action add KY to chase Bucks", as_="KY")

    assert titles(board("/action list @RR", as_="AC")) == ["Action 1"]


def test_list_on_an_empty_log(board: Chat) -> None:
    reply = board("/action list", as_="AC")

    assert reply.title == f"Open actions on {BOARD}: none"
    assert reply.tone is Tone.INFO
    assert reply.lines == ("Add one with /action add MH to write to DfE by end of March",)


def test_list_of_something_unknown(log: Chat) -> None:
    reply = log("/action list nonsense", as_="AC")

    assert reply.tone is Tone.ERROR
    assert reply.title == ("I can't list “nonsense”. Try open, all, mine, overdue, closed, "
                           "decisions or an owner's @initials.")
    assert reply.lines == ("For example: /action list overdue",)


@pytest.fixture
def thirty(board: Chat) -> Chat:
    for n in range(1, 31):
        assert board(f"/action add KY to chase item {n}", as_="MH").title == (
            f"Action {n} added"
        )
    return board


def test_list_pages_hold_25_with_a_pointer_to_the_next(thirty: Chat) -> None:
    first = thirty("/action list", as_="AC")

    assert first.title == f"Open actions on {BOARD} (1–25 of 30)"
    assert len(first.items) == 25
    assert titles(first) == [f"Action {n}" for n in range(30, 5, -1)]
    assert first.footer == "More: /action list open page 2"

    second = thirty("/action list page 2", as_="AC")

    assert second.title == f"Open actions on {BOARD} (26–30 of 30)"
    assert titles(second) == [f"Action {n}" for n in range(5, 0, -1)]
    assert second.footer is None


@pytest.mark.parametrize(("line", "footer"), [
    ("/action list all", "More: /action list all page 2"),
    ("/action list mine", "More: /action list mine page 2"),
    ("/action list @KY", "More: /action list @KY page 2"),
])
def test_every_filter_pages(thirty: Chat, line: str, footer: str) -> None:
    first = thirty(line, as_="KY")
    assert len(first.items) == 25
    assert first.footer == footer

    second = thirty(footer.removeprefix("More: "), as_="KY")
    assert len(second.items) == 5
    assert second.footer is None


def test_a_page_beyond_the_end_is_an_error(thirty: Chat) -> None:
    reply = thirty("/action list page 3", as_="AC")

    assert reply.tone is Tone.ERROR
    assert reply.title == "There are only 2 page(s) of open actions."
    assert reply.lines == ("For example: /action list open page 2",)


# ---- show --------------------------------------------------------------------------------
def test_show_gives_the_action_and_who_did_what(board: Chat) -> None:
    board("/action add MH to write to DfE by 5 May", as_="KY")
    board("/action update 1 draft shared with LH", as_="MH")
    board("/action assign 1 @MH @LH", as_="RE")
    board("/action due 1 end of May", as_="LH")
    board("/action close 1 letter sent", as_="LH")
    board("/action reopen 1 DfE asked for more", as_="RE")
    board("/action defer 1 next meeting", as_="AC")
    board("/action withdraw 1 overtaken by events", as_="MH")

    reply = board("/action show 1", as_="AC")

    assert reply.title == "Action 1"
    assert reply.tone is Tone.INFO
    assert not reply.public
    assert reply.items[0].text == "MH to write to DfE"
    assert fields(reply) == {"Owners": "MH, LH", "Due": "31 May 2027", "Status": "Withdrawn",
                             "Issued": "11 January 2027"}
    assert reply.lines == (
        "History:",
        "11 January 2027, 10:00 — KY added it (console)",
        "11 January 2027, 10:00 — MH updated it: draft shared with LH (console)",
        "11 January 2027, 10:00 — RE assigned it to MH, LH (console)",
        "11 January 2027, 10:00 — LH changed the due date (console)",
        "11 January 2027, 10:00 — LH closed it: letter sent (console)",
        "11 January 2027, 10:00 — RE reopened it: DfE asked for more (console)",
        "11 January 2027, 10:00 — AC deferred it (console)",
        "11 January 2027, 10:00 — MH withdrew it: overtaken by events (console)",
    )


def test_show_history_is_in_local_time(board: Chat) -> None:
    board("/action add MH to write to DfE", as_="KY")
    board("/action close 1", as_="MH", now=datetime(2027, 4, 5, 13, 15, tzinfo=UTC))

    reply = board("/action show 1", as_="MH")

    assert reply.lines[-1] == "5 April 2027, 14:15 — MH closed it (console)"


def test_show_names_the_chat_platform_and_account(board: Chat) -> None:
    slack = Chat(board.uow, platform="slack", workspace="T1", channel="C1")
    slack("/board setup Fostering Leads", user_id="U1", user_name="Mac Heath")
    slack("/action add Share the template", user_id="U1")

    assert slack("/action show 1", user_id="U1").lines[1] == (
        "11 January 2027, 10:00 — MH added it (slack)"
    )


def test_show_of_a_number_that_does_not_exist(log: Chat) -> None:
    reply = log("/action show 99", as_="AC")

    assert reply.tone is Tone.ERROR
    assert reply.title == f"There is no action 99 on {BOARD}. The latest is 7."
    assert reply.lines == ("For example: /action list all",)


def test_show_without_a_number(log: Chat) -> None:
    reply = log("/action show", as_="AC")

    assert reply.tone is Tone.ERROR
    assert reply.title == "Which action? Give its number after show."
    assert reply.lines == ("For example: /action show 58",)


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
