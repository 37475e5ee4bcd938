"""``GET /metrics`` through real HTTP, after real signed Slack commands: the right counts
under bounded labels, 404 when switched off, 401 without the token."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator
from email.message import Message

import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.metrics import COMMAND_VERBS, PLATFORMS, SEND_KINDS, SEND_OUTCOMES, Metrics
from handlers.command_events import OUTCOMES
from storage.uow import UnitOfWork
from tests.bot.slack.conftest import SlackHTTP, serve_slack
from tests.bot.slack.fake_slack import FakeSlack

BOARD = "South East Adoption Board"
TOKEN = "scrape-token-0123456789abcdef"
SECRET_TEXT = "xoxb-123 secret"
ALLOWED = {"command": COMMAND_VERBS, "platform": PLATFORMS, "outcome": set(OUTCOMES)
           | SEND_OUTCOMES, "kind": SEND_KINDS, "pool": {"main"}, "le": None}


def scrape(base: str, authorization: str | None = None) -> tuple[int, str, dict[str, str]]:
    headers = {"Authorization": authorization} if authorization else {}
    request = urllib.request.Request(f"{base}/metrics", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode(), _lower(response.headers)
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode(), _lower(err.headers)


def _lower(headers: Message) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}


def samples(body: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    return {(s.name, frozenset(s.labels.items())): s.value
            for family in text_string_to_metric_families(body) for s in family.samples}


def count(body: str, command: str, outcome: str = "ok") -> float:
    key = frozenset({("command", command), ("platform", "slack"), ("outcome", outcome)})
    return samples(body).get(("actionbot_command_duration_seconds_count", key), 0.0)


@pytest.fixture
def metrics() -> Iterator[Metrics]:
    watching = Metrics()
    yield watching
    watching.close()


@pytest.fixture
def measured(uow: UnitOfWork, fake_slack: FakeSlack, metrics: Metrics) -> Iterator[SlackHTTP]:
    metrics.watch_pool(uow.engine)
    with serve_slack(uow, fake_slack, metrics=metrics) as http:
        yield http


def test_commands_are_counted_by_verb_platform_and_outcome(measured: SlackHTTP) -> None:
    measured.command(f"setup {BOARD}", command="/board")
    measured.command("add KY to write to DfE by 5 May")
    measured.command("add MH to chase Surrey")
    measured.command("show 1")
    measured.command("done 2 letter sent")
    measured.command("show 99")
    measured.command("frobnicate everything")

    status, body, headers = scrape(measured.base)

    assert status == 200
    assert headers["content-type"].startswith("text/plain")
    assert (count(body, "setup"), count(body, "add"), count(body, "show"),
            count(body, "close")) == (1, 2, 1, 1)
    assert count(body, "show", "refused") == 1, "action 99 does not exist"
    assert count(body, "invalid", "refused") == 1, "an unknown verb is not a label"
    assert ("actionbot_db_pool_size", frozenset({("pool", "main")})) in samples(body)


def test_no_label_holds_board_content_user_ids_or_typed_text(measured: SlackHTTP) -> None:
    measured.command(f"setup {BOARD}", command="/board")
    measured.command(f"add {SECRET_TEXT} to the auditors")
    measured.command(f"{SECRET_TEXT} frobnicate", user="U3")
    measured.command("member add <@U4|amy>", command="/board")

    _, body, _ = scrape(measured.base)

    for (name, labels), _value in samples(body).items():
        for label, value in labels:
            allowed = ALLOWED[label]
            assert allowed is None or value in allowed, (name, label, value)
    for private in ("xoxb", "secret", "auditors", "Adoption", "U2", "U3", "U4", "C1", "T1"):
        assert private not in body, private
    assert count(body, "add") == 1 and count(body, "invalid", "refused") == 1


def test_metrics_switched_off_are_not_found(slack: SlackHTTP) -> None:
    slack.command("help")
    status, body, _ = scrape(slack.base)
    assert status == 404
    assert "actionbot_" not in body


def test_with_a_token_only_the_bearer_may_scrape(
    uow: UnitOfWork, fake_slack: FakeSlack, metrics: Metrics, server_logs: pytest.LogCaptureFixture
) -> None:
    with serve_slack(uow, fake_slack, metrics=metrics, metrics_token=TOKEN) as http:
        http.command("help")
        anonymous = scrape(http.base)
        wrong = scrape(http.base, f"Bearer {TOKEN[:-1]}x")
        basic = scrape(http.base, f"Basic {TOKEN}")
        right = scrape(http.base, f"Bearer {TOKEN}")

    for status, body, headers in (anonymous, wrong, basic):
        assert status == 401
        assert "ACTIONBOT_METRICS_TOKEN" in body and "actionbot_" not in body
        assert headers["www-authenticate"].startswith("Bearer")
    assert right[0] == 200 and count(right[1], "help") == 1
    refusals = [r.getMessage() for r in server_logs.records if "metrics scrape" in r.getMessage()]
    assert len(refusals) == 3 and not any(TOKEN[:10] in line for line in refusals)
