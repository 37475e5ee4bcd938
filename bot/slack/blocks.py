"""Neutral replies rendered as Block Kit, within Slack's limits (50 blocks a message, 3,000
characters a section, 10 fields a section). Every piece of user text goes through ``escape``.
"""

from __future__ import annotations

import json
from typing import Any

from bot.slack.text import escape
from handlers.replies import Button, Item, Reply, Tone

MAX_BLOCKS = 50
MAX_HOME_BLOCKS = 100
SECTION_LIMIT = 3000
FIELD_LIMIT = 2000
Block = dict[str, Any]
BUTTON_PREFIX = "ab."


def _mrkdwn(text: str) -> dict[str, str]:
    return {"type": "mrkdwn", "text": text[:SECTION_LIMIT]}


def _plain(text: str, limit: int = 75) -> dict[str, Any]:
    return {"type": "plain_text", "text": text[:limit], "emoji": True}


def _chunks(lines: list[str]) -> list[str]:
    """Join lines into texts of at most SECTION_LIMIT characters, never splitting a line."""
    chunks: list[str] = []
    current = ""
    for line in lines:
        line = line[: SECTION_LIMIT - 1]
        if current and len(current) + 1 + len(line) > SECTION_LIMIT:
            chunks.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    if current:
        chunks.append(current)
    return chunks


def button_value(button: Button, board_id: int | None) -> str:
    return json.dumps({"i": button.intent, "r": button.action_ref, "b": board_id},
                      separators=(",", ":"))


def _button(button: Button, board_id: int | None, n: int) -> Block:
    element: Block = {
        "type": "button",
        "text": _plain(button.label),
        "action_id": f"{BUTTON_PREFIX}{button.intent}.{n}",
        "value": button_value(button, board_id)[:2000],
    }
    if button.primary:
        element["style"] = "primary"
    return element


def _item_text(item: Item) -> str:
    head = f"*{escape(item.title)}*"
    body = f"{head}\n{escape(item.text)}" if item.text else head
    extra = [escape(line) for line in item.lines]
    return "\n".join([body, *extra])


def card_blocks(item: Item) -> list[Block]:
    """A full card: text, fields and real buttons (2–3 blocks)."""
    section: Block = {"type": "section", "text": _mrkdwn(_item_text(item))}
    if item.fields:
        section["fields"] = [_mrkdwn(f"*{escape(f.label)}*\n{escape(f.value)}"[:FIELD_LIMIT])
                             for f in item.fields[:10]]
    blocks = [section]
    if item.buttons:
        blocks.append({"type": "actions", "elements": [
            _button(b, item.board_id, n) for n, b in enumerate(item.buttons)]})
    return blocks


def compact_block(item: Item) -> Block:
    """One block per action in lists: fields on one line, buttons in an overflow menu."""
    summary = " · ".join(f"{escape(f.label)}: {escape(f.value)}" for f in item.fields)
    block: Block = {"type": "section",
                    "text": _mrkdwn(f"{_item_text(item)}\n{summary}" if summary
                                    else _item_text(item))}
    if item.buttons:
        block["accessory"] = {
            "type": "overflow",
            "action_id": f"{BUTTON_PREFIX}menu",
            "options": [{"text": _plain(b.label), "value": button_value(b, item.board_id)[:150]}
                        for b in item.buttons[:5]],
        }
    return block


def render(reply: Reply, *, max_blocks: int = MAX_BLOCKS) -> tuple[str, list[Block]]:
    """(fallback text for notifications, blocks)."""
    marker = {Tone.ERROR: ":warning: ", Tone.SUCCESS: ":white_check_mark: "}.get(reply.tone, "")
    blocks: list[Block] = [{"type": "section", "text": _mrkdwn(f"{marker}*{escape(reply.title)}*")}]
    blocks += [{"type": "section", "text": _mrkdwn(c)}
               for c in _chunks([escape(line) for line in reply.lines])]
    for start in range(0, len(reply.fields), 10):
        blocks.append({"type": "section", "fields": [
            _mrkdwn(f"*{escape(f.label)}*\n{escape(f.value)}"[:FIELD_LIMIT])
            for f in reply.fields[start:start + 10]]})
    if len(reply.items) == 1:
        blocks += card_blocks(reply.items[0])
    else:
        blocks += [compact_block(item) for item in reply.items]
    for section in reply.sections:
        lines = [f"*{escape(section.heading)}*", *(f"• {escape(line)}" for line in section.lines)]
        blocks += [{"type": "section", "text": _mrkdwn(c)} for c in _chunks(lines)]
    if reply.buttons:
        blocks.append({"type": "actions", "elements": [
            _button(b, None, n) for n, b in enumerate(reply.buttons[:5])]})
    footer = [escape(reply.footer)] if reply.footer else []
    if len(blocks) + len(footer) > max_blocks:
        dropped = len(blocks) + 2 - max_blocks
        blocks = blocks[: max_blocks - 2]
        footer.insert(0, f"…and {dropped} more not shown here: use /action list to page "
                         "through them.")
    if footer:
        blocks.append({"type": "context", "elements": [_mrkdwn(" ".join(footer))]})
    fallback = escape(reply.title[:150])
    return (f"⚠ {fallback}" if reply.tone is Tone.ERROR else fallback), blocks
