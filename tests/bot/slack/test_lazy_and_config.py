"""The slow path (``/action digest`` acks at once, answers later through response_url), the
Slack settings read from the environment, and ``actionbot serve`` as an operator starts it."""

from __future__ import annotations

import json
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.config import Config, ConfigError
from tests.bot.slack.conftest import SlackHTTP
from tests.bot.slack.fake_slack import FakeSlack
from tests.serve_process import ACTIONBOT, clean_env, free_port, serving

BOARD = "South East Adoption Board"


def shown(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def wait_for(fake: FakeSlack, method: str, count: int = 1,
             timeout: float = 10.0) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        calls = fake.of(method)
        if len(calls) >= count:
            return calls
        time.sleep(0.05)
    raise AssertionError(f"no {method} within {timeout} s; calls: {fake.calls}")


# ---- the digest, acked at once and answered lazily -----------------------------------------------
def test_digest_acks_at_once_and_posts_the_digest_to_response_url(
    slack_board: SlackHTTP, fake_slack: FakeSlack
) -> None:
    slack_board.command("add KY to write to DfE about fees by 5 May")
    slack_board.command("list")

    started = time.monotonic()
    ack = slack_board.command("digest", user="U2")
    assert time.monotonic() - started < 3, "Slack gives up on an ack after 3 seconds"
    assert ack["text"] == "Preparing the digest…"
    assert ack.get("response_type", "ephemeral") == "ephemeral"

    (digest,) = wait_for(fake_slack, "respond")
    assert digest["response_type"] == "in_channel", "the chair's digest is for the board"
    assert digest["text"] == f"Action log digest — {BOARD}"
    blocks = shown(digest["blocks"])
    assert "1 open action" in blocks and "write to DfE about fees" in blocks
    assert "Next meeting: 3 February 2027, 10:30" in blocks
    assert len(fake_slack.of("respond")) == 1, "only the digest answers later"


def test_a_members_digest_is_shown_only_to_them(
    slack_board: SlackHTTP, fake_slack: FakeSlack
) -> None:
    ack = slack_board.command("digest", user="U3")
    assert ack["text"] == "Preparing the digest…"
    (digest,) = wait_for(fake_slack, "respond")
    assert digest["response_type"] == "ephemeral"
    assert digest["text"] == f"Action log digest — {BOARD}"


def test_digest_in_an_unbound_channel_says_how_to_set_up(
    slack: SlackHTTP, fake_slack: FakeSlack
) -> None:
    ack = slack.command("digest", channel="C999")
    assert ack["text"] == "Preparing the digest…"
    (answer,) = wait_for(fake_slack, "respond")
    assert answer["response_type"] == "ephemeral"
    assert "/board setup" in shown(answer)


# ---- settings from the environment ---------------------------------------------------------------
def test_a_bot_token_without_signing_secret_or_app_token_names_the_signing_secret() -> None:
    with pytest.raises(ConfigError) as err:
        Config.from_env({"SLACK_BOT_TOKEN": "xoxb-1"})
    assert "SLACK_SIGNING_SECRET" in str(err.value)
    assert "SLACK_BOT_TOKEN" not in str(err.value), "what is set is not asked for"


def test_a_client_id_without_its_secret_names_the_client_secret() -> None:
    with pytest.raises(ConfigError) as err:
        Config.from_env({"SLACK_CLIENT_ID": "123.456", "SLACK_SIGNING_SECRET": "s"})
    message = str(err.value)
    assert "SLACK_CLIENT_SECRET" in message
    assert "SLACK_CLIENT_ID" not in message, "what is set is not asked for"


def test_nothing_set_means_no_slack() -> None:
    config = Config.from_env({})
    assert config.slack is None
    assert Config.from_env({"SLACK_BOT_TOKEN": "  ", "SLACK_SIGNING_SECRET": ""}).slack is None


@pytest.mark.parametrize("env", [
    {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"},
    {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"},
    {"SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "c", "SLACK_SIGNING_SECRET": "s"},
])
def test_complete_slack_settings_are_accepted(env: dict[str, str]) -> None:
    slack = Config.from_env(env).slack
    assert slack is not None
    assert slack.oauth is ("SLACK_CLIENT_ID" in env)


# ---- actionbot serve -----------------------------------------------------------------------------
def test_serve_with_no_platform_configured_exits_with_a_clear_message(tmp_path: Path) -> None:
    done = subprocess.run(
        [str(ACTIONBOT), "serve", "--db", f"sqlite:///{tmp_path / 'serve.db'}"],
        env=clean_env(PORT=str(free_port())), capture_output=True, text=True,
        timeout=120, cwd=tmp_path)
    assert done.returncode != 0
    assert "no chat platform is configured" in done.stderr.lower()
    assert "SLACK_BOT_TOKEN" in done.stderr and "SLACK_SIGNING_SECRET" in done.stderr
    assert "Traceback" not in done.stderr


def test_serve_with_half_configured_slack_names_what_is_missing(tmp_path: Path) -> None:
    done = subprocess.run(
        [str(ACTIONBOT), "serve", "--db", f"sqlite:///{tmp_path / 'serve.db'}"],
        env=clean_env(SLACK_BOT_TOKEN="xoxb-1"), capture_output=True, text=True,
        timeout=120, cwd=tmp_path)
    assert done.returncode != 0
    assert "SLACK_SIGNING_SECRET" in done.stderr
    assert "Traceback" not in done.stderr


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


@contextmanager
def slack_serving(tmp_path: Path, fake_slack: FakeSlack, **extra_env: str) -> Iterator[str]:
    """``actionbot serve`` with Slack configured; what it prints goes to ``serve.log``."""
    with serving(tmp_path, {"SLACK_BOT_TOKEN": "xoxb-test",
                            "SLACK_SIGNING_SECRET": "serve-secret",
                            "SLACK_API_URL": fake_slack.url, **extra_env}) as server:
        yield server.base


@pytest.fixture
def served(tmp_path: Path, fake_slack: FakeSlack) -> Iterator[str]:
    with slack_serving(tmp_path, fake_slack) as base:
        yield base


def test_serve_with_slack_configured_answers_healthz_and_slack(
    served: str, fake_slack: FakeSlack
) -> None:
    status, body = _get(f"{served}/healthz")
    assert status == 200
    assert json.loads(body) == {"status": "ok"}

    reply = SlackHTTP(served, fake_slack, secret="serve-secret").command("help")
    assert "/action" in shown(reply)
    assert reply.get("response_type") == "ephemeral"


def test_healthz_in_process(slack: SlackHTTP) -> None:
    status, body = _get(f"{slack.base}/healthz")
    assert status == 200
    assert json.loads(body) == {"status": "ok"}


def test_serve_with_metrics_on_serves_them_to_the_bearer_and_logs_each_command(
    tmp_path: Path, fake_slack: FakeSlack
) -> None:
    token = "serve-metrics-token-0123456789"
    with slack_serving(tmp_path, fake_slack, ACTIONBOT_METRICS="on",
                       ACTIONBOT_METRICS_TOKEN=token) as base:
        SlackHTTP(base, fake_slack, secret="serve-secret").command("add xoxb-123 secret")
        anonymous, _ = _get(f"{base}/metrics")
        request = urllib.request.Request(f"{base}/metrics",
                                         headers={"Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(request, timeout=5) as response:
            scraped = response.read().decode()

    assert anonymous == 401
    # Refused: this channel keeps no board yet.
    counts = {(s.name, tuple(sorted(s.labels.items()))): s.value
              for family in text_string_to_metric_families(scraped) for s in family.samples}
    assert counts[("actionbot_command_duration_seconds_count", (
        ("command", "add"), ("outcome", "refused"), ("platform", "slack")))] == 1
    assert ("actionbot_db_pool_size", (("pool", "main"),)) in counts
    printed = (tmp_path / "serve.log").read_text()
    assert "metrics at /metrics" in printed
    (line,) = [line for line in printed.splitlines() if "command add" in line]
    assert "platform=slack outcome=refused" in line
    assert "xoxb" not in printed and "secret" not in printed
