"""Socket Mode, end to end on 127.0.0.1: the app asks the (fake) Web API for a socket URL
with ``apps.connections.open``, slack_sdk's built-in client connects to a local websocket
server standing in for Slack, and a slash command pushed over the socket is answered in its
ack envelope, as ``actionbot socket`` does against Slack."""

from __future__ import annotations

import json
import queue
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from slack_bolt.adapter.socket_mode import SocketModeHandler
from websockets.exceptions import ConnectionClosed
from websockets.sync.server import Server, ServerConnection, serve

from bot.config import SlackConfig
from bot.slack.app import build_app
from bot.slack.listeners import SlackListeners
from storage.uow import UnitOfWork
from tests.bot.slack.conftest import CHANNEL, TEAM
from tests.bot.slack.fake_slack import FakeSlack
from tests.conftest import NOW

TIMEOUT = 20.0


@dataclass
class SlackSocket:
    """Slack's side of one Socket Mode connection: pushes envelopes, collects acks."""

    server: Server
    connected: threading.Event = field(default_factory=threading.Event)
    received: queue.Queue[dict[str, Any]] = field(default_factory=queue.Queue)
    connection: ServerConnection | None = None
    paths: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        port = self.server.socket.getsockname()[1]
        return f"ws://127.0.0.1:{port}/link/?ticket=t1&app_id=A1"

    def handle(self, connection: ServerConnection) -> None:
        self.connection = connection
        self.paths.append(connection.request.path if connection.request else "")
        connection.send(json.dumps({"type": "hello", "num_connections": 1,
                                    "connection_info": {"app_id": "A1"},
                                    "debug_info": {"host": "local-stand-in"}}))
        self.connected.set()
        try:
            for message in connection:
                self.received.put(json.loads(message))
        except ConnectionClosed:
            pass

    def push(self, envelope: dict[str, Any]) -> None:
        assert self.connection is not None
        self.connection.send(json.dumps(envelope))

    def ack_for(self, envelope_id: str) -> dict[str, Any]:
        deadline = time.monotonic() + TIMEOUT
        while (left := deadline - time.monotonic()) > 0:
            try:
                message = self.received.get(timeout=left)
            except queue.Empty:
                break
            if message.get("envelope_id") == envelope_id:
                return message
        raise AssertionError(f"no ack for envelope {envelope_id} within {TIMEOUT} s")


@pytest.fixture
def slack_socket() -> Iterator[SlackSocket]:
    holder: list[SlackSocket] = []
    server = serve(lambda connection: holder[0].handle(connection), "127.0.0.1", 0)
    holder.append(SlackSocket(server))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield holder[0]
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def socket_app(uow: UnitOfWork, fake_slack: FakeSlack,
               slack_socket: SlackSocket) -> Iterator[SocketModeHandler]:
    fake_slack.socket_url = slack_socket.url
    cfg = SlackConfig(bot_token="xoxb-test", signing_secret=None, app_token="xapp-test",
                      client_id=None, client_secret=None, api_url=fake_slack.url)
    app = build_app(cfg, uow, SlackListeners(uow, clock=lambda: NOW))
    handler = SocketModeHandler(app, "xapp-test", auto_reconnect_enabled=False)
    handler.connect()
    try:
        yield handler
    finally:
        # Slack's side hangs up first, as it does at a reconnect: the client's reader, which
        # otherwise sits out its fixed 3-second receive timeout, sees the close at once.
        if slack_socket.connection is not None:
            slack_socket.connection.close()
        handler.close()


def slash(envelope_id: str, fake: FakeSlack, text: str, *, command: str = "/action",
          user: str = "U1") -> dict[str, Any]:
    return {
        "envelope_id": envelope_id, "type": "slash_commands",
        "accepts_response_payload": True,
        "payload": {"token": "x", "team_id": TEAM, "team_domain": "council",
                    "channel_id": CHANNEL, "channel_name": "board", "user_id": user,
                    "user_name": fake.users.get(user, user).lower(), "command": command,
                    "text": text, "api_app_id": "A1", "is_enterprise_install": "false",
                    "response_url": fake.response_url, "trigger_id": f"trig.{envelope_id}"},
    }


def test_a_slash_command_over_socket_mode_is_answered_in_its_ack(
    socket_app: SocketModeHandler, slack_socket: SlackSocket, fake_slack: FakeSlack
) -> None:
    (opened,) = fake_slack.of("apps.connections.open")
    assert opened.get("token", "xapp-test") == "xapp-test"
    assert slack_socket.connected.wait(TIMEOUT), "the client never connected to the socket"
    assert socket_app.client.is_connected()
    assert slack_socket.paths == ["/link/?ticket=t1&app_id=A1"]

    slack_socket.push(slash("e1", fake_slack, "setup South East Adoption Board",
                            command="/board"))
    ack = slack_socket.ack_for("e1")
    assert ack["envelope_id"] == "e1"
    assert "South East Adoption Board" in json.dumps(ack["payload"])
    assert "set up" in ack["payload"]["text"]

    slack_socket.push(slash("e2", fake_slack, "add Write to DfE about fees by 5 May"))
    added = slack_socket.ack_for("e2")["payload"]
    assert added["response_type"] == "in_channel"
    assert "Action 1 added" in added["text"]
    assert "5 May 2027" in json.dumps(added["blocks"], ensure_ascii=False)
    assert not fake_slack.of("respond"), "a fast command answers in its ack, not later"
