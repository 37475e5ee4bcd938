"""The Teams endpoint: ``POST /api/messages`` on the shared Starlette app.

Order of checks for each request: the Bot Framework token (401, or 503 when every token
checker is busy) before a byte of the body is read; the body's size (413) and shape (400),
parsed in a worker thread; the token's service URL against the activity's (401); then the
activity's service URL against the allow-list and its tenant against ours (403); and only
then any work or database write. Commands answer in the thread they came from; card buttons
answer in the invoke response.

Built from the Teams SDK's parts (token manager, connector client) rather than its ``App``:
see ``auth`` for why, and ``connector`` for the retries it lacks.
"""

from __future__ import annotations

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
from bot.request_body import BodyTooLarge, read_limited, too_large
from bot.teams import auth, buttons
from bot.teams.activity import NotTeams, Turn, read_activity
from bot.teams.connector import RetryMiddleware, api_client, http_client
from bot.teams.service_urls import ServiceUrlPolicy
from bot.teams.turns import Turns
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)
MESSAGING_PATH = "/api/messages"
REPLY_RETRY_BUDGET = 8.0
MAX_ACTIVITY_BYTES = 512 * 1024
"""Teams caps a message at about 100 KB counted in UTF-16 (Microsoft's "Format your bot
messages"), i.e. 50,000 UTF-16 units, and the activity carries the text twice (``text`` and
its ``text/html`` attachment): at most 300 KB of UTF-8 even in a script of three-byte
characters, plus an envelope of a few kilobytes. A file comes as a download URL, never its
bytes. 512 KiB leaves room for all that; anything more is not Teams."""
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
            claims = await self.inbound.check(request.headers.get("authorization", ""))
        except auth.NotAuthorized:
            return _refuse(401, "Unauthorized")
        except auth.TooBusy:
            return _refuse(503, "Too many requests are waiting to be checked; try again.",
                           {"Retry-After": "5"})
        try:
            raw = await read_limited(request, MAX_ACTIVITY_BYTES)
        except BodyTooLarge as err:
            return too_large(err)
        try:
            turn = await run_in_threadpool(read_activity, raw)
        except NotTeams as err:
            log.warning("Teams activity refused: %s", err)
            return JSONResponse({"error": str(err)}, status_code=400)
        if self.inbound.enabled and not auth.same_service_url(claims, turn.service_url):
            log.warning("Teams request refused: the token was issued for another service URL")
            return _refuse(401, "Unauthorized")
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


def _refuse(status: int, error: str, headers: dict[str, str] | None = None) -> Response:
    """A refusal sent before the body was read: close the connection rather than read on."""
    return JSONResponse({"error": error}, status_code=status,
                        headers={"Connection": "close", **(headers or {})})


def build_teams(cfg: TeamsConfig, uow: UnitOfWork, *, base_url: str | None = None) -> TeamsBot:
    """The endpoint as ``actionbot serve`` runs it. Fetches nothing: keys and tokens come
    when the first request needs them."""
    return TeamsBot(cfg, uow, base_url=base_url)
