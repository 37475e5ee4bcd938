"""``/slack/events`` refuses before Bolt reads: unsigned, stale, forged, malformed, oversized
and replayed requests, through real HTTP into the real app, on SQLite and PostgreSQL."""

from __future__ import annotations

import http.client
import json
import time
from urllib.parse import urlencode, urlparse

import pytest
from sqlalchemy import func, select

from bot.slack.blocks import MAX_HOME_BLOCKS, render
from bot.slack.gate import MAX_BODY_BYTES, Refusal, SlackGate
from handlers.replies import Button, Field, Item, Reply
from storage.db import make_engine
from storage.models import Action, SlackRequestSeen
from storage.replays import SeenRequests
from storage.uow import UnitOfWork
from tests.bot.slack.conftest import (
    CHANNEL,
    SECRET,
    TEAM,
    SlackHTTP,
    assert_no_traceback,
    database_contents,
    serve_slack,
)
from tests.bot.slack.interactions import user

FORM = "application/x-www-form-urlencoded"
HOSTILE_BODIES = [
    (b"payload=%7Bnot+json", FORM),
    (b"payload=null", FORM),
    (b"payload=%5B%5D", FORM),
    (b"[]", "application/json"),
    (b"\xff\xfe\xfa", FORM),
    (b"{\"type\": \"event_callback\", \"event\": 5}", "application/json"),
    (b"[" * 5000 + b"]" * 5000, "application/json"),
    (b"", FORM),
]


def slash_form(slack: SlackHTTP, text: str) -> str:
    return urlencode({"token": "x", "team_id": TEAM, "team_domain": "council",
                      "channel_id": CHANNEL, "channel_name": "board", "user_id": "U1",
                      "user_name": "rebecca", "command": "/action", "text": text,
                      "response_url": slack.fake.response_url, "trigger_id": "trig.replayed",
                      "api_app_id": "A1"})


def count_actions(uow: UnitOfWork) -> int:
    with uow.engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(Action)) or 0)


@pytest.mark.parametrize(("body", "content_type"), HOSTILE_BODIES)
def test_unsigned_hostile_bodies_get_401_one_line_and_change_nothing(
    slack_board: SlackHTTP, uow: UnitOfWork, server_logs: pytest.LogCaptureFixture,
    body: bytes, content_type: str,
) -> None:
    before = database_contents(uow)
    server_logs.clear()
    status, answer = slack_board.send(body, {"Content-Type": content_type})
    assert status == 401, answer
    assert database_contents(uow) == before
    assert_no_traceback(server_logs)
    assert [r.getMessage() for r in server_logs.records if r.name == "bot.web"] == [
        "refused a Slack request from 127.0.0.1: timestamp '' is not a Unix time (401)"]


@pytest.mark.parametrize(("body", "content_type"), HOSTILE_BODIES)
def test_signed_bodies_bolt_cannot_read_get_a_4xx_not_a_500(
    slack: SlackHTTP, uow: UnitOfWork, server_logs: pytest.LogCaptureFixture,
    body: bytes, content_type: str,
) -> None:
    before = database_contents(uow)
    status, answer = slack.post(body, content_type=content_type)
    assert 400 <= status < 500, (status, answer)
    assert database_contents(uow) == before
    assert_no_traceback(server_logs)


@pytest.mark.parametrize(("headers", "why"), [
    ({"X-Slack-Request-Timestamp": "abc", "X-Slack-Signature": "v0=" + "0" * 64},
     "timestamp 'abc' is not a Unix time"),
    ({"X-Slack-Request-Timestamp": "12²", "X-Slack-Signature": "v0=" + "0" * 64},
     "is not a Unix time"),
    ({"X-Slack-Request-Timestamp": "9" * 40, "X-Slack-Signature": "v0=" + "0" * 64},
     "is not a Unix time"),
    ({"X-Slack-Signature": "v0=é"}, "no well-formed X-Slack-Signature"),
    ({"X-Slack-Signature": "v0=" + "0" * 64}, "the signature does not match the body"),
], ids=["letters", "superscript-digit", "huge", "non-ascii-signature", "forged"])
def test_forged_and_stale_requests_get_401_before_anything_is_read(
    slack_board: SlackHTTP, uow: UnitOfWork, server_logs: pytest.LogCaptureFixture,
    headers: dict[str, str], why: str,
) -> None:
    form = slash_form(slack_board, "add KY to write to DfE")
    before = database_contents(uow)
    status, answer = slack_board.post(form, content_type=FORM, headers=headers)
    assert status == 401, answer
    assert answer == "This request is not signed by Slack."
    assert database_contents(uow) == before
    assert_no_traceback(server_logs)
    assert any(why in r.getMessage() for r in server_logs.records), server_logs.text


