"""A ready-made fictional board, so a newcomer sees the product in one command.

Everything is created through the real command handler, as members would type it, with the
clock set back for the older entries: the demo's history is the product's own history.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from handlers.context import Invocation
from handlers.dates import format_date, today_in
from handlers.dispatch import handle
from handlers.replies import Tone
from storage.boards import board_by_name
from storage.uow import UnitOfWork

DEMO_BOARD = "Demo Regional Adoption Board"
DEMO_SECRETARY = "RE"


def _script(now: datetime) -> list[tuple[int, str, str]]:
    """(days ago, who, command) in the order a real board would have typed them."""
    today = today_in("Europe/London", now)
    next_meeting = format_date(today + timedelta(days=16))
    last_meeting = format_date(today - timedelta(days=75))
    return [
        (90, "RE", "/board member add RE Rebecca Eligon secretary"),
        (90, "RE", "/board member add MH Mac Heath chair"),
        (90, "RE", "/board member add LH Lorna Hunt vice-chair"),
        (90, "RE", "/board member add KY Kevin Yong"),
        (90, "RE", "/board member add AC Amy Coombs"),
        (90, "RE", f"/board meeting add {last_meeting} 10:30"),
        (90, "RE", f"/board meeting add {next_meeting} 10:30"),
        (75, "MH", "/action add RE to contact IoW, Milton Keynes and Surrey about reps by "
                   "next week"),
        (75, "MH", "/action add JB and MS to share contact details for anti-racist practice "
                   "training"),
        (75, "RE", "/action add Terms of reference to be finalised and uploaded @RE "
                   "due in 3 weeks"),
        (75, "LH", "/action decision Regional fostering website paused until the care review"),
        (40, "RE", "/action close 3 uploaded to the SESLIP website"),
        (30, "KY", "/action add KY to circulate the PLO working group report by end of month"),
        (20, "MH", "/action add All to publicise the regional SG conference"),
        (10, "AC", "/action add Amy to draft the adopter sufficiency paper @AC due in 3 weeks"),
        (5, "RE", "/action update 1 two of three replied"),
        (1, "MH", "/action add MH to meet LP and RE to consider next steps"),
        (1, "MH", "/action defer 5 next meeting"),
    ]


def seed(uow: UnitOfWork, now: datetime | None = None) -> None:
    """Create the demo board once; a database that has it already is left alone."""
    now = now or datetime.now(UTC)
    with uow.transaction() as session:
        if board_by_name(session, DEMO_BOARD) is not None:
            return
    first = now - timedelta(days=90)
    founder = Invocation(platform="console", workspace="demo", channel="demo",
                         as_initials=DEMO_SECRETARY)
    reply = handle("board", f"setup {DEMO_BOARD}", invocation=founder, uow=uow, now=first)
    if reply.tone is Tone.ERROR:
        raise RuntimeError(f"demo set-up failed: {reply.title}")
    for days_ago, who, line in _script(now):
        inv = Invocation(platform="console", workspace="demo", channel="demo", as_initials=who)
        root, _, text = line.lstrip("/").partition(" ")
        reply = handle(root, text, invocation=inv, uow=uow, now=now - timedelta(days=days_ago))
        if reply.tone is Tone.ERROR:
            raise RuntimeError(f"demo step {line!r} failed: {reply.title}")
