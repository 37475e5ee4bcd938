"""Block Kit rendering within Slack's limits, and text that can never ping anyone.

Slack refuses a message of more than 50 blocks or a section of more than 3,000 characters
(``invalid_blocks``), so a long list or digest must be cut, never lost with an error. User text
is escaped wherever it appears (blocks and the notification fallback), and nothing the bot
sends asks Slack to turn names into mentions (``link_names``, ``parse=full``).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from typing import Any

from bot.slack.blocks import render
from handlers.replies import Button, Field, Item, Reply, Section, Tone
from tests.bot.slack.conftest import SlackHTTP
from tests.bot.slack.fake_slack import FakeSlack

Block = dict[str, Any]
TYPED = "<!channel> <!here> fees &amp; charges <https://evil.example|click>"
HOSTILE = ("<!channel> <!here> <@U123> <!everyone> <#C9|secret> <https://evil.example|x> "
           "fees & charges")


def action_item(n: int, text: str = "Write to DfE about fees") -> Item:
    ref = str(n)
    return Item(
        title=f"Action {n}", text=text,
        fields=(Field("Owners", "MH"), Field("Due", "5 May 2027"), Field("Status", "Open"),
                Field("Issued", "11 January 2027")),
        buttons=(Button("Done", "close", ref, primary=True),
                 Button("Update", "update", ref, needs_input=True),
                 Button("Snooze to next meeting", "defer", ref)),
        board_id=1,
    )


def texts(value: Any) -> Iterator[tuple[str, str]]:
    """Every (type, text) text object anywhere in a block structure."""
    if isinstance(value, dict):
        if value.get("type") in ("mrkdwn", "plain_text") and isinstance(value.get("text"), str):
            yield value["type"], value["text"]
        for child in value.values():
            yield from texts(child)
    elif isinstance(value, list):
        for child in value:
            yield from texts(child)


def section_lengths(blocks: list[Block]) -> list[int]:
    lengths = []
    for block in blocks:
        if block["type"] == "section":
            if "text" in block:
                lengths.append(len(block["text"]["text"]))
            lengths += [len(f["text"]) for f in block.get("fields", [])]
    return lengths


def assert_inert(text: str) -> None:
    """No Slack control sequence survives: no <!…>, <@…>, <#…> or <http…> tokens."""
    assert not re.search(r"<[!@#]|<https?:", text), text


def assert_escaped(mrkdwn: str) -> None:
    """Inert, and every ``&`` is the start of an escape Slack decodes back to a character."""
    assert_inert(mrkdwn)
    assert "&" not in re.sub(r"&(?:amp|lt|gt);", "", mrkdwn), mrkdwn


# ---- size ----------------------------------------------------------------------------------------
def test_a_page_of_25_actions_fits_in_one_message() -> None:
    reply = Reply(title="Open actions on South East Adoption Board (1–25 of 80)",
                  items=tuple(action_item(n) for n in range(25, 0, -1)),
                  footer="More: /action list open page 2")
    fallback, blocks = render(reply)

    assert len(blocks) <= 50
    assert fallback.startswith("Open actions on South East Adoption Board")
    shown = json.dumps(blocks)
    for n in range(1, 26):
        assert f"*Action {n}*" in shown, f"action {n} is missing"
    assert "More: /action list open page 2" in shown
    menus = [b["accessory"] for b in blocks if "accessory" in b]
    assert len(menus) == 25 and all(m["action_id"] == "ab.menu" for m in menus)


def test_sixty_items_are_cut_to_50_blocks_with_a_note_saying_so() -> None:
    reply = Reply(title="Open actions", items=tuple(action_item(n) for n in range(60, 0, -1)))
    _, blocks = render(reply)

    assert len(blocks) <= 50
    shown_items = [n for n in range(1, 61) if f"*Action {n}*" in json.dumps(blocks)]
    assert blocks[-1]["type"] == "context"
    note = blocks[-1]["elements"][0]["text"]
    hidden = 60 - len(shown_items)
    assert hidden > 0
    assert f"{hidden} more not shown" in note
    assert "/action list" in note
    assert shown_items == list(range(60 - len(shown_items) + 1, 61)), \
        "the first (newest) items are the ones kept"


def test_a_cut_keeps_the_footer() -> None:
    reply = Reply(title="Open actions", items=tuple(action_item(n) for n in range(60)),
                  footer="More: /action list open page 2")
    _, blocks = render(reply)
    assert len(blocks) <= 50
    assert "More: /action list open page 2" in json.dumps(blocks[-1])


def test_a_digest_with_very_long_text_keeps_every_section_under_3000_characters() -> None:
    long_line = "58 · MH · due 5 May 2027 · " + "write to DfE about the fees & charges " * 120
    reply = Reply(
        title="Action log digest — South East Adoption Board",
        lines=("200 open actions, 40 overdue", long_line),
        sections=(Section("MH", tuple(long_line for _ in range(6))),
                  Section("No owner yet", tuple(f"{n} · a short one" for n in range(300))),
                  Section("Decided since the last meeting", (long_line * 3,))),
        footer="This action log was updated on 11 January 2027.",
    )
    _, blocks = render(reply)

    assert len(blocks) <= 50
    lengths = section_lengths(blocks)
    assert lengths and max(lengths) <= 3000, max(lengths)
    for kind, text in texts(blocks):
        assert kind != "mrkdwn" or len(text) <= 3000


