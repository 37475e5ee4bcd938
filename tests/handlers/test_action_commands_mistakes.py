"""``/action`` mistakes: each says what is wrong, gives an example and changes nothing."""

from __future__ import annotations

import pytest

from handlers.replies import Tone
from tests.conftest import Chat
from tests.handlers.reading_back import history


@pytest.mark.parametrize(
    ("line", "title", "example"),
    [
        ("/action close", "Which action? Give its number after close.",
         "/action close 58 letter sent"),
        ("/action close abc", "“abc” is not an action number.", "/action close 58 letter sent"),
        ("/action frobnicate", "I don't know “/action frobnicate”. I know: add, assign, close, "
         "reopen, update, due, defer, withdraw, decision, list, show, digest, export, import, "
         "help.",
         "/action add MH to write to DfE by end of March"),
        ("/action 58", "Say what to do with action 58.", "/action close 58"),
        ("/action add", "What is the action?",
         "/action add MH to write to DfE @MH by end of March"),
        ("/action add @MH by 5 May", "What is the action? Only owners or a date were given.",
         "/action add MH to write to DfE @MH by end of March"),
        ("/action decision", "What was decided?",
         "/action decision Adopt the new terms of reference"),
        ("/action assign 1", "Name at least one owner.", "/action assign 58 @MH @RE"),
        ("/action assign 1 hello", "“hello” is not an owner: use initials or a mention.",
         "/action assign 58 @MH @RE"),
        ("/action due 1", "Give the new due date.", "/action due 1 end of March"),
        ("/action defer 1", "Say which meeting to defer it to.", "/action defer 1 next meeting"),
        ("/action defer 1 next blursday", "I can't read “next blursday” as a meeting date.",
         "/action defer 58 next meeting"),
        ("/todo list", "Commands start with /action or /board, not “todo”.", "/action help"),
    ],
)
def test_mistakes_say_what_is_wrong_and_give_an_example(
    board: Chat, line: str, title: str, example: str
) -> None:
    board("/action add MH to write to DfE", as_="KY")

    reply = board(line, as_="MH")

    assert reply.tone is Tone.ERROR
    assert not reply.public
    assert reply.title == title
    assert reply.lines == (f"For example: {example}",)
    assert len(history(board, 1)) == 1
    assert board("/action list all", as_="RE").title.endswith("(1–1 of 1)")
