"""Action text, notes and mentions are stored as typed; linked mentions become initials."""

from __future__ import annotations

from handlers.replies import Tone
from tests.conftest import Chat
from tests.handlers.reading_back import fields, shown, slack_chat


def test_text_is_stored_exactly_as_typed(board: Chat) -> None:
    text = 'ask <!channel> to read & comment on "ToR" *now* <b>fees</b>  twice'
    reply = board(f"/action add {text}", as_="KY")

    assert reply.items[0].text == text
    assert shown(board, 1).items[0].text == text


def test_text_that_only_looks_like_a_date_stays_text(board: Chat) -> None:
    board("/action add Chase the report written by the DfE", as_="KY")

    again = shown(board, 1)
    assert again.items[0].text == "Chase the report written by the DfE"
    assert fields(again)["Due"] == "not set"


def test_notes_are_stored_as_typed(board: Chat) -> None:
    board("/action add MH to write to DfE", as_="KY")

    board("/action update 1 asked <@U123> & <!here> for <figures>", as_="KY")

    assert shown(board, 1).items[0].lines == ("Note: asked <@U123> & <!here> for <figures>",)


def test_mention_of_a_linked_member_is_stored_as_initials(board: Chat) -> None:
    slack = slack_chat(board.uow)
    slack("/board setup Slack Adoption Board", user_id="U1", user_name="Mac Heath")
    slack("/board member add <@U9> KY Kevin Yong", user_id="U1")

    reply = slack("/action add chase <@U9> about <!channel> & fees", user_id="U1")

    assert reply.title == "Action 1 added"
    assert reply.items[0].text == "chase @KY about <!channel> & fees"
    assert fields(reply)["Owners"] == "KY"
    again = slack("/action show 1", user_id="U9")
    assert again.items[0].text == "chase @KY about <!channel> & fees"


def test_mention_with_a_display_name_of_a_linked_member(board: Chat) -> None:
    slack = slack_chat(board.uow)
    slack("/board setup Slack Adoption Board", user_id="U1", user_name="Mac Heath")
    slack("/board member add <@U9> KY Kevin Yong", user_id="U1")

    reply = slack("/action add ask <@U9|kevin> for the data", user_id="U1")

    assert reply.items[0].text == "ask @KY for the data"
    assert fields(reply)["Owners"] == "KY"


def test_mention_of_an_unlinked_account_as_owner_is_refused(board: Chat) -> None:
    slack = slack_chat(board.uow)
    slack("/board setup Slack Adoption Board", user_id="U1", user_name="Mac Heath")

    reply = slack("/action add ask <@U123> about fees", user_id="U1")

    assert reply.tone is Tone.ERROR
    assert reply.title == "That person is not a member of Slack Adoption Board yet."
    assert reply.lines == ("For example: /board member add <@U123> AB Their Name",)
    assert slack("/action add ask KY about fees", user_id="U1").title == "Action 1 added"


def test_decision_text_is_stored_as_typed(board: Chat) -> None:
    text = "Agreed <@U123> & <!channel> see the <b>new</b> terms"
    board(f"/action decision {text}", as_="KY")

    assert shown(board, 1).items[0].text == text


def test_decision_text_stores_a_linked_member_mention_as_initials(board: Chat) -> None:
    slack = slack_chat(board.uow)
    slack("/board setup Slack Adoption Board", user_id="U1", user_name="Mac Heath")
    slack("/board member add <@U9> KY Kevin Yong", user_id="U1")

    slack("/action decision Agreed that <@U9> chairs the panel", user_id="U1")

    again = slack("/action show 1", user_id="U1")
    assert again.items[0].text == "Agreed that @KY chairs the panel"
