"""Whatever is typed after ``/action`` or ``/board`` parses or raises a ``UserError``; and,
run against a real board on SQLite and PostgreSQL, never goes wrong and never stores a value
longer than its field allows or holding a control character."""

from __future__ import annotations

import unicodedata
import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from handlers.commands import parse
from handlers.errors import UserError
from handlers.limits import (
    ACTION_TEXT_MAX,
    BOARD_NAME_MAX,
    INITIALS_MAX,
    MEMBER_NAME_MAX,
    NOTE_MAX,
)
from handlers.replies import Tone
from storage.models import Action, Board, Member
from tests.conftest import Chat
from tests.handlers.parsing import TODAY

KEYWORDS = [
    "add", "assign", "close", "done", "complete", "reopen", "update", "due", "defer",
    "withdraw", "decision", "list", "show", "digest", "help", "setup", "member", "members",
    "meeting", "meetings", "settings", "remove", "move", "cancel", "to", "until", "by", "page",
    "open", "all", "mine", "overdue", "closed", "decisions", "chair", "vice", "vice-chair",
    "next", "end", "of", "March", "Q1", "0000", "@", "<@", "<@U1|Mac Heath>", "@MH", "MH",
    "58", "#58", "58b", "2058", "3/4", "1/13", "²", "١٢", "½", "\n", "\t",
    "\x00", "\x1b]0;title\x07", "\x1b[2J", "\x9b", "\r\n", "\x0b", "\x85", "٣", "¹²", "ALL",
    "all", "ß" * 70, "timezone", "posix/Europe/London", "right/UTC", "localtime", "Europe/London",
    "chase", "grace", "reminders", "time", "09:00", "٠٩:٠٠", "name",
]
# Text with the characters that broke things: NUL and other controls, digits that are not
# 0-9, letters that grow when matched ("ß" → "ss").
AWKWARD = st.text(st.characters(codec="utf-8") | st.sampled_from(
    ["\x00", "\x1b", "\x07", "\x9b", "\x7f", "²", "٣", "ß", "ﬃ", "\n", "\t"]))
TYPED = st.one_of(
    st.text(),
    AWKWARD,
    st.text(min_size=90, max_size=300),  # across the 100- and 120-character limits
    st.text(min_size=500, max_size=5000),
    AWKWARD.map(lambda s: (s or "x") * (6000 // len(s or "x"))),
    st.lists(st.sampled_from(KEYWORDS) | AWKWARD.map(lambda s: s[:5]), max_size=12)
    .map(" ".join),
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


# The beginnings of commands that store what follows them.
STORING = [
    "/board settings name ", "/board member add ", "/board member add ZZ ",
    "/board member add <@U9|", "/board meeting add ", "/board settings ",
    "/board settings timezone ", "/action add ", "/action add KY to ", "/action decision ",
    "/action update 1 ", "/action close 1 ", "/action withdraw 1 ", "/action reopen 1 ",
    "/action defer 1 ", "/action due 1 ", "/action list page ",
]
LINES = st.tuples(st.sampled_from([*STORING, "/action ", "/board "]), TYPED).map("".join)


def assert_everything_stored_fits(chat: Chat) -> None:
    def clean(value: str | None, *, lines: bool = False) -> bool:
        allowed = "\n\t" if lines else ""
        return value is None or not any(
            unicodedata.category(c) == "Cc" and c not in allowed for c in value)

    with chat.uow.transaction() as session:
        for name, key in session.execute(select(Board.name, Board.name_key)):
            assert len(name) <= BOARD_NAME_MAX and len(key) <= 200 and clean(name), name
        for name, initials in session.execute(select(Member.name, Member.initials)):
            assert len(name) <= MEMBER_NAME_MAX and clean(name), name
            assert len(initials) <= INITIALS_MAX and initials.upper() != "ALL", initials
        for text, note in session.execute(select(Action.text, Action.status_note)):
            assert len(text) <= ACTION_TEXT_MAX and clean(text, lines=True), text
            assert note is None or len(note) <= NOTE_MAX and clean(note, lines=True), note


@settings(max_examples=120, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow, HealthCheck.data_too_large])
@given(line=LINES)
def test_any_line_on_a_real_board_is_answered_and_stores_only_what_fits(
    board: Chat, line: str,
) -> None:
    if board("/action show 1", as_="RE").tone is Tone.ERROR:
        board("/action add KY to draft the paper", as_="RE")

    reply = board(line, as_="RE")

    assert not reply.title.startswith("Something went wrong"), (line[:200], reply.lines)
    assert_everything_stored_fits(board)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow, HealthCheck.data_too_large])
@given(name=TYPED)
def test_any_new_boards_name_is_answered_and_stored_only_if_it_fits(
    chat: Chat, name: str,
) -> None:
    channel = Chat(chat.uow, channel=uuid.uuid4().hex)

    reply = channel(f"/board setup {name}", as_="RE")

    assert not reply.title.startswith("Something went wrong"), (name[:200], reply.lines)
    assert_everything_stored_fits(chat)
