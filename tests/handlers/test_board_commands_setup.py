"""``/board setup``: creating a board, binding more channels to it, and unbound channels."""

from __future__ import annotations

import pytest

from handlers.replies import Tone
from storage.uow import UnitOfWork
from tests.conftest import Chat
from tests.handlers.reading_back import BOARD, slack_chat

NOT_BOUND = ("This channel does not keep a board's action log yet. Set one up here "
             "(you become its secretary).")


def test_setup_creates_the_board_with_the_founder_as_secretary(chat: Chat) -> None:
    reply = chat("/board setup  Fostering   Leads ", as_="RE")

    assert reply.title == "Fostering Leads is set up in this channel"
    assert reply.tone is Tone.SUCCESS
    assert reply.public
    assert reply.lines[0] == "You are its secretary, as RE."
    assert "Numbers start at 1. Times are Europe/London." in reply.lines
    assert chat("/board member list", as_="RE").lines == ("RE — RE (secretary)",)
    assert chat("/action add First item", as_="RE").title == "Action 1 added"


def test_setup_by_a_chat_account_links_it_and_takes_initials_from_the_name(uow: UnitOfWork) -> None:
    slack = slack_chat(uow)

    reply = slack("/board setup Fostering Leads", user_id="U1", user_name="Mac Heath")

    assert reply.title == "Fostering Leads is set up in this channel"
    assert reply.lines[0] == "You are its secretary, as MH."
    listed = slack("/board member list", user_id="U1")
    assert listed.lines == ("MH — Mac Heath (secretary)",)
    slack("/action add Share the template", user_id="U1")
    shown = slack("/action show 1", user_id="U1")
    assert shown.lines[1] == "11 January 2027, 10:00 — MH added it (slack)"


def test_setup_by_the_console_operator_has_no_founder_member(chat: Chat) -> None:
    reply = chat("/board setup Fostering Leads")

    assert reply.tone is Tone.SUCCESS
    assert not any(line.startswith("You are its secretary") for line in reply.lines)
    assert chat("/board member list").title == "Fostering Leads has no members yet"


def test_setup_in_an_already_bound_channel_is_refused(board: Chat) -> None:
    reply = board("/board setup Another Board", as_="RE")

    assert reply.tone is Tone.ERROR
    assert reply.title == f"This channel already keeps the log of {BOARD}."
    assert reply.lines == ("For example: /board settings",)
    assert board("/board settings", as_="RE").fields[0].value == BOARD


def test_setup_of_an_existing_name_by_its_manager_binds_another_channel(uow: UnitOfWork) -> None:
    first = slack_chat(uow, "C1")
    first("/board setup Fostering Leads", user_id="U1", user_name="Mac Heath")
    first("/action add Share the template", user_id="U1")
    second = slack_chat(uow, "C2")

    reply = second("/board setup fostering   LEADS", user_id="U1")

    assert reply.title == "This channel now also keeps the log of Fostering Leads"
    assert reply.tone is Tone.SUCCESS
    assert reply.public
    assert second("/action show 1", user_id="U1").items[0].text == "Share the template"
    assert second("/action add Chase Kent", user_id="U1").title == "Action 2 added"
    assert first("/action show 2", user_id="U1").items[0].text == "Chase Kent"


def test_setup_of_an_existing_name_by_its_manager_at_the_console_binds_it(board: Chat) -> None:
    other = Chat(board.uow, channel="console-2")

    reply = other(f"/board setup {BOARD}", as_="RE")

    assert reply.title == f"This channel now also keeps the log of {BOARD}"
    assert other("/board member list", as_="RE").tone is not Tone.ERROR


@pytest.mark.parametrize(("user_id", "user_name"), [("U9", "Kevin Yong"), ("U5", "Zed Zee")])
def test_setup_of_an_existing_name_by_anyone_else_is_refused(
    uow: UnitOfWork, user_id: str, user_name: str
) -> None:
    first = slack_chat(uow, "C1")
    first("/board setup Fostering Leads", user_id="U1", user_name="Mac Heath")
    first("/board member add <@U9> KY Kevin Yong", user_id="U1")
    second = slack_chat(uow, "C2")

    reply = second("/board setup Fostering Leads", user_id=user_id, user_name=user_name)

    assert reply.tone is Tone.ERROR
    assert reply.title.startswith("A board called Fostering Leads already exists. Only its chair, "
                                  "vice-chair or secretary can link another channel to it")
    assert reply.lines == ("For example: /board setup South East Adoption Board 2027",)
    assert second("/action list", user_id="U1").title == NOT_BOUND


def test_setup_of_an_existing_name_by_a_console_stranger_is_refused(board: Chat) -> None:
    other = Chat(board.uow, channel="console-2")

    reply = other(f"/board setup {BOARD}", as_="ZZ")

    assert reply.tone is Tone.ERROR
    assert reply.title.startswith(f"A board called {BOARD} already exists.")
    assert other("/action list", as_="RE").title == NOT_BOUND


def test_a_channel_without_a_board_explains_board_setup(chat: Chat) -> None:
    for line in ("/action list", "/action add MH to write to DfE", "/board member list",
                 "/board meeting add 5 May 2027 10:30"):
        reply = chat(line, as_="MH")
        assert reply.tone is Tone.ERROR
        assert reply.title == NOT_BOUND
        assert reply.lines == ("For example: /board setup Adoption Board",)
