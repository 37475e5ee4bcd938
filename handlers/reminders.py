"""What the scheduler owes people at a given moment: owner reminders before each meeting,
the pre-meeting digest, chases of overdue actions and the chair's notice of stubborn ones.

A plain function of (database, now). Every unit has a key naming what, whom and which slot,
so that the send ledger can make each one go out exactly once.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from itertools import zip_longest

from sqlalchemy.orm import Session

from handlers import cards, workdays
from handlers.dates import format_local, local_date, to_utc, today_in
from handlers.digest import build_digest
from handlers.policy import Policy, policy_of
from handlers.replies import Reply
from storage import schedule as store
from storage.actions import outstanding_statuses, page_of_actions
from storage.boards import boards_by_id
from storage.db import read_only
from storage.members import managers
from storage.models import Action, Board, ChannelBinding, Meeting, Member, Role
from storage.sends import Unit, chase_slots, settled_keys

# Far enough for the longest policy: 30 working days before a meeting across Christmas.
LOOKAHEAD = timedelta(days=75)
CHANNEL = "channel"


@dataclass(frozen=True)
class Address:
    """Where a message can reach someone: chat accounts of a member, or a board's channels."""

    platform: str
    workspace: str
    target: str
    is_channel: bool


@dataclass
class Outgoing:
    """One message to one recipient, made of one or more ledger units.

    ``resumed_since`` is set by the scheduler when an earlier attempt may already have put the
    message out (a claim that expired unconfirmed, or a failed attempt: see
    ``storage.sends.Claim``), so a notifier that can look should check before sending again.
    """

    kind: str
    board: Board
    recipient: str
    addresses: tuple[Address, ...]
    units: list[Unit]
    actions: list[int]
    reply: Reply
    slot_at: datetime
    resumed_since: datetime | None = None


@dataclass
class Plan:
    outgoing: list[Outgoing] = field(default_factory=list)
    missed: list[Unit] = field(default_factory=list)


def _slot(day: date, policy: Policy, tz: str) -> datetime:
    return to_utc(datetime.combine(day, policy.send_time), tz)


def _timing(slot_at: datetime, now: datetime, policy: Policy,
            deadline: datetime | None = None) -> str:
    """'later', 'due', or 'missed' (beyond the grace period, or the meeting has begun)."""
    if slot_at > now:
        return "later"
    if now - slot_at > policy.grace or (deadline is not None and now >= deadline):
        return "missed"
    return "due"


def _addresses(
    member: Member | None, board_channels: list[ChannelBinding], *, channel: bool
) -> tuple[Address, ...]:
    if channel or member is None:
        return tuple(Address(c.platform, c.workspace, c.channel, True) for c in board_channels)
    return tuple(Address(i.platform, i.workspace, i.user_id, False) for i in member.identities)


class _Builder:
    def __init__(self, session: Session, now: datetime) -> None:
        self.session, self.now = session, now
        self.plan = Plan()
        self.groups: dict[tuple[str, int, str], Outgoing] = {}
        self.owners: dict[int, dict[int, tuple[Member, list[Action]]]] = {}

    def add_unit(self, unit: Unit, timing: str, message: Outgoing) -> None:
        """File the unit under its message (one per kind, board and recipient)."""
        if timing == "missed":
            self.plan.missed.append(unit)
            return
        key = (unit.kind, unit.board_id, unit.recipient)
        self.groups.setdefault(key, message).units.append(unit)


def due(session: Session, now: datetime) -> Plan:
    """Everything due at ``now`` and not yet settled in the ledger.

    It only reads; first in its transaction, it makes that a read-only one, so that planning
    (about a second a minute for a thousand boards) keeps no command waiting on SQLite.
    """
    with read_only():
        return _due(session, now)


def _due(session: Session, now: datetime) -> Plan:
    builder = _Builder(session, now)
    meetings = store.meetings_starting(session, now, now + LOOKAHEAD)
    overdue = store.overdue_candidates(session, (now + timedelta(days=1)).date())
    board_ids = {m.board_id for m in meetings} | {a.board_id for a in overdue}
    boards = boards_by_id(session, board_ids)
    channels = store.channels_by_board(session, board_ids)
    reminding = {m.board_id for m in meetings if _reminders_begun(boards[m.board_id], m, now)}
    builder.owners = {board_id: _by_owner(actions) for board_id, actions
                      in store.reminded_actions(session, reminding).items()}
    for meeting in meetings:
        board = boards[meeting.board_id]
        _meeting_units(builder, board, meeting, channels.get(board.id, []))
    _chase_units(builder, boards, overdue, channels)
    plan = builder.plan
    candidates = [u.key for o in builder.groups.values() for u in o.units]
    candidates += [u.key for u in plan.missed]
    settled = settled_keys(session, candidates)
    plan.missed = [u for u in plan.missed if u.key not in settled]
    for outgoing in builder.groups.values():
        outgoing.units = [u for u in outgoing.units if u.key not in settled]
        if outgoing.units:
            plan.outgoing.append(outgoing)
    plan.outgoing = _spread(plan.outgoing)
    return plan


