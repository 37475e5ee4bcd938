"""``/action export`` and ``/action import`` in Slack: the file goes up to the channel, and
an uploaded or pasted log comes in through a modal with a preview before anything is written.

Reading files and deciding what an import does is ``handlers.minutes``'s job; this module
only moves bytes between Slack and it.
"""

from __future__ import annotations

import json
import logging
import urllib.request
from collections.abc import Callable
from datetime import datetime
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.slack import blocks as bk
from bot.slack import payloads
from bot.slack.refusals import MalformedPayload
from bot.slack.text import escape
from handlers.context import Invocation
from handlers.dispatch import handle, run_in_scope
from handlers.minutes.chat import ImportRequest, import_file
from handlers.minutes.file_limits import MAX_FILE_BYTES
from handlers.replies import Reply, Tone
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)
IMPORT_VIEW = "ab_import"
CONFIRM_VIEW = "ab_import_confirm"
PASTE_LIMIT = 2500


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text[:150]}


def import_modal(channel: str) -> dict[str, Any]:
    return {
        "type": "modal", "callback_id": IMPORT_VIEW, "title": _plain("Import action log"),
        "submit": _plain("Preview"), "close": _plain("Cancel"),
        "private_metadata": json.dumps({"c": channel}),
        "blocks": [
            {"type": "input", "block_id": "file", "optional": True,
             "label": _plain("Word minutes, CSV or text file"),
             "element": {"type": "file_input", "action_id": "value", "max_files": 1,
                         "filetypes": ["docx", "csv", "txt"]}},
            {"type": "input", "block_id": "paste", "optional": True,
             "label": _plain("…or paste the log from Word"),
             "element": {"type": "plain_text_input", "action_id": "value", "multiline": True,
                         "max_length": PASTE_LIMIT}},
        ],
    }


def _result_view(reply: Reply, *, confirm: dict[str, Any] | None) -> dict[str, Any]:
    _, blocks = bk.render(reply, max_blocks=95)
    view: dict[str, Any] = {"type": "modal", "title": _plain("Import action log"),
                            "close": _plain("Close" if confirm is None else "Cancel"),
                            "blocks": blocks}
    if confirm is not None:
        view.update(callback_id=CONFIRM_VIEW, submit=_plain("Import"),
                    private_metadata=json.dumps(confirm)[:3000])
    return view


def _submitted(view: dict[str, Any]) -> dict[str, Any]:
    """The metadata of an import modal of ours: the channel, and what to import (a file's
    address and name, or the pasted text), every part text or absent."""
    meta = payloads.metadata(view)
    for key in ("c", "u", "n", "p"):
        payloads.text_or_none(meta.get(key))
    if not isinstance(view.get("id"), str):
        raise MalformedPayload("the submitted view has no id")
    return meta


def _readable_import(view: dict[str, Any]) -> bool:
    """True, or ``MalformedPayload`` for what ``preview`` could not read."""
    _submitted(view)
    _file_or_paste(view)
    return True


def _readable_confirm(view: dict[str, Any]) -> bool:
    """True, or ``MalformedPayload`` for what ``apply`` could not read."""
    _submitted(view)
    return True


def _file_or_paste(view: dict[str, Any]) -> tuple[list[dict[str, Any]], str]:
    files = payloads.input_value(view, "file", "files") or []
    pasted = payloads.input_value(view, "paste", "value") or ""
    if not isinstance(files, list) or not all(isinstance(f, dict) for f in files) \
            or not isinstance(pasted, str):
        raise MalformedPayload("the import form's file or paste is not as Slack sends them")
    return files, pasted


