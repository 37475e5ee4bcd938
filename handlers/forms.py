"""Forms that chat platforms draw (Slack modals, Teams task modules): what to offer, and how
a submitted form becomes a command. The platform only collects the fields."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from handlers.commands import AddAction
from handlers.context import Invocation
from handlers.dates import format_date, format_local, local_date, today_in
from handlers.dispatch import execute
from handlers.errors import UserError
from handlers.owners import OwnerRef, convention_owners
from handlers.replies import Reply
from storage.boards import board_for_channel
from storage.meetings import meetings_page
from storage.models import Board, Meeting
from storage.uow import UnitOfWork

FORM_MEETINGS = 8


@dataclass(frozen=True)
class AddForm:
    board_id: int
    board_name: str
    meetings: tuple[tuple[int, str], ...]


def add_form(uow: UnitOfWork, inv: Invocation, now: datetime) -> AddForm:
    """What the "add an action" form offers in this channel; UserError if it has no board."""
    with uow.transaction() as session:
        board = (session.get(Board, inv.board_id) if inv.board_id is not None else
                 board_for_channel(session, inv.platform, inv.workspace, inv.channel))
        if board is None:
            raise UserError("This channel does not keep a board's action log yet.",
                            example="/board setup Adoption Board")
        meetings = meetings_page(session, board.id, since=now, limit=FORM_MEETINGS)
        return AddForm(board.id, board.name,
                       tuple((m.id, format_local(m.starts_at, board.timezone)) for m in meetings))


@dataclass(frozen=True)
class AddSubmission:
    text: str
    owner_user_ids: tuple[str, ...] = ()
    due: date | None = None
    meeting_id: int | None = None


def submit_add(uow: UnitOfWork, inv: Invocation, form: AddSubmission, now: datetime) -> Reply:
    """Run the form as ``/action add``; the due date is the chosen meeting's day if no date."""
    text = " ".join(form.text.split())
    owners = tuple(OwnerRef(user_id=u) for u in form.owner_user_ids)
    due = form.due
    if due is None and form.meeting_id is not None:
        with uow.transaction() as session:
            meeting = session.get(Meeting, form.meeting_id)
            board = session.get(Board, meeting.board_id) if meeting else None
            if meeting is not None and board is not None:
                due = local_date(meeting.starts_at, board.timezone)
    command = AddAction(text=text, owners=owners or tuple(convention_owners(text)),
                        explicit_owners=bool(owners), due=due)
    shown = f"/action add {text}" + (f" by {format_date(due)}" if due else "")
    return execute(command, invocation=inv, uow=uow, now=now, command_text=shown)


def due_problem(due: date | None, tz: str, now: datetime) -> str | None:
    """A form's date-picker check: None if fine, else what to tell the person."""
    if due is not None and due < today_in(tz, now):
        return f"{format_date(due)} is in the past: pick a date from today on."
    return None
