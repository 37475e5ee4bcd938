"""Scheduled messages to Slack: DMs to owners, posts to the board's channel.

Paced to Slack's one-message-a-second-per-channel limit; 429s and transient errors are
retried by the Web API client's retry handlers, and anything still failing is raised so the
send ledger retries it on a later tick. The scheduler calls ``deliver`` from several threads:
each call books its channel's next free second under a lock and waits for it outside, so a
wait for one channel never holds up a message to another.

Every post carries message metadata naming its ledger keys (invisible to people). When the
scheduler takes over a claim whose sender died unconfirmed, the message may already be in
Slack; the notifier reads the conversation back from the earlier claim on and skips a target
that already has it. Where it cannot look (a scope not granted, the bot not in the channel,
any Slack error) it posts anyway: a message is never dropped to avoid a duplicate, so the
guarantee falls back to at least once.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.notify import DeliveryError
from bot.slack.blocks import render
from handlers.reminders import Address, Outgoing

log = logging.getLogger(__name__)
PER_CHANNEL_SECONDS = 1.0
EVENT_TYPE = "actionbot_send"
# Our clock and Slack's may disagree a little; look back this much further than the claim.
CLOCK_MARGIN = timedelta(minutes=1)
HISTORY_PAGE = 200


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
        keys = [u.key for u in message.units]
        metadata = {"event_type": EVENT_TYPE, "event_payload": {"keys": keys}}
        for address in targets:
            client = self.client_for(address.workspace)
            if message.resumed_since and _already_posted(client, address, keys,
                                                         message.resumed_since):
                log.info("%s to %s on %s was already in Slack (%s); not posted again",
                         message.kind, message.recipient, message.board.name, address.target)
                continue
            self._pace(address.target)
            try:
                client.chat_postMessage(channel=address.target, text=text, blocks=blocks,
                                        metadata=metadata)
            except SlackApiError as err:
                raise DeliveryError(f"Slack refused: {err.response.get('error')}") from err


def _already_posted(client: WebClient, address: Address, keys: Sequence[str],
                    since: datetime) -> bool:
    """True if the conversation at ``address`` holds a post of ours, since ``since``, whose
    metadata covers every one of ``keys``; False when it does not or when Slack cannot tell
    us (logged: the caller then posts, accepting a possible duplicate over a lost message)."""
    wanted = set(keys)
    found: set[str] = set()
    try:
        channel = address.target if address.is_channel else str(
            client.conversations_open(users=address.target)["channel"]["id"])
        oldest = f"{(since - CLOCK_MARGIN).timestamp():.6f}"
        for page in client.conversations_history(channel=channel, oldest=oldest,
                                                 include_all_metadata=True,
                                                 limit=HISTORY_PAGE):
            for posted in page.get("messages") or []:
                found |= _keys_of(posted)
            if wanted <= found:
                return True
    except (SlackClientError, OSError, KeyError, TypeError) as err:
        reason = err.response.get("error") if isinstance(err, SlackApiError) else err
        log.warning("could not check Slack for an earlier copy in %s (%s); posting it, which "
                    "may send it twice", address.target, reason)
    return False


def _keys_of(posted: dict[str, Any]) -> set[str]:
    metadata = posted.get("metadata") or {}
    if metadata.get("event_type") != EVENT_TYPE:
        return set()
    keys = (metadata.get("event_payload") or {}).get("keys") or []
    return {k for k in keys if isinstance(k, str)}
