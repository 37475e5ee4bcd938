"""Scheduled messages to Slack: DMs to owners, posts to the board's channel.

Paced to Slack's one-message-a-second-per-channel limit; 429s and transient errors are
retried by the Web API client's retry handlers, and anything still failing is raised so the
send ledger retries it on a later tick. The scheduler calls ``deliver`` from several threads:
each call books its channel's next free second under a lock and waits for it outside, so a
wait for one channel never holds up a message to another.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.notify import DeliveryError
from bot.slack.blocks import render
from handlers.reminders import Outgoing

PER_CHANNEL_SECONDS = 1.0


class SlackNotifier:
    def __init__(self, client_for: Callable[[str], WebClient], *,
                 per_channel_seconds: float = PER_CHANNEL_SECONDS,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.client_for = client_for
        self.per_channel = per_channel_seconds
        self.clock, self.sleep = clock, sleep
        self._last: dict[str, float] = {}
        self._lock = threading.Lock()

    def _pace(self, channel: str) -> None:
        with self._lock:
            slot = max(self.clock(), self._last.get(channel, -1e9) + self.per_channel)
            self._last[channel] = slot
        wait = slot - self.clock()
        if wait > 0:
            self.sleep(wait)

    def deliver(self, message: Outgoing) -> None:
        targets = [a for a in message.addresses if a.platform == "slack"]
        if not targets:
            raise DeliveryError(f"{message.recipient} on {message.board.name} has no Slack "
                                "account linked")
        text, blocks = render(message.reply)
        for address in targets:
            self._pace(address.target)
            try:
                self.client_for(address.workspace).chat_postMessage(
                    channel=address.target, text=text, blocks=blocks)
            except SlackApiError as err:
                raise DeliveryError(f"Slack refused: {err.response.get('error')}") from err