def _spread(outgoing: list[Outgoing]) -> list[Outgoing]:
    """The same order, but each person's (or channel's) messages as far apart as they can be.

    Chat platforms allow about one message a second per conversation; a sender waiting out
    one person's limit would otherwise hold up everyone queued behind them.
    """
    queues: dict[tuple[Address, ...], list[Outgoing]] = {}
    for message in outgoing:
        queues.setdefault(message.addresses, []).append(message)
    return [m for turn in zip_longest(*queues.values()) for m in turn if m is not None]


def _reminders_begun(board: Board, meeting: Meeting, now: datetime) -> bool:
    """Has the first owner reminder before this meeting come round (sent, due or missed)?"""
    policy = policy_of(board.settings)
    if not policy.reminder_days:
        return False
    day = local_date(meeting.starts_at, board.timezone)
    first = _slot(workdays.before(day, max(policy.reminder_days)), policy, board.timezone)
    return first <= now


def _digest_unit(b: _Builder, board: Board, meeting: Meeting,
                 board_channels: list[ChannelBinding], policy: Policy) -> None:
    tz = board.timezone
    day = local_date(meeting.starts_at, tz)
    digest_slot = _slot(workdays.before(day, policy.digest_days or 0), policy, tz)
    timing = _timing(digest_slot, b.now, policy, meeting.starts_at)
    if timing == "later":
        return
    unit = Unit(key=f"digest:{meeting.id}:{day}", kind="digest", board_id=board.id,
                recipient=CHANNEL, slot_at=digest_slot, meeting_id=meeting.id)
    b.add_unit(unit, timing, Outgoing(
        "digest", board, CHANNEL, _addresses(None, board_channels, channel=True), [], [],
        Reply(title=""), digest_slot))


def _meeting_units(
    b: _Builder, board: Board, meeting: Meeting, board_channels: list[ChannelBinding]
) -> None:
    policy = policy_of(board.settings)
    tz = board.timezone
    day = local_date(meeting.starts_at, tz)
    if policy.digest_days:
        _digest_unit(b, board, meeting, board_channels, policy)
    for days in sorted(set(policy.reminder_days), reverse=True):
        slot = _slot(workdays.before(day, days), policy, tz)
        timing = _timing(slot, b.now, policy, meeting.starts_at)
        if timing == "later":
            continue
        for member, actions in b.owners.get(board.id, {}).values():
            unit = Unit(key=f"reminder:{meeting.id}:{day}:{days}:{member.id}", kind="reminder",
                        board_id=board.id, recipient=member.initials, slot_at=slot,
                        member_id=member.id, meeting_id=meeting.id,
                        detail={"actions": [a.number for a in actions], "days": days})
            title = (f"Reminder: {board.name} meets on {format_local(meeting.starts_at, tz)} — "
                     f"your open actions")
            b.add_unit(unit, timing, Outgoing(
                "reminder", board, member.initials,
                _addresses(member, board_channels, channel=False), [], [], Reply(title=title),
                slot))


def _by_owner(actions: list[Action]) -> dict[int, tuple[Member, list[Action]]]:
    """Open and ongoing actions per member who owns them (an "All" action is the digest's)."""
    by_owner: dict[int, tuple[Member, list[Action]]] = {}
    for action in actions:
        for owner in action.owners:
            if owner.member is not None and owner.member.active:
                by_owner.setdefault(owner.member.id, (owner.member, []))[1].append(action)
    return by_owner


def _chair_for(session: Session, board: Board, action: Action) -> Member | None:
    """The chair; the vice-chair (else the secretary) when the chair owns the action."""
    people = {m.role: m for m in managers(session, board.id)}
    owner_ids = {o.member_id for o in action.owners}
    for role in (Role.CHAIR, Role.VICE_CHAIR, Role.SECRETARY):
        member = people.get(role.value)
        if member is not None and member.id not in owner_ids:
            return member
    return None


