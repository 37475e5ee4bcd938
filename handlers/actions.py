"""Changing the log: ``/action add|decision|assign|close|reopen|update|due|defer|withdraw``.

Each function runs inside the command's one transaction (``Scope.session``): the change and
its history event are written together or not at all.
"""

from __future__ import annotations

import re
from datetime import date

from handlers import cards
from handlers.commands import (
    ActionRef,
    AddAction,
    Assign,
    Close,
    Decision,
    Defer,
    Reopen,
    SetDue,
    Update,
    Withdraw,
)
from handlers.dates import NextMeeting, format_date, format_local
from handlers.errors import NotFound, UserError
from handlers.limits import ACTION_TEXT, NOTE, checked
from handlers.meetings import find_meeting
from handlers.members import find_member, resolve_owners
from handlers.owners import MENTION_RE, OwnerRef
from handlers.permissions import require_member, require_owner_or_manager
from handlers.replies import Reply, Tone
from handlers.scope import Scope
from storage import actions as store
from storage.action_rows import ActionRow, MeetingRef
from storage.boards import allocate_action_number
from storage.meetings import next_meeting_ref
from storage.models import OUTSTANDING, Status


def load_action(scope: Scope, ref: ActionRef, *, for_update: bool = True) -> ActionRow:
    """The action a number names on this board; a repeated imported number must say which.

    Locked for the rest of the command unless ``for_update`` is False (reading only)."""
    found = store.actions_numbered(scope.db, scope.board.id, ref.number,
                                   for_update=for_update)
    if ref.copy is not None:
        found = [a for a in found if a.copy == ref.copy]
    if not found:
        latest = scope.board.last_action_number
        hint = f" The latest is {latest}." if latest else " The log is empty so far."
        raise NotFound(f"There is no action {ref} on {scope.board.name}.{hint}",
                       example="/action list all")
    if len(found) > 1:
        refs = " or ".join(cards.ref_of(a) for a in found)
        raise UserError(f"Action {ref.number} appears {len(found)} times in the imported log: "
                        f"say which, {refs}.", example=f"/action show {cards.ref_of(found[-1])}")
    return found[0]


def _card_reply(scope: Scope, action: ActionRow, title: str, *extra: str, public: bool = True,
                tone: Tone = Tone.SUCCESS) -> Reply:
    return Reply(title=title, lines=tuple(extra), public=public, tone=tone,
                 items=(cards.action_item(action, scope.board.timezone, scope.today),))


def _no_change(action: ActionRow, message: str) -> Reply:
    return Reply(title=f"{cards.title_of(action)} {message}", lines=("Nothing was changed.",))


def _resolve_due(scope: Scope, due: date | NextMeeting | None) -> date | None:
    if not isinstance(due, NextMeeting):
        return due
    meeting = next_meeting_ref(scope.db, scope.board.id, scope.now)
    if meeting is None:
        raise UserError("No meeting is scheduled, so “next meeting” has no date yet.",
                        example="/board meeting add 5 May 2027 10:30")
    return cards.local_date_of(meeting, scope.board.timezone)


def _move_to(scope: Scope, action: ActionRow, status: Status, event: str, *,
             note: str | None = None, meeting: MeetingRef | None = None,
             **data: object) -> ActionRow:
    """Change an action's status and record it, in the command's transaction; the action
    as it now stands.

    Any deferral is replaced: by ``meeting`` when deferring, else cleared.
    """
    changed = store.change_status(scope.db, action, status, now=scope.now, note=note,
                                  meeting=meeting)
    scope.record(event, action_id=action.id, before=action.status, note=note, **data)
    return changed


def _mentions_as_initials(text: str, scope: Scope) -> str:
    """Store ``<@U123>`` inside an action's text as the member's initials: stable and safe."""

    def swap(m: re.Match[str]) -> str:
        member = find_member(scope, OwnerRef(user_id=m.group(1)))
        return f"@{member.initials}" if member else m.group(0)

    return MENTION_RE.sub(swap, text)


