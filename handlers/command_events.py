"""What happened to one command, for operators: logged in one line and handed to observers.

``handlers.dispatch`` reports every command it answers, on every platform, here. An event
holds only bounded facts (the verb, the board's id, the platform, how it ended, how long it
took), never what was typed: command text carries action titles, names and sometimes pasted
secrets, so it is neither logged nor measured.

Observers (``bot.metrics``) are process-wide because what they feed is: Prometheus scrapes a
process. Passing one through ``handle`` instead would put a metrics argument on every call
site of every platform for a concern none of them has.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)

OUTCOMES = ("ok", "refused", "conflict", "unavailable", "error")
"""ok: answered; refused: a ``UserError`` (mistyped, not allowed, not found); conflict: a
concurrent change won; unavailable: the database did not answer; error: a bug (logged)."""
INVALID = "invalid"
"""The verb of a command that could not be parsed, so has no verb we can trust."""


@dataclass(frozen=True)
class CommandEvent:
    verb: str
    platform: str
    board_id: int | None
    outcome: str
    seconds: float


CommandObserver = Callable[[CommandEvent], None]
_observers: tuple[CommandObserver, ...] = ()
_lock = threading.Lock()


def observe(observer: CommandObserver) -> Callable[[], None]:
    """Call ``observer`` with every command event from now on; returns what stops it."""
    global _observers
    with _lock:
        _observers = (*_observers, observer)

    def stop() -> None:
        global _observers
        with _lock:
            _observers = tuple(o for o in _observers if o is not observer)

    return stop


def report(event: CommandEvent) -> None:
    """One log line, then the observers. Never raises: a broken observer must not turn an
    answered command into an error."""
    if log.isEnabledFor(logging.INFO):
        log.info("command %s board=%s platform=%s outcome=%s %.2f ms", event.verb,
                 event.board_id if event.board_id is not None else "-", event.platform,
                 event.outcome, event.seconds * 1000)
    for observer in _observers:
        try:
            observer(event)
        except Exception:  # noqa: BLE001 - measured is optional, answered is not
            log.exception("a command observer failed")
