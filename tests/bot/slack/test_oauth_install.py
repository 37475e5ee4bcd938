"""Installing in several workspaces: Slack's OAuth flow through the real app, with the
installation and state stores in actionbot's own database."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from sqlalchemy import text

from bot.config import SlackConfig
from bot.slack.app import BOT_SCOPES, build_app
from bot.web import MAX_OAUTH_QUERY, build_web_app
from storage.uow import UnitOfWork
from tests.bot.slack.conftest import SECRET, assert_no_traceback
from tests.bot.slack.fake_slack import FakeSlack
from tests.local_server import LocalServer


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


@pytest.fixture
def oauth_server(uow: UnitOfWork, fake_slack: FakeSlack) -> Iterator[str]:
    cfg = SlackConfig(bot_token=None, signing_secret=SECRET, app_token=None,
                      client_id="111.222", client_secret="oauth-secret", api_url=fake_slack.url)
    app = build_app(cfg, uow)
    server = LocalServer().start(build_web_app(slack_app=app, uow=uow))
    yield server.url
    server.stop()


def test_install_then_callback_stores_the_workspace_bot_token(
    oauth_server: str, uow: UnitOfWork, fake_slack: FakeSlack
) -> None:
    opener = urllib.request.build_opener(NoRedirect)
    try:
        response = opener.open(f"{oauth_server}/slack/install", timeout=10)
        status, headers, page = response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as err:
        status, headers, page = err.code, err.headers, err.read().decode()
    assert status in (200, 302)
    link = re.search(r'href="(https://slack.com/oauth/[^"]+)"', page)
    target = headers.get("Location") or (link.group(1) if link else "")
    query = parse_qs(urlparse(target.replace("&amp;", "&")).query)
    assert query["client_id"] == ["111.222"]
    assert query["scope"][0].split(",") == manifest_bot_scopes()
    state = query["state"][0]
    cookie = headers.get("Set-Cookie", "").split(";")[0]

    fake_slack.oauth_access = {  # what Slack's oauth.v2.access answers
        "ok": True, "access_token": "xoxb-installed", "token_type": "bot",
        "scope": "commands,chat:write", "bot_user_id": "UBOT2", "app_id": "A1",
        "team": {"id": "T2", "name": "Council"}, "enterprise": None,
        "authed_user": {"id": "U9"},
    }
    request = urllib.request.Request(
        f"{oauth_server}/slack/oauth_redirect?code=abc&state={state}",
        headers={"Cookie": cookie})
    with opener.open(request, timeout=10) as response:
        assert response.status == 200
    assert fake_slack.of("oauth.v2.access")[0]["code"] == "abc"

    with uow.engine.connect() as conn:
        bots = conn.execute(text("SELECT team_id, bot_token FROM slack_bots")).all()
    assert ("T2", "xoxb-installed") in [tuple(b) for b in bots]


def test_a_callback_with_a_forged_state_is_refused(oauth_server: str,
                                                    fake_slack: FakeSlack) -> None:
    opener = urllib.request.build_opener(NoRedirect)
    try:
        opener.open(f"{oauth_server}/slack/oauth_redirect?code=abc&state=forged", timeout=10)
    except urllib.error.HTTPError as err:
        assert err.code in (400, 401, 403)
    else:
        raise AssertionError("a forged state must not install anything")
    assert fake_slack.of("oauth.v2.access") == []


def manifest_bot_scopes() -> list[str]:
    """The bot scopes slack-manifest.yml asks for (a single-workspace install uses it)."""
    manifest = (Path(__file__).resolve().parents[3] / "slack-manifest.yml").read_text()
    block = manifest.split("  scopes:\n    bot:\n", 1)[1]
    scopes = []
    for line in block.splitlines():
        if line.strip().startswith("#"):
            continue
        if not line.startswith("      - "):
            break
        scopes.append(line.removeprefix("      - ").strip())
    return scopes


def test_an_oauth_install_asks_for_what_the_manifest_asks_for() -> None:
    assert manifest_bot_scopes() == BOT_SCOPES
    assert {"im:history", "channels:history", "groups:history"} <= set(BOT_SCOPES)


@pytest.mark.parametrize("query", [
    "?code=abc&state=", "?state=%ff%fe&code=%00", "?error=access_denied&state=x",
    "?state=a&state=b&code=c", "?code[]=1&state[x]=2", "?" + "code=x&" * 3000,
    "?state=" + "%F0%9F%98%80" * 400,
])
def test_odd_oauth_redirects_are_refused_without_a_500_or_a_traceback(
    oauth_server: str, fake_slack: FakeSlack, server_logs: pytest.LogCaptureFixture,
    query: str,
) -> None:
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(f"{oauth_server}/slack/oauth_redirect{query}", timeout=10) as answer:
            status = answer.status
    except urllib.error.HTTPError as err:
        status = err.code
    assert status < 500  # a cancelled install (error=access_denied) gets Bolt's 200 page
    if len(query) > MAX_OAUTH_QUERY:
        assert status == 414
    assert fake_slack.of("oauth.v2.access") == []
    assert_no_traceback(server_logs)
