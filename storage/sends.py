"""The send ledger's queries: claim before sending, confirm after, so each message goes once.

Each claim is its own short transaction: on PostgreSQL a unique-key clash aborts the
transaction it happens in, and a claim must never hold locks while a message is being sent.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.models import Send
from storage.uow import UnitOfWork

CLAIM_TIMEOUT = timedelta(minutes=10)
MAX_BACKOFF = timedelta(minutes=15)
FINAL = ("sent", "skipped")


@dataclass(frozen=True)
class Unit:
    """One thing owed to one recipient: a reminder, a chase of one action, a digest."""

    key: str
    kind: str
    board_id: int
    recipient: str
    slot_at: datetime
    member_id: int | None = None
    action_id: int | None = None
    meeting_id: int | None = None
    detail: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class Claim:
    """A unit taken for sending.

    ``resumed_since`` is set when an earlier attempt may already have put the message out:
    a claim that expired unconfirmed (its sender died between claiming and confirming), or a
    failed attempt (a timeout can come after the platform accepted the post). It is when that
    attempt began, which is where a notifier able to read back what it sent should start
    looking before sending again.
    """

    unit: Unit
    resumed_since: datetime | None = None
    delivered: frozenset[str] = frozenset()


def settled_keys(session: Session, keys: Sequence[str]) -> set[str]:
    """Keys already sent or skipped: nothing more is owed for them."""
    if not keys:
        return set()
    return set(session.scalars(select(Send.key).where(Send.key.in_(list(keys)),
                                                      Send.status.in_(FINAL))))


def chase_slots(
    session: Session, action_ids: Sequence[int]
) -> dict[int, list[tuple[datetime, str]]]:
    """Every chase slot recorded per action (sent or skipped), for working out the next."""
    slots: dict[int, list[tuple[datetime, str]]] = {}
    if not action_ids:
        return slots
    rows = session.execute(
        select(Send.action_id, Send.slot_at, Send.status)
        .where(Send.action_id.in_(list(action_ids)), Send.kind == "chase",
               Send.status.in_(("sent", "skipped")))
        .order_by(Send.slot_at)
    )
    for action_id, slot_at, status in rows:
        slots.setdefault(action_id, []).append((slot_at, status))
    return slots


def claim(uow: UnitOfWork, unit: Unit, *, worker: str, now: datetime) -> Claim | None:
    """Take the unit for sending; None if it is sent, skipped, or another worker holds it.

    A claim older than ``CLAIM_TIMEOUT`` that was never confirmed (the sender crashed) may be
    taken over, and a failed attempt retried once its back-off has passed; either way the
    result says since when the earlier attempt ran (``Claim.resumed_since``), because either
    may already have put the message out. Platforms a failed attempt is known to have reached
    are kept in ``detail["delivered"]`` and not sent to again.
    """
    try:
        with uow.transaction() as session:
            if _claim_new(session, unit, worker=worker, now=now):
                return Claim(unit)
            row = session.scalar(select(Send).where(Send.key == unit.key))
            if row is None or row.status in FINAL:
                return None
            if row.status == "claimed" and row.claimed_at and row.claimed_at > now - CLAIM_TIMEOUT:
                return None
            if row.status == "failed" and row.next_attempt_at and row.next_attempt_at > now:
                return None
            # Only a claimed or a failed row is left here: an earlier attempt ran.
            resumed_since = row.claimed_at
            taken = session.execute(
                update(Send)
                .where(Send.id == row.id, Send.status == row.status,
                       Send.attempts == row.attempts)
                .values(status="claimed", claimed_by=worker, claimed_at=now,
                        attempts=Send.attempts + 1)
            )
            delivered = frozenset((row.detail or {}).get("delivered", []))
            return Claim(unit, resumed_since, delivered) if taken.rowcount == 1 else None
    except IntegrityError:
        return None


# What a ledger row copies from its unit, whether it starts claimed or skipped.
_UNIT_COLUMNS = ("key", "kind", "board_id", "recipient", "member_id", "action_id", "meeting_id",
                 "slot_at")


def _columns_of(unit: Unit) -> dict[str, Any]:
    return {name: getattr(unit, name) for name in _UNIT_COLUMNS}


@lru_cache(maxsize=4)
def _claim_new_statement(dialect: str) -> Any:
    """INSERT … ON CONFLICT (key) DO NOTHING RETURNING id, built once per dialect."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    values = {name: bindparam(name) for name in (*_UNIT_COLUMNS, "claimed_by", "claimed_at",
                                                  "detail")}
    return (insert(Send).values(status="claimed", attempts=1, **values)
            .on_conflict_do_nothing(index_elements=[Send.key]).returning(Send.id))


