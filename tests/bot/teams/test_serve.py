"""Switching Teams on: settings, what ``actionbot serve`` says and refuses, the app package,
and that nobody else pays for importing the Teams SDK."""

from __future__ import annotations

import argparse
import json
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path
from typing import Any

import pytest

from bot import server_cli
from bot.cli import main
from bot.config import Config, ConfigError
from bot.teams.icons import color_icon, outline_icon
from bot.teams.package import manifest
from bot.teams.service_urls import ServiceUrlPolicy

THREE = {"TEAMS_CLIENT_ID": "app-id", "TEAMS_CLIENT_SECRET": "secret", "TEAMS_TENANT_ID": "t"}
SLACK = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}


def test_teams_is_on_with_all_three_settings_and_off_without_any() -> None:
    assert Config.from_env({}).teams is None
    teams = Config.from_env(THREE).teams
    assert teams is not None and (teams.client_id, teams.tenant_id) == ("app-id", "t")
    assert not teams.insecure_no_auth


@pytest.mark.parametrize("given, missing", [
    ({"TEAMS_CLIENT_ID": "a"}, "TEAMS_CLIENT_SECRET and TEAMS_TENANT_ID"),
    ({"TEAMS_CLIENT_SECRET": "s", "TEAMS_TENANT_ID": "t"}, "TEAMS_CLIENT_ID."),
])
def test_half_configured_teams_names_what_is_missing(given: dict[str, str], missing: str
                                                     ) -> None:
    with pytest.raises(ConfigError, match=f"Teams is half-configured: set {missing}"):
        Config.from_env(given)


@pytest.mark.parametrize("name, value", [("PORT", "³⁰⁰⁰"), ("PORT", "٣٠٠٠"),
                                         ("ACTIONBOT_SENDERS", "²"), ("ACTIONBOT_SENDERS", "0")])
def test_numbers_in_settings_are_digits_0_to_9(name: str, value: str) -> None:
    """"²" passes ``str.isdigit`` and then makes ``int`` raise: start-up says what to write."""
    with pytest.raises(ConfigError, match=name):
        Config.from_env({name: value})


def test_insecure_switch_needs_nothing_else_and_takes_only_yes_or_no() -> None:
    teams = Config.from_env({"TEAMS_INSECURE_NO_AUTH": "1"}).teams
    assert teams is not None and teams.insecure_no_auth
    assert Config.from_env({"TEAMS_INSECURE_NO_AUTH": "0"}).teams is None
    with pytest.raises(ConfigError, match="TEAMS_INSECURE_NO_AUTH must be 1 or 0"):
        Config.from_env({"TEAMS_INSECURE_NO_AUTH": "maybe"})


def test_insecure_switch_turns_auth_off_both_ways_even_with_the_settings() -> None:
    from bot.teams.app import TeamsBot
    from bot.teams.notifier import TeamsNotifier

    cfg = Config.from_env({**THREE, "TEAMS_INSECURE_NO_AUTH": "yes"}).teams
    assert cfg is not None and cfg.insecure_no_auth
    bot = TeamsBot(cfg, uow=None)  # type: ignore[arg-type]
    assert bot.tokens is None and not bot.inbound.enabled and bot.policy.open
    assert bot.tenant is None
    assert TeamsNotifier(cfg, uow=None).tokens is None  # type: ignore[arg-type]


