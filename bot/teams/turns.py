"""What actionbot does with each Teams activity: commands typed in a channel, group chat or
personal chat, and the bot being installed. Card buttons are in ``buttons``.

No decisions about the log are made here: typed text goes to ``handlers.dispatch.handle``
and the reply comes back as an Adaptive Card in the same thread. Export and import, which
move files, are in ``minutes``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool

from bot.teams import minutes, places
from bot.teams.activity import Turn, command_text
from bot.teams.cards import render, summary
from bot.teams.connector import message
from bot.teams.service_urls import ServiceUrlPolicy
from handlers.commands import BoardSetup, Help, ListActions, parse
from handlers.context import Invocation
from handlers.dates import today_in
from handlers.dispatch import handle, split_line
from handlers.errors import UserError
from handlers.home import my_actions
from handlers.replies import Reply, error_reply
from storage.uow import UnitOfWork

if TYPE_CHECKING:
    from microsoft_teams.api import ApiClient

log = logging.getLogger(__name__)
PLATFORM = "teams"
MENTION_HINT = "In a channel, mention me first: @actionbot action close 58."
WELCOME_CHANNEL = Reply(title="Hello! I keep a board's numbered action log here.", lines=(
    "Set the board up in this channel: @actionbot board setup Adoption Board",
    "Then add actions: @actionbot action add MH to write to DfE by end of March",
    "@actionbot action help lists every command.",
))
WELCOME_PERSONAL = Reply(title="Hello! I keep your boards' action logs.", lines=(
    "Type action list mine to see your open actions on every board.",
    "I remind you here before meetings; the buttons on my cards work here too.",
    "action help lists every command.",
))


class Turns:
    """``file_urls`` says where files sent to the bot may be fetched from; ``base_url`` is the
    public address download links point at (None: there is none)."""

    def __init__(self, uow: UnitOfWork, clock: Callable[[], datetime],
                 base_url: str | None = None, file_urls: ServiceUrlPolicy | None = None
                 ) -> None:
        self.uow, self.clock, self.base_url = uow, clock, base_url
        self.file_urls = file_urls or ServiceUrlPolicy()

    def invocation(self, turn: Turn, board_id: int | None = None) -> Invocation:
        return Invocation(platform=PLATFORM, workspace=turn.tenant, channel=turn.place or "",
                          user_id=turn.person, user_name=turn.user_name, board_id=board_id,
                          base_url=self.base_url, private_place=turn.personal)

    async def send(self, api: ApiClient, turn: Turn, reply: Reply,
                   card: dict[str, Any] | None = None) -> None:
        """Answer in the conversation (and thread) the activity came from; ``card``, when
        given, is how ``reply`` is drawn."""
        try:
            await api.conversations.create_activity(turn.conversation_id, message(
                card or render(reply), summary=summary(reply), reply_to=turn.activity_id))
        except Exception as err:  # noqa: BLE001 - nobody to tell but the log
            log.warning("could not answer in Teams conversation %s: %s",
                        turn.conversation_id[:80], str(err)[:300])

    async def remember(self, turn: Turn) -> None:
        """Store where to reach them; a database hiccup here must not cost the answer."""
        try:
            await run_in_threadpool(places.remember_turn, self.uow, turn, self.clock())
        except SQLAlchemyError as err:
            log.warning("could not store a Teams conversation reference: %s", str(err)[:200])

    async def on_message(self, turn: Turn, api: ApiClient) -> None:
        await self.remember(turn)
        text = command_text(turn, await self._people(turn, api))
        if minutes.is_import(turn, text):
            answer = await minutes.import_answer(self, turn)
        else:
            reply = await run_in_threadpool(self.run, turn, text)
            answer = (minutes.Answer(reply) if reply.file is None
                      else await run_in_threadpool(minutes.export_answer, self, reply))
        await self.send(api, turn, answer.reply, answer.card)

    async def on_install(self, turn: Turn, api: ApiClient) -> None:
        """Remember where we were installed; greet when the bot itself was added."""
        await self.remember(turn)
        if any(m.get("id") == turn.bot_id for m in turn.members_added):
            await self.send(api, replace(turn, activity_id=None),
                            WELCOME_PERSONAL if turn.personal else WELCOME_CHANNEL)

    async def _people(self, turn: Turn, api: ApiClient) -> dict[str, str]:
        """Mentioned people's Entra ids: from the entity, our records, or the connector."""
        wanted = [m for m in turn.mentions if m.is_person and m.user_id != turn.bot_id]
        if not wanted:
            return {}
        found = await run_in_threadpool(places.known_people, self.uow, turn, wanted,
                                        self.clock())
        for mention in wanted:
            if mention.user_id in found:
                continue
            try:
                account = await api.conversations.get_member_by_id(
                    turn.conversation_id.split(";", 1)[0], mention.user_id)
            except Exception as err:  # noqa: BLE001 - fall back to the Teams id
                log.warning("could not look up mentioned Teams user: %s", str(err)[:200])
                account = None
            aad = str(getattr(account, "aad_object_id", None) or "").lower()
            if aad:
                found[mention.user_id] = aad
                await run_in_threadpool(places.remember_person, self.uow, turn,
                                        mention.user_id, aad, self.clock())
            else:
                found[mention.user_id] = places.fallback_id(mention)
        return found

    def run(self, turn: Turn, text: str) -> Reply:
        """A typed command's reply, on the board of the channel or (personal chat) of the
        person. Blocking."""
        root, rest = split_line(text) if text else ("action", "help")
        if root == "help":
            root, rest = "action", f"help {rest}".strip()
        now = self.clock()
        if turn.personal:
            return self._personal(turn, root, rest, now)
        reply = handle(root, rest, invocation=self.invocation(turn), uow=self.uow, now=now)
        if _is_help(root, rest):
            reply = replace(reply, lines=(*reply.lines, MENTION_HINT))
        return reply

    def _personal(self, turn: Turn, root: str, rest: str, now: datetime) -> Reply:
        """Personal chat has no board of its own: ``action list mine`` spans every board; other
        commands act on the person's board when they sit on exactly one."""
        inv = self.invocation(turn)
        try:
            command = parse(root, rest, today=today_in("Europe/London", now))
        except UserError:
            command = None
        if isinstance(command, ListActions) and command.scope == "mine":
            return my_actions(self.uow, inv, now)
        if isinstance(command, Help) or root not in ("action", "board"):
            return handle(root, rest, invocation=inv, uow=self.uow, now=now)
        if isinstance(command, BoardSetup):
            return error_reply("Set a board up in the channel that will keep its log: add me "
                               "to that team and mention me there.",
                               "@actionbot board setup Adoption Board")
        board = self.personal_board(turn)
        if isinstance(board, Reply):
            return board
        return handle(root, rest, invocation=replace(inv, board_id=board), uow=self.uow,
                      now=now)

    def personal_board(self, turn: Turn) -> int | Reply:
        """The board personal-chat commands act on: the person's only one; else the reply
        saying why there is none. Blocking."""
        boards = places.boards_of(self.uow, turn)
        if len(boards) == 1:
            return boards[0][0]
        if not boards:
            return error_reply("You are not a member of any board yet. A board's secretary can "
                               "add you from the board's channel.", "action list mine")
        names = ", ".join(name for _, name in boards)
        return error_reply(f"You sit on {len(boards)} boards ({names}): type that in the "
                           "board's channel, or use the buttons on my cards.", "action list mine")


def _is_help(root: str, rest: str) -> bool:
    return root in ("action", "board") and (not rest or rest.split()[0].lower() == "help")