def _claim_new(session: Session, unit: Unit, *, worker: str, now: datetime) -> bool:
    """The usual case, a key never claimed before, in one statement: nearly every message of
    a morning goes this way, and the scheduler's own time per message is what bounds how
    fast a morning goes out."""
    statement = _claim_new_statement(session.get_bind().dialect.name)
    return session.execute(statement, {
        **_columns_of(unit), "claimed_by": worker, "claimed_at": now, "detail": unit.detail,
    }).first() is not None


_MARK_SENT = (update(Send).where(Send.key.in_(bindparam("keys", expanding=True)))
              .values(status="sent", sent_at=bindparam("now"))
              .execution_options(synchronize_session=False))


def mark_sent(uow: UnitOfWork, keys: Iterable[str], *, now: datetime) -> None:
    with uow.transaction() as session:
        session.execute(_MARK_SENT, {"keys": list(keys), "now": now})


def mark_failed(uow: UnitOfWork, keys: Iterable[str], *, now: datetime, error: str,
                delivered: Iterable[str] = ()) -> None:
    """Release the claim for a later tick, backing off (at most 15 minutes between tries).

    It is retried for as long as it is still due; once its grace period has passed the
    scheduler records it as skipped. ``delivered`` names the platforms that did get it, so a
    retry does not send them a second copy.
    """
    done = sorted(set(delivered))
    with uow.transaction() as session:
        for row in session.scalars(select(Send).where(Send.key.in_(list(keys)))):
            before = (row.detail or {}).get("delivered", [])
            row.detail = {**(row.detail or {}), "error": error[:500],
                          "delivered": sorted(set(before) | set(done))}
            row.status = "failed"
            row.next_attempt_at = now + min(timedelta(minutes=2 ** min(row.attempts, 10)),
                                            MAX_BACKOFF)


def record_skipped(uow: UnitOfWork, unit: Unit, *, now: datetime, reason: str) -> bool:
    """Note a slot missed beyond its grace period, once; True if this call recorded it.

    A send that kept failing until its grace ran out is settled as skipped here too, so the
    next chase is worked out from it instead of waiting on it for ever.
    """
    try:
        with uow.transaction() as session:
            row = session.scalar(select(Send).where(Send.key == unit.key))
            if row is not None:
                if row.status in FINAL or (row.status == "claimed" and row.claimed_at
                                           and row.claimed_at > now - CLAIM_TIMEOUT):
                    return False
                row.status = "skipped"
                row.detail = {**(row.detail or {}), "reason": reason}
                return True
            session.add(Send(**_columns_of(unit), status="skipped", claimed_at=now, attempts=0,
                             detail={**unit.detail, "reason": reason}))
        return True
    except IntegrityError:
        return False


def unreached_since(session: Session, board_id: int, since: datetime,
                    limit: int = 20) -> list[tuple[str, str]]:
    """(recipient, last error) of people the scheduler could not reach lately: sends still
    failing, or given up when their grace ran out. The digest names them, so nobody is
    silently left without their reminders."""
    rows = session.execute(
        select(Send.recipient, Send.detail, Send.status)
        .where(Send.board_id == board_id, Send.slot_at >= since,
               Send.kind.in_(("reminder", "chase", "escalation")),
               Send.status.in_(("failed", "skipped")))
        .order_by(Send.slot_at.desc())
    )
    found: dict[str, str] = {}
    for recipient, detail, _status in rows:
        error = (detail or {}).get("error")
        if error and recipient not in found:
            found[recipient] = str(error)
        if len(found) >= limit:
            break
    return sorted(found.items())
