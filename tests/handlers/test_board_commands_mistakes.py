"""``/board`` mistakes: each says what is wrong, gives an example and changes nothing."""

from __future__ import annotations

import pytest

from handlers.replies import Tone
from tests.conftest import Chat
from tests.handlers.reading_back import members, reply_fields, upcoming


@pytest.mark.parametrize(
    ("line", "title", "example"),
    [
        ("/board setup", "Give the board a name.", "/board setup South East Adoption Board"),
        ("/board frob", "I don't know “/board frob”. I know: setup, member, meeting, settings, "
         "help.", "/board member add @mac MH Mac Heath chair"),
        ("/board member add", "Give the member's initials and name.",
         "/board member add MH Mac Heath chair"),
        ("/board member remove", "Say whom to remove, by initials or mention.",
         "/board member remove MH"),
        ("/board member frob", "I don't know “/board member frob”: use add, remove or list.",
         "/board member add MH Mac Heath chair"),
        ("/board meeting add", "When is the meeting?", "/board meeting add 5 May 2027 10:30"),
        ("/board meeting add next blursday", "I can't read “next blursday” as a date and time.",
         "/board meeting add 10 February 2027 10:30"),
        ("/board meeting add 58", "I can't read “58” as a date and time.",
         "/board meeting add 10 February 2027 10:30"),
        ("/board meeting move 5 May", "Say which meeting and when it moves to.",
         "/board meeting move 5 May 2027 to 12 May 2027 14:00"),
        ("/board meeting cancel", "Say which meeting to cancel.",
         "/board meeting cancel 5 May 2027"),
        ("/board meeting frob", "I don't know “/board meeting frob”: use add, list, move or "
         "cancel.", "/board meeting add 5 May 2027 10:30"),
        ("/board settings timezone Mars/Base", "“Mars/Base” is not a timezone I know: give a "
         "place name from the IANA list, such as Europe/London or America/New_York.",
         "/board settings timezone Europe/London"),
    ],
)
def test_mistakes_say_what_is_wrong_and_give_an_example(
    board: Chat, line: str, title: str, example: str
) -> None:
    reply = board(line, as_="RE")

    assert reply.tone is Tone.ERROR
    assert not reply.public
    assert reply.title == title
    assert reply.lines == (f"For example: {example}",)
    assert len(members(board)) == 5
    assert upcoming(board) == ["3 February 2027, 10:30"]
    assert reply_fields(board("/board settings", as_="RE"))["Timezone"] == "Europe/London"
