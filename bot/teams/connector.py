"""Talking to the Bot Framework connector (Teams' REST API) through the Teams SDK's client,
with the two things the SDK does not do: the service-URL allow-list and backing off.

Teams publishes no fixed rate limit and answers 429 (or a 5xx when busy), sometimes with
Retry-After. The SDK raises on the first one, so a middleware waits and tries again, a few
times and within a time budget: a reply typed in a channel must not hang for minutes, and the
scheduler's send ledger retries anything still failing on a later tick.
"""

from __future__ import annotations

import asyncio
import logging
import random
import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
from microsoft_teams.api import ApiClient, MessageActivityInput
from microsoft_teams.common import Client, ClientOptions
from microsoft_teams.common.http.client import MiddlewareContext, MiddlewareNext

from bot.teams.service_urls import ServiceUrlPolicy

log = logging.getLogger(__name__)
USER_AGENT = "actionbot"
TIMEOUT_SECONDS = 15.0
Sleep = Callable[[float], Awaitable[None]]


def retry_after(response: httpx.Response) -> float | None:
    """Seconds the service asked us to wait: Retry-After as seconds or as an HTTP date."""
    raw = response.headers.get("Retry-After", "").strip()
    if not raw:
        return None
    if re.fullmatch(r"[0-9]{1,6}(\.[0-9]{1,6})?", raw):
        return float(raw)
    try:
        when = parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


class RetryMiddleware:
    """On 429 and 5xx, wait and send again: at most ``retries`` times and ``budget`` seconds.

    The wait is Retry-After when given, else exponential backoff with jitter from ``base``.
    A wait that would overrun the budget is not started: the error goes to the caller.
    """

    def __init__(self, *, retries: int = 3, budget: float = 20.0, base: float = 1.0,
                 sleep: Sleep = asyncio.sleep) -> None:
        self.retries, self.budget, self.base, self.sleep = retries, budget, base, sleep

    async def send(self, context: MiddlewareContext, next: MiddlewareNext) -> httpx.Response:
        attempt, waited = 0, 0.0
        while True:
            try:
                return await next()
            except httpx.HTTPStatusError as err:
                delay = self._delay(err.response, attempt, waited)
                if delay is None:
                    raise
                log.warning("Teams answered %s to %s %s; trying again in %.1f s",
                            err.response.status_code, context.method, context.url[:120], delay)
            await self.sleep(delay)
            attempt, waited = attempt + 1, waited + delay

    def _delay(self, response: httpx.Response, attempt: int, waited: float) -> float | None:
        """How long to wait before the next try, or None to give up."""
        status = response.status_code
        if (status != 429 and status < 500) or attempt >= self.retries:
            return None
        delay = retry_after(response)
        if delay is None:
            delay = self.base * 2 ** attempt * random.uniform(0.5, 1.0)
        return None if waited + delay > self.budget else delay


class AllowListMiddleware:
    """Refuses, before any token is attached, a call to a host outside the allow-list."""

    def __init__(self, policy: ServiceUrlPolicy) -> None:
        self.policy = policy

    async def send(self, context: MiddlewareContext, next: MiddlewareNext) -> httpx.Response:
        self.policy.check(context.url)
        return await next()


def http_client(policy: ServiceUrlPolicy, retry: RetryMiddleware) -> Client:
    """The SDK's HTTP client with our middlewares; the allow-list is outermost."""
    client = Client(ClientOptions(headers={"User-Agent": USER_AGENT}, timeout=TIMEOUT_SECONDS))
    if not policy.open:
        client.use(AllowListMiddleware(policy))
    client.use(retry)
    return client


def api_client(service_url: str, http: Client, token_provider: Any | None) -> ApiClient:
    """A connector client for one service URL; no token provider means no Authorization."""
    return ApiClient(service_url, http, token_provider=token_provider)


def message(card: dict[str, Any], *, summary: str, reply_to: str | None = None
            ) -> MessageActivityInput:
    """A message activity carrying one Adaptive Card."""
    body: dict[str, Any] = {
        "type": "message",
        "summary": summary,
        "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive",
                         "content": card}],
    }
    if reply_to:
        body["replyToId"] = reply_to
    return MessageActivityInput.model_validate(body)
