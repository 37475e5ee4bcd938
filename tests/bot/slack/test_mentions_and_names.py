"""Mentions, names and places as Slack sends them (escaping on, as slack-manifest.yml asks),
through the real Bolt app over HTTP."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.slack.listeners import ROOTS
from storage.models import Action, Board, Member
from storage.uow import UnitOfWork
from tests.bot.slack.conftest import SlackHTTP
from tests.bot.slack.fake_slack import FakeSlack

MANIFEST = Path(__file__).parents[3] / "slack-manifest.yml"


def stored_texts(uow: UnitOfWork) -> list[str]:
    with uow.transaction() as session:
        return list(session.scalars(select(Action.text).order_by(Action.number)))


def test_typed_angle_brackets_are_text_not_a_mention(slack_board: SlackHTTP,
                                                      uow: UnitOfWork) -> None:
    # What Slack sends when someone types "<@U2> to check fees" without picking a person.
    body = slack_board.command("add KY to ask &lt;@U2&gt; about fees", user="U3")
    assert "Action 1 added" in body["text"], body
    assert stored_texts(uow) == ["KY to ask @U2> about fees"]
    assert "@MH" not in json.dumps(body)


def test_a_real_name_with_angle_brackets_and_bars_is_one_person(
        slack_board: SlackHTTP, fake_slack: FakeSlack, uow: UnitOfWork) -> None:
    fake_slack.users["U4"] = "Amy >Coombs|"
    body = slack_board.command("member add <@U4|amy>", command="/board")
    assert "Added AC — Amy Coombs (member)" in json.dumps(body, ensure_ascii=False), body
    body = slack_board.command("add <@U4|amy> to write to DfE", user="U3")
    assert "Action 1 added" in body["text"], body
    assert stored_texts(uow) == ["@AC to write to DfE"]


def test_a_board_name_that_looks_like_a_link_is_shown_as_text_in_the_add_modal(
        slack: SlackHTTP, fake_slack: FakeSlack) -> None:
    name = "&lt;https://evil.example|Confirm your password&gt; &lt;!channel&gt;"
    assert "set up" in json.dumps(slack.command(f"setup {name}", command="/board"))
    assert slack.command("add") in ({}, {"text": ""})
    (opened,) = fake_slack.of("views.open")
    context = opened["view"]["blocks"][0]["elements"][0]
    assert context["type"] == "mrkdwn"
    assert context["text"] == ("For &lt;https://evil.example|Confirm your password&gt; "
                               "&lt;!channel&gt;")


@pytest.mark.parametrize(("channel", "channel_name"), [
    ("D0123ABCD", "directmessage"), ("G0123ABCD", "mpdm-rebecca--mac--kevin-1")])
def test_setup_in_a_direct_message_is_refused_with_a_hint(
        slack: SlackHTTP, uow: UnitOfWork, channel: str, channel_name: str) -> None:
    body = slack.command("setup Adoption Board", command="/board", channel=channel,
                         channel_name=channel_name)
    assert body["response_type"] == "ephemeral"
    assert "Run /board setup in the board's channel" in json.dumps(body), body
    with uow.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Board)) == 0


def test_setup_in_a_private_channel_still_works(slack: SlackHTTP) -> None:
    body = slack.command("setup Adoption Board", command="/board", channel="G0PRIVATE",
                         channel_name="privategroup")
    assert "is set up in this channel" in json.dumps(body), body


def test_actions_is_registered_as_action_and_every_manifest_command_is(
        slack_board: SlackHTTP) -> None:
    listed = re.findall(r"^\s*- command: (/\S+)$", MANIFEST.read_text(), re.M)
    assert sorted(listed) == sorted(ROOTS) == ["/action", "/actions", "/board"]
    slack_board.command("add MH to write to DfE", user="U3")
    body = slack_board.command("list", command="/actions")
    assert "MH to write to DfE" in json.dumps(body), body


def test_re_linking_someone_elses_initials_is_refused_in_slack(
        slack_board: SlackHTTP, uow: UnitOfWork) -> None:
    body = slack_board.command("member add <@U4|amy> MH", command="/board")
    assert "MH is already Mac Heath, linked to another account" in json.dumps(body), body
    with uow.transaction() as session:
        mac = session.scalars(select(Member).where(Member.initials == "MH")).one()
        assert [i.user_id for i in mac.identities] == ["U2"]
