"""Authentication on: Bot Framework tokens checked against a local key set (served by the fake
connector), app tokens from a fake provider, and the allow-list."""

from __future__ import annotations

import socket
import time

import jwt
import pytest
from sqlalchemy import func, select

from bot.config import TeamsConfig
from bot.teams.app import TeamsBot
from bot.teams.notifier import TeamsNotifier
from storage.models import TeamsConversation
from storage.uow import UnitOfWork
from tests.bot.teams.conftest import TENANT, TeamsHTTP, card_text
from tests.bot.teams.signing import CLIENT_ID, FakeTokens, Signer


def _stored(uow: UnitOfWork) -> int:
    with uow.transaction() as session:
        return session.scalar(select(func.count()).select_from(TeamsConversation)) or 0


def test_a_signed_request_is_answered_with_an_app_token(secure: tuple[TeamsHTTP, FakeTokens]
                                                        ) -> None:
    teams, tokens = secure
    answer = teams.say("action help")
    assert "/action add" in card_text(answer.card)
    assert answer.authorization == "Bearer fake-app-token"
    assert tokens.asked == [("https://api.botframework.com/.default", None)]


@pytest.mark.parametrize("authorization", ["", "Bearer", "Bearer not-a-jwt", "Basic abc"])
def test_missing_or_malformed_tokens_get_401(secure: tuple[TeamsHTTP, FakeTokens],
                                             uow: UnitOfWork, authorization: str) -> None:
    teams, _ = secure
    status, body = teams.post(teams.activity("message", text="action help"),
                              authorization=authorization)
    assert (status, body) == (401, {"error": "Unauthorized"})
    assert teams.fake.posts() == [] and _stored(uow) == 0


@pytest.mark.parametrize("bad", ["other key", "audience", "issuer", "expired", "service url"])
def test_tokens_that_do_not_check_out_get_401(secure: tuple[TeamsHTTP, FakeTokens],
                                              signer: Signer, uow: UnitOfWork, bad: str) -> None:
    teams, _ = secure
    activity = teams.activity("message", text="action help")
    url = activity["serviceUrl"]
    token = {
        "other key": Signer().token(url),
        "audience": signer.token(url, aud="someone-else"),
        "issuer": signer.token(url, iss="https://evil.example"),
        "expired": signer.token(url, exp=int(time.time()) - 3600),
        "service url": signer.token("https://smba.trafficmanager.net/emea/"),
    }[bad]
    status, _ = teams.post(activity, authorization=f"Bearer {token}")
    assert status == 401
    assert teams.fake.posts() == [] and _stored(uow) == 0


def test_a_service_url_outside_the_allow_list_is_refused(secure: tuple[TeamsHTTP, FakeTokens],
                                                         uow: UnitOfWork) -> None:
    teams, tokens = secure
    activity = teams.activity("message", text="action help")
    activity["serviceUrl"] = "https://attacker.example/teams/"
    status, body = teams.post(activity)
    assert status == 403 and "not a Microsoft Teams one" in body["error"]
    assert teams.fake.posts() == [] and tokens.asked == [] and _stored(uow) == 0


def test_another_tenant_is_refused(secure: tuple[TeamsHTTP, FakeTokens], uow: UnitOfWork
                                   ) -> None:
    teams, _ = secure
    activity = teams.activity("message", text="action help")
    activity["conversation"]["tenantId"] = "11111111-2222-3333-4444-555555555555"
    status, _ = teams.post(activity)
    assert status == 403 and _stored(uow) == 0


def test_start_up_needs_no_network(uow: UnitOfWork, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("network used at start-up")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    cfg = TeamsConfig(client_id=CLIENT_ID, client_secret="secret", tenant_id=TENANT)
    bot = TeamsBot(cfg, uow)
    TeamsNotifier(cfg, uow)
    assert bot.inbound.enabled and bot.tokens is not None


class FakeMsal:
    """Stands in for MSAL's ConfidentialClientApplication, which would call Entra."""

    made: list[tuple[str, str, str]] = []

    def __init__(self, client_id: str, *, client_credential: str, authority: str) -> None:
        self.made.append((client_id, client_credential, authority))

    def acquire_token_for_client(self, scopes: list[str]) -> dict[str, str]:
        claims = {"aud": scopes[0], "exp": int(time.time()) + 3600}
        return {"access_token": jwt.encode(claims, "k" * 32, algorithm="HS256")}


def test_the_configured_secret_gets_the_bot_its_token_from_its_own_tenant(
        teams_board: TeamsHTTP, uow: UnitOfWork, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.notify import Delivery
    from bot.scheduler import tick
    from tests.bot.teams.test_delivery import FIVE_DAYS_BEFORE

    monkeypatch.setattr("microsoft_teams.apps.token_manager.ConfidentialClientApplication",
                        FakeMsal)
    FakeMsal.made.clear()
    teams_board.say("action add MH to write to DfE by end of March")
    cfg = TeamsConfig(client_id=CLIENT_ID, client_secret="secret", tenant_id=TENANT,
                      extra_service_urls=(teams_board.fake.url,))
    result = tick(uow, Delivery({"teams": TeamsNotifier(cfg, uow)}), now=FIVE_DAYS_BEFORE)
    assert [m.recipient for m in result.sent] == ["MH"]
    assert FakeMsal.made == [(CLIENT_ID, "secret", f"https://login.microsoftonline.com/{TENANT}")]
    (post,) = [c for c in teams_board.fake.posts() if c.conversation.startswith("a:")]
    token = (post.authorization or "").removeprefix("Bearer ")
    assert jwt.decode(token, options={"verify_signature": False})["aud"] == (
        "https://api.botframework.com/.default")
