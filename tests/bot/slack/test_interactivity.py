"""Buttons, overflow menus, modals, the message shortcut and App Home, through the real Bolt
app over HTTP: each payload is shaped as Slack sends it, and each answer is read where a board
member would see it (the fake Web API's recorded calls, or the slash command's reply)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from handlers.replies import Tone
from storage.uow import UnitOfWork
from tests.bot.slack.conftest import CHANNEL, TEAM, SlackHTTP
from tests.bot.slack.fake_slack import FakeSlack
from tests.conftest import Chat

Block = dict[str, Any]
MESSAGE_TS = "1799661600.000100"


# ---- reading what the bot sent -------------------------------------------------------------
def shown(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def field_value(blocks: list[Block], label: str) -> str | None:
    """The value of a card's field (``*Status*\\nClosed`` → ``Closed``), wherever it is."""
    for block in blocks:
        texts = [f["text"] for f in block.get("fields") or []]
        texts += [(block.get("text") or {}).get("text", "")]
        for text in texts:
            if text.startswith(f"*{label}*\n"):
                return str(text.split("\n", 1)[1])
            for part in text.split("\n")[-1].split(" · "):
                if part.startswith(f"{label}: "):
                    return part[len(label) + 2:]
    return None


def element(blocks: list[Block], intent: str) -> Block:
    """The button for an intent (``close`` → action_id ``ab.close.0``) in a message."""
    for block in blocks:
        for el in block.get("elements") or []:
            if str(el.get("action_id", "")).startswith(f"ab.{intent}."):
                return el
    raise AssertionError(f"no {intent} button in {shown(blocks)}")


def menu_option(block: Block, label: str) -> Block:
    accessory = block["accessory"]
    assert accessory["type"] == "overflow" and accessory["action_id"] == "ab.menu"
    for option in accessory["options"]:
        if option["text"]["text"] == label:
            return option
    raise AssertionError(f"no {label!r} in {shown(accessory)}")


def history(slack: SlackHTTP, ref: str) -> list[str]:
    body = slack.command(f"show {ref}")
    text = "\n".join(b["text"]["text"] for b in body["blocks"] if "text" in b)
    return [line for line in text.split("\n") if "(slack)" in line]


def status_of(slack: SlackHTTP, ref: str) -> str | None:
    return field_value(slack.command(f"show {ref}")["blocks"], "Status")


# ---- building what Slack sends -------------------------------------------------------------
def user(user_id: str) -> dict[str, Any]:
    return {"id": user_id, "username": user_id.lower(), "name": user_id.lower(),
            "team_id": TEAM}


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


def overflow_action(option: Block) -> Block:
    return {"type": "overflow", "action_id": "ab.menu", "selected_option": option}


def home_press(*, user_id: str, view_blocks: list[Block], action: Block) -> dict[str, Any]:
    """A press on the App Home tab: no channel, no response_url, container type "view"."""
    return {
        "type": "block_actions", "token": "x", "api_app_id": "A1",
        "user": user(user_id), "team": {"id": TEAM, "domain": "council"},
        "container": {"type": "view", "view_id": "VHOME"},
        "view": {"id": "VHOME", "team_id": TEAM, "type": "home", "blocks": view_blocks,
                 "private_metadata": "", "callback_id": "", "state": {"values": {}},
                 "hash": "h1", "app_id": "A1", "bot_id": "BBOT"},
        "trigger_id": "trig.home",
        "actions": [{**action, "block_id": "b1", "action_ts": "1799661601.000300"}],
    }


