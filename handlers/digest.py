"""The chair's digest: what is open (by owner), overdue, closed and decided since last time.

Built here once for ``/action digest`` and for the scheduler's pre-meeting post.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from handlers import cards
from handlers.commands import Digest
from handlers.dates import format_date, format_local, local_date, today_in
from handlers.permissions import require_member
from handlers.replies import Reply, Section
from handlers.scope import Scope
from storage.actions import changed_since, deferred_to, outstanding_statuses, page_of_actions
from storage.history import last_change_at
from storage.meetings import last_meeting, next_meeting
from storage.models import Board, Status
from storage.sends import unreached_since

DIGEST_LIMIT = 200
SINCE_FALLBACK = timedelta(days=90)


def build_digest(session: Session, board: Board, now: datetime) -> Reply:
    """The digest as of ``now``; capped at the newest 200 open actions to stay postable."""
    tz = board.timezone
    today = today_in(tz, now)
    upcoming = next_meeting(session, board.id, now)
    previous = last_meeting(session, board.id, now)
    since = previous.starts_at if previous else now - SINCE_FALLBACK
    open_rows, total = page_of_actions(session, board.id, page=1, page_size=DIGEST_LIMIT,
                                       statuses=outstanding_statuses())
    by_owner: dict[str, list[str]] = defaultdict(list)
    overdue = 0
    for action in open_rows:
        overdue += cards.is_overdue(action, today)
        if upcoming is not None and action.deferred_meeting_id == upcoming.id:
            continue  # listed once, under "Items for this meeting"
        for label in [o.label for o in action.owners] or ["No owner yet"]:
            by_owner[label].append(cards.one_line(action, today))
    sections = [Section(heading=owner, lines=tuple(lines))
                for owner, lines in sorted(by_owner.items(), key=lambda kv: kv[0].casefold())]
    if upcoming is not None:
        items = deferred_to(session, board.id, upcoming.id)
        if items:
            sections.append(Section("Items for this meeting",
                                    tuple(cards.one_line(a, today) for a in items)))
    closed = changed_since(session, board.id, [Status.CLOSED.value], since, DIGEST_LIMIT)
    if closed:
        sections.append(Section("Closed since the last meeting",
                                tuple(cards.one_line(a, today) for a in closed)))
    decided = changed_since(session, board.id, [Status.DECISION.value], since, DIGEST_LIMIT)
    if decided:
        sections.append(Section("Decided since the last meeting",
                                tuple(f"{a.number} · {a.text}" for a in decided)))
    unreached = unreached_since(session, board.id, since)
    if unreached:
        sections.append(Section("Not reached by reminders", tuple(
            f"{who}: {error[:200]}" for who, error in unreached)))
    lines = [f"{total} open action{'s' if total != 1 else ''}"
             + (f", {overdue} overdue" if overdue else "")]
    if total > len(open_rows):
        lines.append(f"Showing the newest {len(open_rows)}; see /action list for the rest.")
    if upcoming is not None:
        lines.append(f"Next meeting: {format_local(upcoming.starts_at, tz)}")
    changed = last_change_at(session, board.id)
    footer = (f"This action log was updated on {format_date(local_date(changed, tz))}."
              if changed else None)
    return Reply(title=f"Action log digest — {board.name}", lines=tuple(lines),
                 sections=tuple(sections), footer=footer)


def digest(cmd: Digest, scope: Scope) -> Reply:
    """Chair, vice-chair and secretary post it to the channel; others see it privately."""
    require_member(scope, "see the digest")
    reply = build_digest(scope.session, scope.board_entity(), scope.now)
    if scope.is_manager:
        return replace(reply, public=True)
    return reply
