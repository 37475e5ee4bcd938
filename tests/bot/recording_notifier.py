"""A notifier that keeps what it was given instead of sending it: the scheduler's test double.

Plug it in as ``Delivery({"console": RecordingNotifier()})`` for boards set up at the console.
``fail_next(n)`` makes the next ``n`` deliveries raise, as a chat platform that is down would.
"""

from __future__ import annotations

from typing import NamedTuple

from bot.notify import DeliveryError
from bot.render_text import render
from handlers.reminders import Outgoing


class Delivered(NamedTuple):
    """One message as it left the scheduler: (kind, board, recipient, actions, text)."""

    kind: str
    board: str
    recipient: str
    actions: tuple[int, ...]
    text: str


class RecordingNotifier:
    """Keeps every delivered message in ``messages``; ``attempts`` counts failed ones too."""

    def __init__(self) -> None:
        self.messages: list[Delivered] = []
        self.attempts = 0
        self._failures_left = 0
        self._failure: Exception = DeliveryError("the platform is down")

    def fail_next(self, count: int = 1, error: Exception | None = None) -> None:
        """Raise ``error`` (a ``DeliveryError`` by default) on the next ``count`` deliveries."""
        self._failures_left = count
        self._failure = error or DeliveryError("the platform is down")

    def deliver(self, message: Outgoing) -> None:
        self.attempts += 1
        if self._failures_left > 0:
            self._failures_left -= 1
            raise self._failure
        self.messages.append(Delivered(
            kind=message.kind,
            board=message.board.name,
            recipient=message.recipient,
            actions=tuple(message.actions),
            text=render(message.reply),
        ))

    def summary(self) -> list[tuple[str, str, tuple[int, ...]]]:
        """(kind, recipient, actions) of every message, in the order they went."""
        return [(m.kind, m.recipient, m.actions) for m in self.messages]
