"""Several messages in flight at once: the scheduler's sender pool and the notifiers it calls.

A morning's reminders go out ``Delivery.senders`` at a time. What must still hold: each
message is sent once and confirmed in the ledger, a failure costs only its own message, the
result lists messages in the order they were planned, and Slack's per-channel pacing makes a
message wait only for its own channel.
"""

from __future__ import annotations

import io
import threading
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.config import DEFAULT_SENDERS, Config, ConfigError, SlackConfig
from bot.delivery import build_delivery
from bot.notify import ConsoleNotifier, Delivery, DeliveryError
from bot.scheduler import tick
from bot.slack.notifier import SlackNotifier
from handlers.reminders import Address, Outgoing
from storage.models import Send
from storage.uow import UnitOfWork
from tests.conftest import Chat

FIVE_DAYS_BEFORE = datetime(2027, 1, 27, 9, 0, tzinfo=UTC)
WAIT = 10.0  # seconds a test thread waits for another before it calls the test failed
OWNERS = ("RE", "MH", "LH", "KY", "AC")


@pytest.fixture
def busy_board(board: Chat) -> Chat:
    """The fixture board with two actions for each of its five members, all due before the
    meeting on 3 February: five reminders owed at 09:00 on 27 January."""
    for owner in OWNERS:
        for what in ("read the sufficiency report", "send the panel dates"):
            reply = board(f"/action add {owner} to {what} by 1 February 2027", as_="RE")
            assert reply.tone.value == "success"
    return board


class Gate:
    """A notifier whose deliveries wait until ``parties`` of them are in flight together.
    One sender at a time never gets there: the wait times out and the barrier breaks."""

    def __init__(self, parties: int, *, fail_for: str | None = None,
                 timeout: float = WAIT) -> None:
        self.barrier = threading.Barrier(parties, timeout=timeout)
        self.fail_for = fail_for
        self.sent: list[str] = []
        self._lock = threading.Lock()

    def deliver(self, message: Outgoing) -> None:
        self.barrier.wait()
        if message.recipient == self.fail_for:
            raise DeliveryError(f"{message.recipient} cannot be reached")
        with self._lock:
            self.sent.append(message.recipient)


def ledger(board: Chat) -> Counter[tuple[str, str]]:
    with board.uow.transaction() as session:
        return Counter(tuple(row) for row in session.execute(select(Send.recipient, Send.status)))


def test_messages_go_out_several_at_a_time_each_once_and_in_plan_order(busy_board: Chat) -> None:
    planned = [m.recipient for m in tick(busy_board.uow, Delivery({}), now=FIVE_DAYS_BEFORE,
                                         dry_run=True).sent]
    gate = Gate(parties=len(OWNERS))

    result = tick(busy_board.uow, Delivery({"console": gate}, senders=8), now=FIVE_DAYS_BEFORE)

    assert not result.failed
    assert sorted(gate.sent) == sorted(OWNERS) == sorted(planned)
    assert [m.recipient for m in result.sent] == planned
    assert ledger(busy_board) == Counter({(who, "sent"): 1 for who in OWNERS})
    again = tick(busy_board.uow, Delivery({"console": gate}, senders=8), now=FIVE_DAYS_BEFORE)
    assert again.sent == [] and len(gate.sent) == len(OWNERS)


def test_one_sender_means_one_message_at_a_time(busy_board: Chat) -> None:
    gate = Gate(parties=2, timeout=0.3)

    result = tick(busy_board.uow, Delivery({"console": gate}), now=FIVE_DAYS_BEFORE)

    assert gate.barrier.broken, "a second delivery ran beside the first"
    assert gate.sent == [] and len(result.failed) == len(OWNERS)


def test_a_failure_among_concurrent_sends_costs_only_its_own_message(busy_board: Chat) -> None:
    gate = Gate(parties=len(OWNERS), fail_for="KY")

    result = tick(busy_board.uow, Delivery({"console": gate}, senders=5), now=FIVE_DAYS_BEFORE)

    assert [(m.recipient, error) for m, error in result.failed] == [
        ("KY", "console: KY cannot be reached")]
    assert sorted(gate.sent) == sorted(set(OWNERS) - {"KY"})
    assert ledger(busy_board) == Counter(
        {**{(who, "sent"): 1 for who in OWNERS if who != "KY"}, ("KY", "failed"): 1})


class HeldClock:
    """Time stands still; a sleep on channel ``held`` blocks until released."""

    def __init__(self) -> None:
        self.sleeping = threading.Event()
        self.release = threading.Event()

    def clock(self) -> float:
        return 100.0

    def sleep(self, seconds: float) -> None:
        self.sleeping.set()
        assert self.release.wait(WAIT), "the test never released the sleeper"


class PostingClient:
    def __init__(self) -> None:
        self.posted: list[str] = []

    def chat_postMessage(self, *, channel: str, **_: object) -> None:  # noqa: N802 - Slack's
        self.posted.append(channel)


def test_slack_pacing_waits_for_its_own_channel_only(busy_board: Chat) -> None:
    plan = tick(busy_board.uow, Delivery({}), now=FIVE_DAYS_BEFORE, dry_run=True).sent
    to_a, to_b = (replace(m, addresses=(Address("slack", "T1", channel, is_channel=False),))
                  for m, channel in zip(plan[:2], ("DA", "DB"), strict=True))
    client, held = PostingClient(), HeldClock()
    notifier = SlackNotifier(lambda team: client, clock=held.clock, sleep=held.sleep)  # type: ignore[arg-type,return-value]
    notifier.deliver(to_a)

    second_to_a = threading.Thread(target=notifier.deliver, args=(to_a,))
    second_to_a.start()
    assert held.sleeping.wait(WAIT), "a second message to the same channel within a second waits"
    notifier.deliver(to_b)  # would hang here if the wait for DA held the notifier's lock
    assert client.posted == ["DA", "DB"]
    held.release.set()
    second_to_a.join(WAIT)
    assert client.posted == ["DA", "DB", "DA"]


def test_senders_come_from_the_environment_and_are_checked() -> None:
    assert Config.from_env({}).senders == DEFAULT_SENDERS
    assert Config.from_env({"ACTIONBOT_SENDERS": "3"}).senders == 3
    for bad in ("0", "33", "eight", "-1"):
        with pytest.raises(ConfigError, match="ACTIONBOT_SENDERS must be a whole number from 1 "
                                              "to 32"):
            Config.from_env({"ACTIONBOT_SENDERS": bad})


def test_the_console_prints_in_order_and_chat_platforms_send_several_at_once(
    uow: UnitOfWork
) -> None:
    slack = SlackConfig(bot_token="xoxb-x", signing_secret="s", app_token=None, client_id=None,
                        client_secret=None, api_url="http://127.0.0.1:9/api/")
    console_only = build_delivery(Config(database_url="sqlite://", senders=5), uow, io.StringIO())
    with_slack = build_delivery(Config(database_url="sqlite://", senders=5, slack=slack), uow,
                                io.StringIO())
    assert console_only.senders == 1
    assert with_slack.senders == 5
    assert isinstance(console_only.notifiers["console"], ConsoleNotifier)