def _note(note: str | None, example: str) -> str | None:
    """A note as stored: free text within ``NOTE_MAX``; an empty one is no note."""
    if note is None:
        return None
    return checked(note, NOTE, example=example).strip() or None


def add(cmd: AddAction, scope: Scope) -> Reply:
    require_member(scope, "add actions")
    example = "/action add MH to write to DfE"
    if not checked(cmd.text, ACTION_TEXT, example=example).strip():
        raise UserError("What is the action?", example=example)
    owners, unknown = resolve_owners(scope, cmd.owners, strict=cmd.explicit_owners)
    due = _resolve_due(scope, cmd.due)
    if due is not None and due < scope.today:
        raise UserError(f"{format_date(due)} is in the past. Give a due date from today on.")
    text = checked(_mentions_as_initials(cmd.text, scope), ACTION_TEXT, example=example)
    number = allocate_action_number(scope.db, scope.board.id)
    action = store.create_action(
        scope.db, board_id=scope.board.id, number=number, text=text, status=Status.OPEN,
        issued_on=scope.today, due_on=due, owners=owners, now=scope.now,
    )
    scope.record("action.added", action_id=action.id, text=text,
                 owners=[o.label for o in owners], due=due.isoformat() if due else None)
    notes = []
    if not owners:
        notes.append(f"No owner yet: assign one with /action assign {number} @MH")
    for initials in unknown:
        notes.append(f"{initials} is not a member of {scope.board.name} yet; kept as written. "
                     f"Add them with /board member add {initials} Their Name")
    return _card_reply(scope, action, f"Action {number} added", *notes)


def decision(cmd: Decision, scope: Scope) -> Reply:
    require_member(scope, "record decisions")
    example = "/action decision Adopt the new terms of reference"
    text = checked(_mentions_as_initials(cmd.text, scope), ACTION_TEXT, example=example).strip()
    if not text:
        raise UserError("What was decided?", example=example)
    number = allocate_action_number(scope.db, scope.board.id)
    action = store.create_action(
        scope.db, board_id=scope.board.id, number=number, text=text,
        status=Status.DECISION, issued_on=scope.today, due_on=None, owners=(), now=scope.now,
    )
    scope.record("decision.recorded", action_id=action.id, text=text)
    return _card_reply(scope, action, f"Decision {number} recorded")


def assign(cmd: Assign, scope: Scope) -> Reply:
    action = load_action(scope, cmd.ref)
    require_owner_or_manager(scope, action, "reassign it")
    if action.status == Status.DECISION:
        raise UserError(f"{cards.title_of(action)} is a decision; decisions have no owners.")
    owners, _ = resolve_owners(scope, cmd.owners, strict=True)
    before = [o.label for o in action.owners]
    after = [o.label for o in owners]
    if before == after:
        return _no_change(action, f"already belongs to {', '.join(after)}.")
    action = store.replace_owners(scope.db, action, owners, now=scope.now)
    scope.record("action.assigned", action_id=action.id, before=before, after=after)
    return _card_reply(scope, action, f"Action {cards.ref_of(action)} assigned to "
                       f"{', '.join(after)}")


def _require_outstanding(action: ActionRow, doing: str) -> None:
    if action.status == Status.DECISION:
        raise UserError(f"{cards.title_of(action)} is a decision: there is nothing to {doing}.")
    if action.status in (Status.CLOSED, Status.WITHDRAWN):
        raise UserError(
            f"Action {cards.ref_of(action)} is {action.status}. Reopen it first to {doing} it.",
            example=f"/action reopen {cards.ref_of(action)}",
        )


