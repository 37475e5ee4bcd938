"""Neutral replies rendered as Adaptive Cards, with ``Action.Execute`` buttons.

Every string from a reply goes through ``escape``: Teams reads markdown (links) and ``<at>``
mentions in card text, and an action's text must never become a link or a mention. A card
stays under Teams' message size limit (about 28 KB) by leaving out what does not fit and
saying so, the way the Slack renderer keeps to 50 blocks.

Each button says which intent it stands for and on which card (``m``): ``one`` when the
card shows a single action (updated in place for everyone after a change), ``many`` in lists
and reminders, ``reply`` for a reply's own buttons.
"""

from __future__ import annotations

import json
from typing import Any

from handlers.owners import MENTION_RE
from handlers.replies import Button, Item, Reply, Tone

VERSION = "1.4"  # Action.Execute (Universal Actions) needs 1.4
CARD_BUDGET = 24_000
ZWSP = "\u200b"
Element = dict[str, Any]
CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"


def escape(text: str) -> str:
    """Inert in Teams card text: no ``<at>`` mention, HTML entity or ``[text](link)`` can form.

    A zero-width space after ``<``, ``&`` and ``]`` breaks each construct and stays invisible.
    Neutral mention tokens (``<@ID|Name>``, in examples) are shown as ``@Name``.
    """
    text = MENTION_RE.sub(lambda m: "@" + (m.group(2) or "someone"), text)
    return (text.replace("&", "&" + ZWSP).replace("<", "<" + ZWSP)
            .replace("]", "]" + ZWSP))


def _text(text: str, **style: Any) -> Element:
    return {"type": "TextBlock", "text": text, "wrap": True, **style}


def _data(button: Button, board_id: int | None, mode: str) -> dict[str, Any]:
    return {"i": button.intent, "r": button.action_ref, "b": board_id, "m": mode}


def board_of(data: dict[str, Any]) -> int | None:
    """The board a pressed button names (``_data``'s ``b``): a database id or nothing, never
    ``true`` (an int to Python) or a number no id column holds."""
    board = data.get("b")
    return board if type(board) is int and 0 < board < 2**31 else None


def _button(button: Button, board_id: int | None, mode: str, key: str) -> Element:
    """Action.Execute; a button that needs a note opens a note field with its own Save."""
    data = _data(button, board_id, mode)
    if button.needs_input:
        field_id = f"note.{key}"
        return {"type": "Action.ShowCard", "title": button.label[:40], "card": {
            "type": "AdaptiveCard",
            "body": [{"type": "Input.Text", "id": field_id, "isMultiline": True,
                      "maxLength": 1000, "isRequired": True, "label": "Progress note",
                      "placeholder": "What has happened since?",
                      "errorMessage": "Write a short note first."}],
            "actions": [{"type": "Action.Execute", "title": "Save update",
                         "verb": f"ab.{button.intent}", "data": {**data, "n": field_id},
                         "style": "positive"}],
        }}
    action: Element = {"type": "Action.Execute", "title": button.label[:40],
                       "verb": f"ab.{button.intent}", "data": data}
    if button.primary:
        action["style"] = "positive"
    return action


def _actions(buttons: tuple[Button, ...], board_id: int | None, mode: str, key: str
             ) -> list[Element]:
    if not buttons:
        return []
    return [{"type": "ActionSet", "actions": [
        _button(b, board_id, mode, f"{key}.{n}") for n, b in enumerate(buttons[:5])]}]


def item_elements(item: Item, mode: str, key: str) -> list[Element]:
    """One action: heading, text, fields, notes and buttons, in a container of its own."""
    inner = [_text(f"**{escape(item.title)}**")]
    if item.text:
        inner.append(_text(escape(item.text), spacing="Small"))
    if item.fields:
        inner.append({"type": "FactSet", "facts": [
            {"title": escape(f.label), "value": escape(f.value)} for f in item.fields[:10]]})
    inner += [_text(escape(line), isSubtle=True, spacing="Small") for line in item.lines]
    inner += _actions(item.buttons, item.board_id, mode, key)
    return [{"type": "Container", "separator": True, "spacing": "Medium", "items": inner}]


def _size(body: list[Element]) -> int:
    return len(json.dumps(body, ensure_ascii=False).encode())


def render(reply: Reply, *, board_id: int | None = None) -> dict[str, Any]:
    """The Adaptive Card for a reply. ``board_id`` is the board the reply's own buttons act
    on, where the card is shown outside that board's channel (personal chat)."""
    marker = {Tone.ERROR: "⚠ ", Tone.SUCCESS: "✅ "}.get(reply.tone, "")
    color = {Tone.ERROR: "Attention", Tone.SUCCESS: "Good"}.get(reply.tone, "Default")
    head: list[Element] = [_text(f"{marker}{escape(reply.title)}", weight="Bolder",
                                 size="Medium", color=color)]
    head += [_text(escape(line), spacing="Small") for line in reply.lines]
    if reply.fields:
        head.append({"type": "FactSet", "facts": [
            {"title": escape(f.label), "value": escape(f.value)} for f in reply.fields]})
    mode = "one" if len(reply.items) == 1 else "many"
    parts = [item_elements(item, mode, str(n)) for n, item in enumerate(reply.items)]
    for section in reply.sections:
        lines = "\n".join(f"- {escape(line)}" for line in section.lines)
        parts.append([_text(f"**{escape(section.heading)}**", separator=True, spacing="Medium"),
                      *([_text(lines, spacing="Small")] if lines else [])])
    tail = _actions(reply.buttons, board_id, "reply", "r")
    if reply.footer:
        tail.append(_text(escape(reply.footer), isSubtle=True, size="Small", separator=True))
    body = head + [e for part in parts for e in part] + tail
    if _size(body) > CARD_BUDGET:
        body = _fit(head, parts, tail)
    card: dict[str, Any] = {"type": "AdaptiveCard", "version": VERSION, "body": body,
                            "msteams": {"width": "Full"}}
    card["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json"
    return card


def _fit(head: list[Element], parts: list[list[Element]], tail: list[Element]
         ) -> list[Element]:
    """As many parts as fit in the budget, then a line saying how many were left out."""
    body, used = list(head), _size(head + tail) + 200
    for shown, part in enumerate(parts):
        if used + _size(part) > CARD_BUDGET:
            body.append(_text(f"…and {len(parts) - shown} more not shown here: use /action "
                              "list to page through them.", isSubtle=True, separator=True))
            break
        body += part
        used += _size(part)
    return body + tail


def download_card(reply: Reply, url: str) -> dict[str, Any]:
    """A reply whose file waits behind a download link: the card with a button opening it.
    The link is ours (the public URL and a secret), so it is the one URL a card may carry."""
    card = render(reply)
    name = reply.file.filename if reply.file is not None else "the file"
    card["body"].append({"type": "ActionSet", "actions": [
        {"type": "Action.OpenUrl", "title": escape(f"Download {name}")[:120], "url": url,
         "style": "positive"}]})
    return card


def summary(reply: Reply) -> str:
    """The one line Teams shows in notifications and where cards cannot be drawn."""
    return ("⚠ " if reply.tone is Tone.ERROR else "") + escape(reply.title[:150])
