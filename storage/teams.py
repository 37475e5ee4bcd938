"""Where the bot can reach Teams channels and people: conversation references.

Teams gives a bot no way to message a channel or person it has not heard from, and the
address (service URL, conversation id) arrives only in their activities. Keeping them here,
not in memory, lets reminders and digests reach Teams after any restart and from any process.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.models import TeamsConversation

CHANNEL = "channel"
PERSON = "person"
_OPTIONAL = ("conversation_id", "user_id", "team_id", "channel_id")


def reference(session: Session, kind: str, tenant_id: str, target: str) -> TeamsConversation | None:
    """The stored reference of a channel (by binding key) or a person (by Entra object id)."""
    return session.scalar(select(TeamsConversation).where(
        TeamsConversation.kind == kind,
        TeamsConversation.tenant_id == tenant_id,
        TeamsConversation.target == target,
    ))


def person_by_user_id(session: Session, tenant_id: str, user_id: str) -> TeamsConversation | None:
    """A person by their Teams id (``29:…``), as mentions name them."""
    return session.scalar(select(TeamsConversation).where(
        TeamsConversation.kind == PERSON,
        TeamsConversation.tenant_id == tenant_id,
        TeamsConversation.user_id == user_id,
    ).limit(1))


def remember(
    session: Session,
    *,
    kind: str,
    tenant_id: str,
    target: str,
    service_url: str,
    bot_id: str,
    now: datetime,
    conversation_id: str | None = None,
    user_id: str | None = None,
    team_id: str | None = None,
    channel_id: str | None = None,
) -> TeamsConversation:
    """Insert or refresh a reference. A value not given (None) never erases a known one, so a
    channel message cannot forget the person's 1:1 chat that a personal message taught us."""
    given = {"service_url": service_url, "bot_id": bot_id, "conversation_id": conversation_id,
             "user_id": user_id, "team_id": team_id, "channel_id": channel_id}
    row = reference(session, kind, tenant_id, target)
    if row is None:
        row = TeamsConversation(kind=kind, tenant_id=tenant_id, target=target, updated_at=now,
                                **given)
        try:
            with session.begin_nested():
                session.add(row)
        except IntegrityError:
            row = reference(session, kind, tenant_id, target)
            if row is None:
                raise
        else:
            return row
    changed = False
    for name, value in given.items():
        if value is None and name in _OPTIONAL:
            continue
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    if changed:
        row.updated_at = now
        session.flush()
    return row
