"""Bolt listeners: translate Slack payloads into ``handlers`` calls and answer in Block Kit.

No decisions about the log are made here; a button only says which intent was pressed.
Everything answers inside Slack's 3 seconds: fast commands in their ack, the digest in a
lazy listener after an immediate ack.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack import blocks as bk
from bot.slack import payloads, views
from bot.slack.minutes import SlackMinutes, import_modal
from bot.slack.refusals import MalformedPayload
from bot.slack.text import escape, from_slack, mention_token
from handlers.context import Invocation
from handlers.dispatch import handle
from handlers.errors import UserError
from handlers.forms import AddSubmission, add_form, submit_add
from handlers.home import my_actions
from handlers.replies import Reply, Tone
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)
SLOW = re.compile(r"^\s*(?:digest|export)\b", re.I)
IMPORT = re.compile(r"^\s*import\b", re.I)
MENTION = re.compile(r"<@([A-Z0-9]+)(?:\|[^>]*)?>")
ROOTS = {"/action": "action", "/actions": "action", "/board": "board"}
"""Every slash command in slack-manifest.yml; ``/actions`` is what people type for ``/action``."""


def _is_direct(command: dict[str, Any]) -> bool:
    """A DM (``D…``, channel_name ``directmessage``) or group DM (``mpdm-…``): Slack's names
    for conversations a board's digests cannot be posted in."""
    name = str(command.get("channel_name") or "")
    return (str(command.get("channel_id") or "").startswith("D") or name == "directmessage"
            or name.startswith("mpdm-"))


def slash_response(reply: Reply) -> dict[str, Any]:
    text, blocks = bk.render(reply)
    return {"response_type": "in_channel" if reply.public else "ephemeral",
            "text": text, "blocks": blocks}


