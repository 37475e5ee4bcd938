"""What a fake Slack Web API keeps of the messages it accepted, so that it can answer
``conversations.open`` and ``conversations.history`` as Slack does: a post to a user id lands
in the IM channel with that user (``D`` + the id's tail), history is newest first, paged by
``limit`` and ``cursor``, only later than ``oldest``, with metadata only when
``include_all_metadata`` is asked for. ``clock`` stamps each message's ``ts``: tests set it to
the scheduler's (fake) time, so that claims and messages share one timeline.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

TRUE = ("1", "true", True, 1)


@dataclass(frozen=True)
class Stored:
    ts: str
    text: str
    metadata: dict[str, Any] | None


def conversation_of(channel: str) -> str:
    """The conversation a post to ``channel`` lands in: a user id means the DM with them."""
    return f"D{channel[1:]}" if channel[:1] in ("U", "W") else channel


@dataclass
class History:
    """The conversations of one fake workspace. ``history_error``, when set (say
    "missing_scope"), is what conversations.history answers instead of messages."""

    clock: Callable[[], float] = time.time
    history_error: str | None = None
    _messages: dict[str, list[Stored]] = field(default_factory=dict)
    _last: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def post(self, args: dict[str, Any]) -> dict[str, Any]:
        """Keep an accepted chat.postMessage; its answer, with the new message's ts."""
        metadata = args.get("metadata")
        if isinstance(metadata, str):
            metadata = json.loads(metadata)
        channel = conversation_of(str(args.get("channel", "")))
        with self._lock:
            self._last = max(self.clock(), self._last + 1e-6)
            ts = f"{self._last:.6f}"
            self._messages.setdefault(channel, []).append(
                Stored(ts, str(args.get("text", "")), metadata))
        return {"ok": True, "channel": channel, "ts": ts}

    def open(self, args: dict[str, Any]) -> dict[str, Any]:
        users = str(args.get("users") or "")
        if not users or "," in users:
            return {"ok": False, "error": "users_list_not_supplied"}
        return {"ok": True, "channel": {"id": conversation_of(users)}}

    def history(self, args: dict[str, Any]) -> dict[str, Any]:
        if self.history_error:
            return {"ok": False, "error": self.history_error, "needed": "im:history"}
        oldest = float(args.get("oldest") or 0)
        inclusive = args.get("inclusive") in TRUE
        limit = max(1, min(999, int(args.get("limit") or 100)))
        start = int(args.get("cursor") or 0)
        with self._lock:
            found = [m for m in self._messages.get(str(args.get("channel")), [])
                     if float(m.ts) > oldest or (inclusive and float(m.ts) == oldest)]
        found.reverse()
        page = found[start:start + limit]
        more = start + limit < len(found)
        with_metadata = args.get("include_all_metadata") in TRUE
        return {"ok": True, "has_more": more,
                "messages": [_message(m, with_metadata) for m in page],
                "response_metadata": {"next_cursor": str(start + limit) if more else ""}}

    def clear(self) -> None:
        with self._lock:
            self._messages.clear()


def _message(stored: Stored, with_metadata: bool) -> dict[str, Any]:
    message: dict[str, Any] = {"type": "message", "subtype": "bot_message", "bot_id": "BBOT",
                               "ts": stored.ts, "text": stored.text}
    if with_metadata and stored.metadata:
        message["metadata"] = stored.metadata
    return message
