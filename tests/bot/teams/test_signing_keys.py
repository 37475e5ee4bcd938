"""Microsoft's signing keys out of reach: a key endpoint that accepts connections and never
answers (the only thing mocked is that endpoint). Forged requests must still be refused
within a bound, fail closed, and leave every other route answering."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator

import pytest

from bot.teams.app import TeamsBot
from bot.teams.auth import CHECK_DEADLINE, CHECKS_WAITING, InboundAuth
from storage.uow import UnitOfWork
from tests.bot.teams.conftest import TeamsHTTP, secure_config
from tests.bot.teams.fake_connector import FakeConnector
from tests.bot.teams.hostile import (
    ANSWER_WITHIN,
    SilentServer,
    answered,
    read_answer,
    row_counts,
    start_request,
    tracebacks,
)
from tests.bot.teams.signing import CLIENT_ID, FakeTokens, Signer, cloud_with_keys_at
from tests.conftest import NOW

FORGED_AT_ONCE = 60  # as many as made an unrelated download time out before


@pytest.fixture
def silent() -> Iterator[SilentServer]:
    server = SilentServer()
    yield server
    server.close()


@pytest.fixture
def keys_unreachable(start_teams: Callable[..., TeamsHTTP], uow: UnitOfWork,
                     fake: FakeConnector, silent: SilentServer) -> TeamsHTTP:
    """The app with authentication on, Microsoft's keys published at the silent server."""
    bot = TeamsBot(secure_config(fake), uow, clock=lambda: NOW, token_provider=FakeTokens(),
                   inbound=InboundAuth(CLIENT_ID, cloud_with_keys_at(silent.url)))
    return start_teams(bot)


FORGER = Signer()


def _forged(teams: TeamsHTTP) -> tuple[dict[str, str], bytes]:
    """A well-formed activity with a token signed by a key Microsoft never published."""
    body = json.dumps(teams.activity("message", text="action help")).encode()
    return {"Authorization": f"Bearer {FORGER.token(teams.fake.url)}",
            "Content-Type": "application/json", "Content-Length": str(len(body))}, body


def test_a_forged_request_is_refused_within_the_deadline(keys_unreachable: TeamsHTTP,
                                                         silent: SilentServer) -> None:
    assert CHECK_DEADLINE < ANSWER_WITHIN / 2
    head, body = _forged(keys_unreachable)
    with start_request(keys_unreachable.base, head, body) as sock:
        status, _, answer = read_answer(sock)  # a socket timeout here fails the test
    assert (status, json.loads(answer)) == (401, {"error": "Unauthorized"})
    assert silent.accepted == 1


def test_other_routes_answer_while_forged_requests_wait_for_the_keys(
        keys_unreachable: TeamsHTTP, silent: SilentServer, uow: UnitOfWork,
        caplog: pytest.LogCaptureFixture) -> None:
    teams = keys_unreachable
    caplog.set_level(logging.WARNING)
    before = row_counts(uow)
    forged = [start_request(teams.base, *_forged(teams)) for _ in range(FORGED_AT_ONCE)]
    try:
        # The healthz and the download (a database read in the shared worker pool) are
        # answered while the token checks still wait on the silent key endpoint.
        with start_request(teams.base, {}, method="GET", path="/healthz") as sock:
            assert read_answer(sock)[0] == 200
        with start_request(teams.base, {}, method="GET", path="/exports/no-such-link") as sock:
            assert read_answer(sock)[0] == 404
        waiting = sum(not answered(sock) for sock in forged)
        assert waiting >= CHECKS_WAITING // 2
        statuses = [read_answer(sock)[0] for sock in forged]
    finally:
        for sock in forged:
            sock.close()
    assert set(statuses) == {401, 503}
    assert statuses.count(401) >= CHECKS_WAITING
    assert silent.accepted <= 2, "each check fetched the keys again instead of failing fast"
    assert row_counts(uow) == before and teams.fake.posts() == []
    assert tracebacks(caplog.records) == []

