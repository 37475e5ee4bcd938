"""How one action is shown: the same card in a reply, a list, a reminder or the digest."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from handlers.dates import format_date, format_month
from handlers.replies import Button, Field, Item
from storage.action_rows import MeetingTime, ShownAction
from storage.models import OUTSTANDING, Status


def ref_of(action: ShownAction) -> str:
    return f"{action.number}{chr(ord('a') + action.copy) if action.copy else ''}"


def title_of(action: ShownAction) -> str:
    noun = "Decision" if action.status == Status.DECISION else "Action"
    return f"{noun} {ref_of(action)}"


def owners_label(action: ShownAction) -> str:
    return ", ".join(o.label for o in action.owners) or "nobody yet"


def issued_label(action: ShownAction) -> str:
    if action.issued_precision == "month":
        return format_month(action.issued_on)
    return format_date(action.issued_on)


def status_label(action: ShownAction, tz: str) -> str:
    if action.status == Status.DEFERRED:
        if action.deferred_meeting is not None:
            day = format_date(local_date_of(action.deferred_meeting, tz))
            return f"Item for the {day} meeting"
        return f"Item in {action.deferred_label}" if action.deferred_label else "Deferred"
    label = {
        Status.OPEN: "Open",
        Status.ONGOING: "Ongoing",
        Status.CLOSED: "Closed",
        Status.WITHDRAWN: "Withdrawn",
        Status.DECISION: "DECISION",
    }.get(Status(action.status), action.status)
    return label


def is_overdue(action: ShownAction, today: date) -> bool:
    return action.status in OUTSTANDING and action.due_on is not None and action.due_on < today


def action_buttons(action: ShownAction) -> tuple[Button, ...]:
    if action.status not in OUTSTANDING:
        return ()
    ref = ref_of(action)
    return (
        Button("Done", "close", ref, primary=True),
        Button("Update", "update", ref, needs_input=True),
        Button("Snooze to next meeting", "defer", ref),
    )


def action_item(action: ShownAction, tz: str, today: date, *, buttons: bool = True) -> Item:
    fields = [Field("Owners", owners_label(action))]
    if action.status != Status.DECISION:
        due = format_date(action.due_on) if action.due_on else "not set"
        if is_overdue(action, today):
            due += " (overdue)"
        fields.append(Field("Due", due))
    fields.append(Field("Status", status_label(action, tz)))
    fields.append(Field("Issued", issued_label(action)))
    lines = (f"Note: {action.status_note}",) if action.status_note else ()
    return Item(
        title=title_of(action),
        text=action.text,
        fields=tuple(fields),
        buttons=action_buttons(action) if buttons else (),
        lines=lines,
        board_id=action.board_id,
    )


def one_line(action: ShownAction, today: date) -> str:
    """'58 · MH · due 5 May 2027 (overdue) · text' for digests and reminders."""
    parts = [ref_of(action), owners_label(action)]
    if action.due_on:
        parts.append(f"due {format_date(action.due_on)}" +
                     (" (overdue)" if is_overdue(action, today) else ""))
    parts.append(action.text)
    return " · ".join(parts)


def local_date_of(meeting: MeetingTime, tz: str) -> date:
    return meeting.starts_at.astimezone(ZoneInfo(tz)).date()
