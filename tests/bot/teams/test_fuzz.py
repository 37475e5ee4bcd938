"""Hostile requests at /api/messages over real HTTP, into the real app with authentication on:
random bytes, random JSON, real activities bent out of shape, every kind of Authorization
header. Whatever arrives: no 5xx, no traceback in the log, and a request without a valid
token changes nothing in the database and sends nothing to Teams."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from bot.teams.activity import FILE_DOWNLOAD_INFO
from bot.teams.app import MAX_ACTIVITY_BYTES
from storage.uow import UnitOfWork
from tests.bot.teams.conftest import BOT, TeamsHTTP
from tests.bot.teams.hostile import row_counts, send_raw, tracebacks
from tests.bot.teams.signing import FakeTokens, Signer

FORGER = Signer("test-key")  # the kid Microsoft's real key has here, but another key
SAFE_TEXT = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=60)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-2**70, max_value=2**70)
    | st.floats() | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner,
                                                                max_size=4),
    max_leaves=12)
PATHS = [("type",), ("text",), ("from",), ("from", "id"), ("from", "aadObjectId"),
         ("from", "name"), ("conversation",), ("conversation", "id"),
         ("conversation", "conversationType"), ("conversation", "tenantId"), ("recipient",),
         ("recipient", "id"), ("channelData",), ("channelData", "team"),
         ("channelData", "channel", "id"), ("channelData", "tenant", "id"), ("serviceUrl",),
         ("entities",), ("attachments",), ("value",), ("value", "action"),
         ("value", "action", "type"), ("value", "action", "data"),
         ("value", "action", "data", "i"), ("value", "action", "data", "r"),
         ("value", "action", "data", "b"), ("value", "action", "data", "n"), ("membersAdded",),
         ("name",), ("channelId",), ("replyToId",), ("action",)]
COMMANDS = ["action help", "action list", "board setup Fuzz Board", "action import",
            "action add MH to write to DfE by 3/4", "action close 1", "board member add MH", ""]


@dataclass(frozen=True)
class Sent:
    head: dict[str, str]
    body: bytes
    chunked: bool
    signed: bool  # a token Microsoft's key would sign, for the fake connector's service URL
    refused_with: tuple[int, ...]  # when not signed


def _activity(draw: st.DrawFn, teams: TeamsHTTP) -> dict[str, Any]:
    """A real activity of a drawn kind, then bent at one to three places."""
    kind = draw(st.sampled_from(["message", "invoke", "conversationUpdate",
                                 "installationUpdate", "messageReaction", "event"]))
    where = draw(st.sampled_from(["channel", "personal"]))
    extra: dict[str, Any] = {}
    if kind == "message":
        command = draw(st.sampled_from(COMMANDS))
        extra = {"text": f"<at>actionbot</at> {command}" if where == "channel" else command,
                 "entities": [{"type": "mention", "text": "<at>actionbot</at>",
                               "mentioned": {"id": BOT, "name": "actionbot"}}],
                 "attachments": draw(st.sampled_from([[], [
                     {"contentType": FILE_DOWNLOAD_INFO, "name": "log.csv",
                      "content": {"downloadUrl": f"{teams.fake.url}/files/none.csv",
                                  "fileType": "csv"}}]]))}
    elif kind == "invoke":
        extra = {"name": "adaptiveCard/action", "replyToId": "act-1", "value": {
            "action": {"type": "Action.Execute", "verb": "ab.close", "data": {
                "i": draw(st.sampled_from(["close", "defer", "update", "member_add",
                                           "import"])), "r": "1", "m": "one"}},
            "trigger": "manual"}}
    elif kind in ("conversationUpdate", "installationUpdate"):
        extra = {"membersAdded": [{"id": BOT}], "action": "add"}
    activity = teams.activity(kind, where=where, **extra)
    for _ in range(draw(st.sampled_from([0, 0, 1, 1, 2, 3]))):
        path = draw(st.sampled_from(PATHS))
        parent: Any = activity
        for key in path[:-1]:
            parent = parent.setdefault(key, {}) if isinstance(parent, dict) else None
        if isinstance(parent, dict):
            if draw(st.booleans()):
                parent.pop(path[-1], None)
            else:
                parent[path[-1]] = draw(JSON)
    return activity


@st.composite
def hostile(draw: st.DrawFn, teams: TeamsHTTP, signer: Signer) -> Sent:
    url = teams.fake.url
    body_kind = draw(st.sampled_from(["activity"] * 5 + ["json", "bytes", "huge"]))
    if body_kind == "activity":
        body = json.dumps(_activity(draw, teams), ensure_ascii=draw(st.booleans())).encode()
    elif body_kind == "json":
        body = json.dumps(draw(JSON)).encode()
    elif body_kind == "bytes":
        body = draw(st.binary(max_size=300))
    else:
        body = draw(st.sampled_from([b"[" * (MAX_ACTIVITY_BYTES + 1),
                                     b" " * MAX_ACTIVITY_BYTES + b"{}", b"[" * 200_000]))
    auth = draw(st.sampled_from(["valid"] * 5 + ["none", "forged", "expired", "other url",
                                                 "garbage", "bearer garbage"]))
    head = {"Content-Type": draw(st.sampled_from(["application/json", "text/plain",
                                                  "application/x-www-form-urlencoded"]))}
    token = {"valid": lambda: signer.token(url), "forged": lambda: FORGER.token(url),
             "expired": lambda: signer.token(url, exp=1_000_000_000),
             "other url": lambda: signer.token("https://smba.trafficmanager.net/emea/"),
             }.get(auth)
    if token is not None:
        head["Authorization"] = f"Bearer {token()}"
    elif auth == "garbage":
        head["Authorization"] = draw(SAFE_TEXT)
    elif auth == "bearer garbage":
        head["Authorization"] = "Bearer " + draw(SAFE_TEXT)
    head.update(draw(st.dictionaries(st.sampled_from(["X-Forwarded-For", "Accept", "Origin",
                                                      "X-Ms-Conversation-Id", "Cookie"]),
                                     SAFE_TEXT, max_size=2)))
    chunked = draw(st.booleans())
    head["Transfer-Encoding" if chunked else "Content-Length"] = (
        "chunked" if chunked else str(len(body)))
    # A genuine token for another service URL passes the check before the body is read;
    # the body's size, shape or service URL then refuses it.
    return Sent(head, body, chunked, signed=auth == "valid",
                refused_with=(400, 401, 413) if auth == "other url" else (401, 503))


@pytest.fixture
def logged(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.WARNING)
    return caplog


@settings(max_examples=150, deadline=None, suppress_health_check=[
    HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_hostile_requests_get_no_5xx_and_change_nothing_unsigned(
        secure: tuple[TeamsHTTP, FakeTokens], signer: Signer, uow: UnitOfWork,
        logged: pytest.LogCaptureFixture, data: st.DataObject) -> None:
    teams, _ = secure
    sent = data.draw(hostile(teams, signer))
    before, posts = row_counts(uow), len(teams.fake.posts())
    status, _, answer = send_raw(teams.base, sent.head, sent.body,
                                 chunks=3 if sent.chunked else 0)
    event(f"{status} signed={sent.signed}")
    assert status < 500, (status, answer[:300])
    assert tracebacks(logged.records) == []
    if not sent.signed:
        assert status in sent.refused_with, status
        assert row_counts(uow) == before and len(teams.fake.posts()) == posts
