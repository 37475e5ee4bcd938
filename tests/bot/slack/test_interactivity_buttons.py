"""Buttons and overflow menus on cards in a channel, and the update modal they open."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from tests.bot.slack.conftest import CHANNEL, TEAM, SlackHTTP
from tests.bot.slack.fake_slack import FakeSlack
from tests.bot.slack.interactions import (
    MESSAGE_TS,
    Block,
    field_value,
    menu_option,
    ok,
    overflow_action,
    shown,
    status_of,
    user,
    view_submission,
)


def element(blocks: list[Block], intent: str) -> Block:
    """The button for an intent (``close`` → action_id ``ab.close.0``) in a message."""
    for block in blocks:
        for el in block.get("elements") or []:
            if str(el.get("action_id", "")).startswith(f"ab.{intent}."):
                return el
    raise AssertionError(f"no {intent} button in {shown(blocks)}")


def history(slack: SlackHTTP, ref: str) -> list[str]:
    body = slack.command(f"show {ref}")
    text = "\n".join(b["text"]["text"] for b in body["blocks"] if "text" in b)
    return [line for line in text.split("\n") if "(slack)" in line]


def block_actions(fake: FakeSlack, *, user_id: str, message_blocks: list[Block],
                  action: Block, channel: str = CHANNEL) -> dict[str, Any]:
    """A button press (or overflow choice) on a message the bot posted in a channel."""
    return {
        "type": "block_actions", "token": "x", "api_app_id": "A1",
        "user": user(user_id), "team": {"id": TEAM, "domain": "council"},
        "enterprise": None, "is_enterprise_install": False,
        "container": {"type": "message", "message_ts": MESSAGE_TS, "channel_id": channel,
                      "is_ephemeral": False},
        "channel": {"id": channel, "name": "board"},
        "message": {"type": "message", "user": "UBOT", "bot_id": "BBOT", "ts": MESSAGE_TS,
                    "text": "card", "blocks": message_blocks},
        "state": {"values": {}},
        "response_url": fake.response_url,
        "trigger_id": "trig.press",
        "actions": [{**action, "block_id": "b1", "action_ts": "1799661601.000200"}],
    }


def button_action(el: Block) -> Block:
    return {"type": "button", "action_id": el["action_id"], "value": el["value"],
            "text": el["text"]}


@pytest.fixture
def card(slack_board: SlackHTTP) -> list[Block]:
    """Action 1, owned by KY (U3), as RE posted it in C1."""
    body = slack_board.command("add KY to write to DfE about fees by 5 May")
    assert body["response_type"] == "in_channel" and "Action 1 added" in body["text"], body
    return list(body["blocks"])


def test_done_closes_the_action_and_replaces_the_card_in_place(
    slack_board: SlackHTTP, fake_slack: FakeSlack, card: list[Block]
) -> None:
    press = block_actions(fake_slack, user_id="U3", message_blocks=card,
                          action=button_action(element(card, "close")))
    assert ok(slack_board.interactive(press)) in ("", {})

    responses = fake_slack.of("respond")
    assert len(responses) == 1, responses
    replaced = responses[0]
    assert replaced["replace_original"] is True
    assert "Action 1 closed" in replaced["text"]
    assert field_value(replaced["blocks"], "Status") == "Closed"
    assert not [b for b in replaced["blocks"] if b["type"] == "actions"], \
        "a closed action keeps no Done/Update/Snooze buttons"
    assert status_of(slack_board, "1") == "Closed"
    assert [line for line in history(slack_board, "1") if "closed it" in line] == [
        "11 January 2027, 10:00 — KY closed it (slack)"]


def test_a_double_click_closes_the_action_once(
    slack_board: SlackHTTP, fake_slack: FakeSlack, card: list[Block]
) -> None:
    press = block_actions(fake_slack, user_id="U3", message_blocks=card,
                          action=button_action(element(card, "close")))
    ok(slack_board.interactive(press))
    ok(slack_board.interactive(press))

    closes = [line for line in history(slack_board, "1") if "closed it" in line]
    assert len(closes) == 1, closes
    first, second = fake_slack.of("respond")
    assert first["replace_original"] is True
    assert second["replace_original"] is False and second["response_type"] == "ephemeral"
    assert "already closed" in second["text"]
    assert "Nothing was changed" in shown(second["blocks"])


def test_simultaneous_clicks_close_the_action_once(
    slack_board: SlackHTTP, fake_slack: FakeSlack, card: list[Block]
) -> None:
    """Impatient clicks reach the app at the same moment, each in its own worker thread."""
    press = block_actions(fake_slack, user_id="U3", message_blocks=card,
                          action=button_action(element(card, "close")))
    clicks = 4
    start = threading.Barrier(clicks)
    statuses: list[int] = []

    def click() -> None:
        start.wait(timeout=10)
        statuses.append(slack_board.interactive(press)[0])

    threads = [threading.Thread(target=click) for _ in range(clicks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert statuses == [200] * clicks
    closes = [line for line in history(slack_board, "1") if "closed it" in line]
    assert len(closes) == 1, closes
    assert status_of(slack_board, "1") == "Closed"
    replaced = [r for r in fake_slack.of("respond") if r["replace_original"]]
    assert len(replaced) == 1, "one click changed the card; the others were told"


def test_snooze_defers_to_the_next_meeting(
    slack_board: SlackHTTP, fake_slack: FakeSlack, card: list[Block]
) -> None:
    press = block_actions(fake_slack, user_id="U3", message_blocks=card,
                          action=button_action(element(card, "defer")))
    ok(slack_board.interactive(press))

    (replaced,) = fake_slack.of("respond")
    assert replaced["replace_original"] is True
    assert "Action 1 deferred to the 3 February 2027, 10:30 meeting" in replaced["text"]
    assert field_value(replaced["blocks"], "Status") == "Item for the 3 February 2027 meeting"
    assert status_of(slack_board, "1") == "Item for the 3 February 2027 meeting"


def test_update_opens_a_modal_whose_note_marks_the_action_ongoing(
    slack_board: SlackHTTP, fake_slack: FakeSlack, card: list[Block]
) -> None:
    press = block_actions(fake_slack, user_id="U3", message_blocks=card,
                          action=button_action(element(card, "update")))
    ok(slack_board.interactive(press))

    (opened,) = fake_slack.of("views.open")
    assert opened["trigger_id"] == "trig.press"
    modal = opened["view"]
    assert modal["type"] == "modal" and modal["callback_id"] == "ab_update"
    assert modal["title"]["text"] == "Update action 1"
    assert status_of(slack_board, "1") == "Open", "opening the form changes nothing"

    submit = view_submission(user_id="U3", opened=modal, values={
        "note": {"value": {"type": "plain_text_input", "value": "Draft letter with LH"}}})
    assert ok(slack_board.interactive(submit)) in ("", {})

    (note,) = fake_slack.of("chat.postEphemeral")
    assert note["channel"] == CHANNEL and note["user"] == "U3"
    assert "Action 1 updated: ongoing" in note["text"]
    assert "Note: Draft letter with LH" in shown(note["blocks"])
    body = slack_board.command("show 1")
    assert field_value(body["blocks"], "Status") == "Ongoing"
    assert "Note: Draft letter with LH" in shown(body)
    assert any("KY updated it: Draft letter with LH" in line
               for line in history(slack_board, "1"))


def test_an_empty_update_note_is_refused_in_the_modal(
    slack_board: SlackHTTP, fake_slack: FakeSlack, card: list[Block]
) -> None:
    ok(slack_board.interactive(block_actions(
        fake_slack, user_id="U3", message_blocks=card,
        action=button_action(element(card, "update")))))
    modal = fake_slack.of("views.open")[0]["view"]
    body = ok(slack_board.interactive(view_submission(user_id="U3", opened=modal, values={
        "note": {"value": {"type": "plain_text_input", "value": "   "}}})))
    assert isinstance(body, dict) and body["response_action"] == "errors"
    assert set(body["errors"]) == {"note"}
    assert status_of(slack_board, "1") == "Open"


def test_a_member_who_is_not_owner_or_manager_cannot_press_done(
    slack_board: SlackHTTP, fake_slack: FakeSlack, card: list[Block]
) -> None:
    reply = slack_board.command("member add <@U4|amy>", command="/board")
    assert "Added AC — Amy Coombs (member)" in reply["text"], reply
    press = block_actions(fake_slack, user_id="U4", message_blocks=card,
                          action=button_action(element(card, "close")))
    ok(slack_board.interactive(press))

    (refusal,) = fake_slack.of("respond")
    assert refusal["response_type"] == "ephemeral"
    assert refusal["replace_original"] is False, "the card everyone sees must stay as it was"
    assert "Only action 1's owners, the chair, vice-chair or secretary can close it" in \
        refusal["text"]
    assert "Nothing was changed" in refusal["text"]
    assert status_of(slack_board, "1") == "Open"
    assert not [line for line in history(slack_board, "1") if "closed it" in line]
    assert not fake_slack.of("chat.postMessage") and not fake_slack.of("chat.update")


def test_overflow_menu_on_a_list_answers_privately(
    slack_board: SlackHTTP, fake_slack: FakeSlack
) -> None:
    for line in ("add KY to write to DfE by 5 May", "add MH to brief the panel by 5 May"):
        slack_board.command(line)
    listing = slack_board.command("list")
    row = next(b for b in listing["blocks"] if "Action 1" in shown(b) and "accessory" in b)
    press = block_actions(fake_slack, user_id="U3", message_blocks=listing["blocks"],
                          action=overflow_action(menu_option(row, "Snooze to next meeting")))
    ok(slack_board.interactive(press))

    (answer,) = fake_slack.of("respond")
    assert answer["replace_original"] is False, "a list of several actions is not replaced"
    assert answer["response_type"] == "ephemeral"
    assert "Action 1 deferred to the 3 February 2027, 10:30 meeting" in answer["text"]
    assert status_of(slack_board, "1") == "Item for the 3 February 2027 meeting"
    assert status_of(slack_board, "2") == "Open"