def close(cmd: Close, scope: Scope) -> Reply:
    action = load_action(scope, cmd.ref)
    require_owner_or_manager(scope, action, "close it")
    if action.status == Status.CLOSED:
        return _no_change(action, "is already closed.")
    _require_outstanding(action, "close")
    note = _note(cmd.note, f"/action close {cmd.ref} letter sent")
    action = _move_to(scope, action, Status.CLOSED, "action.closed", note=note,
                      meeting=action.deferred_meeting if action.status == Status.DEFERRED
                      else None)
    return _card_reply(scope, action, f"Action {cards.ref_of(action)} closed")


def reopen(cmd: Reopen, scope: Scope) -> Reply:
    action = load_action(scope, cmd.ref)
    require_owner_or_manager(scope, action, "reopen it")
    if action.status == Status.DECISION:
        raise UserError(f"{cards.title_of(action)} is a decision; it cannot be reopened.")
    if action.status in (Status.OPEN, Status.ONGOING):
        return _no_change(action, "is already open.")
    action = _move_to(scope, action, Status.OPEN, "action.reopened",
                      note=_note(cmd.note, f"/action reopen {cmd.ref} more to do"))
    return _card_reply(scope, action, f"Action {cards.ref_of(action)} reopened")


def update(cmd: Update, scope: Scope) -> Reply:
    action = load_action(scope, cmd.ref)
    require_member(scope, "update actions")
    _require_outstanding(action, "update")
    example = f"/action update {cmd.ref} draft shared with LH"
    note = _note(cmd.note, example)
    if note is None:
        raise UserError(f"Add a note saying where action {cmd.ref} has got to.",
                        example=example)
    if action.status == Status.ONGOING and action.status_note == note:
        return _no_change(action, "already has that update.")
    action = _move_to(scope, action, Status.ONGOING, "action.updated", note=note)
    return _card_reply(scope, action, f"Action {cards.ref_of(action)} updated: ongoing",
                       public=False)


def set_due(cmd: SetDue, scope: Scope) -> Reply:
    action = load_action(scope, cmd.ref)
    require_member(scope, "change due dates")
    _require_outstanding(action, "change the due date of")
    due = _resolve_due(scope, cmd.due)
    before = action.due_on.isoformat() if action.due_on else None
    action = store.change_due(scope.db, action, due, now=scope.now)
    scope.record("action.due_changed", action_id=action.id, before=before,
                 after=due.isoformat() if due else None)
    return _card_reply(scope, action, f"Action {cards.ref_of(action)} now due "
                       f"{format_date(due) if due else 'no date'}", public=False)


def defer(cmd: Defer, scope: Scope) -> Reply:
    action = load_action(scope, cmd.ref)
    require_member(scope, "defer actions")
    _require_outstanding(action, "defer")
    meeting = find_meeting(scope, cmd.to, upcoming_only=True)
    if action.status == Status.DEFERRED and action.deferred_meeting_id == meeting.id:
        return _no_change(action, "is already an item for that meeting.")
    action = _move_to(scope, action, Status.DEFERRED, "action.deferred",
                      meeting=MeetingRef(meeting.id, meeting.starts_at),
                      meeting_id=meeting.id, meeting_at=meeting.starts_at.isoformat())
    return _card_reply(scope, action, f"Action {cards.ref_of(action)} deferred to the "
                       f"{format_local(meeting.starts_at, scope.board.timezone)} meeting")


def withdraw(cmd: Withdraw, scope: Scope) -> Reply:
    action = load_action(scope, cmd.ref)
    require_owner_or_manager(scope, action, "withdraw it")
    if action.status == Status.WITHDRAWN:
        return _no_change(action, "is already withdrawn.")
    if action.status not in OUTSTANDING:
        raise UserError(f"{cards.title_of(action)} is {action.status}; only open actions can be "
                        "withdrawn.")
    reason = _note(cmd.reason, f"/action withdraw {cmd.ref} no longer needed")
    action = _move_to(scope, action, Status.WITHDRAWN, "action.withdrawn", note=reason,
                      reason=reason)
    return _card_reply(scope, action, f"Action {cards.ref_of(action)} withdrawn")
