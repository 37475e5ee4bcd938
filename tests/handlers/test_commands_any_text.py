"""Whatever is typed after ``/action`` or ``/board`` parses or raises a ``UserError``."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from handlers.commands import parse
from handlers.errors import UserError
from tests.handlers.parsing import TODAY

KEYWORDS = [
    "add", "assign", "close", "done", "complete", "reopen", "update", "due", "defer",
    "withdraw", "decision", "list", "show", "digest", "help", "setup", "member", "members",
    "meeting", "meetings", "settings", "remove", "move", "cancel", "to", "until", "by", "page",
    "open", "all", "mine", "overdue", "closed", "decisions", "chair", "vice", "vice-chair",
    "next", "end", "of", "March", "Q1", "0000", "@", "<@", "<@U1|Mac Heath>", "@MH", "MH",
    "58", "#58", "58b", "2058", "3/4", "1/13", "²", "١٢", "½", "\n", "\t",
]
TYPED = st.one_of(
    st.text(),
    st.text(min_size=500, max_size=5000),
    st.lists(st.sampled_from(KEYWORDS) | st.text(max_size=5), max_size=12).map(" ".join),
)


@settings(max_examples=300, deadline=None)
@given(TYPED)
def test_any_action_text_parses_or_raises_a_user_error(text: str) -> None:
    try:
        parse("action", text, today=TODAY)
    except UserError as err:
        assert err.message


@settings(max_examples=300, deadline=None)
@given(TYPED)
def test_any_board_text_parses_or_raises_a_user_error(text: str) -> None:
    try:
        parse("board", text, today=TODAY)
    except UserError as err:
        assert err.message
