"""Card buttons (``Action.Execute``): the invoke answers with the redrawn card, and the message
is updated for everyone; lists and errors answer with a short message instead."""

from __future__ import annotations

from typing import Any

from tests.bot.teams.conftest import TeamsHTTP, buttons, card_text, mention

CARD = "application/vnd.microsoft.card.adaptive"
MESSAGE = "application/vnd.microsoft.activity.message"


def _first_action_card(teams: TeamsHTTP) -> tuple[str, dict[str, Any]]:
    posted = teams.say("action add MH to write to DfE by end of March")
    return posted.conversation, posted.card


def _button(card: dict[str, Any], verb: str) -> dict[str, Any]:
    return next(b for b in buttons(card) if b["verb"] == verb)


def _wait_for_update(teams: TeamsHTTP) -> Any:
    import time

    deadline = time.monotonic() + 10
    while not teams.fake.updates() and time.monotonic() < deadline:
        time.sleep(0.02)
    (update,) = teams.fake.updates()
    return update


def test_done_redraws_the_card_for_the_presser_and_for_everyone(teams_board: TeamsHTTP) -> None:
    conversation, card = _first_action_card(teams_board)
    status, body = teams_board.press(_button(card, "ab.close")["data"], user="MH",
                                     reply_to="act-7", thread=conversation)
    assert status == 200 and body["statusCode"] == 200 and body["type"] == CARD
    text = card_text(body["value"])
    assert "✅ Action 1 closed" in text and "Status: Closed" in text
    assert buttons(body["value"]) == []
    update = _wait_for_update(teams_board)
    assert (update.conversation, update.activity_id) == (conversation, "act-7")
    assert update.card == body["value"]


def test_update_asks_for_a_note_in_the_card_and_records_it(teams_board: TeamsHTTP) -> None:
    _, card = _first_action_card(teams_board)
    show = next(a for a in card["body"][-1]["items"][-1]["actions"]
                if a["type"] == "Action.ShowCard")
    (note,) = show["card"]["body"]
    assert note["type"] == "Input.Text" and note["isRequired"]
    save = _button(show["card"], "ab.update")
    empty = teams_board.press({**save["data"], note["id"]: "  "}, user="MH")
    assert empty[1] == {"statusCode": 200, "type": MESSAGE, "value": "Write a short note first."}
    status, body = teams_board.press({**save["data"], note["id"]: "draft shared with LH"},
                                     user="MH")
    assert status == 200 and body["type"] == CARD
    text = card_text(body["value"])
    assert "Status: Ongoing" in text and "Note: draft shared with LH" in text


def test_snooze_defers_to_the_next_meeting(teams_board: TeamsHTTP) -> None:
    _, card = _first_action_card(teams_board)
    status, body = teams_board.press(_button(card, "ab.defer")["data"], user="MH")
    assert status == 200
    assert "Item for the 3 February 2027 meeting" in card_text(body["value"])


def test_a_refusal_leaves_the_card_and_says_why(teams_board: TeamsHTTP) -> None:
    _, card = _first_action_card(teams_board)
    status, body = teams_board.press(_button(card, "ab.close")["data"], user="AC")
    assert status == 200 and body["type"] == MESSAGE
    assert body["value"].startswith("⚠ You are not a member of South East Adoption Board")
    assert teams_board.fake.updates() == []


def test_buttons_in_a_list_answer_with_a_message_and_leave_the_list(
        teams_board: TeamsHTTP) -> None:
    teams_board.say("action add MH to write to DfE by end of March")
    teams_board.say("action add KY to book the room by 3/4")
    listing = teams_board.say("action list").card
    done = [b for b in buttons(listing) if b["verb"] == "ab.close"]
    assert [b["data"]["m"] for b in done] == ["many", "many"]
    status, body = teams_board.press(done[0]["data"], user="KY")
    assert (status, body["type"]) == (200, MESSAGE)
    assert "Action 2 closed" in body["value"]
    assert teams_board.fake.updates() == []


def test_buttons_on_cards_in_personal_chat_name_their_board(teams_board: TeamsHTTP) -> None:
    teams_board.say("action add MH to write to DfE by end of March")
    mine = teams_board.say("action list mine", user="MH", where="personal").card
    status, body = teams_board.press(_button(mine, "ab.close")["data"], user="MH",
                                     where="personal")
    assert status == 200 and "Action 1 closed" in card_text(body["value"])


def test_forged_buttons_do_nothing(teams_board: TeamsHTTP) -> None:
    _first_action_card(teams_board)
    status, body = teams_board.press({"i": "close", "r": "1; drop", "b": 1, "m": "one"})
    assert (status, body["value"]) == (200, "That button is not one of mine.")
    status, body = teams_board.press({"i": "withdraw", "r": "1", "b": 1, "m": "one"})
    assert body["value"] == "That button is not one of mine."


def test_the_offer_to_add_a_mentioned_stranger_adds_them(teams_board: TeamsHTTP) -> None:
    amy, _ = mention("AC")
    refusal = teams_board.say(f"action add {amy} to review fees by 3/4", mentions=("AC",)).card
    text = card_text(refusal)
    assert "⚠ Amy Coombs is not a member of South East Adoption Board yet." in text
    assert "/board member add @someone AC Amy Coombs" in text
    (offer,) = buttons(refusal)
    assert offer["title"] == "Add Amy Coombs as AC" and offer["data"]["m"] == "reply"
    status, body = teams_board.press(offer["data"])
    assert (status, body["type"]) == (200, MESSAGE)
    assert "AC" in body["value"] and "Amy Coombs" in body["value"]
    again = teams_board.say(f"action add {amy} to review fees by 3/4", mentions=("AC",))
    assert "Owners: AC" in card_text(again.card)
