"""Scheduled messages through Slack: ``bot.scheduler.tick`` with a ``SlackNotifier`` whose Web
API client talks to the local fake.

The board is set up through slash commands (``slack_board``), so its channel binding (C1 in
team T1) and its members' Slack accounts (MH → U2, KY → U3) are the ones Slack users made.
Its meeting is Wednesday 3 February 2027 at 10:30 London time (GMT, so UTC too): owners are
reminded at 09:00 five and one working days before, the digest goes two working days before.
No test sleeps: the notifier's pacing and the client's Retry-After wait use fake time.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.http_retry import builtin_handlers
from slack_sdk.web import SlackResponse
from sqlalchemy import select

from bot.config import Config, SlackConfig
from bot.delivery import build_delivery
from bot.notify import Delivery
from bot.scheduler import TickResult, tick
from bot.slack.app import retry_handlers
from bot.slack.notifier import SlackNotifier
from storage.models import Send
from storage.uow import UnitOfWork
from tests.bot.slack.conftest import CHANNEL, TEAM, SlackHTTP
from tests.bot.slack.fake_slack import FakeSlack

FIVE_DAYS_BEFORE = datetime(2027, 1, 27, 9, 0, tzinfo=UTC)
DIGEST_DAY = datetime(2027, 2, 1, 9, 0, tzinfo=UTC)
BOARD = "South East Adoption Board"
REMINDER = f"Reminder: {BOARD} meets on 3 February 2027, 10:30 — your open actions"


@dataclass
class FakeTime:
    """A monotonic clock that moves only when something sleeps on it."""

    now: float = 1000.0
    slept: list[float] = field(default_factory=list)

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


class TimedClient(WebClient):
    """The real Web API client, noting the fake time of each post."""

    def __init__(self, time: FakeTime, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.time = time
        self.posted_at: list[tuple[str, float]] = []

    def chat_postMessage(self, *, channel: str, **kwargs: Any) -> SlackResponse:  # noqa: N802
        self.posted_at.append((channel, self.time.now))
        return super().chat_postMessage(channel=channel, **kwargs)


@dataclass
class SlackClock:
    """Ticks of the scheduler delivering to Slack through the fake Web API."""

    uow: UnitOfWork
    fake: FakeSlack
    time: FakeTime = field(default_factory=FakeTime)
    teams_asked: list[str] = field(default_factory=list)
    client: TimedClient = field(init=False)

    def __post_init__(self) -> None:
        self.client = TimedClient(self.time, token="xoxb-test", base_url=self.fake.url,
                                  retry_handlers=retry_handlers())

    def client_for(self, team: str) -> WebClient:
        self.teams_asked.append(team)
        return self.client

    def tick(self, now: datetime) -> TickResult:
        notifier = SlackNotifier(self.client_for, clock=self.time.clock, sleep=self.time.sleep)
        return tick(self.uow, Delivery({"slack": notifier}), now=now, worker="test-slack")

    def ledger(self) -> list[tuple[str, str, str]]:
        with self.uow.transaction() as session:
            rows = session.execute(select(Send.kind, Send.recipient, Send.status)
                                   .order_by(Send.id)).all()
        return sorted((row.kind, row.recipient, row.status) for row in rows)


@pytest.fixture
def clock(slack_board: SlackHTTP, uow: UnitOfWork, fake_slack: FakeSlack) -> SlackClock:
    return SlackClock(uow, fake_slack)


def added(slack: SlackHTTP, line: str) -> None:
    body = slack.command(f"add {line}")
    assert "added" in body["text"], body


def posts(fake: FakeSlack) -> list[dict[str, Any]]:
    return fake.of("chat.postMessage")


def shown(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


# ---- where messages go ---------------------------------------------------------------------------
def test_reminders_are_direct_messages_to_each_owners_slack_account(
    slack_board: SlackHTTP, fake_slack: FakeSlack, clock: SlackClock
) -> None:
    added(slack_board, "KY to write to DfE about fees by 5 May")
    added(slack_board, "MH to brief the panel by 5 May")

    result = clock.tick(FIVE_DAYS_BEFORE)

    assert not result.failed
    assert sorted((m.kind, m.recipient) for m in result.sent) == [
        ("reminder", "KY"), ("reminder", "MH")]
    by_channel = {p["channel"]: p for p in posts(fake_slack)}
    assert sorted(by_channel) == ["U2", "U3"], "DMs go to the Slack user ids, not the channel"
    to_ky = by_channel["U3"]
    assert to_ky["text"] == REMINDER
    assert "write to DfE about fees" in shown(to_ky["blocks"])
    assert "brief the panel" not in shown(to_ky["blocks"]), "KY sees only KY's actions"
    done = next(e for b in to_ky["blocks"] if b["type"] == "actions"
                for e in b["elements"] if e["action_id"].startswith("ab.close."))
    value = json.loads(done["value"])
    assert value["i"] == "close" and value["r"] == "1"
    assert isinstance(value["b"], int), "a button in a DM must name its board"
    assert set(clock.teams_asked) == {TEAM}


def test_the_digest_goes_to_the_boards_channel(
    slack_board: SlackHTTP, fake_slack: FakeSlack, uow: UnitOfWork
) -> None:
    added(slack_board, "KY to write to DfE about fees by 5 May")
    config = Config(database_url="unused", slack=SlackConfig(
        bot_token="xoxb-test", signing_secret="s", app_token=None, client_id=None,
        client_secret=None, api_url=fake_slack.url))

    result = tick(uow, build_delivery(config, uow, io.StringIO()), now=DIGEST_DAY,
                  worker="test-slack")

    assert not result.failed
    assert [(m.kind, m.recipient) for m in result.sent] == [("digest", "channel")]
    (digest,) = posts(fake_slack)
    assert digest["channel"] == CHANNEL
    assert digest["text"] == f"Action log digest — {BOARD}"
    assert "1 open action" in shown(digest["blocks"])
    assert "write to DfE about fees" in shown(digest["blocks"])


def test_a_429_is_retried_after_retry_after_and_delivered_once(
    slack_board: SlackHTTP, fake_slack: FakeSlack, clock: SlackClock,
    monkeypatch: pytest.MonkeyPatch
) -> None:
    added(slack_board, "KY to write to DfE about fees by 5 May")
    waits: list[float] = []
    monkeypatch.setattr(builtin_handlers, "time", SimpleNamespace(sleep=waits.append))
    fake_slack.retry_after = 3
    fake_slack.rate_limit_next = 1

    result = clock.tick(FIVE_DAYS_BEFORE)

    assert not result.failed
    assert [m.recipient for m in result.sent] == ["KY"]
    assert [p["channel"] for p in posts(fake_slack)] == ["U3"]
    assert len(waits) == 1 and 3 <= waits[0] < 4, waits
    assert fake_slack.rate_limit_next == 0, "the first attempt was answered 429"
    assert clock.ledger() == [("reminder", "KY", "sent")]
    again = clock.tick(FIVE_DAYS_BEFORE.replace(minute=1))
    assert not again.sent and len(posts(fake_slack)) == 1


def test_two_messages_to_one_channel_are_a_second_apart(
    slack_board: SlackHTTP, fake_slack: FakeSlack, clock: SlackClock
) -> None:
    added(slack_board, "All to review the fees policy by 29 January")
    added(slack_board, "KY to write to DfE about fees by 29 January")

    result = clock.tick(DIGEST_DAY)

    assert not result.failed
    assert sorted((m.kind, m.recipient) for m in result.sent) == [
        ("chase", "KY"), ("chase", "channel"), ("digest", "channel")]
    in_channel = [at for channel, at in clock.client.posted_at if channel == CHANNEL]
    assert len(in_channel) == 2
    assert in_channel[1] - in_channel[0] >= 1.0
    assert sum(clock.time.slept) <= 1.0 + 1e-9, "the DM to U3 waits for nobody"
    assert sorted(p["channel"] for p in posts(fake_slack)) == [CHANNEL, CHANNEL, "U3"]


def test_a_member_with_no_slack_account_is_recorded_as_failed(
    slack_board: SlackHTTP, fake_slack: FakeSlack, clock: SlackClock
) -> None:
    reply = slack_board.command("member add AC Amy Coombs", command="/board")
    assert "Added AC — Amy Coombs (member)" in reply["text"], reply
    added(slack_board, "AC to draft the annual report by 5 May")
    added(slack_board, "KY to write to DfE about fees by 5 May")

    result = clock.tick(FIVE_DAYS_BEFORE)

    assert [m.recipient for m in result.sent] == ["KY"]
    assert [(m.kind, m.recipient) for m, _ in result.failed] == [("reminder", "AC")]
    error = result.failed[0][1]
    assert "AC" in error and BOARD in error and "no Slack account" in error
    assert [p["channel"] for p in posts(fake_slack)] == ["U3"]
    assert clock.ledger() == [("reminder", "AC", "failed"), ("reminder", "KY", "sent")]
