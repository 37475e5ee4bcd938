"""What /api/messages refuses, and how: no token before a byte of the body is read (401), too
big (413), not a Teams activity (400), and signed activities of every wrong shape answered
200 or 400, never 500 and never with a traceback in the log."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import pytest

from bot.teams.activity import FILE_DOWNLOAD_INFO, MAX_MENTIONS
from bot.teams.app import MAX_ACTIVITY_BYTES
from storage.uow import UnitOfWork
from tests.bot.teams.conftest import BOT, TeamsHTTP, card_text
from tests.bot.teams.hostile import row_counts, send_raw, tracebacks
from tests.bot.teams.signing import FakeTokens, Signer

Secure = tuple[TeamsHTTP, FakeTokens]


@pytest.mark.parametrize("authorization", [None, "", "Basic dXNlcjpwYXNz", "Bearer",
                                           "Bearer <script>", "Token abc.def.ghi"])
def test_no_bearer_token_is_refused_before_the_body_is_read(
        secure: Secure, uow: UnitOfWork, authorization: str | None) -> None:
    teams, _ = secure
    before = row_counts(uow)
    head = {"Content-Type": "application/json", "Content-Length": str(100 * 1024 * 1024)}
    if authorization is not None:
        head["Authorization"] = authorization
    # 100 MB declared, 20 bytes sent: a server reading the body first would wait for ever.
    status, headers, body = send_raw(teams.base, head, b'{"type": "message", ')
    assert (status, json.loads(body)) == (401, {"error": "Unauthorized"})
    assert headers["connection"] == "close"
    assert row_counts(uow) == before and teams.fake.calls == []


def test_a_forged_token_is_refused_before_the_body_is_read(secure: Secure) -> None:
    teams, _ = secure
    forged = Signer().token(teams.fake.url)
    status, _, _ = send_raw(teams.base, {"Authorization": f"Bearer {forged}",
                                         "Content-Length": str(100 * 1024 * 1024)}, b"{")
    assert status == 401


def _padded(teams: TeamsHTTP, size: int) -> bytes:
    """A real ``action help`` message, its HTML copy padded to ``size`` bytes of JSON."""
    activity = teams.activity("message", text="<at>actionbot</at> action help", entities=[
        {"type": "mention", "text": "<at>actionbot</at>",
         "mentioned": {"id": BOT, "name": "actionbot"}}],
        attachments=[{"contentType": "text/html", "content": ""}])
    bare = len(json.dumps(activity).encode())
    activity["attachments"][0]["content"] = "<p>" + "x" * (size - bare - 3) + ""
    body = json.dumps(activity).encode()
    assert len(body) == size
    return body


def test_a_signed_activity_up_to_the_limit_is_answered(secure: Secure, signer: Signer) -> None:
    teams, _ = secure
    body = _padded(teams, MAX_ACTIVITY_BYTES)
    token = signer.token(teams.fake.url)
    status, _, _ = send_raw(teams.base, {"Authorization": f"Bearer {token}",
                                         "Content-Type": "application/json",
                                         "Content-Length": str(len(body))}, body)
    assert status == 200
    (answer,) = teams.fake.posts()
    assert "/action add" in card_text(answer.card)


@pytest.mark.parametrize("chunked", [False, True])
def test_a_signed_activity_over_the_limit_gets_413(secure: Secure, signer: Signer,
                                                   uow: UnitOfWork, chunked: bool) -> None:
    teams, _ = secure
    body = _padded(teams, MAX_ACTIVITY_BYTES + 1)
    head = {"Authorization": f"Bearer {signer.token(teams.fake.url)}",
            "Content-Type": "application/json"}
    head.update({"Transfer-Encoding": "chunked"} if chunked
                else {"Content-Length": str(len(body))})
    before = row_counts(uow)
    status, headers, answer = send_raw(teams.base, head, body, chunks=8 if chunked else 0)
    assert status == 413 and headers["connection"] == "close"
    assert answer.decode() == f"The request body is over {MAX_ACTIVITY_BYTES:,} bytes."
    assert teams.fake.posts() == [] and row_counts(uow) == before


def _value(teams: TeamsHTTP, value: Any, **extra: Any) -> dict[str, Any]:
    return teams.activity("invoke", name="adaptiveCard/action", value=value,
                          replyToId="act-1", **extra)


def _press(teams: TeamsHTTP, data: Any) -> dict[str, Any]:
    return _value(teams, {"action": {"type": "Action.Execute", "verb": "ab.close",
                                     "data": data}, "trigger": "manual"})


def _said(teams: TeamsHTTP, text: Any = "<at>actionbot</at> action help", **extra: Any
          ) -> dict[str, Any]:
    extra.setdefault("entities", [{"type": "mention", "text": "<at>actionbot</at>",
                                   "mentioned": {"id": BOT, "name": "actionbot"}}])
    return teams.activity("message", text=text, **extra)


def _without(activity: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in activity.items() if k not in keys}


def _many_mentions(teams: TeamsHTTP) -> dict[str, Any]:
    """4,000 people mentioned, none of them known: only the first ``MAX_MENTIONS`` are
    looked up."""
    people = [{"type": "mention", "text": f"<at>P{i}</at>",
               "mentioned": {"id": f"29:1stranger-{i}", "name": f"P{i}"}} for i in range(4000)]
    text = "<at>actionbot</at> action add " + " ".join(e["text"] for e in people) + " to go"
    return _said(teams, text, entities=[*_said(teams)["entities"], *people])


# name: (what is sent, status, what the answer must be). An answer "card" is a card posted
# in the conversation; "button" an invoke response saying the button is not ours; None: no
# answer at all; a str: the 400's error.
NOT_TEAMS = "not a Microsoft Teams activity"
LACKS = "the activity lacks a type, service URL, conversation, tenant or sender"
CASES: dict[str, tuple[Callable[[TeamsHTTP], Any], int, str | None]] = {
    "no from": (lambda t: _without(_said(t), "from"), 400, LACKS),
    "from a string": (lambda t: {**_said(t), "from": "RE"}, 400, LACKS),
    "from without id": (lambda t: {**_said(t), "from": {"name": "RE"}}, 400, LACKS),
    "no conversation": (lambda t: _without(_said(t), "conversation"), 400, LACKS),
    "conversation id a number": (lambda t: {**_said(t), "conversation": {"id": 5}}, 400, LACKS),
    "type a number": (lambda t: {**_said(t), "type": 7}, 400, LACKS),
    "no recipient": (lambda t: _without(_said(t), "recipient"), 400, LACKS),
    "not Teams": (lambda t: {**_said(t), "channelId": "slack"}, 400, NOT_TEAMS),
    "a JSON list": (lambda t: [_said(t)], 400, NOT_TEAMS),
    "JSON null": (lambda t: None, 400, NOT_TEAMS),
    "not JSON": (lambda t: b'{"type": "message", ', 400, "the body is not JSON"),
    "not UTF-8": (lambda t: b'{"type": "\xff\xfe"}', 400, "the body is not JSON"),
    "nested 100,000 deep": (lambda t: b"[" * 100_000 + b"]" * 100_000, 400,
                            "the body is not JSON"),
    "a 5,000-digit number": (lambda t: b'{"n": ' + b"9" * 5000 + b"}", 400,
                             "the body is not JSON"),
    "sender id longer than Teams sends": (
        lambda t: {**_said(t), "from": {"id": "29:" + "x" * 400}}, 400,
        "the activity's sender id is longer than Teams sends"),
    "tenant id longer than Teams sends": (
        lambda t: {**_said(t), "conversation": {**_said(t)["conversation"],
                                                "tenantId": "t" * 101}}, 400,
        "the activity's tenant id is longer than Teams sends"),
    "text a number": (lambda t: _said(t, 42), 200, "card"),
    "text a list": (lambda t: _said(t, ["action", "help"]), 200, "card"),
    "entities a string": (lambda t: _said(t, entities="everyone"), 200, "card"),
    "entities of every wrong shape": (lambda t: _said(t, entities=[
        1, None, "x", {"type": "mention"}, {"type": "mention", "text": 5, "mentioned": []},
        {"type": "mention", "text": "<at>x</at>", "mentioned": {"id": {"a": 1}}}]), 200,
        "card"),
    "4,000 mentions": (_many_mentions, 200, "card"),
    "100,000 unclosed mentions": (lambda t: _said(t, "<at>actionbot</at> action list "
                                                  + "<at>" * 100_000), 200, "card"),
    "100,000 unclosed tags": (lambda t: _said(t, "<at>actionbot</at> action list "
                                              + "<p" * 100_000), 200, "card"),
    "attachments a string": (lambda t: _said(t, attachments="file.docx"), 200, "card"),
    "attachments of every wrong shape": (lambda t: _said(t, attachments=[
        1, None, [], {"contentType": 5}, {"contentType": FILE_DOWNLOAD_INFO, "content": "x"},
        {"contentType": FILE_DOWNLOAD_INFO, "content": {"downloadUrl": ["no"]}},
        {"contentType": "reference", "name": {"x": 1}}]), 200, "card"),
    "a file with no download URL": (lambda t: _said(
        t, "action import", where="personal", entities=[],
        attachments=[{"contentType": FILE_DOWNLOAD_INFO, "name": "log.docx",
                      "content": {"fileType": "docx"}}]), 200, "card"),
    "an unknown activity type": (lambda t: {**_said(t), "type": "holographicCall"}, 200, None),
    "typing": (lambda t: {**_said(t), "type": "typing"}, 200, None),
    "membersAdded of every wrong shape": (lambda t: t.activity(
        "conversationUpdate", membersAdded=[1, None, {"id": 5}, {"name": "x"},
                                            {"id": BOT, "aadObjectId": {"x": 1}}]), 200, "card"),
    "membersAdded a string": (lambda t: t.activity("conversationUpdate",
                                                   membersAdded="everyone"), 200, None),
    "invoke value a string": (lambda t: _value(t, "press"), 200, "button"),
    "invoke value a list": (lambda t: _value(t, [1, 2]), 200, "button"),
    "invoke with no action": (lambda t: _value(t, {"trigger": "manual"}), 200, "button"),
    "invoke action a list": (lambda t: _value(t, {"action": ["Action.Execute"]}), 200,
                             "button"),
    "invoke with no action data": (lambda t: _value(t, {"action": {"type": "Action.Execute"}}),
                                   200, "button"),
    "invoke data a list": (lambda t: _press(t, ["close", 1]), 200, "button"),
    "invoke data not ours": (lambda t: _press(t, {"i": "delete_everything", "r": "1"}), 200,
                             "button"),
    "invoke action number a dict": (lambda t: _press(t, {"i": "close", "r": {"n": 1}}), 200,
                                    "button"),
    "invoke note field a list": (lambda t: _press(t, {"i": "update", "r": "1", "n": ["x"]}),
                                 200, "Write a short note first."),
    "invoke board true": (lambda t: _press(t, {"i": "close", "r": "1", "b": True}), 200,
                          "no board"),
    "invoke board beyond any id": (lambda t: _press(t, {"i": "close", "r": "1", "b": 10**30}),
                                   200, "no board"),
    "invoke of another name": (lambda t: {**_value(t, {}), "name": "composeExtension/query"},
                               200, None),
}


def test_signed_activities_of_every_wrong_shape_are_refused_or_answered(
        secure: Secure, signer: Signer, uow: UnitOfWork, caplog: pytest.LogCaptureFixture
        ) -> None:
    """One server for all the cases (a few seconds each to start otherwise); each is named
    when it fails."""
    teams, _ = secure
    caplog.set_level(logging.WARNING)
    failed = []
    for name, (make, status, answer) in CASES.items():
        sent = make(teams)
        body = sent if isinstance(sent, bytes) else json.dumps(sent).encode()
        head = {"Authorization": f"Bearer {signer.token(teams.fake.url)}",
                "Content-Type": "application/json", "Content-Length": str(len(body))}
        posts = len(teams.fake.posts())
        got, _, raw = send_raw(teams.base, head, body)
        outcome = _outcome(teams, got, raw, posts)
        if got != status or not _matches(outcome, answer):
            failed.append(f"{name}: {got} {outcome!r}")
    assert failed == []
    assert tracebacks(caplog.records) == []
    lookups = [c for c in teams.fake.calls if "/members/" in c.path]
    assert 0 < len(lookups) <= MAX_MENTIONS


def _outcome(teams: TeamsHTTP, status: int, raw: bytes, posts_before: int) -> str | None:
    posts = teams.fake.posts()[posts_before:]
    if status == 400:
        return str(json.loads(raw)["error"])
    if posts:
        return "card:" + card_text(posts[-1].card)
    if raw:
        return "button:" + str(json.loads(raw).get("value"))
    return None


def _matches(outcome: str | None, answer: str | None) -> bool:
    if answer is None or outcome is None:
        return outcome == answer
    if answer == "card":
        return outcome.startswith("card:") and len(outcome) > len("card:")
    if answer == "button":
        return outcome == "button:That button is not one of mine."
    if answer == "no board":
        return outcome.startswith("button:") and "board" in outcome
    return outcome in (answer, f"button:{answer}")
