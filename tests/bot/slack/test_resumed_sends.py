"""A claim taken over from a sender that died unconfirmed: Slack is asked before re-sending.

The scheduler drives a ``SlackNotifier`` against the local fake Slack, as in
``test_delivery``. A process that "dies" is a notifier that raises a ``BaseException`` right
after Slack accepted the post, so the scheduler never confirms it, as after a SIGKILL; the
next scheduler takes the claim over once ``CLAIM_TIMEOUT`` has passed. The fake stamps each
message with the tick's time, so the scheduler's claims and Slack's ``ts`` share one clock.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from bot.notify import Delivery
from bot.scheduler import TickResult, tick
from bot.slack import notifier as slack_notifier
from bot.slack.notifier import SlackNotifier
from handlers.reminders import Outgoing, due
from storage.models import Send
from storage.sends import CLAIM_TIMEOUT, claim
from storage.uow import UnitOfWork
from tests.bot.slack.conftest import CHANNEL, SlackHTTP
from tests.bot.slack.fake_slack import FakeSlack
from tests.bot.slack.test_delivery import (
    DIGEST_DAY,
    FIVE_DAYS_BEFORE,
    SlackClock,
    added,
    posts,
)

TAKEN_OVER = CLAIM_TIMEOUT + timedelta(minutes=1)


class Killed(BaseException):
    """The process died here: nothing after it in the scheduler runs."""


class DiesAfterPosting:
    """Posts through the real Slack notifier, then dies before the ledger hears of it."""

    def __init__(self, inner: SlackNotifier) -> None:
        self.inner = inner

    def deliver(self, message: Outgoing) -> None:
        self.inner.deliver(message)
        raise Killed


class TimesOutAfterPosting:
    """Posts through the real Slack notifier, then reports a timeout, as when Slack accepted
    the post but its answer never came back: the scheduler records the attempt as failed."""

    def __init__(self, inner: SlackNotifier) -> None:
        self.inner = inner

    def deliver(self, message: Outgoing) -> None:
        self.inner.deliver(message)
        raise TimeoutError("The read operation timed out")


@pytest.fixture
def clock(slack_board: SlackHTTP, uow: UnitOfWork, fake_slack: FakeSlack) -> SlackClock:
    return SlackClock(uow, fake_slack)


def at(clock: SlackClock, now: datetime) -> TickResult:
    """A tick at ``now``, Slack's clock showing the same time."""
    clock.fake.history.clock = now.timestamp
    return clock.tick(now)


def dies_after_posting(clock: SlackClock, now: datetime) -> None:
    clock.fake.history.clock = now.timestamp
    notifier = SlackNotifier(clock.client_for, clock=clock.time.clock, sleep=clock.time.sleep)
    with pytest.raises(Killed):
        tick(clock.uow, Delivery({"slack": DiesAfterPosting(notifier)}), now=now,
             worker="killed")


def claimed_and_died_before_posting(uow: UnitOfWork, now: datetime) -> list[Outgoing]:
    """Everything due at ``now``, claimed by a process that died before sending any of it."""
    with uow.transaction() as session:
        messages = due(session, now).outgoing
    assert all(claim(uow, u, worker="killed", now=now) for m in messages for u in m.units)
    return messages


def looked(fake: FakeSlack) -> list[str]:
    return [c.method for c in fake.calls if c.method.startswith("conversations.")]


def ledger_keys(uow: UnitOfWork) -> list[str]:
    with uow.transaction() as session:
        return sorted(session.scalars(select(Send.key)))


def test_a_fresh_send_carries_its_ledger_keys_and_asks_slack_nothing(
    slack_board: SlackHTTP, fake_slack: FakeSlack, clock: SlackClock
) -> None:
    added(slack_board, "KY to write to DfE about fees by 5 May")
    added(slack_board, "MH to brief the panel by 5 May")

    result = at(clock, FIVE_DAYS_BEFORE)

    assert sorted(m.recipient for m in result.sent) == ["KY", "MH"]
    assert looked(fake_slack) == [], "a fresh claim costs no extra call"
    carried = sorted(k for p in posts(fake_slack) for k in p["metadata"]["event_payload"]["keys"])
    assert carried == ledger_keys(clock.uow)
    assert {p["metadata"]["event_type"] for p in posts(fake_slack)} == {"actionbot_send"}


def test_a_post_slack_accepted_before_the_sender_died_is_not_sent_again(
    slack_board: SlackHTTP, fake_slack: FakeSlack, clock: SlackClock
) -> None:
    added(slack_board, "KY to write to DfE about fees by 5 May")
    dies_after_posting(clock, FIVE_DAYS_BEFORE)
    assert [p["channel"] for p in posts(fake_slack)] == ["U3"]
    assert clock.ledger() == [("reminder", "KY", "claimed")]

    assert at(clock, FIVE_DAYS_BEFORE + timedelta(minutes=5)).sent == [], "still held"
    result = at(clock, FIVE_DAYS_BEFORE + TAKEN_OVER)

    assert [m.recipient for m in result.sent] == ["KY"]
    assert len(posts(fake_slack)) == 1, "Slack already had it"
    assert looked(fake_slack) == ["conversations.open", "conversations.history"]
    (opened,) = fake_slack.of("conversations.open")
    assert opened["users"] == "U3"
    (history,) = fake_slack.of("conversations.history")
    assert history["channel"] == "D3"
    assert float(history["oldest"]) < FIVE_DAYS_BEFORE.timestamp()
    assert clock.ledger() == [("reminder", "KY", "sent")]
    assert at(clock, FIVE_DAYS_BEFORE + TAKEN_OVER + timedelta(minutes=1)).sent == []


