"""Reading the log: ``/action list`` with each filter and 25 a page, ``/action show`` with its
history."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from handlers.replies import Tone
from tests.conftest import Chat
from tests.handlers.reading_back import BOARD, fields, titles

AFTER_DUE = datetime(2027, 1, 25, 10, 0, tzinfo=UTC)
AFTER_MEETING = datetime(2027, 2, 10, 10, 0, tzinfo=UTC)


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
