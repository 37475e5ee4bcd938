"""The Teams endpoint: ``POST /api/messages`` on the shared Starlette app.

Order of checks for each request: the Bot Framework token (401), then the activity's service
URL against the allow-list and its tenant against ours (403), and only then any work or
database write. Commands answer in the thread they came from; card buttons answer in the
invoke response.

Built from the Teams SDK's parts (token validator, token manager, connector client) rather
than its ``App``: see ``auth`` for why, and ``connector`` for the retries it lacks.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from microsoft_teams.common import Client
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.config import TeamsConfig
from bot.teams import auth, buttons
from bot.teams.activity import NotTeams, Turn, read_turn
from bot.teams.connector import RetryMiddleware, api_client, http_client
from bot.teams.service_urls import ServiceUrlPolicy
from bot.teams.turns import Turns
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)
MESSAGING_PATH = "/api/messages"
REPLY_RETRY_BUDGET = 8.0
_DEFAULT: Any = object()


class TeamsBot:
    """The messaging endpoint. Tests pass a clock, a token provider and an ``InboundAuth``
    (with a local signing key); production builds them all from ``TeamsConfig``."""

    def __init__(self, cfg: TeamsConfig, uow: UnitOfWork, *,
                 clock: Callable[[], datetime] | None = None,
                 token_provider: Any = _DEFAULT,
                 inbound: auth.InboundAuth | None = None,
                 http: Client | None = None, base_url: str | None = None) -> None:
        self.policy = ServiceUrlPolicy(cfg.extra_service_urls, open=cfg.insecure_no_auth)
        self.inbound = inbound or auth.InboundAuth.from_config(cfg)
        self.tokens = auth.token_provider(cfg) if token_provider is _DEFAULT else token_provider
        self.http = http or http_client(self.policy, RetryMiddleware(budget=REPLY_RETRY_BUDGET))
        self.tenant = None if cfg.insecure_no_auth else cfg.tenant_id
        self.turns = Turns(uow, clock or (lambda: datetime.now(UTC)), base_url=base_url,
                           file_urls=self.policy)

    def routes(self) -> list[Route]:
        return [Route(MESSAGING_PATH, self.messages, methods=["POST"])]

    async def messages(self, request: Request) -> Response:
        try:
            body = json.loads(await request.body())
        except (ValueError, UnicodeDecodeError):
            return JSONResponse({"error": "The body is not JSON."}, status_code=400)
        claimed = body.get("serviceUrl") if isinstance(body, dict) else None
        authorization = request.headers.get("authorization", "")
        if not await run_in_threadpool(self.inbound.accepts, authorization,
                                       claimed if isinstance(claimed, str) else None):
            return JSONResponse({"error": "Unauthorized"}, status_code=401)
        try:
            turn = read_turn(body)
        except NotTeams as err:
            return JSONResponse({"error": str(err)}, status_code=400)
        refused = self._refusal(turn)
        if refused:
            log.warning("Teams activity refused: %s", refused)
            return JSONResponse({"error": refused}, status_code=403)
        return await self._dispatch(turn)

    def _refusal(self, turn: Turn) -> str | None:
        if not self.policy.allows(turn.service_url):
            return f"service URL {turn.service_url[:200]!r} is not a Microsoft Teams one"
        if self.tenant is not None and turn.tenant != self.tenant:
            return f"tenant {turn.tenant[:60]!r} is not this bot's"
        return None

    async def _dispatch(self, turn: Turn) -> Response:
        api = api_client(turn.service_url, self.http, self.tokens)
        if turn.type == "message":
            await self.turns.on_message(turn, api)
        elif turn.type == "invoke" and turn.name == "adaptiveCard/action":
            return await buttons.on_card_action(self.turns, turn, api)
        elif turn.type == "conversationUpdate" or (
                turn.type == "installationUpdate" and turn.action in ("add", "add-upgrade")):
            await self.turns.on_install(turn, api)
        return Response(status_code=200)


def build_teams(cfg: TeamsConfig, uow: UnitOfWork, *, base_url: str | None = None) -> TeamsBot:
    """The endpoint as ``actionbot serve`` runs it. Fetches nothing: keys and tokens come
    when the first request needs them."""
    return TeamsBot(cfg, uow, base_url=base_url)
