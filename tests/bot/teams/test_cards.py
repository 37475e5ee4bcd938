"""Adaptive Card rendering: what members read, what cannot be faked, and that Microsoft's own
renderer (npm ``adaptivecards`` under jsdom, ``render_cards.js``) accepts every kind of card.

The renderer check needs Node and ``npm install`` in this folder (``.ci/run`` does it); without
them it is skipped, saying why.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.notify import Delivery
from bot.scheduler import tick
from bot.teams.cards import CARD_BUDGET, download_card, escape, render
from bot.teams.minutes import ATTACH_A_FILE, NO_PUBLIC_URL, channel_import
from bot.teams.turns import WELCOME_CHANNEL, WELCOME_PERSONAL
from handlers.context import Invocation
from handlers.dispatch import run_in_scope
from handlers.home import my_actions
from handlers.minutes.chat import (
    HeldImport,
    ImportRequest,
    import_held,
    preview_held_import,
)
from handlers.reminders import Outgoing
from handlers.replies import Item, Reply
from tests.bot.teams.conftest import buttons, card_text
from tests.conftest import NOW, Chat

HERE = Path(__file__).parent
RENDERER = HERE / "render_cards.js"
FIVE_DAYS_BEFORE = datetime(2027, 1, 27, 9, 0, tzinfo=UTC)


class CardCatcher:
    """A notifier keeping the Teams card of every scheduled message."""

    def __init__(self) -> None:
        self.cards: dict[str, dict[str, Any]] = {}

    def deliver(self, message: Outgoing) -> None:
        self.cards.setdefault(message.kind, render(message.reply))


def _ok(chat: Chat, line: str, as_: str = "RE") -> Reply:
    reply = chat(line, as_=as_)
    assert reply.tone.value != "error", reply
    return reply


@pytest.fixture
def every_kind(board: Chat) -> dict[str, dict[str, Any]]:
    """One card of each kind a Teams member can be shown."""
    added = _ok(board, "/action add MH to write to DfE about <at>fees</at> by end of March")
    _ok(board, "/action add KY and AC to book the room by 3/4")
    _ok(board, "/action decision Terms of reference adopted")
    _ok(board, "/action update 1 draft [shared](https://evil.example) with LH", as_="MH")
    catcher = CardCatcher()
    tick(board.uow, Delivery({"console": catcher}), now=FIVE_DAYS_BEFORE)
    for n in range(60):
        _ok(board, f"/action add RE to check item {n} of the long list by 3/4")
    replies = {
        "action": added,
        "list": board("/action list all"),
        "long list": board("/action list open"),
        "show": board("/action show 1", as_="MH"),
        "digest": board("/action digest"),
        "help": board("/action help"),
        "help topic": board("/board help member"),
        "error": board("/action close 999"),
        "members": board("/board member list"),
        "my actions": my_actions(board.uow, Invocation("console", "local", "", as_initials="MH"),
                                 NOW),
        "welcome": WELCOME_CHANNEL,
        "welcome personal": WELCOME_PERSONAL,
    }
    cards = {name: render(reply) for name, reply in replies.items()}
    cards["reminder"] = catcher.cards["reminder"]
    cards.update(_minutes_cards(board))
    return cards


def _minutes_cards(board: Chat) -> dict[str, dict[str, Any]]:
    """Export and import in Teams: the download link, the import preview with its button and
    the result, and what the bot says when it cannot do either."""
    export = board("/action export")
    assert export.file is not None
    inv = Invocation("console", "local", "console", as_initials="RE")
    log = (b"Action no.,Action,Responsible,Date issued,Status\r\n"
           b"5,Publicise it,All,Oct 2021,Open\r\n")
    preview = run_in_scope(preview_held_import, ImportRequest(log, "log.csv", apply=False),
                           invocation=inv, uow=board.uow, now=NOW, command_text="import")
    (button,) = preview.buttons
    result = run_in_scope(import_held, HeldImport(button.action_ref), invocation=inv,
                          uow=board.uow, now=NOW, command_text="import")
    return {
        "export link": download_card(export, "https://actionbot.council.example/exports/x"),
        "import preview": render(preview, board_id=1),
        "import result": render(result),
        "import in a channel": render(channel_import(board("/action import"))),
        "no public url": render(NO_PUBLIC_URL),
        "attach a file": render(ATTACH_A_FILE),
    }


def test_every_card_kind_is_within_teams_size_limit(every_kind: dict[str, dict[str, Any]]
                                                    ) -> None:
    for name, card in every_kind.items():
        assert len(json.dumps(card, ensure_ascii=False).encode()) < CARD_BUDGET + 2000, name
    long = card_text(every_kind["long list"])
    assert "more not shown here: use /action list to page through them." in long


def test_cards_show_what_members_need(every_kind: dict[str, dict[str, Any]]) -> None:
    reminder = card_text(every_kind["reminder"])
    assert "Reminder: South East Adoption Board meets on 3 February 2027" in reminder
    assert "[Done]" in reminder and "[Save update]" in reminder
    assert "⚠ There is no action 999" in card_text(every_kind["error"])
    digest = card_text(every_kind["digest"])
    assert "Action log digest" in digest and "- 1 · MH · due 31 March 2027" in digest
    assert all(b["data"]["m"] == "many" for b in buttons(every_kind["list"]))
    assert {b["data"]["m"] for b in buttons(every_kind["action"])} == {"one"}


def test_user_text_is_inert() -> None:
    assert escape("<at>Mac</at>") == "<\u200bat>Mac<\u200b/at>"
    assert escape("[x](https://e.example)") == "[x]\u200b(https://e.example)"
    assert escape("&lt;at&gt;") == "&\u200blt;at&\u200bgt;"
    card = render(Reply(title="t", items=(Item(title="Action 1", text="[a](b) <at>c</at>"),)))
    raw = json.dumps(card)
    assert "](" not in raw and "<at>" not in raw


@pytest.fixture
def node() -> str:
    """Node with the renderer's modules installed, or the test is skipped."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the Adaptive Cards renderer check needs it")
    if not (HERE / "node_modules" / "adaptivecards").is_dir() or not (
            HERE / "node_modules" / "jsdom").is_dir():
        pytest.skip(f"run `npm install --no-audit --no-fund` in {HERE} for the renderer check")
    return node


def test_microsofts_renderer_accepts_and_draws_every_card(
        node: str, every_kind: dict[str, dict[str, Any]], tmp_path: Path) -> None:
    files = []
    for name, card in every_kind.items():
        path = tmp_path / f"{name.replace(' ', '-')}.json"
        path.write_text(json.dumps(card))
        files.append(str(path))
    done = subprocess.run([node, str(RENDERER), *files], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    results = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(results) == len(files)
    for result in results:
        name = Path(result["file"]).stem
        assert result["warnings"] == [] and result["errors"] == [], (name, result)
        assert result["rendered"] and result["renderError"] is None, (name, result)
    drawn = {Path(r["file"]).stem: r["text"].replace("\u200b", "") for r in results}
    assert "Action 1 added" in drawn["action"] and "Done" in drawn["action"]
    assert "<at>fees</at>" in drawn["action"]
    assert "Download South East Adoption Board action log" in drawn["export-link"]
    assert "Import" in drawn["import-preview"]
    assert "Imported 1 new action" in drawn["import-result"]
