"""``/board meeting add|list|move|cancel``: the calendar that reminders and deferrals hang on."""

from __future__ import annotations

import secrets
from datetime import date, datetime, time, timedelta

from handlers.commands import MeetingAdd, MeetingCancel, MeetingList, MeetingMove
from handlers.dates import (
    NextMeeting,
    format_date,
    format_local,
    format_month,
    local_date,
    parse_meeting_ref,
    parse_meeting_time,
    to_utc,
)
from handlers.errors import NotFound
from handlers.permissions import require_manager, require_member
from handlers.replies import Reply, Tone
from handlers.scope import Scope
from storage import meetings as store
from storage.actions import deferred_to
from storage.models import Meeting, Status

LIST_LIMIT = 25


def _day_bounds(day: date, days: int, tz: str) -> tuple[datetime, datetime]:
    start = to_utc(datetime.combine(day, time(0)), tz)
    return start, to_utc(datetime.combine(day + timedelta(days=days), time(0)), tz)


def find_meeting(scope: Scope, text: str, *, upcoming_only: bool) -> Meeting:
    """The meeting someone names: "next meeting", "5 May 2027" or "April 2027"."""
    target = parse_meeting_ref(text, scope.today)
    tz = scope.board.timezone
    if isinstance(target, NextMeeting):
        meeting = store.next_meeting(scope.session, scope.board.id, scope.now)
        if meeting is None:
            raise NotFound("No meeting is scheduled yet.",
                           example="/board meeting add 5 May 2027 10:30")
        return meeting
    day, precision = target
    if precision == "month":
        following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
        start, end = _day_bounds(day, (following - day).days, tz)
        label = format_month(day)
    else:
        start, end = _day_bounds(day, 1, tz)
        label = format_date(day)
    found = store.meetings_between(scope.session, scope.board.id, start, end)
    if upcoming_only:
        found = [m for m in found if m.starts_at >= scope.now]
    if not found:
        upcoming = store.meetings_page(scope.session, scope.board.id, since=scope.now, limit=3)
        listed = ", ".join(format_local(m.starts_at, tz) for m in upcoming) or "none scheduled"
        where = "in" if precision == "month" else "on"
        kind = "upcoming meeting" if upcoming_only else "meeting"
        raise NotFound(f"There is no {kind} {where} {label}. Upcoming: {listed}.",
                       example="/board meeting list")
    return found[0]


def add(cmd: MeetingAdd, scope: Scope) -> Reply:
    require_manager(scope, "add meetings")
    tz = scope.board.timezone
    starts_at, time_given = parse_meeting_time(cmd.when, tz, scope.now)
    same = store.meetings_between(scope.session, scope.board.id, starts_at,
                                  starts_at + timedelta(seconds=1))
    if same:
        return Reply(title=f"The {format_local(starts_at, tz)} meeting is already in the calendar",
                     lines=("Nothing was changed.",))
    meeting = store.add_meeting(scope.session, scope.board.id, starts_at, scope.now)
    scope.record("meeting.added", meeting_id=meeting.id, starts_at=starts_at.isoformat())
    lines = []
    if not time_given:
        day = format_date(local_date(starts_at, tz))
        lines.append("No time was given, so it is set for 10:00. Change it with "
                     f"/board meeting move {day} to {day} 14:00")
    if starts_at < scope.now:
        return Reply(title=f"Recorded the meeting held on {format_local(starts_at, tz)}",
                     lines=tuple(lines), tone=Tone.SUCCESS)
    return Reply(title=f"Meeting added: {format_local(starts_at, tz)}", lines=tuple(lines),
                 tone=Tone.SUCCESS, public=True)


def calendar_path(scope: Scope) -> str:
    """The board's secret calendar path; made on first use, so only members can learn it."""
    token = scope.board.settings.get("calendar_token")
    if not token:
        token = secrets.token_urlsafe(18)
        board = scope.board_entity()
        board.settings = {**(board.settings or {}), "calendar_token": token}
    return f"/calendar/{token}.ics"


def list_meetings(cmd: MeetingList, scope: Scope) -> Reply:
    require_member(scope, "see meetings")
    tz = scope.board.timezone
    since = datetime.min.replace(tzinfo=scope.now.tzinfo) if cmd.include_past else scope.now
    meetings = store.meetings_page(scope.session, scope.board.id, since=since, limit=LIST_LIMIT)
    if not meetings:
        return Reply(title=f"No {'' if cmd.include_past else 'upcoming '}meetings for "
                     f"{scope.board.name}", lines=("Add one: /board meeting add 5 May 2027 10:30",))
    lines = tuple(format_local(m.starts_at, tz) + (" (held)" if m.starts_at < scope.now else "")
                  for m in meetings)
    title = "Meetings" if cmd.include_past else "Upcoming meetings"
    footer = None
    if scope.invocation.base_url:
        footer = ("Add them to Outlook or Google Calendar: "
                  f"{scope.invocation.base_url.rstrip('/')}{calendar_path(scope)}")
    return Reply(title=f"{title} of {scope.board.name}", lines=lines, footer=footer)


def move(cmd: MeetingMove, scope: Scope) -> Reply:
    require_manager(scope, "move meetings")
    meeting = find_meeting(scope, cmd.which, upcoming_only=False)
    tz = scope.board.timezone
    starts_at, _ = parse_meeting_time(cmd.to, tz, scope.now)
    before = meeting.starts_at
    meeting.starts_at = starts_at
    scope.record("meeting.moved", meeting_id=meeting.id, before=before.isoformat(),
                 after=starts_at.isoformat())
    return Reply(title=f"Meeting moved from {format_local(before, tz)} to "
                 f"{format_local(starts_at, tz)}", tone=Tone.SUCCESS, public=True)


def cancel(cmd: MeetingCancel, scope: Scope) -> Reply:
    require_manager(scope, "cancel meetings")
    meeting = find_meeting(scope, cmd.which, upcoming_only=True)
    tz = scope.board.timezone
    meeting.cancelled = True
    scope.session.flush()
    scope.record("meeting.cancelled", meeting_id=meeting.id,
                 starts_at=meeting.starts_at.isoformat())
    lines = []
    items = deferred_to(scope.session, scope.board.id, meeting.id)
    if items:
        after = store.next_meeting(scope.session, scope.board.id, meeting.starts_at)
        for action in items:
            if after is not None:
                action.deferred_meeting_id = after.id
                action.deferred_meeting = after
            else:
                action.status = Status.OPEN.value
                action.deferred_meeting_id = None
            action.updated_at = scope.now
            scope.record("action.deferral_moved" if after else "action.reopened",
                         action_id=action.id, meeting_id=after.id if after else None,
                         note="its meeting was cancelled")
        numbers = ", ".join(str(a.number) for a in items)
        lines.append(f"Items deferred to it ({numbers}) now go to the "
                     f"{format_local(after.starts_at, tz)} meeting." if after else
                     f"Items deferred to it ({numbers}) are open again: no later meeting is set.")
    return Reply(title=f"Meeting of {format_local(meeting.starts_at, tz)} cancelled",
                 lines=tuple(lines), tone=Tone.SUCCESS, public=True)
