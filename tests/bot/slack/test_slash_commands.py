"""Slash commands through the real Bolt app over HTTP, signed as Slack signs them."""

from __future__ import annotations

import json

from tests.bot.slack.conftest import SlackHTTP


def text_of(body: dict) -> str:
    return json.dumps(body, ensure_ascii=False)


def test_add_posts_a_card_with_buttons_in_the_channel(slack_board: SlackHTTP) -> None:
    body = slack_board.command("add MH to write to DfE about fees by 5 May", user="U3")
    assert body["response_type"] == "in_channel"
    assert "Action 1 added" in body["text"]
    actions = [b for b in body["blocks"] if b["type"] == "actions"]
    labels = [e["text"]["text"] for e in actions[0]["elements"]]
    assert labels == ["Done", "Update", "Snooze to next meeting"]
    assert "5 May 2027" in text_of(body)


def test_setup_makes_the_slack_user_secretary_with_initials_from_profile(
    slack_board: SlackHTTP,
) -> None:
    body = slack_board.command("member list", command="/board")
    assert body["response_type"] == "ephemeral"
    shown = text_of(body)
    assert "RE — Rebecca Eligon (secretary)" in shown
    assert "MH — Mac Heath (chair)" in shown
    assert "KY — Kevin Yong (member)" in shown


def test_unbound_channel_says_how_to_bind(slack: SlackHTTP) -> None:
    body = slack.command("list", channel="C999")
    assert body["response_type"] == "ephemeral"
    assert "/board setup" in text_of(body)


def test_user_text_cannot_ping_or_fake_mentions(slack_board: SlackHTTP) -> None:
    body = slack_board.command("add <!channel> &lt;@U2&gt; fees &amp; charges <!here>",
                               user="U2")
    shown = text_of(body)
    assert "<!channel>" not in shown and "<!here>" not in shown
    assert "@channel" in shown and "&amp; charges" in shown
    for block in body["blocks"]:
        assert "<!" not in json.dumps(block)


def test_unsigned_or_stale_requests_are_refused(slack: SlackHTTP) -> None:
    status, _ = slack.post("command=%2Faction&text=list", content_type=(
        "application/x-www-form-urlencoded"), signature="v0=bad")
    assert status == 401
    status, _ = slack.post("command=%2Faction&text=list", content_type=(
        "application/x-www-form-urlencoded"), timestamp=1_000_000_000)
    assert status == 401
