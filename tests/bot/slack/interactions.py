"""Presses, menus and modal submissions shaped as Slack sends them, and reading the answers."""

from __future__ import annotations

import json
from typing import Any

from tests.bot.slack.conftest import TEAM, SlackHTTP

Block = dict[str, Any]
MESSAGE_TS = "1799661600.000100"


# ---- reading what the bot sent -------------------------------------------------------------
def shown(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def field_value(blocks: list[Block], label: str) -> str | None:
    """The value of a card's field (``*Status*\\nClosed`` → ``Closed``), wherever it is."""
    for block in blocks:
        texts = [f["text"] for f in block.get("fields") or []]
        texts += [(block.get("text") or {}).get("text", "")]
        for text in texts:
            if text.startswith(f"*{label}*\n"):
                return str(text.split("\n", 1)[1])
            for part in text.split("\n")[-1].split(" · "):
                if part.startswith(f"{label}: "):
                    return part[len(label) + 2:]
    return None


def menu_option(block: Block, label: str) -> Block:
    accessory = block["accessory"]
    assert accessory["type"] == "overflow" and accessory["action_id"] == "ab.menu"
    for option in accessory["options"]:
        if option["text"]["text"] == label:
            return option
    raise AssertionError(f"no {label!r} in {shown(accessory)}")


def status_of(slack: SlackHTTP, ref: str) -> str | None:
    return field_value(slack.command(f"show {ref}")["blocks"], "Status")


def ok(status_body: tuple[int, dict[str, Any] | str]) -> dict[str, Any] | str:
    """The body of an answer that must be 200 OK."""
    status, body = status_body
    assert status == 200, body
    return body


# ---- building what Slack sends -------------------------------------------------------------
def user(user_id: str) -> dict[str, Any]:
    return {"id": user_id, "username": user_id.lower(), "name": user_id.lower(),
            "team_id": TEAM}


def overflow_action(option: Block) -> Block:
    return {"type": "overflow", "action_id": "ab.menu", "selected_option": option}


def view_submission(*, user_id: str, opened: dict[str, Any],
                    values: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Submitting a modal the bot opened (its callback_id and private_metadata unchanged)."""
    return {
        "type": "view_submission", "token": "x", "api_app_id": "A1",
        "team": {"id": TEAM, "domain": "council"}, "user": user(user_id),
        "trigger_id": "trig.submit", "is_enterprise_install": False, "response_urls": [],
        "view": {"id": "VMODAL", "team_id": TEAM, "type": "modal",
                 "callback_id": opened["callback_id"],
                 "private_metadata": opened["private_metadata"],
                 "blocks": opened["blocks"], "title": opened["title"],
                 "state": {"values": values}, "hash": "h2", "root_view_id": "VMODAL",
                 "app_id": "A1", "bot_id": "BBOT"},
    }