def test_the_allow_list_is_microsofts_hosts_plus_the_setting() -> None:
    cfg = Config.from_env({**THREE, "TEAMS_SERVICE_URL_ALLOWLIST":
                           "bots.council.example, http://127.0.0.1:8099/teams"}).teams
    assert cfg is not None
    policy = ServiceUrlPolicy(cfg.extra_service_urls)
    for good in ("https://smba.trafficmanager.net/emea/", "https://smba.trafficmanager.net/teams",
                 "https://smba.infra.gcc.teams.microsoft.com/x", "https://bots.council.example/",
                 "http://127.0.0.1:8099/teams/v3/conversations/1/activities"):
        assert policy.allows(good), good
    for bad in ("http://smba.trafficmanager.net/emea/", "https://smba.trafficmanager.net.evil/",
                "https://evil.example/", "https://user@smba.trafficmanager.net/",
                "https://smba.trafficmanager.net:8443/", "http://127.0.0.1:8099/other",
                "http://127.0.0.1:8098/teams", "https://evil.teams.microsoft.com/"):
        assert not policy.allows(bad), bad
    assert ServiceUrlPolicy(open=True).allows("http://anything:1/")
    with pytest.raises(ConfigError, match="wildcards"):
        Config.from_env({**THREE, "TEAMS_SERVICE_URL_ALLOWLIST": "*.example"})


