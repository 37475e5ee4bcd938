"""Text printed to a terminal carries nothing the terminal would act on."""

from __future__ import annotations

import pytest

from bot.render_text import render, terminal_safe
from handlers.replies import Field, Reply


@pytest.mark.parametrize(("stored", "printed"), [
    ("a\x1b]0;pwned\x07b", "ab"),
    ("a\x1b]8;;https://example.org\x1b\\link\x1b]8;;\x1b\\b", "alinkb"),
    ("a\x1b[2J\x1b[1;31mred\x1b[0m", "ared"),
    ("x\x9b31my", "xy"),
    ("ends\x1b", "ends"),
    ("title\x1b]0;never closed\nnext line", "title\nnext line"),
    ("tab\tand\r\nline\x00\x7f", "tab\tand\nline"),
    ("£ ✓ — ß", "£ ✓ — ß"),
])
def test_nothing_a_terminal_acts_on_is_printed(stored: str, printed: str) -> None:
    assert terminal_safe(stored) == printed


def test_a_whole_reply_is_printed_safe() -> None:
    reply = Reply(title="Action 1 added\x1b]0;owned\x07", lines=("KY to \x1b[2Jdraft",),
                  fields=(Field("Board", "B\x9b1A"),))

    assert render(reply) == "Action 1 added\n  KY to draft\n  Board: B"
