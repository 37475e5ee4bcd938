"""Every Slack view, modal and message builder and every Teams card builder, fed hostile
board names and texts in every slot a reply has: none of them may let a link, a ping, a
mention or an HTML entity form. (The same text through real HTTP is in the adapters' tests.)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from bot.slack import blocks as bk
from bot.slack import views
from bot.slack.minutes import _result_view
from bot.teams import cards
from handlers.forms import AddForm
from handlers.replies import Attachment, Button, Field, Item, Reply, Section, Tone

HOSTILE = (
    "<https://evil.example|Confirm your password>",
    "<!channel> <!here|here> <!subteam^S1>",
    "<@U0EVIL> <#C0EVIL|general>",
    "&lt;@U0EVIL&gt; &amp;",
    "<at>Mac Heath</at> [Confirm](https://evil.example)",
)


def hostile_reply(text: str) -> Reply:
    """``text`` in every slot of a reply: title, lines, fields, items, sections, footer."""
    item = Item(title=text, text=text, fields=(Field(text, text),), lines=(text,),
                buttons=(Button(label=text, intent="close", action_ref="1"),), board_id=1)
    return Reply(title=text, lines=(text,), fields=(Field(text, text),), items=(item, item),
                 buttons=(Button(label=text, intent="close", action_ref="1"),),
                 tone=Tone.INFO, footer=text, sections=(Section(text, (text, text)),),
                 file=Attachment(filename=f"{text}.csv", content=b"", mime="text/csv"))


def slack_views(text: str) -> Iterator[tuple[str, Any]]:
    reply = hostile_reply(text)
    yield "render", bk.render(reply)
    yield "card_blocks", bk.card_blocks(reply.items[0])
    yield "compact_block", bk.compact_block(reply.items[0])
    yield "add_modal", views.add_modal(AddForm(1, text, ((1, text),)), channel="C1", text=text)
    yield "home_view", views.home_view(reply)
    yield "update_modal", views.update_modal(board_id=1, ref=text, channel="C1", container={})
    yield "import result", _result_view(reply, confirm={"c": "C1"})


def mrkdwn_texts(node: Any) -> Iterator[str]:
    """Every string Slack reads as mrkdwn: ``mrkdwn`` objects, and a message's fallback
    (``render`` gives ``(fallback, blocks)``). ``plain_text`` is shown as typed."""
    if isinstance(node, tuple):
        fallback, node = node
        yield fallback
    if isinstance(node, dict):
        if node.get("type") == "mrkdwn":
            yield node["text"]
        for value in node.values():
            yield from mrkdwn_texts(value)
    elif isinstance(node, list):
        for value in node:
            yield from mrkdwn_texts(value)


@pytest.mark.parametrize("text", HOSTILE)
def test_no_slack_builder_lets_user_text_make_a_link_ping_or_mention(text: str) -> None:
    built = dict(slack_views(text))
    assert len(built) == 7
    seen = 0
    for name, view in built.items():
        for mrkdwn in mrkdwn_texts(view):
            seen += 1
            assert "<" not in mrkdwn and ">" not in mrkdwn, (name, mrkdwn)
            assert not re.search(r"&(?!amp;|lt;|gt;)", mrkdwn), (name, mrkdwn)
    assert seen > 10, "the sweep found mrkdwn to check"


def teams_cards(text: str) -> Iterator[tuple[str, Any]]:
    reply = hostile_reply(text)
    yield "render", cards.render(reply, board_id=1)
    yield "download_card", cards.download_card(reply, "https://bot.example/files/x")
    yield "summary", cards.summary(reply)


def card_texts(node: Any) -> Iterator[str]:
    """Card text Teams reads as markdown: TextBlocks and facts (a button's title is plain),
    and the notification summary."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        if node.get("type") == "TextBlock":
            yield node["text"]
        for fact in node.get("facts", ()):
            yield fact["title"]
            yield fact["value"]
        for value in node.values():
            if isinstance(value, (dict, list)):
                yield from card_texts(value)
    elif isinstance(node, list):
        for value in node:
            yield from card_texts(value)


SHOWN: dict[str, Callable[[str], bool]] = {
    "an <at> mention": lambda s: "<at" in s.lower(),
    "a markdown link": lambda s: "](" in s,
    "an HTML entity": lambda s: bool(re.search(r"&[#a-zA-Z]", s)),
    "a tag": lambda s: bool(re.search(r"<[a-zA-Z!@/]", s)),
}


@pytest.mark.parametrize("text", HOSTILE)
def test_no_teams_card_lets_user_text_make_a_link_mention_or_entity(text: str) -> None:
    seen = 0
    for name, card in teams_cards(text):
        for shown in card_texts(card):
            seen += 1
            for what, found in SHOWN.items():
                assert not found(shown), f"{name} shows {what}: {shown!r}"
    assert seen > 10
