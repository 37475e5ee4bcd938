"""Card buttons: an ``adaptiveCard/action`` invoke says which intent was pressed, on which
action, and on what kind of card; the answer is an invoke response.

A card that shows one action is redrawn from the reply: in the presser's view by the invoke
response, and for everyone else by updating the message. A list or a reminder of several
actions cannot be redrawn from one reply, so it stays as it was and the presser sees a short
message saying what happened (or what went wrong).
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse

from bot.teams import minutes, places
from bot.teams.activity import Turn
from bot.teams.cards import CONTENT_TYPE, board_of, render, summary
from bot.teams.connector import message
from bot.teams.turns import Turns
from handlers.dispatch import handle
from handlers.replies import Reply, Tone

if TYPE_CHECKING:
    from microsoft_teams.api import ApiClient

log = logging.getLogger(__name__)
ACTION_REF = re.compile(r"^[0-9]{1,7}[a-z]?$")
MESSAGE_TYPE = "application/vnd.microsoft.activity.message"
NOTE_LIMIT = 1000


def invoke_card(card: dict[str, Any], background: BackgroundTask | None = None) -> JSONResponse:
    return JSONResponse({"statusCode": 200, "type": CONTENT_TYPE, "value": card},
                        background=background)


def invoke_message(text: str) -> JSONResponse:
    return JSONResponse({"statusCode": 200, "type": MESSAGE_TYPE, "value": text})


def _command(data: dict[str, Any]) -> tuple[str, str] | str:
    """(root, text) of the command a button stands for, or what to tell the presser."""
    intent, ref = data.get("i"), str(data.get("r") or "")
    if intent == "member_add" and ref:
        return "board", f"member add {ref}"
    if not ACTION_REF.match(ref):
        return "That button is not one of mine."
    if intent == "close":
        return "action", f"close {ref}"
    if intent == "defer":
        return "action", f"defer {ref} next meeting"
    if intent == "update":
        note = " ".join(str(data.get(str(data.get("n") or "note")) or "").split())
        if not note:
            return "Write a short note first."
        return "action", f"update {ref} {note[:NOTE_LIMIT]}"
    return "That button is not one of mine."


async def on_card_action(turns: Turns, turn: Turn, api: ApiClient) -> JSONResponse:
    action = turn.value.get("action") or {}
    data = action.get("data") if isinstance(action, dict) else None
    if not isinstance(data, dict) or action.get("type") != "Action.Execute":
        return invoke_message("That button is not one of mine.")
    await turns.remember(turn)
    if data.get("i") == "import":
        return await _import(turns, turn, data, api)
    command = _command(data)
    if isinstance(command, str):
        return invoke_message(command)
    board_id = board_of(data)
    if board_id is None and turn.personal:
        boards = await run_in_threadpool(places.boards_of, turns.uow, turn)
        board_id = boards[0][0] if len(boards) == 1 else None
    inv = turns.invocation(turn, board_id=board_id)
    reply: Reply = await run_in_threadpool(
        lambda: handle(command[0], command[1], invocation=inv, uow=turns.uow,
                       now=turns.clock()))
    if reply.tone is Tone.ERROR or data.get("m") != "one" or len(reply.items) != 1:
        return invoke_message(summary(reply))
    card = render(reply)
    task = None
    if turn.reply_to_id:
        task = BackgroundTask(_update_for_everyone, api, turn, card, summary(reply))
    return invoke_card(card, task)


async def _import(turns: Turns, turn: Turn, data: dict[str, Any], api: ApiClient
                  ) -> JSONResponse:
    """Import on a preview card: the card becomes the result (its button gone); a refusal,
    or a second press, leaves it and says why."""
    reply = await run_in_threadpool(minutes.confirm_import, turns, turn, data)
    if reply.tone is Tone.ERROR:
        return invoke_message(summary(reply))
    card = render(reply)
    task = None
    if turn.reply_to_id:
        task = BackgroundTask(_update_for_everyone, api, turn, card, summary(reply))
    return invoke_card(card, task)


async def _update_for_everyone(api: ApiClient, turn: Turn, card: dict[str, Any],
                               text: str) -> None:
    """The invoke response redraws the card for the presser; this redraws it for all."""
    assert turn.reply_to_id is not None
    try:
        await api.conversations.update_activity(turn.conversation_id, turn.reply_to_id,
                                                message(card, summary=text))
    except Exception as err:  # noqa: BLE001 - the presser already sees the new card
        log.warning("could not update the Teams card for everyone: %s", str(err)[:300])
