"""Signed payloads shaped otherwise than Slack documents (or carrying values we never sent)
get a friendly answer or a 4xx, never a 500, one warning line and no traceback; nothing is
written. Through real HTTP into the real app, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.slack.refusals import COULD_NOT_READ
from storage.uow import UnitOfWork
from tests.bot.slack.conftest import (
    CHANNEL,
    TEAM,
    SlackHTTP,
    assert_no_traceback,
    database_contents,
)
from tests.bot.slack.interactions import user

ADD_META = json.dumps({"b": 1, "c": CHANNEL})


def press(value: object = None, *, actions: list[Any] | None = None,
          **extra: Any) -> dict[str, Any]:
    """A press on a message in C1, as Slack sends block_actions."""
    action = {"type": "button", "action_id": "ab.close.0", "block_id": "b1",
              "value": value, "text": {"type": "plain_text", "text": "Done"}}
    return {"type": "block_actions", "user": user("U1"), "team": {"id": TEAM},
            "api_app_id": "A1", "container": {"type": "message", "channel_id": CHANNEL},
            "channel": {"id": CHANNEL}, "trigger_id": "trig.m", **extra,
            "actions": [action] if actions is None else actions}


def submission(callback: str, *, metadata: object = ADD_META,
               values: object = None, with_state: bool = True,
               view_id: object = "V1") -> dict[str, Any]:
    view: dict[str, Any] = {"id": view_id, "type": "modal", "callback_id": callback,
                            "private_metadata": metadata}
    if with_state:
        view["state"] = {"values": {} if values is None else values}
    return {"type": "view_submission", "team": {"id": TEAM}, "user": user("U1"),
            "api_app_id": "A1", "trigger_id": "trig.v", "view": view}


def add_values(text: str = "KY to chase", due: object = None,
               meeting: object = None) -> dict[str, Any]:
    return {"text": {"value": {"type": "plain_text_input", "value": text}},
            "owners": {"value": {"type": "multi_users_select", "selected_users": []}},
            "due": {"value": {"type": "datepicker", "selected_date": due}},
            "meeting": {"value": {"type": "static_select", "selected_option": meeting}}}


REFUSED_PAYLOADS: dict[str, dict[str, Any]] = {
    "no actions": press(actions=[]),
    "action not an object": press(actions=["ab.close.0"]),
    "value not json": press("hello"),
    "value a json list": press("[1, 2]"),
    "value a string": press('"close"'),
    "value without intent": press('{"r": "1"}'),
    "board id text": press('{"i": "close", "r": "1", "b": "x"}'),
    "board id huge": press('{"i": "close", "r": "1", "b": 100000000000}'),
    "ref too long": press(json.dumps({"i": "close", "r": "1" * 500, "b": 1})),
    "option not an object": {**press(None), "actions": [
        {"type": "overflow", "action_id": "ab.menu", "selected_option": "x"}]},
    "update without trigger": {k: v for k, v in press('{"i":"update","r":"1","b":1}').items()
                               if k != "trigger_id"},
    "action id a number": press(actions=[{"action_id": 5, "value": "x"}]),
    "shortcut of another app": {"type": "shortcut", "callback_id": "not_ours",
                                "user": user("U1"), "team": {"id": TEAM}, "trigger_id": "t"},
    "message shortcut without trigger": {"type": "message_action",
                                         "callback_id": "make_action", "user": user("U1"),
                                         "channel": {"id": CHANNEL}, "team": {"id": TEAM},
                                         "message": {"text": "x"}},
    "unknown interaction type": {"type": "not_a_type", "user": user("U1")},
    "view closed": {"type": "view_closed", "user": user("U1"),
                    "view": {"id": "V1", "callback_id": "ab_add"}},
    "view without callback": {"type": "view_submission", "user": user("U1"),
                              "view": {"id": "V1"}},
    "view a string": {"type": "view_submission", "view": "ab_add"},
    "block suggestion": {"type": "block_suggestion", "action_id": "ab.x", "value": "a"},
    "home opened without user": {"type": "event_callback", "team_id": TEAM,
                                 "event": {"type": "app_home_opened", "tab": "home"}},
    "event without type": {"type": "event_callback", "event": {"user": "U1"}},
}

MODAL_REFUSALS: dict[str, dict[str, Any]] = {
    "add without state": submission("ab_add", with_state=False),
    "add metadata not json": submission("ab_add", metadata="{not json",
                                        values=add_values()),
    "add metadata a list": submission("ab_add", metadata="[]", values=add_values()),
    "add metadata a number": submission("ab_add", metadata=5, values=add_values()),
    "add board id text": submission("ab_add", metadata='{"b": "x", "c": "C1"}',
                                    values=add_values()),
    "add channel a list": submission("ab_add", metadata='{"b": 1, "c": ["C1"]}',
                                     values=add_values()),
    "add meeting not a number": submission("ab_add", values=add_values(
        meeting={"value": "soon"})),
    "add date a number": submission("ab_add", values=add_values(due=20300228)),
    "update without state": submission("ab_update", metadata='{"b": 1, "r": "1"}',
                                       with_state=False),
    "update container a string": submission(
        "ab_update", metadata='{"b": 1, "r": "1", "k": "view"}',
        values={"note": {"value": {"type": "plain_text_input", "value": "sent"}}}),
    "import without state": submission("ab_import", metadata='{"c": "C1"}',
                                       with_state=False),
    "import files not a list": submission("ab_import", metadata='{"c": "C1"}', values={
        "file": {"value": {"type": "file_input", "files": "x"}}}),
    "import without view id": submission("ab_import", metadata='{"c": "C1"}', view_id=None,
                                         values={"paste": {"value": {"value": "1 a"}}}),
    "confirm metadata broken": submission("ab_import_confirm", metadata="{", values={}),
    "confirm file address a number": submission("ab_import_confirm",
                                                metadata='{"c": "C1", "u": 5}', values={}),
}


@pytest.mark.parametrize("name", REFUSED_PAYLOADS)
def test_malformed_interactions_and_events_are_refused_without_a_500(
    slack_board: SlackHTTP, uow: UnitOfWork, server_logs: pytest.LogCaptureFixture,
    name: str,
) -> None:
    slack_board.command("add KY to write to DfE about fees")
    before = database_contents(uow)
    server_logs.clear()
    status, answer = slack_board.interactive(REFUSED_PAYLOADS[name]) \
        if REFUSED_PAYLOADS[name]["type"] != "event_callback" else \
        slack_board.post(json.dumps(REFUSED_PAYLOADS[name]), content_type="application/json")
    assert 400 <= status < 500, (status, answer)
    assert answer == COULD_NOT_READ
    assert database_contents(uow) == before
    assert_no_traceback(server_logs)
    warnings = [r for r in server_logs.records if r.levelname == "WARNING"]
    assert len(warnings) == 1, server_logs.text
    assert slack_board.fake.of("respond") == [] and slack_board.fake.of("views.open") == []


@pytest.mark.parametrize("name", MODAL_REFUSALS)
def test_malformed_modal_submissions_get_a_page_saying_to_open_the_form_again(
    slack_board: SlackHTTP, uow: UnitOfWork, server_logs: pytest.LogCaptureFixture,
    name: str,
) -> None:
    slack_board.command("add KY to write to DfE about fees")
    before = database_contents(uow)
    server_logs.clear()
    status, answer = slack_board.interactive(MODAL_REFUSALS[name])
    assert status == 200, answer
    assert isinstance(answer, dict) and answer["response_action"] == "update"
    assert "open the form again" in json.dumps(answer["view"])
    assert database_contents(uow) == before
    assert_no_traceback(server_logs)
    assert len([r for r in server_logs.records if r.levelname == "WARNING"]) == 1


def test_a_date_that_does_not_exist_is_refused_on_the_date_field(
    slack_board: SlackHTTP, uow: UnitOfWork, server_logs: pytest.LogCaptureFixture,
) -> None:
    before = database_contents(uow)
    status, answer = slack_board.interactive(submission("ab_add", values=add_values(
        due="2030-02-30")))
    assert status == 200
    assert answer == {"response_action": "errors", "errors": {
        "due": "There is no day 2030-02-30: pick one from the calendar."}}
    assert database_contents(uow) == before
    assert_no_traceback(server_logs)


def test_an_add_form_without_its_inputs_asks_for_the_action_s_text(
    slack_board: SlackHTTP, uow: UnitOfWork, server_logs: pytest.LogCaptureFixture,
) -> None:
    before = database_contents(uow)
    status, answer = slack_board.interactive(submission("ab_add", values={}))
    assert status == 200 and isinstance(answer, dict), answer
    assert answer["response_action"] == "errors" and list(answer["errors"]) == ["text"]
    assert database_contents(uow) == before
    assert_no_traceback(server_logs)


def test_a_button_intent_we_do_not_know_is_acknowledged_and_does_nothing(
    slack_board: SlackHTTP, uow: UnitOfWork, server_logs: pytest.LogCaptureFixture,
) -> None:
    slack_board.command("add KY to write to DfE about fees")
    before = database_contents(uow)
    status, _ = slack_board.interactive(press('{"i": "explode", "r": "1", "b": 1}'))
    assert status == 200
    assert database_contents(uow) == before
    assert_no_traceback(server_logs)


def test_an_event_nobody_listens_for_is_acknowledged(
    slack_board: SlackHTTP, server_logs: pytest.LogCaptureFixture,
) -> None:
    status, _ = slack_board.event({"type": "reaction_added", "user": "U1"})
    assert status == 200
    assert_no_traceback(server_logs)


@pytest.mark.parametrize("form", [
    {"command": "/unknown", "text": "x"},
    {"command": "/action", "text": "list"},
], ids=["unknown-command", "no-user-or-channel"])
def test_odd_slash_commands_get_an_answer_not_a_500(
    slack_board: SlackHTTP, server_logs: pytest.LogCaptureFixture, form: dict[str, str],
) -> None:
    from urllib.parse import urlencode

    status, answer = slack_board.post(urlencode({"team_id": TEAM, "trigger_id": "t", **form}),
                                      content_type="application/x-www-form-urlencoded")
    assert status < 500, answer
    assert_no_traceback(server_logs)
