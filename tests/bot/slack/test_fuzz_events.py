"""Hypothesis posts random and hostile requests at ``/slack/events`` through real HTTP into
the real app, signed and unsigned: never a 5xx, never a traceback or an error in the log,
and nothing in the database changed by a request Slack did not sign."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storage.uow import UnitOfWork
from tests.bot.slack.conftest import SlackHTTP, assert_no_traceback, database_contents

# Words Slack and our own payloads use, so that random payloads reach the listeners.
TYPES = ["block_actions", "view_submission", "view_closed", "shortcut", "message_action",
         "event_callback", "interactive_message", "block_suggestion", "url_verification",
         "ssl_check", "app_rate_limited", "workflow_step_edit", "dialog_submission"]
CALLBACKS = ["ab_add", "ab_update", "ab_import", "ab_import_confirm", "make_action", "x"]
ACTION_IDS = ["ab.close.0", "ab.defer.1", "ab.update.2", "ab.menu", "ab.member_add.0", "ab."]
EVENTS = ["app_home_opened", "message", "reaction_added", "app_mention", ""]
INTENTS = ["close", "defer", "update", "member_add", "x"]
CONTENT_TYPES = ["application/json", "application/x-www-form-urlencoded", "text/plain", "",
                 "application/json; charset=utf-8", "multipart/form-data; boundary=x"]

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                    st.text(max_size=30))
json_values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)),
    max_leaves=20)


def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """A field as Slack sends it, or missing-ish, or anything at all."""
    return st.one_of(strategy, st.none(), json_values)


button_values = st.one_of(
    st.builds(lambda i, r, b: json.dumps({"i": i, "r": r, "b": b}),
              st.sampled_from(INTENTS), maybe(st.sampled_from(["1", "2", "99", "MH"])),
              maybe(st.sampled_from([1, 2, 0, -1, 2**40]))),
    st.text(max_size=40))
actions = st.lists(st.fixed_dictionaries({
    "action_id": maybe(st.sampled_from(ACTION_IDS)), "type": maybe(st.just("button")),
    "value": maybe(button_values),
    "selected_option": maybe(st.fixed_dictionaries({"value": button_values}))}), max_size=2)
views = st.fixed_dictionaries({
    "id": maybe(st.just("V1")), "type": maybe(st.sampled_from(["modal", "home"])),
    "callback_id": maybe(st.sampled_from(CALLBACKS)),
    "private_metadata": maybe(st.one_of(
        st.builds(lambda b, c, r: json.dumps({"b": b, "c": c, "r": r}),
                  maybe(st.just(1)), maybe(st.just("C1")), maybe(st.just("1"))),
        st.text(max_size=30))),
    "state": maybe(st.fixed_dictionaries({"values": maybe(st.dictionaries(
        st.sampled_from(["text", "owners", "due", "meeting", "note", "paste", "file"]),
        st.fixed_dictionaries({"value": maybe(st.dictionaries(
            st.sampled_from(["value", "selected_users", "selected_date", "selected_option",
                             "files"]),
            maybe(st.one_of(st.sampled_from(["2027-02-30", "2027-05-05", "x"]),
                            st.text(max_size=20)))))}), max_size=4))}))})
slack_shaped = st.fixed_dictionaries({
    "type": maybe(st.sampled_from(TYPES)),
    "user": maybe(st.fixed_dictionaries({"id": maybe(st.sampled_from(["U1", "U2", "U9"])),
                                         "team_id": maybe(st.just("T1"))})),
    "team": maybe(st.fixed_dictionaries({"id": maybe(st.just("T1"))})),
    "channel": maybe(st.fixed_dictionaries({"id": maybe(st.just("C1"))})),
    "container": maybe(st.fixed_dictionaries({"type": maybe(st.sampled_from(
        ["message", "view"]))})),
    "trigger_id": maybe(st.just("trig.fuzz")),
    "callback_id": maybe(st.sampled_from(CALLBACKS)),
    "actions": maybe(actions),
    "view": maybe(views),
    "event": maybe(st.fixed_dictionaries({"type": maybe(st.sampled_from(EVENTS)),
                                          "user": maybe(st.just("U1")),
                                          "tab": maybe(st.sampled_from(["home", "x"]))})),
    "message": maybe(st.fixed_dictionaries({"text": maybe(st.text(max_size=40))})),
})
slash_commands = st.fixed_dictionaries({
    "command": st.sampled_from(["/action", "/board", "/actions", "/x", ""]),
    "text": st.text(max_size=60), "team_id": st.just("T1"),
    "channel_id": st.sampled_from(["C1", "C2", ""]),
    "user_id": st.sampled_from(["U1", "U2", "U9", ""]), "trigger_id": st.just("trig.fuzz"),
}).map(lambda form: urlencode(form).encode())
bodies = st.one_of(
    st.binary(max_size=300),
    st.text(max_size=300).map(str.encode),
    json_values.map(lambda v: json.dumps(v).encode()),
    slack_shaped.map(lambda p: json.dumps(p).encode()),
    slack_shaped.map(lambda p: urlencode({"payload": json.dumps(p)}).encode()),
    st.text(max_size=100).map(lambda t: urlencode({"payload": t}).encode()),
    slash_commands,
)
SIGNINGS = ["slack", "none", "forged", "stale", "bad-timestamp", "retry"]


def headers_for(slack: SlackHTTP, body: bytes, signing: str, content_type: str,
                extra_timestamp: str) -> dict[str, str]:
    now = str(int(time.time()))
    headers = {"Content-Type": content_type} if content_type else {}
    if signing == "none":
        return headers
    stamp = {"stale": str(int(now) - 400), "bad-timestamp": extra_timestamp}.get(signing, now)
    signature = slack.signature(body, stamp) if signing in ("slack", "stale", "retry") \
        else "v0=" + "0" * 64
    headers.update({"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": signature})
    if signing == "retry":
        headers["X-Slack-Retry-Num"] = "1"
    return headers


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(body=bodies, signing=st.sampled_from(SIGNINGS),
       content_type=st.sampled_from(CONTENT_TYPES) | st.text(
           alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=30),
       extra_timestamp=st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=255),
                               max_size=20))
def test_no_request_gets_a_5xx_a_traceback_or_unsigned_changes(
    slack_board: SlackHTTP, uow: UnitOfWork, server_logs: pytest.LogCaptureFixture,
    body: bytes, signing: str, content_type: str, extra_timestamp: str,
) -> None:
    server_logs.clear()
    before = database_contents(uow) if signing != "slack" else None
    status, answer = slack_board.send(body, headers_for(slack_board, body, signing,
                                                        content_type, extra_timestamp))
    assert status < 500, (status, answer)
    assert_no_traceback(server_logs)
    if before is not None:
        assert database_contents(uow) == before