def test_a_single_card_with_very_long_text_and_fields_stays_within_limits() -> None:
    item = Item(title="Action 58", text="fees & charges " * 400,
                fields=tuple(Field(f"Field {n}", "value & more " * 300) for n in range(14)),
                lines=("Note: " + "progress " * 500,),
                buttons=(Button("Done", "close", "58"),))
    reply = Reply(title="Action 58 updated: ongoing", lines=("x" * 5000,), items=(item,),
                  fields=tuple(Field(f"F{n}", "y" * 2500) for n in range(12)))
    _, blocks = render(reply)

    assert len(blocks) <= 50
    assert max(section_lengths(blocks)) <= 3000
    for block in blocks:
        assert len(block.get("fields", [])) <= 10
        for f in block.get("fields", []):
            assert len(f["text"]) <= 2000


def test_button_labels_and_values_stay_within_limits() -> None:
    label = "Add Someone With A Very Long Display Name Indeed, Longer Than Slack Allows"
    reply = Reply(title="Nobody by that name", tone=Tone.ERROR,
                  buttons=(Button(label * 2, "member_add", "<@U1> AB " + "name " * 600),))
    _, blocks = render(reply)
    (button,) = blocks[-1]["elements"]
    assert len(button["text"]["text"]) <= 75
    assert len(button["value"]) <= 2000
    assert len(button["action_id"]) <= 255


# ---- escaping ------------------------------------------------------------------------------------
def test_user_text_is_escaped_everywhere_so_nothing_pings() -> None:
    item = Item(title=f"Action 1 {HOSTILE}", text=HOSTILE,
                fields=(Field("Owners", HOSTILE), Field(HOSTILE, "Open")),
                lines=(f"Note: {HOSTILE}",), buttons=(Button("Done", "close", "1"),),
                board_id=1)
    reply = Reply(title=f"Action 1 added: {HOSTILE}", lines=(HOSTILE,),
                  fields=(Field(HOSTILE, HOSTILE),), items=(item,),
                  sections=(Section(HOSTILE, (HOSTILE,)),), footer=HOSTILE,
                  tone=Tone.SUCCESS, public=True)
    fallback, blocks = render(reply)

    assert_escaped(fallback)
    assert "&amp; charges" in fallback
    for kind, text in texts(blocks):
        if kind == "mrkdwn":
            assert_escaped(text)
    shown = json.dumps(blocks, ensure_ascii=False)
    assert "&lt;!channel&gt;" in shown and "&lt;@U123&gt;" in shown
    assert "fees &amp; charges" in shown


def test_escaped_text_is_escaped_in_lists_and_errors_too() -> None:
    items = tuple(Item(title=f"Action {n}", text=HOSTILE, fields=(Field("Owners", HOSTILE),),
                       buttons=(Button("Done", "close", str(n)),)) for n in range(3))
    for reply in (Reply(title=HOSTILE, items=items),
                  Reply(title=f"No member has the initials {HOSTILE}", tone=Tone.ERROR,
                        lines=(f"For example: /board member add {HOSTILE}",))):
        fallback, blocks = render(reply)
        assert_escaped(fallback)
        for kind, text in texts(blocks):
            if kind == "mrkdwn":
                assert_escaped(text)


# ---- what goes over the wire ---------------------------------------------------------------------
def assert_never_asks_for_links(payload: dict[str, Any]) -> None:
    assert not payload.get("link_names"), payload
    assert payload.get("parse") != "full", payload


def test_nothing_the_bot_sends_turns_names_into_mentions(
    slack_board: SlackHTTP, fake_slack: FakeSlack
) -> None:
    replies = [
        slack_board.command(f"add KY to write to DfE {TYPED} by 5 May"),
        slack_board.command("add MH to brief the chair &amp; panel by 5 May", user="U2"),
        slack_board.command("list"),
        slack_board.command(f"update 1 <@U123> said {TYPED}", user="U3"),
        slack_board.command("show 1"),
        slack_board.command("digest", user="U2"),
    ]
    card = replies[0]["blocks"]
    close = next(e for b in card if b["type"] == "actions" for e in b["elements"]
                 if e["action_id"].startswith("ab.close."))
    slack_board.interactive({
        "type": "block_actions", "user": {"id": "U3", "team_id": "T1"}, "team": {"id": "T1"},
        "channel": {"id": "C1"}, "container": {"type": "message"}, "trigger_id": "t",
        "message": {"blocks": card}, "response_url": fake_slack.response_url,
        "actions": [{"type": "button", "action_id": close["action_id"],
                     "value": close["value"]}]})
    slack_board.event({"type": "app_home_opened", "user": "U3", "tab": "home"})
    deadline = time.monotonic() + 10
    while len(fake_slack.of("respond")) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)

    assert "Action 1 added" in replies[0]["text"]
    assert "&lt;@U123&gt; said @channel @here fees &amp; charges" in json.dumps(
        replies[4], ensure_ascii=False)
    for body in replies:
        assert_never_asks_for_links(body)
        assert_inert(json.dumps(body, ensure_ascii=False))
    methods = {c.method for c in fake_slack.calls}
    assert {"respond", "views.publish"} <= methods, methods
    for call in fake_slack.calls:
        assert_never_asks_for_links(call.args)
        if call.method in ("respond", "views.publish", "chat.postMessage"):
            assert_inert(json.dumps(call.args, ensure_ascii=False))