class SlackMinutes:
    def __init__(self, uow: UnitOfWork, clock: Callable[[], datetime]) -> None:
        self.uow, self.clock = uow, clock

    def register(self, app: App) -> None:
        # Malformed submissions are refused by the matchers: an ack's failure would not stop
        # Bolt from starting the lazy listener.
        app.view(IMPORT_VIEW, matchers=[_readable_import])(ack=self.ack_reading,
                                                           lazy=[self.preview])
        app.view(CONFIRM_VIEW, matchers=[_readable_confirm])(ack=self.ack_importing,
                                                             lazy=[self.apply])

    # ---- export ------------------------------------------------------------------------
    def export(self, command: dict[str, Any], text: str, client: WebClient,
               respond: Respond) -> None:
        """Lazy: build the file and post it to the channel; a refusal goes back privately."""
        inv = Invocation(platform="slack", workspace=command.get("team_id", ""),
                         channel=command.get("channel_id", ""), user_id=command.get("user_id"))
        reply = handle("action", text, invocation=inv, uow=self.uow, now=self.clock())
        if reply.file is None:
            fallback, blocks = bk.render(reply)
            respond(response_type="ephemeral", text=fallback, blocks=blocks)
            return
        client.files_upload_v2(channel=inv.channel, filename=reply.file.filename,
                               content=reply.file.content, title=reply.file.filename,
                               initial_comment=escape(f"{reply.title}. {' '.join(reply.lines)}"))

    # ---- import ------------------------------------------------------------------------
    def ack_reading(self, ack: Ack, view: dict[str, Any]) -> None:
        files, pasted = _file_or_paste(view)
        if not files and not pasted.strip():
            ack(response_action="errors",
                errors={"file": "Choose a file, or paste the log below."})
            return
        ack(response_action="update", view=_result_view(
            Reply(title="Reading the log…"), confirm=None))

    def preview(self, body: dict[str, Any], view: dict[str, Any], client: WebClient,
                context: dict[str, Any]) -> None:
        source: dict[str, Any] = {"c": _submitted(view).get("c")}
        files, pasted = _file_or_paste(view)
        if files:
            source.update(u=files[0].get("url_private_download") or files[0].get("url_private"),
                          n=files[0].get("name") or "upload.txt")
        else:
            source.update(p=pasted, n="pasted log.txt")
        reply = self._run(body, source, client, context, apply=False)
        ok = reply.tone is not Tone.ERROR
        client.views_update(view_id=body["view"]["id"],
                            view=_result_view(reply, confirm=source if ok else None))

    def ack_importing(self, ack: Ack) -> None:
        ack(response_action="update", view=_result_view(Reply(title="Importing…"),
                                                          confirm=None))

    def apply(self, body: dict[str, Any], view: dict[str, Any], client: WebClient,
              context: dict[str, Any]) -> None:
        source = _submitted(view)
        reply = self._run(body, source, client, context, apply=True)
        client.views_update(view_id=body["view"]["id"], view=_result_view(reply, confirm=None))
        if reply.public and source.get("c"):
            fallback, blocks = bk.render(reply)
            client.chat_postMessage(channel=source["c"], text=fallback, blocks=blocks)

    def _run(self, body: dict[str, Any], source: dict[str, Any], client: WebClient,
             context: dict[str, Any], *, apply: bool) -> Reply:
        user = body.get("user") or {}
        inv = Invocation(platform="slack", workspace=user.get("team_id", ""),
                         channel=source.get("c") or "", user_id=user.get("id"))
        try:
            data = (self._download(source["u"], context.get("bot_token") or client.token)
                    if source.get("u") else (source.get("p") or "").encode())
        except OSError as err:
            log.warning("could not fetch the uploaded file: %s", err)
            return Reply(title="I could not fetch that file from Slack; nothing was written. "
                         "Please try again.", tone=Tone.ERROR)
        request = ImportRequest(data=data, filename=source.get("n") or "log.txt", apply=apply)
        return run_in_scope(import_file, request, invocation=inv, uow=self.uow,
                            now=self.clock(),
                            command_text=f"/action import {request.filename}"
                                         + (" (confirmed)" if apply else " (preview)"))

    @staticmethod
    def _download(url: str, token: str | None) -> bytes:
        """At most one byte more than an import may be: the import's own check refuses
        that, naming the limit."""
        request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310
            return response.read(MAX_FILE_BYTES + 1)