def _serve(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
           env: dict[str, str]) -> tuple[int, str, list[Any]]:
    for name in (*THREE, *SLACK, "TEAMS_INSECURE_NO_AUTH", "HOST", "SLACK_APP_TOKEN",
                 "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    for name, value in {"ACTIONBOT_SCHEDULER": "off", **env}.items():
        monkeypatch.setenv(name, value)
    ran: list[Any] = []
    monkeypatch.setattr("uvicorn.run", lambda app, **kw: ran.append((app, kw)))
    code = server_cli.run(argparse.Namespace(command="serve", db="sqlite://"),
                          lambda url, **_: object())
    return code, capsys.readouterr().err, ran


def test_serve_says_which_platforms_it_serves(monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    code, err, ran = _serve(monkeypatch, capsys, THREE)
    assert code == 0 and "serving Teams at /api/messages and /healthz" in err
    paths = {route.path for route in ran[0][0].routes}
    assert paths == {"/healthz", "/api/messages", "/calendar/{token}.ics", "/exports/{token}"}
    code, err, ran = _serve(monkeypatch, capsys, {**THREE, **SLACK})
    assert "serving Slack at /slack/events, Teams at /api/messages and /healthz" in err


def test_serve_stops_on_half_configured_teams(monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    code, err, ran = _serve(monkeypatch, capsys, {"TEAMS_CLIENT_ID": "app-id"})
    assert code == 2 and "set TEAMS_CLIENT_SECRET and TEAMS_TENANT_ID" in err and not ran


def test_insecure_teams_warns_and_listens_only_on_loopback(monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]
                                                           ) -> None:
    code, err, ran = _serve(monkeypatch, capsys, {"TEAMS_INSECURE_NO_AUTH": "1"})
    assert code == 2 and not ran
    assert "WARNING: TEAMS_INSECURE_NO_AUTH=1" in err and "set HOST=127.0.0.1" in err
    for host in ("127.0.0.1", "::1", "localhost"):
        code, err, ran = _serve(monkeypatch, capsys, {"TEAMS_INSECURE_NO_AUTH": "1",
                                                      "HOST": host})
        assert code == 0 and ran[0][1]["host"] == host and "WARNING" in err


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    length = struct.unpack(">I", data[8:12])[0]
    assert struct.unpack(">I", data[16 + length:20 + length])[0] == zlib.crc32(data[12:16 + length])
    return width, height


def test_teams_package_holds_manifest_and_icons(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEAMS_CLIENT_ID", "11111111-2222-3333-4444-555555555555")
    out = tmp_path / "app.zip"
    assert main(["teams-package", "-o", str(out)]) == 0
    with zipfile.ZipFile(out) as archive:
        assert sorted(archive.namelist()) == ["color.png", "manifest.json", "outline.png"]
        data = json.loads(archive.read("manifest.json"))
        assert _png_size(archive.read("color.png")) == (192, 192)
        assert _png_size(archive.read("outline.png")) == (32, 32)
    (bot,) = data["bots"]
    assert bot["botId"] == data["id"] == "11111111-2222-3333-4444-555555555555"
    assert bot["scopes"] == ["personal", "team", "groupChat"]
    titles = [c["title"] for c in bot["commandLists"][0]["commands"]]
    assert "action close" in titles and "board setup" in titles and len(titles) <= 10
    assert bot["commandLists"][1]["scopes"] == ["personal"]
    assert "action import" in [c["title"] for c in bot["commandLists"][1]["commands"]]
    assert bot["supportsFiles"] is True, "logs to import are sent to the bot in personal chat"
    assert data["manifestVersion"] == "1.17" and data["icons"]["outline"] == "outline.png"


def test_teams_package_needs_a_bot_id(monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("TEAMS_CLIENT_ID", raising=False)
    assert main(["teams-package", "-o", "unused.zip"]) == 2
    assert "set TEAMS_CLIENT_ID or pass --bot-id" in capsys.readouterr().err


def test_manifest_limits_and_outline_transparency() -> None:
    data = manifest("x", website="https://council.example/actionbot")
    assert len(data["name"]["short"]) <= 30 and len(data["description"]["short"]) <= 80
    for commands in data["bots"][0]["commandLists"]:
        for command in commands["commands"]:
            assert len(command["title"]) <= 32 and len(command["description"]) <= 128
    alphas = _alphas(outline_icon(), 32)
    assert alphas[0] == 0 and 255 in alphas and set(alphas) == {0, 255}
    assert set(_alphas(color_icon(), 192)) == {255}


def _alphas(data: bytes, size: int) -> list[int]:
    """The alpha of every pixel of one of our RGBA PNGs (one IDAT chunk, filter 0)."""
    at = data.index(b"IDAT")
    length = struct.unpack(">I", data[at - 4:at])[0]
    raw = zlib.decompress(data[at + 4:at + 4 + length])
    stride = 1 + size * 4
    return [raw[row * stride + 1 + x * 4 + 3] for row in range(size) for x in range(size)]


LAZY_CHECK = """
import sys
from bot.cli import _parser
from bot.config import Config
from bot.delivery import build_delivery
from bot.web import build_web_app
from bot.slack.app import build_app
from storage.db import make_engine
from storage.migrate import upgrade
from storage.uow import UnitOfWork
_parser()
config = Config.from_env({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"})
engine = make_engine("sqlite://")
upgrade(engine)
uow = UnitOfWork(engine)
build_delivery(config, uow, sys.stdout)
build_web_app(slack_app=build_app(config.slack, uow))
print(sorted(m for m in sys.modules if m.startswith("microsoft_teams")))
"""


def test_help_console_and_slack_never_import_the_teams_sdk() -> None:
    done = subprocess.run([sys.executable, "-c", LAZY_CHECK], capture_output=True, text=True,
                          timeout=120, check=True)
    assert done.stdout.strip() == "[]", done.stdout
    console = subprocess.run(
        [sys.executable, "-c", "import sys, io; from bot.cli import main; "
         "sys.stdin = io.StringIO('/action help\\n'); main(['console', '--demo']); "
         "print(any(m.startswith('microsoft_teams') for m in sys.modules))"],
        capture_output=True, text=True, timeout=120, check=True)
    assert console.stdout.strip().endswith("False"), console.stdout[-300:]


def test_icons_are_valid_pngs() -> None:
    for data, size in ((color_icon(), 192), (outline_icon(), 32)):
        assert _png_size(data) == (size, size)


def test_retry_after_is_read_as_seconds_or_a_date() -> None:
    import httpx

    from bot.teams.connector import retry_after

    def wait(value: str | bytes) -> float | None:
        return retry_after(httpx.Response(429, headers={"Retry-After": value} if value else {}))

    assert wait("3") == 3.0 and wait("") is None and wait("soon") is None
    assert wait("2.5") == 2.5 and wait(b"\xb2") is None  # "²" in Latin-1, as headers are
    assert wait("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