def test_a_claim_that_expired_before_anything_was_posted_is_posted_by_the_takeover(
    slack_board: SlackHTTP, fake_slack: FakeSlack, clock: SlackClock
) -> None:
    added(slack_board, "KY to write to DfE about fees by 5 May")
    claimed_and_died_before_posting(clock.uow, FIVE_DAYS_BEFORE)

    result = at(clock, FIVE_DAYS_BEFORE + TAKEN_OVER)

    assert [m.recipient for m in result.sent] == ["KY"]
    assert [p["channel"] for p in posts(fake_slack)] == ["U3"], "nothing is lost"
    assert looked(fake_slack) == ["conversations.open", "conversations.history"]
    assert clock.ledger() == [("reminder", "KY", "sent")]


def test_when_slack_will_not_show_the_history_the_takeover_posts_anyway(
    slack_board: SlackHTTP, fake_slack: FakeSlack, clock: SlackClock,
    caplog: pytest.LogCaptureFixture
) -> None:
    added(slack_board, "KY to write to DfE about fees by 5 May")
    dies_after_posting(clock, FIVE_DAYS_BEFORE)
    fake_slack.history.history_error = "missing_scope"

    with caplog.at_level(logging.WARNING, logger=slack_notifier.__name__):
        result = at(clock, FIVE_DAYS_BEFORE + TAKEN_OVER)

    assert [m.recipient for m in result.sent] == ["KY"]
    assert [p["channel"] for p in posts(fake_slack)] == ["U3", "U3"], "a duplicate, not a loss"
    assert "missing_scope" in caplog.text and "twice" in caplog.text
    assert clock.ledger() == [("reminder", "KY", "sent")]


def test_a_digest_already_in_the_channel_is_found_there_without_opening_a_dm(
    slack_board: SlackHTTP, fake_slack: FakeSlack, clock: SlackClock
) -> None:
    added(slack_board, "KY to write to DfE about fees by 5 May")
    dies_after_posting(clock, DIGEST_DAY)

    result = at(clock, DIGEST_DAY + TAKEN_OVER)

    assert [(m.kind, m.recipient) for m in result.sent] == [("digest", "channel")]
    assert [p["channel"] for p in posts(fake_slack)] == [CHANNEL]
    assert looked(fake_slack) == ["conversations.history"]
    assert fake_slack.of("conversations.history")[0]["channel"] == CHANNEL


def test_the_earlier_post_is_found_on_a_later_page_of_history(
    slack_board: SlackHTTP, fake_slack: FakeSlack, clock: SlackClock,
    monkeypatch: pytest.MonkeyPatch
) -> None:
    added(slack_board, "KY to write to DfE about fees by 5 May")
    dies_after_posting(clock, FIVE_DAYS_BEFORE)
    for n in range(3):
        fake_slack.history.post({"channel": "U3", "text": f"a later message {n}"})
    monkeypatch.setattr(slack_notifier, "HISTORY_PAGE", 2)

    at(clock, FIVE_DAYS_BEFORE + TAKEN_OVER)

    assert len(posts(fake_slack)) == 1
    assert [h.get("cursor") for h in fake_slack.of("conversations.history")] == [None, "2"]
    assert clock.ledger() == [("reminder", "KY", "sent")]


def test_an_earlier_post_covering_only_part_of_the_message_does_not_stop_it(
    slack_board: SlackHTTP, fake_slack: FakeSlack, clock: SlackClock
) -> None:
    added(slack_board, "KY to write to DfE about fees by 29 January")
    added(slack_board, "KY to ring Kent by 29 January")
    messages = claimed_and_died_before_posting(clock.uow, DIGEST_DAY)
    (to_ky,) = [m for m in messages if (m.kind, m.recipient) == ("chase", "KY")]
    chases = [u.key for u in to_ky.units]
    assert len(chases) == 2, "one chase of KY's two overdue actions"
    fake_slack.history.clock = DIGEST_DAY.timestamp
    fake_slack.history.post({"channel": "U3", "text": "an older chase", "metadata": {
        "event_type": "actionbot_send", "event_payload": {"keys": chases[:1]}}})

    result = at(clock, DIGEST_DAY + TAKEN_OVER)

    assert ("chase", "KY") in [(m.kind, m.recipient) for m in result.sent]
    (posted,) = [p for p in posts(fake_slack) if p["channel"] == "U3"]
    assert sorted(posted["metadata"]["event_payload"]["keys"]) == sorted(chases)


def test_a_post_slack_accepted_before_the_answer_timed_out_is_not_sent_again(
    slack_board: SlackHTTP, fake_slack: FakeSlack, clock: SlackClock
) -> None:
    added(slack_board, "KY to write to DfE about fees by 5 May")
    fake_slack.history.clock = FIVE_DAYS_BEFORE.timestamp
    notifier = SlackNotifier(clock.client_for, clock=clock.time.clock, sleep=clock.time.sleep)
    failed = tick(clock.uow, Delivery({"slack": TimesOutAfterPosting(notifier)}),
                  now=FIVE_DAYS_BEFORE, worker="first")
    assert [(m.recipient, "timed out" in error) for m, error in failed.failed] == [("KY", True)]
    assert clock.ledger() == [("reminder", "KY", "failed")]

    result = at(clock, FIVE_DAYS_BEFORE + timedelta(minutes=5))

    assert [m.recipient for m in result.sent] == ["KY"]
    assert len(posts(fake_slack)) == 1, "Slack already had it"
    assert looked(fake_slack) == ["conversations.open", "conversations.history"]
    assert clock.ledger() == [("reminder", "KY", "sent")]
