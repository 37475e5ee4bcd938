"""Scheduled messages to Teams: reminders, chases and notices to people, digests to channels.

Addresses are looked up in the stored conversation references (``storage.teams``), so this
works after any restart. A person the bot has only seen in a channel gets a 1:1 chat created
for them (and remembered); one it has never heard from cannot be reached, which raises
``DeliveryError`` so the send ledger tries again later. Runs on the scheduler's thread: each
delivery is one short event loop with its own HTTP client.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from microsoft_teams.api import CreateConversationParams, MessageActivityInput

from bot.config import TeamsConfig
from bot.notify import DeliveryError
from bot.teams import auth
from bot.teams.cards import render, summary
from bot.teams.connector import RetryMiddleware, Sleep, api_client, http_client, message
from bot.teams.service_urls import ServiceUrlPolicy
from handlers.reminders import Address, Outgoing
from storage import teams as store
from storage.models import TeamsConversation
from storage.uow import UnitOfWork

PLATFORM = "teams"
RETRY_BUDGET = 60.0
_DEFAULT: Any = object()


@dataclass(frozen=True)
class _Target:
    ref_id: int
    tenant: str
    service_url: str
    bot_id: str
    conversation_id: str | None
    user_id: str | None


class TeamsNotifier:
    def __init__(self, cfg: TeamsConfig, uow: UnitOfWork, *, token_provider: Any = _DEFAULT,
                 sleep: Sleep = asyncio.sleep) -> None:
        self.uow = uow
        self.policy = ServiceUrlPolicy(cfg.extra_service_urls, open=cfg.insecure_no_auth)
        self.tokens = auth.token_provider(cfg) if token_provider is _DEFAULT else token_provider
        self.sleep = sleep

    def deliver(self, message: Outgoing) -> None:
        addresses = [a for a in message.addresses if a.platform == PLATFORM]
        if not addresses:
            raise DeliveryError(f"{message.recipient} on {message.board.name} has no Teams "
                                "account linked")
        targets = [self._target(a, message) for a in addresses]
        activity = _activity(message)
        created = asyncio.run(self._send_all(targets, activity))
        if created:
            with self.uow.transaction() as session:
                for ref_id, conversation_id in created.items():
                    row = session.get(TeamsConversation, ref_id)
                    if row is not None:
                        row.conversation_id = conversation_id

    def _target(self, address: Address, out: Outgoing) -> _Target:
        kind = store.CHANNEL if address.is_channel else store.PERSON
        with self.uow.transaction() as session:
            row = store.reference(session, kind, address.workspace, address.target)
            if row is None or not (row.conversation_id or row.user_id):
                where = ("the board's Teams channel" if address.is_channel
                         else f"{out.recipient} on {out.board.name}")
                raise DeliveryError(f"{where} cannot be reached in Teams yet: actionbot has not "
                                    "heard from them there (a message to it, or its install, "
                                    "teaches it where they are)")
            if not self.policy.allows(row.service_url):
                raise DeliveryError(f"the stored Teams service URL {row.service_url[:100]!r} "
                                    "is not on the allow-list")
            return _Target(row.id, row.tenant_id, row.service_url, row.bot_id,
                           row.conversation_id, row.user_id)

    async def _send_all(self, targets: list[_Target], activity: MessageActivityInput
                        ) -> dict[int, str]:
        """Send to every target; returns the 1:1 chats created on the way, by reference."""
        http = http_client(self.policy, RetryMiddleware(budget=RETRY_BUDGET, sleep=self.sleep))
        created: dict[int, str] = {}
        try:
            for target in targets:
                api = api_client(target.service_url, http, self.tokens)
                conversation_id = target.conversation_id
                try:
                    if conversation_id is None:
                        conversation_id = (await api.conversations.create(
                            _one_to_one(target))).id
                        created[target.ref_id] = conversation_id
                    await api.conversations.create_activity(conversation_id, activity)
                except Exception as err:  # noqa: BLE001 - the ledger retries it later
                    raise DeliveryError(f"Teams refused: {_reason(err)}") from err
        finally:
            await http.http.aclose()
        return created


def _activity(out: Outgoing) -> MessageActivityInput:
    return message(render(out.reply), summary=summary(out.reply))


def _one_to_one(target: _Target) -> CreateConversationParams:
    assert target.user_id is not None
    return CreateConversationParams.model_validate({
        "isGroup": False, "bot": {"id": target.bot_id}, "members": [{"id": target.user_id}],
        "tenantId": target.tenant, "channelData": {"tenant": {"id": target.tenant}}})


def _reason(err: Exception) -> str:
    response = getattr(err, "response", None)
    status = getattr(response, "status_code", None)
    if status is not None:
        return f"HTTP {status} from {str(getattr(response, 'url', ''))[:120]}"
    return f"{type(err).__name__}: {str(err)[:200]}"
