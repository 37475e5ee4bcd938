"""Both directions of Teams authentication, built from explicit settings only.

Inbound: every request to /api/messages carries a Bot Framework JWT, checked as Microsoft's
"Authenticate requests from the Bot Connector service" page says: signed by a key published
at the cloud's ``/.well-known/keys``, issuer the Bot Framework's, audience our client id, not
expired (five minutes' skew), and its ``serviceurl`` claim the activity's. Outbound: the
SDK's token manager gets an app token with the client secret (MSAL, cached until it expires).

The check is our own few lines of PyJWT rather than the SDK's ``InboundActivityTokenValidator``
because that one cannot be bounded: its key client waits 30 s per fetch behind a lock (60
forged requests against a silent key endpoint made an unrelated download time out), it logs
an error line of its own for every forged token, and a token claiming an Entra issuer makes
it build a new key client (a fresh fetch) for whatever tenant the token names. actionbot is
a classic bot: Teams sends it Bot Framework tokens only.

The SDK's ``App`` would also read CLIENT_ID/CLIENT_SECRET from the environment (and from a
``.env`` file), and a client id without a secret makes it use managed identity, which fetches
tokens. So nothing here comes from the environment, and ``TEAMS_INSECURE_NO_AUTH`` means no
check and no token provider at all. Keys and tokens are fetched when first needed, never at
start-up.
"""

from __future__ import annotations

import asyncio
import logging
import re
import threading
import time
import warnings
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import jwt
from microsoft_teams.api import ClientCredentials
from microsoft_teams.api.auth.cloud_environment import PUBLIC, CloudEnvironment

with warnings.catch_warnings():
    # Importing the SDK's apps package announces preview features we do not use.
    warnings.simplefilter("ignore")
    from microsoft_teams.apps.token_manager import TokenManager
    from microsoft_teams.apps.token_provider import AppTokenProvider

from bot.config import TeamsConfig

log = logging.getLogger(__name__)

KEY_FETCH_TIMEOUT = 4.0
"""Seconds each step of fetching Microsoft's keys may take (PyJWT's default is 30). The key
set is a few kilobytes, fetched once in five minutes; four seconds is ample for it."""
FAILED_FETCH_PAUSE = 10.0
"""After a failed fetch, checks needing the keys fail at once for this long instead of each
waiting out its own timeout behind the key client's lock."""
CHECK_DEADLINE = KEY_FETCH_TIMEOUT + 2.0
"""A request is answered 401 by then whatever the key endpoint is doing (one that trickles
a byte at a time never trips a per-step timeout)."""
CHECKERS = 4
"""Threads of our own for token checks, so a silent key endpoint holds these and never the
pool that database work, other routes and Slack share. A check with the keys cached takes
well under a millisecond of CPU, so four keep up with any real Teams traffic."""
CHECKS_WAITING = 32
"""Checks running or queued at once; the next request is answered 503 at once."""
LEEWAY_SECONDS = 300
_BEARER = re.compile(r"(?i:bearer) +([A-Za-z0-9_.~+/=-]{1,8192})")


class NotAuthorized(Exception):
    """Answer 401: no token, a token that does not check out, or keys not to be had."""


class TooBusy(Exception):
    """Answer 503: every token checker is taken (usually: Microsoft's keys are not coming)."""


def token_provider(cfg: TeamsConfig, cloud: CloudEnvironment = PUBLIC) -> Any | None:
    """App tokens for the connector, or None when authentication is switched off."""
    if cfg.insecure_no_auth:
        return None
    assert cfg.client_id and cfg.client_secret and cfg.tenant_id, "Config checked all three"
    credentials = ClientCredentials(client_id=cfg.client_id, client_secret=cfg.client_secret,
                                    tenant_id=cfg.tenant_id)
    return AppTokenProvider(TokenManager(credentials, cloud), cloud)


def bearer_token(authorization: str) -> str | None:
    """The token of an ``Authorization: Bearer …`` header, or None: read before the body."""
    found = _BEARER.fullmatch(authorization.strip())
    return found.group(1) if found else None


