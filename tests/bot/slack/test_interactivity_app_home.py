"""App Home: my open actions across boards, and pressing their buttons from the home tab."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from handlers.replies import Tone
from storage.uow import UnitOfWork
from tests.bot.slack.conftest import TEAM, SlackHTTP
from tests.bot.slack.fake_slack import FakeSlack
from tests.bot.slack.interactions import (
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
from tests.conftest import Chat


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
