"""The add modal, opened by a bare ``/action add`` or prefilled by the message shortcut."""

from __future__ import annotations

import json
from typing import Any

from tests.bot.slack.conftest import CHANNEL, TEAM, SlackHTTP
from tests.bot.slack.fake_slack import FakeSlack
from tests.bot.slack.interactions import (
    MESSAGE_TS,
    Block,
    field_value,
    ok,
    shown,
    status_of,
    user,
    view_submission,
)


# ---- the add modal ---------------------------------------------------------------------------
def add_values(text: str, *, owners: list[str] | None = None,
               due: str | None = None) -> dict[str, dict[str, Any]]:
    """The add modal's state as Slack sends it: every input present, empty ones null."""
    return {
        "text": {"value": {"type": "plain_text_input", "value": text}},
        "owners": {"value": {"type": "multi_users_select", "selected_users": owners or []}},
        "due": {"value": {"type": "datepicker", "selected_date": due}},
        "meeting": {"value": {"type": "static_select", "selected_option": None}},
    }


def open_add_modal(slack: SlackHTTP, fake: FakeSlack, text: str) -> dict[str, Any]:
    body = slack.command(text, user="U3")
    assert body in ({}, {"text": ""}), f"a modal opens instead of a reply: {body}"
    (opened,) = fake.of("views.open")
    assert opened["trigger_id"] == slack.last_trigger_id
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
