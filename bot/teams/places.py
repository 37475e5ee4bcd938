"""Remembering where Teams people and channels are, and who a mention names.

Every activity refreshes the sender's reference (and the channel's), so the scheduler can
reach them later; a personal chat also teaches us the person's 1:1 conversation. Blocking
database work: callers run these in a worker thread.
"""

from __future__ import annotations

from datetime import datetime

from bot.teams.activity import Mention, Turn, neutral_id
from storage import teams as store
from storage.members import memberships
from storage.models import Board
from storage.uow import UnitOfWork


def remember_turn(uow: UnitOfWork, turn: Turn, now: datetime) -> None:
    """Store (or refresh) the references this activity teaches: the sender, and the channel
    or group chat it came from. Members added alongside the bot are remembered too."""
    with uow.transaction() as session:
        store.remember(session, kind=store.PERSON, tenant_id=turn.tenant, target=turn.person,
                       service_url=turn.service_url, bot_id=turn.bot_id, now=now,
                       user_id=turn.user_id,
                       conversation_id=turn.conversation_id if turn.personal else None)
        if turn.place is not None:
            store.remember(session, kind=store.CHANNEL, tenant_id=turn.tenant, target=turn.place,
                           service_url=turn.service_url, bot_id=turn.bot_id, now=now,
                           conversation_id=_post_to(turn), team_id=turn.team_id,
                           channel_id=turn.channel_id)
        for member in turn.members_added:
            aad = str(member.get("aadObjectId") or "").lower()
            if aad and member.get("id") and member.get("id") != turn.bot_id:
                store.remember(session, kind=store.PERSON, tenant_id=turn.tenant, target=aad,
                               service_url=turn.service_url, bot_id=turn.bot_id, now=now,
                               user_id=str(member["id"]))


def remember_person(uow: UnitOfWork, turn: Turn, user_id: str, aad_id: str, now: datetime
                    ) -> None:
    """A mentioned person the connector told us about."""
    with uow.transaction() as session:
        store.remember(session, kind=store.PERSON, tenant_id=turn.tenant, target=aad_id,
                       service_url=turn.service_url, bot_id=turn.bot_id, now=now,
                       user_id=user_id)


def _post_to(turn: Turn) -> str:
    """A new post in a channel goes to the channel, not to the thread this came from."""
    return turn.channel_id or turn.conversation_id.split(";", 1)[0]


def known_people(uow: UnitOfWork, turn: Turn, mentions: list[Mention], now: datetime
                 ) -> dict[str, str]:
    """Teams id → Entra object id, for mentions whose entity or our records say it. A person
    the entity names is remembered, so reminders can reach them before they ever write."""
    found: dict[str, str] = {}
    with uow.transaction() as session:
        for mention in mentions:
            if mention.aad_id:
                found[mention.user_id] = mention.aad_id
                store.remember(session, kind=store.PERSON, tenant_id=turn.tenant,
                               target=mention.aad_id, service_url=turn.service_url,
                               bot_id=turn.bot_id, now=now, user_id=mention.user_id)
                continue
            row = store.person_by_user_id(session, turn.tenant, mention.user_id)
            if row is not None:
                found[mention.user_id] = row.target
    return found


def fallback_id(mention: Mention) -> str:
    """When nobody can tell us the Entra id: the Teams id, in mention-token characters."""
    return neutral_id(mention.user_id)


def boards_of(uow: UnitOfWork, turn: Turn) -> list[tuple[int, str]]:
    """The Teams boards the sender sits on, as (id, name), by name."""
    with uow.transaction() as session:
        ids = {m.board_id for m in memberships(session, "teams", turn.tenant, turn.person)}
        boards = [session.get(Board, i) for i in ids]
        return sorted(((b.id, b.name) for b in boards if b is not None),
                      key=lambda pair: pair[1].casefold())
