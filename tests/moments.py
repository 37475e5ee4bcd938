"""The fixture board's calendar, for tests of what is due and what the scheduler sends.

The board (``tests.conftest.board``) meets on Wednesday 3 February 2027 at 10:30 London
time. In winter 09:00 in London is 09:00 UTC; in summer it is 08:00 UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.render_text import render
from handlers.replies import Reply, Tone
from tests.conftest import Chat

FIVE_DAYS_BEFORE = datetime(2027, 1, 27, 9, 0, tzinfo=UTC)
DIGEST_DAY = datetime(2027, 2, 1, 9, 0, tzinfo=UTC)
ONE_DAY_BEFORE = datetime(2027, 2, 2, 9, 0, tzinfo=UTC)
MEETING_STARTS = datetime(2027, 2, 3, 10, 30, tzinfo=UTC)
MINUTE = timedelta(minutes=1)
BOARD = "South East Adoption Board"


def utc(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def ok(chat: Chat, line: str, *, as_: str = "RE", now: datetime | None = None) -> Reply:
    """Type a command that must succeed."""
    reply = chat(line, as_=as_, now=now)
    assert reply.tone is not Tone.ERROR, render(reply)
    return reply