class SlackListeners:
    def __init__(self, uow: UnitOfWork, clock: Callable[[], datetime] | None = None,
                 base_url: str | None = None) -> None:
        self.uow = uow
        self.clock = clock or (lambda: datetime.now(UTC))
        self.base_url = base_url
        self.minutes = SlackMinutes(uow, self.clock)
        self._names: dict[str, str] = {}

    def register(self, app: App) -> None:
        for name in ROOTS:
            # Only slow commands get a lazy listener: for every other command Bolt would
            # still copy the request and dispatch it again on another thread.
            app.command(name, matchers=[_is_slow])(ack=self.on_command,
                                                   lazy=[self.on_slow_command])
            app.command(name)(self.on_command)
        app.action(re.compile(r"^ab\."))(self.on_button)
        app.view(views.ADD_VIEW)(self.on_add_submitted)
        app.view(views.UPDATE_VIEW)(self.on_update_submitted)
        app.shortcut("make_action")(self.on_make_action)
        app.event("app_home_opened")(self.on_home_opened)
        self.minutes.register(app)

    # ---- who and where -----------------------------------------------------------------
    def _real_name(self, client: WebClient, user_id: str) -> str | None:
        if user_id not in self._names:
            try:
                user = client.users_info(user=user_id)["user"]
            except SlackApiError as err:
                log.warning("users.info %s failed: %s", user_id, err.response.get("error"))
                return None
            profile = user.get("profile") or {}
            name = profile.get("real_name") or user.get("real_name") or user.get("name")
            if len(self._names) > 5000:
                self._names.clear()
            self._names[user_id] = name
        return self._names[user_id]

    def _named_mentions(self, client: WebClient, text: str) -> str:
        """``<@U1|mac.h>`` → ``<@U1|Mac Heath>``: initials come from real names."""

        def named(m: re.Match[str]) -> str:
            name = self._real_name(client, m.group(1))
            return mention_token(m.group(1), name) if name else m.group(0)

        return MENTION.sub(named, text)

    # ---- slash commands ----------------------------------------------------------------
    def on_command(self, ack: Ack, command: dict[str, Any], client: WebClient) -> None:
        root = ROOTS.get(command.get("command", ""), "action")
        text = from_slack(command.get("text") or "")
        inv = Invocation(platform="slack", workspace=command.get("team_id", ""),
                         channel=command.get("channel_id", ""), user_id=command.get("user_id"),
                         base_url=self.base_url, private_place=_is_direct(command))
        if root == "action" and text.strip().lower() in ("", "add"):
            self._open_add_modal(ack, client, inv, command.get("trigger_id", ""))
            return
        if root == "action" and IMPORT.match(text):
            ack()
            client.views_open(trigger_id=command.get("trigger_id", ""),
                              view=import_modal(inv.channel))
            return
        if root == "action" and SLOW.match(text):
            word = text.split()[0].lower()
            ack(response_type="ephemeral", text=f"Preparing the {word}…")
            return
        if MENTION.search(text):
            text = self._named_mentions(client, text)
        if root == "board" and text.strip().lower().startswith("setup"):
            inv = replace(inv, user_name=self._real_name(client, inv.user_id or ""))
        ack(**slash_response(handle(root, text, invocation=inv, uow=self.uow, now=self.clock())))

    def on_slow_command(self, command: dict[str, Any], respond: Respond,
                        client: WebClient) -> None:
        text = from_slack(command.get("text") or "")
        if ROOTS.get(command.get("command", "")) != "action" or not SLOW.match(text):
            return
        if text.strip().lower().startswith("export"):
            self.minutes.export(command, text, client, respond)
            return
        inv = Invocation(platform="slack", workspace=command.get("team_id", ""),
                         channel=command.get("channel_id", ""), user_id=command.get("user_id"))
        respond(**slash_response(handle("action", text, invocation=inv, uow=self.uow,
                                        now=self.clock())))

    def _open_add_modal(self, ack: Ack, client: WebClient, inv: Invocation, trigger: str,
                        text: str = "", owners: list[str] | None = None) -> None:
        try:
            form = add_form(self.uow, inv, self.clock())
        except UserError as err:
            ack(response_type="ephemeral", text=escape(err.message))
            return
        view = views.add_modal(form, channel=inv.channel, text=text)
        if owners:
            view["blocks"][2]["element"]["initial_users"] = owners[:20]
        ack()
        client.views_open(trigger_id=trigger, view=view)

    # ---- buttons -----------------------------------------------------------------------
    def on_button(self, ack: Ack, body: dict[str, Any], action: dict[str, Any],
                  client: WebClient, respond: Respond) -> None:
        press = payloads.button_press(action)
        ack()
        intent, ref, board_id = press.intent, press.ref, press.board_id
        user = body.get("user") or {}
        team = user.get("team_id") or (body.get("team") or {}).get("id", "")
        channel = (body.get("channel") or {}).get("id", "")
        inv = Invocation(platform="slack", workspace=team, channel=channel,
                         user_id=user.get("id"), board_id=board_id)
        if intent == "update":
            client.views_open(trigger_id=body["trigger_id"], view=views.update_modal(
                board_id=board_id, ref=ref, channel=channel or None,
                container=body.get("container") or {}))
            return
        if intent == "member_add":
            reply = handle("board", f"member add {ref}", invocation=inv, uow=self.uow,
                           now=self.clock())
        elif intent in ("close", "defer"):
            tail = " next meeting" if intent == "defer" else ""
            reply = handle("action", f"{intent} {ref}{tail}", invocation=inv, uow=self.uow,
                           now=self.clock())
        else:
            log.warning("unknown button intent %r", intent)
            return
        self._answer(body, reply, respond, client, inv)

    def _answer(self, body: dict[str, Any], reply: Reply, respond: Respond,
                client: WebClient, inv: Invocation) -> None:
        """A single-card message is updated in place; App Home is redrawn; else a private note."""
        container = body.get("container") or {}
        if container.get("type") == "view":
            self._publish_home(client, inv)
            if reply.tone is not Tone.ERROR:
                return
        text, blocks = bk.render(reply)
        message = body.get("message") or {}
        if reply.tone is not Tone.ERROR and reply.items and _single_card(message):
            respond(replace_original=True, text=text, blocks=blocks)
        elif container.get("type") != "view" or reply.tone is Tone.ERROR:
            if body.get("response_url"):
                respond(response_type="ephemeral", replace_original=False, text=text,
                        blocks=blocks)
            else:
                client.chat_postMessage(channel=inv.user_id or "", text=text, blocks=blocks)

    # ---- modals ------------------------------------------------------------------------
    def on_add_submitted(self, ack: Ack, body: dict[str, Any], view: dict[str, Any],
                         client: WebClient) -> None:
        meta = payloads.metadata(view)
        text = (payloads.input_value(view, "text", "value") or "").strip()
        owners = tuple(payloads.input_value(view, "owners", "selected_users") or ())
        picked = payloads.input_value(view, "due", "selected_date")
        meeting = (payloads.input_value(view, "meeting", "selected_option") or {}).get("value")
        inv = _submitted_by(body, meta)
        try:
            due = date.fromisoformat(picked) if picked else None
        except ValueError:
            ack(response_action="errors", errors={"due": f"There is no day {picked[:12]}: "
                                                         "pick one from the calendar."})
            return
        form = AddSubmission(text=text, owner_user_ids=owners, due=due,
                             meeting_id=payloads.record_id(int(meeting), "meeting") if meeting
                             else None)
        reply = submit_add(self.uow, inv, form, self.clock())
        if reply.tone is Tone.ERROR:
            field = ("due" if "past" in reply.title else
                     "owners" if "member" in reply.title and owners else "text")
            ack(response_action="errors", errors={field: reply.title[:150]})
            return
        ack()
        out_text, out_blocks = bk.render(reply)
        client.chat_postMessage(channel=inv.channel or inv.user_id, text=out_text,
                                blocks=out_blocks)

    def on_update_submitted(self, ack: Ack, body: dict[str, Any], view: dict[str, Any],
                            client: WebClient) -> None:
        meta = payloads.metadata(view)
        note = " ".join((payloads.input_value(view, "note", "value") or "").split())
        inv = _submitted_by(body, meta)
        container = meta.get("k") or {}
        if not isinstance(container, dict):
            raise MalformedPayload(f"the form's container {str(container)[:40]!r}")
        if not note:
            ack(response_action="errors", errors={"note": "Write a short note."})
            return
        ref = str(meta.get("r"))[:payloads.MAX_REF]
        reply = handle("action", f"update {ref} {note}", invocation=inv,
                       uow=self.uow, now=self.clock())
        if reply.tone is Tone.ERROR:
            ack(response_action="errors", errors={"note": reply.title[:150]})
            return
        ack()
        if container.get("type") == "view":
            self._publish_home(client, inv)
            return
        text, out = bk.render(reply)
        if inv.channel:
            client.chat_postEphemeral(channel=inv.channel, user=inv.user_id or "", text=text,
                                      blocks=out)
        else:
            client.chat_postMessage(channel=inv.user_id or "", text=text, blocks=out)

    # ---- shortcut and App Home ---------------------------------------------------------
    def on_make_action(self, ack: Ack, shortcut: dict[str, Any], client: WebClient) -> None:
        message = shortcut.get("message") or {}
        text = from_slack(message.get("text") or "")
        owners = list(dict.fromkeys(MENTION.findall(text)))
        text = MENTION.sub(lambda m: "@" + (self._real_name(client, m.group(1)) or m.group(1)),
                           text)
        user = shortcut.get("user") or {}
        inv = Invocation(platform="slack",
                         workspace=user.get("team_id") or (shortcut.get("team") or {}).get("id",
                                                                                           ""),
                         channel=(shortcut.get("channel") or {}).get("id", ""),
                         user_id=user.get("id"))
        try:
            form = add_form(self.uow, inv, self.clock())
        except UserError as err:
            ack()
            client.views_open(trigger_id=shortcut["trigger_id"], view=views.message_modal(
                "No board here", escape(err.message) + "\nSet one up with `/board setup …`."))
            return
        view = views.add_modal(form, channel=inv.channel, text=text)
        if owners:
            view["blocks"][2]["element"]["initial_users"] = owners[:20]
        ack()
        client.views_open(trigger_id=shortcut["trigger_id"], view=view)

    def on_home_opened(self, event: dict[str, Any], client: WebClient,
                       context: dict[str, Any]) -> None:
        if event.get("tab", "home") != "home":
            return
        if not isinstance(event.get("user"), str):
            raise MalformedPayload("app_home_opened names no user")
        inv = Invocation(platform="slack", workspace=context.get("team_id") or "",
                         channel="", user_id=event.get("user"))
        self._publish_home(client, inv)

    def _publish_home(self, client: WebClient, inv: Invocation) -> None:
        home = Invocation(platform="slack", workspace=inv.workspace, channel="",
                          user_id=inv.user_id)
        reply = my_actions(self.uow, home, self.clock())
        client.views_publish(user_id=inv.user_id or "", view=views.home_view(reply))


def _submitted_by(body: dict[str, Any], meta: dict[str, Any]) -> Invocation:
    """Who submitted a modal of ours, for the channel and board its metadata names."""
    user = body.get("user") or {}
    return Invocation(platform="slack", workspace=user.get("team_id", ""),
                      channel=payloads.text_or_none(meta.get("c")) or "",
                      user_id=user.get("id"), board_id=payloads.record_id(meta.get("b"), "board"))


def _is_slow(command: dict[str, Any]) -> bool:
    """A command answered after its ack, by ``on_slow_command``."""
    return (ROOTS.get(command.get("command", "")) == "action"
            and SLOW.match(from_slack(command.get("text") or "")) is not None)


def _single_card(message: dict[str, Any]) -> bool:
    """Was the pressed button on a message that shows exactly one action card?"""
    found = message.get("blocks") or []
    action_rows = [b for b in found if b.get("type") == "actions"
                   and any(str(e.get("action_id", "")).startswith("ab.close")
                           for e in b.get("elements", []))]
    menus = [b for b in found if (b.get("accessory") or {}).get("type") == "overflow"]
    return len(action_rows) == 1 and not menus
