"""Bot Framework tokens signed with a key of the tests' own, and app tokens without Entra.

The fake connector publishes the key (``FakeConnector.jwks``) where the bot's cloud settings
say Microsoft's keys are, so a token signed here checks out exactly as a real one would.
"""

from __future__ import annotations

import json
import time
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from microsoft_teams.api.auth.cloud_environment import PUBLIC, CloudEnvironment, with_overrides

CLIENT_ID = "00000000-0000-0000-0000-00000000b0b0"
ISSUER = "https://api.botframework.com"


def cloud_with_keys_at(base_url: str) -> CloudEnvironment:
    """The public cloud, but with its signing keys published under ``base_url``."""
    return with_overrides(PUBLIC, openid_metadata_url=f"{base_url}/v1/.well-known/"
                                                      "openidconfiguration")


class FakeTokens:
    """The app-token side of the SDK's token provider, without Entra."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, str | None]] = []

    def get_app_token(self, scope: str, tenant_id: str | None) -> str:
        self.asked.append((scope, tenant_id))
        return "fake-app-token"


class Signer:
    def __init__(self, kid: str = "test-key") -> None:
        self.kid = kid
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def jwk(self) -> dict[str, Any]:
        return {**json.loads(RSAAlgorithm.to_jwk(self.key.public_key())), "kid": self.kid,
                "use": "sig", "alg": "RS256"}

    def token(self, service_url: str, **claims: Any) -> str:
        now = int(time.time())
        payload = {"iss": ISSUER, "aud": CLIENT_ID, "serviceurl": service_url, "iat": now - 5,
                   "nbf": now - 5, "exp": now + 600, **claims}
        return jwt.encode(payload, self.key, algorithm="RS256", headers={"kid": self.kid})
