"""Modals and the App Home view, as Block Kit view payloads."""

from __future__ import annotations

import json
from typing import Any

from bot.slack.blocks import MAX_HOME_BLOCKS, render
from bot.slack.text import escape
from handlers.forms import AddForm
from handlers.replies import Reply

ADD_VIEW = "ab_add"
UPDATE_VIEW = "ab_update"
View = dict[str, Any]


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text[:150]}


def add_modal(form: AddForm, *, channel: str, text: str = "") -> View:
    """The "add an action" form: text, owners, due date, meeting."""
    meeting_block: list[dict[str, Any]] = []
    if form.meetings:
        meeting_block = [{
            "type": "input", "block_id": "meeting", "optional": True,
            "label": _plain("Due by meeting"),
            "element": {"type": "static_select", "action_id": "value",
                        "placeholder": _plain("Choose a meeting"),
                        "options": [{"text": _plain(label), "value": str(mid)}
                                    for mid, label in form.meetings]},
        }]
    return {
        "type": "modal",
        "callback_id": ADD_VIEW,
        "private_metadata": json.dumps({"b": form.board_id, "c": channel}),
        "title": _plain("New action"),
        "submit": _plain("Add"),
        "close": _plain("Cancel"),
        "blocks": [
            {"type": "context", "elements": [{"type": "mrkdwn",
                                              "text": f"For {escape(form.board_name[:150])}"}]},
            {"type": "input", "block_id": "text", "label": _plain("Action"),
             "element": {"type": "plain_text_input", "action_id": "value", "multiline": True,
                         "max_length": 3000, "initial_value": text[:3000]}
             if text else {"type": "plain_text_input", "action_id": "value",
                           "multiline": True, "max_length": 3000,
                           "placeholder": _plain("MH to write to DfE about fees")}},
            {"type": "input", "block_id": "owners", "optional": True,
             "label": _plain("Responsible"),
             "element": {"type": "multi_users_select", "action_id": "value",
                         "placeholder": _plain("Owners (or write “MH to …” in the text)")}},
            {"type": "input", "block_id": "due", "optional": True, "label": _plain("Due date"),
             "element": {"type": "datepicker", "action_id": "value"}},
            *meeting_block,
        ],
    }


def update_modal(*, board_id: int | None, ref: str, channel: str | None,
                 container: dict[str, Any]) -> View:
    return {
        "type": "modal",
        "callback_id": UPDATE_VIEW,
        "private_metadata": json.dumps({"b": board_id, "r": ref, "c": channel,
                                        "k": container}),
        "title": _plain(f"Update action {ref}"),
        "submit": _plain("Save"),
        "close": _plain("Cancel"),
        "blocks": [{"type": "input", "block_id": "note", "label": _plain("Where has it got to?"),
                    "element": {"type": "plain_text_input", "action_id": "value",
                                "multiline": True, "max_length": 2000}}],
    }


def message_modal(title: str, text: str) -> View:
    """A modal saying ``text``, which is mrkdwn: the caller escapes any user text in it."""
    return {"type": "modal", "title": _plain(title[:24]), "close": _plain("Close"),
            "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}}]}


def home_view(reply: Reply) -> View:
    _, blocks = render(reply, max_blocks=MAX_HOME_BLOCKS)
    return {"type": "home", "blocks": blocks}