def _chase_units(b: _Builder, boards: dict[int, Board], overdue: list[Action],
                 channels: dict[int, list[ChannelBinding]]) -> None:
    history = chase_slots(b.session, [a.id for a in overdue])
    for action in overdue:
        board = boards[action.board_id]
        policy, tz = policy_of(board.settings), board.timezone
        if not policy.chase_interval_days:
            continue
        if action.due_on is None or action.due_on >= today_in(tz, b.now):
            continue
        past = [(local_date(at, tz), status) for at, status in history.get(action.id, [])
                if local_date(at, tz) > action.due_on]
        if past:
            last = max(day for day, _ in past)
            day = workdays.on_or_after(last + timedelta(days=policy.chase_interval_days))
        else:
            day = workdays.after(action.due_on)
        slot = _slot(day, policy, tz)
        timing = _timing(slot, b.now, policy)
        if timing == "later":
            continue
        number = len({d for d, status in past if status == "sent"}) + 1
        detail = {"actions": [action.number], "chase": number}
        board_channels = channels.get(board.id, [])
        recipients: dict[str, Member | None] = {}
        for owner in action.owners:
            if owner.member is not None and owner.member.active:
                recipients[owner.member.initials] = owner.member
            else:
                recipients[CHANNEL] = None
        if not recipients:
            recipients[CHANNEL] = None
        for label, member in recipients.items():
            unit = Unit(key=f"chase:{action.id}:{day}:{member.id if member else CHANNEL}",
                        kind="chase", board_id=board.id, recipient=label, slot_at=slot,
                        member_id=member.id if member else None, action_id=action.id,
                        detail=detail)
            b.add_unit(unit, timing, Outgoing(
                "chase", board, label, _addresses(member, board_channels, channel=member is None),
                [], [], Reply(title=""), slot))
        if policy.escalate_from_chase and number >= policy.escalate_from_chase:
            chair = _chair_for(b.session, board, action)
            if chair is None:
                continue
            unit = Unit(key=f"escalation:{action.id}:{day}:{chair.id}", kind="escalation",
                        board_id=board.id, recipient=chair.initials, slot_at=slot,
                        member_id=chair.id, action_id=action.id, detail=detail)
            b.add_unit(unit, timing, Outgoing(
                "escalation", board, chair.initials,
                _addresses(chair, board_channels, channel=False), [], [], Reply(title=""), slot))


def compose(session: Session, out: Outgoing, now: datetime) -> None:
    """Write the message for its units: after claiming, so it lists only what this sender
    owns; the digest is built as of the moment it goes out."""
    tz = out.board.timezone
    today = today_in(tz, now)
    if out.kind == "digest":
        out.reply = replace(build_digest(session, out.board, now), public=True)
        out.actions = _numbers_in_digest(session, out.board)
        return
    numbers = sorted({n for u in out.units for n in u.detail.get("actions", [])}, reverse=True)
    out.actions = numbers
    actions = store.reminded_actions_numbered(session, out.board.id, numbers)
    items = tuple(cards.action_item(a, tz, today) for a in actions)
    if out.kind == "reminder":
        out.reply = Reply(title=out.reply.title, items=items,
                          lines=("Mark each done, add an update, or snooze it to the next "
                                 "meeting.",))
    elif out.kind == "chase":
        chases = max(u.detail.get("chase", 1) for u in out.units)
        noun = f"Action {numbers[0]} is" if len(numbers) == 1 else f"{len(numbers)} actions are"
        out.reply = Reply(title=f"{noun} overdue on {out.board.name}", items=items,
                          lines=(f"Reminder no. {chases}. If it is done, mark it done; if "
                                 "the date no longer fits, set a new one with /action due.",))
    else:
        chases = max(u.detail.get("chase", 1) for u in out.units)
        listed = ", ".join(str(n) for n in numbers)
        out.reply = Reply(
            title=f"For the chair: action{'s' if len(numbers) > 1 else ''} {listed} on "
                  f"{out.board.name} still overdue after {chases} reminders",
            items=tuple(cards.action_item(a, tz, today, buttons=False) for a in actions),
        )


def _numbers_in_digest(session: Session, board: Board) -> list[int]:
    rows, _ = page_of_actions(session, board.id, page=1, page_size=200,
                              statuses=outstanding_statuses())
    return [a.number for a in rows]


def describe_missed(unit: Unit, board: Board) -> str:
    return (f"{unit.kind} for {unit.recipient} on {board.name}, due "
            f"{format_local(unit.slot_at, board.timezone)}, missed beyond the grace period")