@pytest.mark.parametrize("seconds", [-301, 301, -10**9])
def test_a_correctly_signed_request_more_than_five_minutes_old_or_ahead_gets_401(
    slack_board: SlackHTTP, uow: UnitOfWork, server_logs: pytest.LogCaptureFixture,
    seconds: int,
) -> None:
    before = database_contents(uow)
    status, answer = slack_board.post(slash_form(slack_board, "add KY to write to DfE"),
                                      content_type=FORM, timestamp=int(time.time()) + seconds)
    assert (status, answer) == (401, "This request is not signed by Slack.")
    assert database_contents(uow) == before
    assert_no_traceback(server_logs)
    assert "more than five minutes away" in server_logs.text


def test_a_signed_body_that_is_not_utf8_gets_400(slack: SlackHTTP,
                                                 server_logs: pytest.LogCaptureFixture) -> None:
    status, answer = slack.post(b"text=\xff\xfe", content_type=FORM)
    assert (status, answer) == (400, "The body must be UTF-8.")
    assert_no_traceback(server_logs)


def raw_post(slack: SlackHTTP, headers: dict[str, str], chunks: list[bytes]) -> int:
    """Send a body in pieces (chunked unless a Content-Length is given), stopping at the
    first refusal: the server must answer without reading the rest."""
    url = urlparse(slack.base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    try:
        conn.putrequest("POST", "/slack/events")
        for name, value in headers.items():
            conn.putheader(name, value)
        conn.endheaders()
        if "Content-Length" not in headers:
            chunks = [b"%x\r\n%s\r\n" % (len(c), c) for c in chunks] + [b"0\r\n\r\n"]
        for chunk in chunks:
            try:
                conn.send(chunk)
            except (BrokenPipeError, ConnectionResetError):
                break
        return conn.getresponse().status
    finally:
        conn.close()


def test_a_body_over_the_limit_gets_413_whether_declared_or_chunked(
    slack: SlackHTTP, server_logs: pytest.LogCaptureFixture
) -> None:
    declared = raw_post(slack, {"Content-Type": FORM,
                                "Content-Length": str(300 * 1024 * 1024)}, [b"x" * 1024])
    assert declared == 413
    chunked = raw_post(slack, {"Content-Type": FORM, "Transfer-Encoding": "chunked"},
                       [b"x" * 65536] * (MAX_BODY_BYTES // 65536 + 2))
    assert chunked == 413
    assert_no_traceback(server_logs)


def test_the_same_signed_command_sent_four_times_adds_one_action(
    slack_board: SlackHTTP, uow: UnitOfWork, server_logs: pytest.LogCaptureFixture
) -> None:
    form = slash_form(slack_board, "add KY to write to DfE about fees")
    stamp = int(time.time())
    answers = [slack_board.post(form, content_type=FORM, timestamp=stamp) for _ in range(4)]
    assert answers[0][0] == 200 and "Action 1 added" in json.dumps(answers[0][1])
    assert answers[1:] == [(409, "This request was already received.")] * 3
    assert count_actions(uow) == 1
    assert_no_traceback(server_logs)
    refusals = [r for r in server_logs.records if "already received" in r.getMessage()]
    assert len(refusals) == 3 and all(r.levelname == "WARNING" for r in refusals)


def test_a_second_app_on_the_same_database_refuses_the_replay_too(
    slack_board: SlackHTTP, uow: UnitOfWork
) -> None:
    """Several processes behind one address share the table: a request let in by one is
    refused by the other (here a second app and server on the same database)."""
    form = slash_form(slack_board, "add KY to chase the fees")
    stamp = int(time.time())
    with serve_slack(uow, slack_board.fake) as other:
        first = slack_board.post(form, content_type=FORM, timestamp=stamp)
        second = other.post(form, content_type=FORM, timestamp=stamp)
    assert first[0] == 200 and second == (409, "This request was already received.")
    assert count_actions(uow) == 1


def test_slack_s_own_event_retry_is_acknowledged_and_not_handled_again(
    slack_board: SlackHTTP, server_logs: pytest.LogCaptureFixture
) -> None:
    event = {"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "home",
             "event_ts": "1799661600.000100"}
    body = json.dumps({"token": "x", "team_id": TEAM, "api_app_id": "A1",
                       "type": "event_callback", "event": event, "event_id": "EvRetry",
                       "event_time": int(time.time())})
    status, _ = slack_board.post(body, content_type="application/json",
                                 headers={"X-Slack-Retry-Num": "1",
                                          "X-Slack-Retry-Reason": "http_timeout"})
    assert status == 200
    assert slack_board.fake.of("views.publish") == []
    status, _ = slack_board.post(body, content_type="application/json",
                                 timestamp=int(time.time()) - 1)
    assert status == 200
    assert len(slack_board.fake.of("views.publish")) == 1
    assert_no_traceback(server_logs)


def test_the_table_keeps_only_hashes_of_signatures(
    slack_board: SlackHTTP, uow: UnitOfWork
) -> None:
    slack_board.command("list")
    with uow.engine.connect() as conn:
        rows = conn.execute(select(SlackRequestSeen)).all()
    assert rows and all(len(row.signature_hash) == 64 for row in rows)
    assert all(not row.signature_hash.startswith("v0=") for row in rows)


def test_with_the_database_down_the_sender_is_told_and_nothing_runs() -> None:
    """Fails closed: a request whose signature cannot be recorded is not let in, and the
    answer is one Slack shows a slash command's sender (a 200 with text)."""
    down = make_engine("postgresql://postgres@127.0.0.1:1/none",
                       connect_args={"connect_timeout": 2})
    gate = SlackGate(SECRET, SeenRequests(UnitOfWork(down)))
    body, stamp = b"command=%2Faction&text=list", str(int(time.time()))
    http = SlackHTTP("http://unused", fake=None)  # type: ignore[arg-type]
    verdict = gate.admit({"x-slack-request-timestamp": stamp,
                          "x-slack-signature": http.signature(body, stamp)}, body)
    down.dispose()
    assert isinstance(verdict, Refusal) and verdict.status == 200
    assert verdict.answer.startswith("The action log's database is not answering")


def test_the_largest_press_our_own_views_can_send_fits_under_the_limit(
    slack_board: SlackHTTP, server_logs: pytest.LogCaptureFixture,
) -> None:
    """A press on an App Home tab full of long actions: Slack sends the whole view back,
    form-encoded. It is far over 64 KiB, and must still be let in."""
    text = ("Write to DfE about the fees, & chase <MH> for the figures. " * 70)[:4000]
    items = tuple(Item(title=f"Action {n}", text=text,
                       fields=(Field("Responsible", "MH"), Field("Due", "5 May 2027")),
                       buttons=(Button("Done", "close", str(n)),
                                Button("Snooze", "defer", str(n))), board_id=1)
                  for n in range(1, 151))
    _, blocks = render(Reply(title="Your open actions", items=items), max_blocks=MAX_HOME_BLOCKS)
    option = blocks[1]["accessory"]["options"][0]
    payload = {
        "type": "block_actions", "api_app_id": "A1", "user": user("U1"),
        "team": {"id": TEAM}, "container": {"type": "view", "view_id": "VHOME"},
        "view": {"id": "VHOME", "type": "home", "blocks": blocks, "state": {"values": {}}},
        "trigger_id": "trig.home.big",
        "actions": [{"type": "overflow", "action_id": "ab.menu", "block_id": "b1",
                     "selected_option": option}],
    }
    size = len(urlencode({"payload": json.dumps(payload)}))
    assert 400 * 1024 < size < MAX_BODY_BYTES
    status, _ = slack_board.interactive(payload)
    assert status == 200
    assert_no_traceback(server_logs)
