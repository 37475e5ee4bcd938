"""``/action close``, ``reopen`` and ``withdraw``: moving an action between open and done."""

from __future__ import annotations

import pytest

from handlers.replies import Tone
from tests.conftest import Chat
from tests.handlers.reading_back import fields, history, shown


# ---- close -------------------------------------------------------------------------------
def test_close_records_the_note_and_closing_twice_changes_nothing(board: Chat) -> None:
    board("/action add MH to write to DfE by 5 May", as_="KY")

    closed = board("/action close 1 letter sent", as_="MH")
    assert closed.title == "Action 1 closed"
    assert closed.tone is Tone.SUCCESS
    assert closed.public
    assert fields(closed)["Status"] == "Closed"
    assert closed.items[0].lines == ("Note: letter sent",)
    assert closed.items[0].buttons == ()

    again = board("/action close 1 really sent", as_="MH")
    assert again.title == "Action 1 is already closed."
    assert again.lines == ("Nothing was changed.",)
    assert again.tone is not Tone.SUCCESS
    assert not again.public

    events = history(board, 1)
    assert [e for e in events if "closed it" in e] == [
        "11 January 2027, 10:00 — MH closed it: letter sent (console)"
    ]
    assert shown(board, 1).items[0].lines == ("Note: letter sent",)


@pytest.mark.parametrize("verb", ["done", "complete"])
def test_done_and_complete_close_the_action(board: Chat, verb: str) -> None:
    board("/action add MH to write to DfE", as_="KY")

    reply = board(f"/action {verb} 1", as_="MH")

    assert reply.title == "Action 1 closed"
    assert fields(shown(board, 1))["Status"] == "Closed"


def test_closing_a_withdrawn_action_asks_to_reopen_first(board: Chat) -> None:
    board("/action add MH to write to DfE", as_="KY")
    board("/action withdraw 1", as_="MH")

    reply = board("/action close 1", as_="MH")

    assert reply.tone is Tone.ERROR
    assert reply.title == "Action 1 is withdrawn. Reopen it first to close it."
    assert reply.lines == ("For example: /action reopen 1",)
    assert fields(shown(board, 1))["Status"] == "Withdrawn"


def test_closing_a_number_that_does_not_exist(board: Chat) -> None:
    board("/action add MH to write to DfE", as_="KY")

    reply = board("/action close 99", as_="MH")

    assert reply.tone is Tone.ERROR
    assert reply.title == "There is no action 99 on South East Adoption Board. The latest is 1."
    assert reply.lines == ("For example: /action list all",)


def test_closing_on_an_empty_log(board: Chat) -> None:
    reply = board("/action close 1", as_="MH")

    assert reply.tone is Tone.ERROR
    assert reply.title == ("There is no action 1 on South East Adoption Board. "
                           "The log is empty so far.")


# ---- reopen ------------------------------------------------------------------------------
def test_reopen_a_closed_action(board: Chat) -> None:
    board("/action add MH to write to DfE", as_="KY")
    board("/action close 1 letter sent", as_="MH")

    reply = board("/action reopen 1 DfE asked for more", as_="RE")

    assert reply.title == "Action 1 reopened"
    assert reply.tone is Tone.SUCCESS
    assert reply.public
    assert fields(reply)["Status"] == "Open"
    assert "11 January 2027, 10:00 — RE reopened it: DfE asked for more (console)" in (
        history(board, 1)
    )
    assert [i.title for i in board("/action list", as_="KY").items] == ["Action 1"]


def test_reopen_an_open_action_changes_nothing(board: Chat) -> None:
    board("/action add MH to write to DfE", as_="KY")

    reply = board("/action reopen 1", as_="MH")

    assert reply.title == "Action 1 is already open."
    assert reply.lines == ("Nothing was changed.",)
    assert len(history(board, 1)) == 1


def test_reopen_a_withdrawn_action(board: Chat) -> None:
    board("/action add MH to write to DfE", as_="KY")
    board("/action withdraw 1 overtaken by events", as_="MH")

    reply = board("/action reopen 1", as_="MH")

    assert reply.title == "Action 1 reopened"
    assert fields(shown(board, 1))["Status"] == "Open"


# ---- withdraw ----------------------------------------------------------------------------
def test_withdraw_and_withdraw_again(board: Chat) -> None:
    board("/action add MH to write to DfE", as_="KY")

    reply = board("/action withdraw 1 overtaken by events", as_="MH")

    assert reply.title == "Action 1 withdrawn"
    assert reply.tone is Tone.SUCCESS
    assert reply.public
    assert fields(reply)["Status"] == "Withdrawn"
    assert reply.items[0].lines == ("Note: overtaken by events",)
    assert board("/action list", as_="KY").items == ()
    assert [i.title for i in board("/action list closed", as_="KY").items] == ["Action 1"]

    again = board("/action withdraw 1", as_="MH")
    assert again.title == "Action 1 is already withdrawn."
    assert again.lines == ("Nothing was changed.",)
    assert [e for e in history(board, 1) if "withdrew it" in e] == [
        "11 January 2027, 10:00 — MH withdrew it: overtaken by events (console)"
    ]


def test_a_closed_action_cannot_be_withdrawn(board: Chat) -> None:
    board("/action add MH to write to DfE", as_="KY")
    board("/action close 1", as_="MH")

    reply = board("/action withdraw 1", as_="MH")

    assert reply.tone is Tone.ERROR
    assert fields(shown(board, 1))["Status"] == "Closed"
