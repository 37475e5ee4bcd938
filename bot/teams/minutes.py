"""``action export`` and ``action import`` in Teams: the exported file behind a one-time
download link, and a log sent in personal chat previewed, then imported from the card.

A Teams bot cannot upload files to a channel without Graph permissions, and it cannot open
the SharePoint links Teams makes of files shared in channels. What it can do: link to its own
``/exports/<secret>`` (``ACTIONBOT_PUBLIC_URL``), and fetch a file someone sends it in
personal chat from the pre-authenticated ``downloadUrl`` Teams gives. The file then waits
server-side (``handlers.minutes.chat``), never in a card. Deciding what an import does is
``handlers``'s job; this module only moves bytes between Teams and it.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import httpx
from starlette.concurrency import run_in_threadpool

from bot.teams import places
from bot.teams.activity import Turn
from bot.teams.cards import board_of, download_card, render
from bot.teams.connector import USER_AGENT
from bot.teams.service_urls import ServiceUrlPolicy
from handlers.dispatch import handle, run_in_scope, split_line
from handlers.minutes.chat import (
    EXPORT_TTL,
    HeldImport,
    ImportRequest,
    import_held,
    link_export,
    preview_held_import,
)
from handlers.minutes.file_limits import MAX_FILE_BYTES, MB
from handlers.replies import Reply, Tone, error_reply

if TYPE_CHECKING:
    from bot.teams.turns import Turns

log = logging.getLogger(__name__)
MAX_REDIRECTS = 3
FETCH_TIMEOUT = 20.0
_IMPORT = re.compile(r"^import\b", re.I)
NO_PUBLIC_URL = Reply(
    title="I cannot share the file: this server has no public address", tone=Tone.ERROR,
    lines=("In Teams I can share a file only as a link to this server.",
           "Ask your administrator to set ACTIONBOT_PUBLIC_URL to the server's https address "
           "(the one Teams reaches /api/messages on) and restart me."))
SEND_IN_PERSONAL_CHAT = (
    "Teams shares files in channels and group chats as SharePoint links, which I cannot "
    "open.",
    "Send the file to me in a personal chat instead, with the words action import: Word "
    "minutes (.docx), a CSV or a text file. You see a preview before anything is written.",
)
ATTACH_A_FILE = Reply(
    title="Attach the action log to your message", tone=Tone.ERROR,
    lines=("Word minutes (.docx), a CSV or a text file, with the words action import. You see "
           "a preview before anything is written.",))


class FileNotFetched(Exception):
    """The sent file could not be fetched; the message is fit to show its sender."""


@dataclass(frozen=True)
class Answer:
    """A reply, and the card that shows it when it is not the plain rendering."""

    reply: Reply
    card: dict[str, Any] | None = None


def is_import(turn: Turn, text: str) -> bool:
    """``action import``, or a file sent with no command at all."""
    root, rest = split_line(text)
    return (root == "action" and _IMPORT.match(rest) is not None) or (
        not text and bool(turn.files))


def export_answer(turns: Turns, reply: Reply) -> Answer:
    """An export reply (with its file) as a card with a one-time download link; any other
    reply as it is. Blocking."""
    if reply.file is None:
        return Answer(reply)
    if not turns.base_url:
        return Answer(NO_PUBLIC_URL)
    url = link_export(turns.uow, reply.file, base_url=turns.base_url, now=turns.clock())
    minutes = int(EXPORT_TTL.total_seconds() // 60)
    shown = replace(reply, lines=(*reply.lines, f"The link works once, for {minutes} minutes: "
                                  "type action export again for a new one."))
    return Answer(shown, download_card(shown, url))


def several_boards(names: list[str]) -> Reply:
    """Personal chat names no board, and a channel cannot take files: the server can."""
    return Reply(title=f"You sit on {len(names)} boards, so I cannot tell which one this log "
                 "is for", tone=Tone.ERROR,
                 lines=(f"Your boards: {', '.join(names)}.",
                        "Ask whoever runs actionbot to import it on the server: actionbot "
                        "import minutes.docx --board \"Board name\""))


def channel_import(reply: Reply) -> Reply:
    """``action import`` in a channel (``reply`` is what the board said to it: how to import,
    or a refusal): point to personal chat, and to ``actionbot import`` on the server."""
    if reply.tone is Tone.ERROR:
        return reply
    return Reply(title="To import a log, send it to me in a personal chat",
                 lines=(*SEND_IN_PERSONAL_CHAT, *(f"Or have it imported on the server. {line}"
                                                  for line in reply.lines[:1])))


async def fetch_file(url: str, policy: ServiceUrlPolicy) -> bytes:
    """The file behind a Teams ``downloadUrl``: at most ``MAX_FILE_BYTES``, and only from where
    ``policy.allows_file`` says files come from, redirects included."""
    async with httpx.AsyncClient(timeout=FETCH_TIMEOUT, follow_redirects=False,
                                 headers={"User-Agent": USER_AGENT}) as client:
        for _ in range(MAX_REDIRECTS + 1):
            if not policy.allows_file(url):
                raise FileNotFetched("I fetch files only from Teams (SharePoint); nothing was "
                                     "written.")
            async with client.stream("GET", url) as response:
                if response.is_redirect and "location" in response.headers:
                    url = str(response.url.join(response.headers["location"]))
                    continue
                if response.status_code != 200:
                    raise FileNotFetched(f"Teams answered {response.status_code} when I "
                                         "fetched the file; nothing was written. Please "
                                         "send it again.")
                return await _capped(response)
    raise FileNotFetched("Teams sent me round in circles fetching the file; nothing was "
                         "written. Please send it again.")


async def _capped(response: httpx.Response) -> bytes:
    too_big = FileNotFetched(f"The file is larger than {MAX_FILE_BYTES // MB} MB, too big "
                             "for an action log; nothing was written.")
    if int(response.headers.get("content-length") or 0) > MAX_FILE_BYTES:
        raise too_big
    data = bytearray()
    async for chunk in response.aiter_bytes():
        data += chunk
        if len(data) > MAX_FILE_BYTES:
            raise too_big
    return bytes(data)


async def import_answer(turns: Turns, turn: Turn) -> Answer:
    """``action import``: in a channel, how to import; in personal chat, fetch the attached
    file and show the preview, whose Import button names the file kept server-side. Who may
    import is checked first, so nobody else makes the bot download anything."""
    if not turn.personal:
        return Answer(channel_import(await run_in_threadpool(
            turns.run, turn, "action import")))
    boards = await run_in_threadpool(places.boards_of, turns.uow, turn)
    if len(boards) > 1:
        return Answer(several_boards([name for _, name in boards]))
    board = await run_in_threadpool(turns.personal_board, turn)
    if isinstance(board, Reply):
        return Answer(board)
    inv = turns.invocation(turn, board_id=board)
    allowed = await run_in_threadpool(lambda: handle("action", "import", invocation=inv,
                                                     uow=turns.uow, now=turns.clock()))
    sent = next((f for f in turn.files if f.download_url), None)
    if allowed.tone is Tone.ERROR or sent is None or sent.download_url is None:
        return Answer(allowed if allowed.tone is Tone.ERROR else ATTACH_A_FILE)
    try:
        data = await fetch_file(sent.download_url, turns.file_urls)
    except FileNotFetched as err:
        return Answer(error_reply(str(err)))
    except httpx.HTTPError as err:
        log.warning("could not fetch a file sent in Teams: %s", str(err)[:300])
        return Answer(error_reply("I could not fetch that file from Teams; nothing was "
                                  "written. Please send it again."))
    request = ImportRequest(data=data, filename=sent.name, apply=False)
    reply = await run_in_threadpool(lambda: run_in_scope(
        preview_held_import, request, invocation=inv, uow=turns.uow, now=turns.clock(),
        command_text=f"/action import {sent.name} (preview)"))
    return Answer(reply, render(reply, board_id=board))


def confirm_import(turns: Turns, turn: Turn, data: dict[str, Any]) -> Reply:
    """The Import button: apply the held file, once. Blocking."""
    board_id = board_of(data)
    return run_in_scope(import_held, HeldImport(str(data.get("r") or "")[:100]),
                        invocation=turns.invocation(turn, board_id=board_id), uow=turns.uow,
                        now=turns.clock(), command_text="/action import (confirmed)")