class SigningKeys(jwt.PyJWKClient):
    """Microsoft's published signing keys (PyJWT caches them five minutes), fetched with a
    short timeout, and not asked for again for a few seconds after they could not be had."""

    def __init__(self, uri: str) -> None:
        super().__init__(uri, timeout=KEY_FETCH_TIMEOUT)
        self._failed_at: float | None = None

    def fetch_data(self) -> Any:
        if self._failed_at is not None and (
                time.monotonic() - self._failed_at < FAILED_FETCH_PAUSE):
            raise jwt.PyJWKClientConnectionError("the signing keys were unreachable just now")
        try:
            data = super().fetch_data()
        except (jwt.PyJWTError, OSError, ValueError) as err:
            # PyJWT wraps only some network errors; a reset or a non-JSON answer is one too.
            self._failed_at = time.monotonic()
            raise jwt.PyJWKClientConnectionError(str(err)[:200]) from err
        self._failed_at = None
        return data


class InboundAuth:
    """Decides whether a request really comes from the Bot Framework for this bot.

    ``check`` runs in threads of its own (``CHECKERS``), at most ``CHECKS_WAITING`` at once,
    and answers within ``CHECK_DEADLINE``: a forged token never waits in line behind Slack."""

    def __init__(self, client_id: str | None, cloud: CloudEnvironment = PUBLIC) -> None:
        self.client_id = client_id
        self.issuer = cloud.token_issuer
        self.keys = SigningKeys(re.sub(r"/openidconfiguration$", "/keys",
                                       cloud.openid_metadata_url)) if client_id else None
        self._pool = ThreadPoolExecutor(CHECKERS, thread_name_prefix="teams-token")
        self._places = threading.BoundedSemaphore(CHECKS_WAITING)

    @classmethod
    def from_config(cls, cfg: TeamsConfig, cloud: CloudEnvironment = PUBLIC) -> InboundAuth:
        if cfg.insecure_no_auth:
            return cls(None)
        assert cfg.client_id, "Config checked it"
        return cls(cfg.client_id, cloud)

    @property
    def enabled(self) -> bool:
        return self.client_id is not None

    async def check(self, authorization: str) -> dict[str, Any]:
        """The token's claims; ``NotAuthorized`` or ``TooBusy`` otherwise. Needs no body, so
        a stranger is refused before a byte of theirs is read."""
        if not self.enabled:
            return {}
        raw = bearer_token(authorization)
        if raw is None:
            raise NotAuthorized("no Bearer token")
        if not self._places.acquire(blocking=False):
            log.warning("Teams request refused: %d token checks already waiting",
                        CHECKS_WAITING)
            raise TooBusy
        job: Future[dict[str, Any]] = self._pool.submit(self._claims, raw)
        job.add_done_callback(lambda _: self._places.release())
        try:
            return await asyncio.wait_for(asyncio.wrap_future(job), CHECK_DEADLINE)
        except TimeoutError:
            log.warning("Teams request refused: the token could not be checked in %.0f s",
                        CHECK_DEADLINE)
            raise NotAuthorized("token check timed out") from None

    def _claims(self, raw: str) -> dict[str, Any]:
        """Blocking: may fetch the keys."""
        assert self.keys is not None and self.client_id is not None
        try:
            key = self.keys.get_signing_key_from_jwt(raw)
            return jwt.decode(raw, key.key, algorithms=["RS256"], issuer=self.issuer,
                              audience=[self.client_id, f"api://{self.client_id}",
                                        f"api://botid-{self.client_id}"],
                              leeway=LEEWAY_SECONDS,
                              options={"require": ["exp", "iss", "aud"]})
        except jwt.PyJWKClientConnectionError as err:
            log.warning("Teams request refused, token not checkable: %s", str(err)[:200])
            raise NotAuthorized(str(err)) from None
        except (jwt.PyJWTError, ValueError, KeyError, TypeError) as err:
            log.warning("Teams request refused: %s", str(err)[:200])
            raise NotAuthorized(str(err)) from None
        except Exception as err:  # noqa: BLE001 - whatever went wrong, refuse, never let in
            log.warning("Teams request refused, token not checkable: %s", str(err)[:200])
            raise NotAuthorized(str(err)) from None


def same_service_url(claims: dict[str, Any], service_url: str) -> bool:
    """Whether the token was issued for the connector the activity says to answer (trailing
    slashes aside): a token for one conversation's service must not steer replies elsewhere."""
    claimed = claims.get("serviceurl")
    return isinstance(claimed, str) and claimed.rstrip("/") == service_url.rstrip("/")