def view_submission(*, user_id: str, opened: dict[str, Any],
                    values: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Submitting a modal the bot opened (its callback_id and private_metadata unchanged)."""
    return {
        "type": "view_submission", "token": "x", "api_app_id": "A1",
        "team": {"id": TEAM, "domain": "council"}, "user": user(user_id),
        "trigger_id": "trig.submit", "is_enterprise_install": False, "response_urls": [],
        "view": {"id": "VMODAL", "team_id": TEAM, "type": "modal",
                 "callback_id": opened["callback_id"],
                 "private_metadata": opened["private_metadata"],
                 "blocks": opened["blocks"], "title": opened["title"],
                 "state": {"values": values}, "hash": "h2", "root_view_id": "VMODAL",
                 "app_id": "A1", "bot_id": "BBOT"},
    }


def add_values(text: str, *, owners: list[str] | None = None,
               due: str | None = None) -> dict[str, dict[str, Any]]:
    """The add modal's state as Slack sends it: every input present, empty ones null."""
    return {
        "text": {"value": {"type": "plain_text_input", "value": text}},
        "owners": {"value": {"type": "multi_users_select", "selected_users": owners or []}},
        "due": {"value": {"type": "datepicker", "selected_date": due}},
        "meeting": {"value": {"type": "static_select", "selected_option": None}},
    }


def ok(status_body: tuple[int, dict[str, Any] | str]) -> dict[str, Any] | str:
    status, body = status_body
    assert status == 200, body
    return body


@pytest.fixture(autouse=True)
def _nothing_sent_asks_slack_to_ping(fake_slack: FakeSlack) -> Iterator[None]:
    yield
    for call in fake_slack.calls:
        assert not call.args.get("link_names"), (call.method, call.args)
        assert call.args.get("parse") != "full", (call.method, call.args)


@pytest.fixture
def card(slack_board: SlackHTTP) -> list[Block]:
    """Action 1, owned by KY (U3), as RE posted it in C1."""
    body = slack_board.command("add KY to write to DfE about fees by 5 May")
    assert body["response_type"] == "in_channel" and "Action 1 added" in body["text"], body
    return list(body["blocks"])


# ---- buttons on a card in the channel --------------------------------------------------------
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


# ---- the add modal ---------------------------------------------------------------------------
def open_add_modal(slack: SlackHTTP, fake: FakeSlack, text: str) -> dict[str, Any]:
    body = slack.command(text, user="U3")
    assert body in ({}, {"text": ""}), f"a modal opens instead of a reply: {body}"
    (opened,) = fake.of("views.open")
    assert opened["trigger_id"] == "trig.1"
    return dict(opened["view"])


def test_action_add_without_text_opens_the_add_modal(
    slack_board: SlackHTTP, fake_slack: FakeSlack
) -> None:
    modal = open_add_modal(slack_board, fake_slack, "add")
    assert modal["callback_id"] == "ab_add"
    assert "For South East Adoption Board" in shown(modal["blocks"])
    assert [b.get("block_id") for b in modal["blocks"] if b["type"] == "input"][:3] == [
        "text", "owners", "due"]


def test_submitting_the_add_modal_posts_the_card_in_the_channel(
    slack_board: SlackHTTP, fake_slack: FakeSlack
) -> None:
    # A bare `/action` opens the same modal; used here so that this test is about submitting.
    modal = open_add_modal(slack_board, fake_slack, "")
    assert modal["callback_id"] == "ab_add"
    submit = view_submission(user_id="U3", opened=modal, values=add_values(
        "Write to DfE about fees", owners=["U3"], due="2027-05-05"))
    assert ok(slack_board.interactive(submit)) in ("", {})

    (posted,) = fake_slack.of("chat.postMessage")
    assert posted["channel"] == CHANNEL
    assert "Action 1 added" in posted["text"]
    assert field_value(posted["blocks"], "Owners") == "KY"
    assert field_value(posted["blocks"], "Due") == "5 May 2027"
    assert "Write to DfE about fees" in shown(posted["blocks"])
    assert [e["text"]["text"] for e in element_row(posted["blocks"])] == [
        "Done", "Update", "Snooze to next meeting"]
    assert status_of(slack_board, "1") == "Open"


def element_row(blocks: list[Block]) -> list[Block]:
    rows = [b for b in blocks if b["type"] == "actions"]
    assert len(rows) == 1, shown(blocks)
    return list(rows[0]["elements"])


def test_a_past_date_in_the_add_modal_is_refused_on_the_date_field(
    slack_board: SlackHTTP, fake_slack: FakeSlack
) -> None:
    modal = open_add_modal(slack_board, fake_slack, "")
    submit = view_submission(user_id="U3", opened=modal, values=add_values(
        "Write to DfE about fees", owners=["U3"], due="2027-01-04"))
    body = ok(slack_board.interactive(submit))

    assert isinstance(body, dict) and body["response_action"] == "errors", body
    assert set(body["errors"]) == {"due"}
    assert "4 January 2027 is in the past" in body["errors"]["due"]
    assert not fake_slack.of("chat.postMessage")
    assert "There is no action 1" in slack_board.command("show 1")["text"]


# ---- the message shortcut ----------------------------------------------------------------------
def message_action(fake: FakeSlack, *, channel: str, text: str) -> dict[str, Any]:
    return {
        "type": "message_action", "token": "x", "callback_id": "make_action",
        "trigger_id": "trig.shortcut", "response_url": fake.response_url,
        "team": {"id": TEAM, "domain": "council"}, "user": user("U1"),
        "channel": {"id": channel, "name": "board"},
        "message": {"type": "message", "user": "U2", "ts": MESSAGE_TS, "text": text},
        "message_ts": MESSAGE_TS, "action_ts": "1799661602.000400",
    }


def test_message_shortcut_opens_the_add_modal_prefilled(
    slack_board: SlackHTTP, fake_slack: FakeSlack
) -> None:
    status, _ = slack_board.interactive(message_action(
        fake_slack, channel=CHANNEL,
        text="<@U3|kev> to send the fees letter to DfE &amp; Ofsted"))
    assert status == 200

    (opened,) = fake_slack.of("views.open")
    assert opened["trigger_id"] == "trig.shortcut"
    modal = opened["view"]
    assert modal["callback_id"] == "ab_add"
    text_input = next(b for b in modal["blocks"] if b.get("block_id") == "text")["element"]
    assert "to send the fees letter to DfE & Ofsted" in text_input["initial_value"]
    owners = next(b for b in modal["blocks"] if b.get("block_id") == "owners")["element"]
    assert owners["initial_users"] == ["U3"]
    assert json.loads(modal["private_metadata"])["c"] == CHANNEL


def test_message_shortcut_in_an_unbound_channel_explains_board_setup(
    slack_board: SlackHTTP, fake_slack: FakeSlack
) -> None:
    status, _ = slack_board.interactive(message_action(
        fake_slack, channel="C999", text="Somebody should write to DfE"))
    assert status == 200

    (opened,) = fake_slack.of("views.open")
    modal = opened["view"]
    assert modal["type"] == "modal" and modal.get("callback_id") != "ab_add"
    assert "submit" not in modal, "nothing to submit where there is no board"
    assert "/board setup" in shown(modal["blocks"])


# ---- App Home ------------------------------------------------------------------------------------
@pytest.fixture
def two_boards(slack_board: SlackHTTP, uow: UnitOfWork) -> SlackHTTP:
    """KY (U3) sits on two boards: an open action in C1, an overdue one in C2."""
    slack = slack_board
    assert "set up" in shown(slack.command("setup Fostering Panel", command="/board",
                                           channel="C2"))
    assert ":white_check_mark:" in shown(slack.command("member add <@U3|kev>", command="/board",
                                                       channel="C2"))
    earlier = Chat(uow, platform="slack", workspace=TEAM, channel="C2",
                   now=datetime(2027, 1, 4, 10, 0, tzinfo=UTC))
    reply = earlier("/action add KY to circulate the panel papers by 6 January", user_id="U1")
    assert reply.tone is Tone.SUCCESS, reply
    slack.command("add KY to write to DfE about fees by 5 May")
    slack.command("add MH to brief the chair by 5 May")
    return slack


def test_app_home_lists_my_open_actions_across_boards_overdue_first(
    two_boards: SlackHTTP, fake_slack: FakeSlack
) -> None:
    status, _ = two_boards.event({"type": "app_home_opened", "user": "U3", "tab": "home",
                                  "channel": "D3", "event_ts": "1799661603.000500"})
    assert status == 200

    (published,) = fake_slack.of("views.publish")
    assert published["user_id"] == "U3"
    view = published["view"]
    assert view["type"] == "home"
    text = shown(view["blocks"])
    assert "My actions" in text and "1 overdue" in text
    overdue = text.index("Action 1 · Fostering Panel")
    upcoming = text.index("Action 1 · South East Adoption Board")
    assert overdue < upcoming
    assert "6 January 2027 (overdue)" in text
    assert "brief the chair" not in text, "MH's action is not KY's"


def test_app_home_ignores_the_messages_tab(two_boards: SlackHTTP, fake_slack: FakeSlack) -> None:
    two_boards.event({"type": "app_home_opened", "user": "U3", "tab": "messages",
                      "channel": "D3", "event_ts": "1799661603.000600"})
    assert not fake_slack.of("views.publish")


def test_a_button_pressed_in_app_home_acts_on_its_board_and_redraws_home(
    two_boards: SlackHTTP, fake_slack: FakeSlack
) -> None:
    two_boards.event({"type": "app_home_opened", "user": "U3", "tab": "home",
                      "channel": "D3", "event_ts": "1799661603.000700"})
    blocks = fake_slack.of("views.publish")[0]["view"]["blocks"]
    row = next(b for b in blocks if "Action 1 · South East Adoption Board" in shown(b))
    press = home_press(user_id="U3", view_blocks=blocks,
                       action=overflow_action(menu_option(row, "Done")))
    ok(two_boards.interactive(press))

    publishes = fake_slack.of("views.publish")
    assert len(publishes) == 2, "the home tab is redrawn after the press"
    redrawn = shown(publishes[1]["view"]["blocks"])
    assert "South East Adoption Board" not in redrawn
    assert "Action 1 · Fostering Panel" in redrawn
    assert not fake_slack.of("respond")
    assert status_of(two_boards, "1") == "Closed"
    assert field_value(two_boards.command("show 1", channel="C2")["blocks"], "Status") == "Open"


def test_update_from_app_home_redraws_home(two_boards: SlackHTTP, fake_slack: FakeSlack) -> None:
    two_boards.event({"type": "app_home_opened", "user": "U3", "tab": "home",
                      "channel": "D3", "event_ts": "1799661603.000800"})
    blocks = fake_slack.of("views.publish")[0]["view"]["blocks"]
    row = next(b for b in blocks if "Action 1 · Fostering Panel" in shown(b))
    ok(two_boards.interactive(home_press(user_id="U3", view_blocks=blocks,
                                         action=overflow_action(menu_option(row, "Update")))))
    modal = fake_slack.of("views.open")[0]["view"]
    assert modal["callback_id"] == "ab_update"
    ok(two_boards.interactive(view_submission(user_id="U3", opened=modal, values={
        "note": {"value": {"type": "plain_text_input", "value": "Papers at the printer"}}})))

    publishes = fake_slack.of("views.publish")
    assert len(publishes) == 2
    assert "Papers at the printer" in shown(publishes[1]["view"]["blocks"])
    assert not fake_slack.of("chat.postEphemeral")
    body = two_boards.command("show 1", channel="C2")
    assert field_value(body["blocks"], "Status") == "Ongoing"
