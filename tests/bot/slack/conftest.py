"""The real Slack app over real HTTP: uvicorn serving bot.web on a free port, Slack's
requests signed with the signing secret, the Web API pointed at a local fake."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from bot.config import SlackConfig
from bot.slack.app import build_app
from bot.slack.listeners import SlackListeners
from bot.web import build_web_app
from storage.models import Base
from storage.uow import UnitOfWork
from tests.bot.slack.fake_slack import FakeSlack
from tests.conftest import NOW
from tests.local_server import LocalServer

SECRET = "test-signing-secret"
TEAM = "T1"
CHANNEL = "C1"
TRIGGERS = itertools.count(1)


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    fake = FakeSlack(users={"U1": "Rebecca Eligon", "U2": "Mac Heath", "U3": "Kevin Yong",
                            "U4": "Amy Coombs"}).start()
    yield fake
    fake.stop()


@dataclass
class SlackHTTP:
    """Posts to the running app as Slack would."""

    base: str
    fake: FakeSlack
    secret: str = SECRET
    last_trigger_id: str = ""

    def signature(self, body: bytes, timestamp: str) -> str:
        """``X-Slack-Signature`` for these bytes, as Slack computes it."""
        digest = hmac.new(self.secret.encode(), b"v0:" + timestamp.encode() + b":" + body,
                          hashlib.sha256).hexdigest()
        return f"v0={digest}"

    def post(self, body: str | bytes, *, content_type: str, timestamp: int | None = None,
             signature: str | None = None,
             headers: dict[str, str] | None = None) -> tuple[int, dict[str, Any] | str]:
        """Signed as Slack signs (unless ``signature`` is given); ``headers`` add to or
        replace Slack's."""
        raw = body.encode() if isinstance(body, str) else body
        ts = str(timestamp if timestamp is not None else int(time.time()))
        return self.send(raw, {"Content-Type": content_type, "X-Slack-Request-Timestamp": ts,
                               "X-Slack-Signature": signature or self.signature(raw, ts),
                               **(headers or {})})

    def send(self, body: bytes, headers: dict[str, str]) -> tuple[int, dict[str, Any] | str]:
        """POST exactly these bytes and headers to ``/slack/events``."""
        request = urllib.request.Request(f"{self.base}/slack/events", data=body,
                                         method="POST", headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                raw = response.read().decode()
                status = response.status
        except urllib.error.HTTPError as err:
            return err.code, err.read().decode()
        try:
            return status, json.loads(raw) if raw else {}
        except json.JSONDecodeError:
            return status, raw

    def command(self, text: str, *, user: str = "U1", channel: str = CHANNEL,
                command: str = "/action", channel_name: str = "board") -> dict[str, Any]:
        # Unique, as Slack's are: the app refuses the same signed bytes twice.
        self.last_trigger_id = f"trig.{next(TRIGGERS)}"
        form = {"token": "x", "team_id": TEAM, "team_domain": "council",
                "channel_id": channel, "channel_name": channel_name, "user_id": user,
                "user_name": self.fake.users.get(user, user).lower(), "command": command,
                "text": text, "response_url": self.fake.response_url,
                "trigger_id": self.last_trigger_id, "api_app_id": "A1"}
        status, body = self.post(urlencode(form),
                                 content_type="application/x-www-form-urlencoded")
        assert status == 200, body
        return body if isinstance(body, dict) else {"text": body}

    def interactive(self, payload: dict[str, Any]) -> tuple[int, dict[str, Any] | str]:
        """Each press stamped with its own ``action_ts``, as Slack's are: two clicks on one
        button are two requests, not one replayed."""
        if isinstance(payload.get("actions"), list):
            payload = {**payload, "actions": [
                {**action, "action_ts": f"{time.time():.6f}.{next(TRIGGERS)}"}
                if isinstance(action, dict) else action for action in payload["actions"]]}
        return self.post(urlencode({"payload": json.dumps(payload)}),
                         content_type="application/x-www-form-urlencoded")

    def event(self, event: dict[str, Any]) -> tuple[int, dict[str, Any] | str]:
        body = {"token": "x", "team_id": TEAM, "api_app_id": "A1", "type": "event_callback",
                "event": event, "event_id": f"Ev{next(TRIGGERS)}", "event_time": int(time.time())}
        return self.post(json.dumps(body), content_type="application/json")


@contextmanager
def serve_slack(uow: UnitOfWork, fake_slack: FakeSlack, **web: Any) -> Iterator[SlackHTTP]:
    """The real app on uvicorn on a free port, on this database, for as long as the block;
    ``web`` adds to ``build_web_app``'s arguments (metrics, say)."""
    cfg = SlackConfig(bot_token="xoxb-test", signing_secret=SECRET, app_token=None,
                      client_id=None, client_secret=None, api_url=fake_slack.url)
    server = LocalServer()
    app = build_app(cfg, uow, SlackListeners(uow, clock=lambda: NOW, base_url=server.url))
    server.start(build_web_app(slack_app=app, uow=uow, **web))
    try:
        yield SlackHTTP(server.url, fake_slack)
    finally:
        server.stop()


@pytest.fixture
def slack(uow: UnitOfWork, fake_slack: FakeSlack) -> Iterator[SlackHTTP]:
    with serve_slack(uow, fake_slack) as http:
        yield http


@pytest.fixture
def slack_board(slack: SlackHTTP) -> SlackHTTP:
    """A board set up in C1 by U1 (Rebecca Eligon → RE, secretary), U2 MH chair, U3 KY."""
    reply = slack.command("setup South East Adoption Board", command="/board")
    assert "set up" in json.dumps(reply), reply
    for line in ("member add <@U2|mac> MH chair", "member add <@U3|kev>",
                 "meeting add 3 February 2027 10:30"):
        reply = slack.command(line, command="/board")
        assert ":white_check_mark:" in json.dumps(reply), reply
    return slack


def database_contents(uow: UnitOfWork) -> dict[str, list[str]]:
    """Every row of every table but the gate's own, to show a request changed nothing."""
    tables = [t for t in Base.metadata.sorted_tables if t.name != "slack_requests_seen"]
    with uow.engine.connect() as conn:
        return {t.name: sorted(repr(tuple(row)) for row in conn.execute(select(t)))
                for t in tables}


@pytest.fixture
def server_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Every log record of the test, uvicorn's too (its loggers do not reach the root):
    an exception escaping the app is logged there as "Exception in ASGI application"."""
    caplog.set_level(logging.INFO)
    uvicorn_logger = logging.getLogger("uvicorn")
    uvicorn_logger.addHandler(caplog.handler)
    try:
        yield caplog
    finally:
        uvicorn_logger.removeHandler(caplog.handler)


def assert_no_traceback(logs: pytest.LogCaptureFixture) -> None:
    """What a stranger sends may earn a warning line, never a traceback."""
    for record in logs.records:
        assert record.exc_info is None, (record.name, record.getMessage())
        assert "Traceback" not in record.getMessage(), record.getMessage()
        assert record.levelno < logging.ERROR, (record.name, record.getMessage())


@pytest.fixture(autouse=True)
def nothing_sent_asks_slack_to_ping(request: pytest.FixtureRequest) -> Iterator[None]:
    """After every test that talks to the fake Slack: no Web API call asked Slack to turn
    names into pings (``link_names``, ``parse=full``), whatever people typed."""
    fake = request.getfixturevalue("fake_slack") if "fake_slack" in request.fixturenames else None
    yield
    for call in fake.calls if fake is not None else ():
        assert not call.args.get("link_names"), (call.method, call.args)
        assert call.args.get("parse") != "full", (call.method, call.args)
