"""Both directions of Teams authentication, built from explicit settings only.

Inbound: every request to /api/messages carries a Bot Framework JWT, checked by the SDK's
validator (signature against Microsoft's published keys, issuer, audience = our client id,
and the token's ``serviceurl`` claim = the activity's). Outbound: the SDK's token manager
gets an app token with the client secret (MSAL, cached until it expires).

The SDK's ``App`` would also read CLIENT_ID/CLIENT_SECRET from the environment (and from a
``.env`` file), and a client id without a secret makes it use managed identity, which fetches
tokens. So nothing here comes from the environment, and ``TEAMS_INSECURE_NO_AUTH`` means no
validator and no token provider at all. Keys and tokens are fetched when first needed, never
at start-up.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from typing import Any

import jwt
from microsoft_teams.api import ClientCredentials
from microsoft_teams.api.auth.cloud_environment import PUBLIC, CloudEnvironment

with warnings.catch_warnings():
    # Importing the SDK's apps package announces preview features we do not use.
    warnings.simplefilter("ignore")
    from microsoft_teams.apps.auth import InboundActivityTokenValidator
    from microsoft_teams.apps.token_manager import TokenManager
    from microsoft_teams.apps.token_provider import AppTokenProvider

from bot.config import TeamsConfig

log = logging.getLogger(__name__)


def token_provider(cfg: TeamsConfig, cloud: CloudEnvironment = PUBLIC) -> Any | None:
    """App tokens for the connector, or None when authentication is switched off."""
    if cfg.insecure_no_auth:
        return None
    assert cfg.client_id and cfg.client_secret and cfg.tenant_id, "Config checked all three"
    credentials = ClientCredentials(client_id=cfg.client_id, client_secret=cfg.client_secret,
                                    tenant_id=cfg.tenant_id)
    return AppTokenProvider(TokenManager(credentials, cloud), cloud)


class InboundAuth:
    """Decides whether a request really comes from the Bot Framework for this bot."""

    def __init__(self, validator: InboundActivityTokenValidator | None) -> None:
        self.validator = validator

    @classmethod
    def from_config(cls, cfg: TeamsConfig, cloud: CloudEnvironment = PUBLIC) -> InboundAuth:
        if cfg.insecure_no_auth:
            return cls(None)
        assert cfg.client_id, "Config checked it"
        return cls(InboundActivityTokenValidator(cfg.client_id, cloud=cloud))

    @property
    def enabled(self) -> bool:
        return self.validator is not None

    def accepts(self, authorization: str, service_url: str | None) -> bool:
        """Blocking (the first call fetches Microsoft's signing keys): run it in a thread."""
        if self.validator is None:
            return True
        if not authorization.startswith("Bearer "):
            return False
        raw = authorization.removeprefix("Bearer ").strip()
        try:
            asyncio.run(self.validator.validate_token(raw, service_url))
        except (jwt.PyJWTError, ValueError, KeyError) as err:
            log.warning("Teams request refused: %s", str(err)[:200])
            return False
        except Exception as err:  # noqa: BLE001 - keys unreachable: refuse, never let in
            log.warning("Teams request refused, token not checkable: %s", str(err)[:200])
            return False
        return True
