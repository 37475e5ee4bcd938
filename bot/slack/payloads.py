"""Reading what the listeners use from Slack's payloads, refusing what we never sent.

Slack documents these shapes; the parts we wrote ourselves (button values, a modal's
private metadata) come back as we wrote them. A signed payload that differs raises
``MalformedPayload``, which ``bot.slack.refusals`` answers, so listeners need no guards of
their own. Ids that reach the database are checked here: a board id of ``"x"`` would
otherwise fail inside a query.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.slack.refusals import MalformedPayload

MAX_REF = 20


@dataclass(frozen=True)
class Press:
    """What a button of ours says: the intent pressed, what it acts on, on which board."""

    intent: str
    ref: str
    board_id: int | None


def _object(raw: object, what: str) -> dict[str, Any]:
    try:
        found = json.loads(raw) if isinstance(raw, str) else None
    except ValueError:
        found = None
    if not isinstance(found, dict):
        raise MalformedPayload(f"{what} is not one we made: {str(raw)[:80]!r}")
    return found


def record_id(value: object, what: str) -> int | None:
    """A board's or meeting's id as we wrote it: a positive integer a database column holds."""
    if value is None or (isinstance(value, int) and not isinstance(value, bool)
                         and 0 < value < 2**31):
        return value
    raise MalformedPayload(f"{what} id {str(value)[:20]!r} is not one we made")


def button_press(action: dict[str, Any]) -> Press:
    """A press of a button or overflow option of ours (``bot.slack.blocks.button_value``)."""
    option = action.get("selected_option")
    raw = action.get("value") or (option.get("value") if isinstance(option, dict) else None)
    value = _object(raw, "the button's value")
    intent, ref = value.get("i"), value.get("r", "")
    if not isinstance(intent, str) or not isinstance(ref, str | int) or len(str(ref)) > MAX_REF:
        raise MalformedPayload(f"the button's value is not one we made: {str(raw)[:80]!r}")
    return Press(intent=intent, ref=str(ref), board_id=record_id(value.get("b"), "board"))


def metadata(view: dict[str, Any]) -> dict[str, Any]:
    """A modal's ``private_metadata``, the JSON object we put there when opening it."""
    return _object(view.get("private_metadata") or "{}", "the form's private metadata")


def text_or_none(value: object) -> str | None:
    """A channel or user id from our metadata: text, or nothing."""
    if value is None or isinstance(value, str):
        return value
    raise MalformedPayload(f"{str(value)[:20]!r} is not an id")


def input_value(view: dict[str, Any], block: str, key: str) -> Any:
    """``view.state.values[block].value[key]``, None where an optional input was left
    empty (Slack leaves the block out, or sends null)."""
    values = view["state"]["values"]
    element = (values.get(block) or {}).get("value") or {}
    return element.get(key)
