"""Delivery of scheduled messages: one notifier per platform, chosen by where a board lives.

The scheduler hands over an ``Outgoing`` (neutral reply + addresses); a notifier renders it for
its platform. A failure raises, and the send ledger retries the message on a later tick.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Protocol, TextIO

from bot.render_text import render, terminal_safe
from handlers.reminders import Outgoing


class DeliveryError(Exception):
    """The message could not be delivered now; the ledger will retry it later."""

    def __init__(self, message: str, *, delivered: set[str] | None = None) -> None:
        super().__init__(message)
        self.delivered = delivered or set()


class Notifier(Protocol):
    """Sends one message on one platform; called from several sender threads at once.

    A message with ``resumed_since`` set may already have been delivered by an earlier
    attempt (a sender that died before confirming it, or one whose send failed after the
    platform had accepted it): a notifier that can read back what it sent looks first (Slack
    does); one that cannot (Teams) sends it, so there it may arrive twice.
    """

    def deliver(self, message: Outgoing) -> None: ...


class ConsoleNotifier:
    """Prints messages for boards kept at the console: there, printing is delivery."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self._lock = threading.Lock()

    def deliver(self, message: Outgoing) -> None:
        who = "the board's channel" if message.recipient == "channel" else message.recipient
        header = terminal_safe(f"[{message.kind} to {who} on {message.board.name}]")
        text = f"{header}\n{render(message.reply)}\n\n"
        with self._lock:  # one message's lines stay together whichever thread sends it
            self.stream.write(text)
            self.stream.flush()


class Delivery:
    """Routes each message to the notifier of each platform its board is bound to.

    ``senders`` is how many messages the scheduler may have in flight at once. It is 1 unless
    asked for: the console prints in the order things are due, and a chat platform's notifier
    is what makes concurrent sending safe (pacing per channel, one HTTP client per call).
    """

    def __init__(self, notifiers: Mapping[str, Notifier], *, senders: int = 1) -> None:
        if senders < 1:
            raise ValueError("senders must be at least 1")
        self.notifiers = dict(notifiers)
        self.senders = senders

    def deliver(self, message: Outgoing, platforms: set[str],
                already: set[str] | frozenset[str] = frozenset()) -> set[str]:
        """Deliver on every platform not in ``already``; returns those that succeeded.

        When one platform fails the others still get the message, and the DeliveryError
        says which did (``delivered``) so that a retry sends only what is missing.
        """
        usable = [p for p in sorted(platforms) if p in self.notifiers]
        if not usable:
            where = ", ".join(sorted(platforms)) or "no channel at all"
            raise DeliveryError(f"{message.board.name} is bound to {where}; no notifier is "
                                "configured for it")
        delivered = set(already)
        errors = []
        for platform in usable:
            if platform in delivered:
                continue
            try:
                self.notifiers[platform].deliver(message)
            except Exception as err:  # noqa: BLE001 - reported together below
                errors.append(f"{platform}: {err}")
            else:
                delivered.add(platform)
        if errors:
            raise DeliveryError("; ".join(errors), delivered=delivered)
        return delivered
