"""Reading the log: ``/action list`` (a page at a time, newest first) and ``/action show``."""

from __future__ import annotations

from handlers import cards
from handlers.actions import load_action
from handlers.commands import ListActions, Show
from handlers.dates import format_local
from handlers.errors import UserError
from handlers.members import find_member
from handlers.permissions import require_member
from handlers.replies import Reply
from handlers.scope import Scope
from storage.actions import PAGE_SIZE, outstanding_statuses, page_of_actions
from storage.history import ShownEvent, events_of_action
from storage.models import Status

SCOPE_TITLES = {
    "open": "Open actions",
    "all": "All actions and decisions",
    "mine": "Your open actions",
    "overdue": "Overdue actions",
    "closed": "Closed actions",
    "decisions": "Decisions",
}


def list_actions(cmd: ListActions, scope: Scope) -> Reply:
    require_member(scope, "list actions")
    filters: dict[str, object] = {"statuses": outstanding_statuses()}
    title = SCOPE_TITLES.get(cmd.scope, "")
    if cmd.scope == "all":
        filters["statuses"] = None
    elif cmd.scope == "closed":
        filters["statuses"] = [Status.CLOSED.value, Status.WITHDRAWN.value]
    elif cmd.scope == "decisions":
        filters["statuses"] = [Status.DECISION.value]
    elif cmd.scope == "overdue":
        filters["due_before"] = scope.today
    elif cmd.scope == "mine":
        if scope.member is None:
            raise UserError("“mine” needs to know who you are: you are not linked to a member.",
                            example="/action list @MH")
        filters.update(owner_member_id=scope.member.id, owner_label=scope.member.initials,
                       include_everyone=True)
    elif cmd.scope == "owner" and cmd.owner is not None:
        if cmd.owner.everyone:
            filters["owner_label"] = "All"
            title = "Open actions for All"
        else:
            member = find_member(scope, cmd.owner)
            label = member.initials if member else cmd.owner.initials
            if label is None:
                raise UserError("That person is not a member of this board.",
                                example="/action list @MH")
            filters.update(owner_member_id=member.id if member else None, owner_label=label)
            title = f"Open actions for {label}"
    rows, total = page_of_actions(scope.db, scope.board.id, page=cmd.page, **filters)
    pages = max(1, -(-total // PAGE_SIZE))
    if total == 0:
        return Reply(title=f"{title} on {scope.board.name}: none",
                     lines=("Add one with /action add MH to write to DfE by end of March",))
    if cmd.page > pages:
        raise UserError(f"There are only {pages} page(s) of {title.lower()}.",
                        example=f"/action list {cmd.scope} page {pages}")
    first = (cmd.page - 1) * PAGE_SIZE + 1
    footer = None
    if cmd.page < pages:
        scope_word = f"@{cmd.owner.shown}" if cmd.scope == "owner" and cmd.owner else cmd.scope
        footer = f"More: /action list {scope_word} page {cmd.page + 1}"
    tz, today = scope.board.timezone, scope.today
    return Reply(
        title=f"{title} on {scope.board.name} ({first}–{first + len(rows) - 1} of {total})",
        items=tuple(cards.action_item(a, tz, today) for a in rows),
        footer=footer,
    )


def describe_event(event: ShownEvent, tz: str) -> str:
    data = event.data or {}
    what = {
        "action.added": "added it",
        "decision.recorded": "recorded the decision",
        "action.closed": "closed it",
        "action.reopened": "reopened it",
        "action.updated": "updated it",
        "action.withdrawn": "withdrew it",
        "action.deferred": "deferred it",
        "action.due_changed": "changed the due date",
        "action.assigned": f"assigned it to {', '.join(data.get('after', []))}",
        "action.imported": "imported it",
        "action.deferral_moved": "moved its deferral (meeting cancelled)",
    }.get(event.kind, event.kind)
    note = data.get("note") or data.get("reason")
    tail = f": {note}" if note else ""
    return f"{format_local(event.at, tz)} — {event.actor_label} {what}{tail} ({event.platform})"


def show(cmd: Show, scope: Scope) -> Reply:
    require_member(scope, "see actions")
    action = load_action(scope, cmd.ref, for_update=False)
    events, total = events_of_action(scope.db, action.id)
    tz = scope.board.timezone
    lines = ["History:"] + [describe_event(e, tz) for e in events]
    if total > len(events):
        lines.insert(1, f"(latest {len(events)} of {total} changes)")
    return Reply(title=cards.title_of(action), lines=tuple(lines),
                 items=(cards.action_item(action, tz, scope.today),))
