"""The real Teams endpoint over real HTTP: uvicorn serving bot.web on a free port, Bot Framework
activities posted to /api/messages with ``serviceUrl`` pointing at a local fake connector.

Happy paths run with ``TEAMS_INSECURE_NO_AUTH`` (no token either way); ``test_auth`` turns
authentication on with a signing key of its own.
"""

from __future__ import annotations

import itertools
import json
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest

from bot.config import Config, TeamsConfig
from bot.teams.app import TeamsBot
from bot.teams.auth import InboundAuth
from bot.web import build_web_app
from storage.uow import UnitOfWork
from tests.bot.teams.fake_connector import Call, FakeConnector
from tests.bot.teams.signing import CLIENT_ID, FakeTokens, Signer, cloud_with_keys_at
from tests.conftest import NOW
from tests.local_server import LocalServer

TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
BOT = "28:00000000-0000-0000-0000-00000000b0b0"
TEAM = "19:team-general@thread.tacv2"
CHANNEL = "19:board-channel@thread.tacv2"
PLACE = f"{TEAM}/{CHANNEL}"
INSECURE = Config.from_env({"TEAMS_INSECURE_NO_AUTH": "1"}).teams


@dataclass(frozen=True)
class Person:
    teams_id: str
    aad: str
    name: str


PEOPLE = {
    "RE": Person("29:1re-teams-id", "00000000-0000-0000-0000-0000000000e1", "Rebecca Eligon"),
    "MH": Person("29:1mh-teams-id", "00000000-0000-0000-0000-0000000000e2", "Mac Heath"),
    "KY": Person("29:1ky-teams-id", "00000000-0000-0000-0000-0000000000e3", "Kevin Yong"),
    "AC": Person("29:1ac-teams-id", "00000000-0000-0000-0000-0000000000e4", "Amy Coombs"),
}
_ids = itertools.count(1_700_000_000_000)


def mention(who: str) -> tuple[str, dict[str, Any]]:
    """``<at>Name</at>`` and its entity, as Teams sends them (no Entra id in the entity)."""
    person = PEOPLE[who]
    text = f"<at>{person.name}</at>"
    return text, {"type": "mention", "text": text,
                  "mentioned": {"id": person.teams_id, "name": person.name}}


@dataclass
class TeamsHTTP:
    """Posts to the running app as the Bot Framework connector would."""

    base: str
    fake: FakeConnector
    token: Callable[[dict[str, Any]], str | None] = lambda _activity: None
    service_url: str = ""

    def post(self, activity: dict[str, Any], *, authorization: str | None = None
             ) -> tuple[int, Any]:
        headers = {"Content-Type": "application/json"}
        auth = authorization if authorization is not None else self.token(activity)
        if auth:
            headers["Authorization"] = auth
        request = urllib.request.Request(f"{self.base}/api/messages", method="POST",
                                         data=json.dumps(activity).encode(), headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                raw, status = response.read().decode(), response.status
        except urllib.error.HTTPError as err:
            raw, status = err.read().decode(), err.code
        return status, (json.loads(raw) if raw else None)

    def activity(self, kind: str, *, user: str = "RE", where: str = "channel",
                 thread: str | None = None, **extra: Any) -> dict[str, Any]:
        """An activity from ``user`` in the channel (a new thread, or ``thread``) or in
        their personal chat."""
        person = PEOPLE[user]
        activity_id = str(next(_ids))
        if where == "channel":
            conversation = {"id": thread or f"{CHANNEL};messageid={activity_id}", "isGroup": True,
                            "conversationType": "channel", "tenantId": TENANT}
            data: dict[str, Any] = {"team": {"id": TEAM}, "channel": {"id": CHANNEL},
                                    "tenant": {"id": TENANT}}
        else:
            conversation = {"id": f"a:1-personal-{person.teams_id}",
                            "conversationType": "personal", "tenantId": TENANT}
            data = {"tenant": {"id": TENANT}}
        return {"type": kind, "id": activity_id, "channelId": "msteams",
                "serviceUrl": self.service_url or self.fake.url,
                "from": {"id": person.teams_id, "name": person.name, "aadObjectId": person.aad},
                "recipient": {"id": BOT, "name": "actionbot"}, "conversation": conversation,
                "channelData": data, "timestamp": "2027-01-11T10:00:00Z", **extra}

    def say(self, text: str, *, user: str = "RE", where: str = "channel",
            mentions: tuple[str, ...] = ()) -> Call:
        """Type a command (in a channel after @actionbot) and return the bot's answer."""
        entities = []
        if where == "channel":
            text = f"<at>actionbot</at> {text}"
            entities.append({"type": "mention", "text": "<at>actionbot</at>",
                             "mentioned": {"id": BOT, "name": "actionbot"}})
        for who in mentions:
            entities.append(mention(who)[1])
        before = len(self.fake.posts())
        status, _ = self.post(self.activity("message", user=user, where=where, text=text,
                                            entities=entities))
        assert status == 200
        posts = self.fake.posts()
        assert len(posts) == before + 1, "the bot did not answer exactly once"
        return posts[-1]

    def press(self, data: dict[str, Any], *, user: str = "RE", where: str = "channel",
              reply_to: str = "act-1", thread: str | None = None) -> tuple[int, Any]:
        """Press an Action.Execute button whose data is ``data`` on message ``reply_to``."""
        value = {"action": {"type": "Action.Execute", "verb": f"ab.{data.get('i')}",
                            "data": data}, "trigger": "manual"}
        return self.post(self.activity("invoke", user=user, where=where, thread=thread,
                                       name="adaptiveCard/action", value=value,
                                       replyToId=reply_to))


@pytest.fixture
def fake() -> Iterator[FakeConnector]:
    connector = FakeConnector(members={p.teams_id: {"id": p.teams_id, "name": p.name,
                                                    "aadObjectId": p.aad}
                                       for p in PEOPLE.values()}).start()
    yield connector
    connector.stop()


@pytest.fixture
def start_teams(uow: UnitOfWork, fake: FakeConnector) -> Iterator[Callable[..., TeamsHTTP]]:
    """Start the app with a given ``TeamsBot`` (else one on ``clock``, whose public URL is
    the app's own address when ``public_url``); stopped after the test."""
    running: list[LocalServer] = []

    def start(bot: TeamsBot | None = None, *, clock: Callable[[], datetime] = lambda: NOW,
              public_url: bool = False, **http: Any) -> TeamsHTTP:
        assert INSECURE is not None
        server = LocalServer()
        running.append(server)
        bot = bot or TeamsBot(INSECURE, uow, clock=clock,
                              base_url=server.url if public_url else None)
        server.start(build_web_app(teams=bot, uow=uow, clock=clock))
        return TeamsHTTP(server.url, fake, **http)

    yield start
    for server in running:
        server.stop()


@pytest.fixture
def signer(fake: FakeConnector) -> Signer:
    """A signing key the fake connector publishes as Microsoft's."""
    key = Signer()
    fake.jwks["keys"].append(key.jwk())
    return key


def secure_config(fake: FakeConnector) -> TeamsConfig:
    """Authentication on, the fake connector allowed by the setting."""
    return TeamsConfig(client_id=CLIENT_ID, client_secret="secret", tenant_id=TENANT,
                       extra_service_urls=(fake.url,))


@pytest.fixture
def secure(start_teams: Callable[..., TeamsHTTP], uow: UnitOfWork, fake: FakeConnector,
           signer: Signer) -> tuple[TeamsHTTP, FakeTokens]:
    """The app with authentication on, checking tokens against the fake connector's keys;
    ``TeamsHTTP.post`` signs each activity for its own service URL."""
    tokens = FakeTokens()
    bot = TeamsBot(secure_config(fake), uow, clock=lambda: NOW, token_provider=tokens,
                   inbound=InboundAuth(CLIENT_ID, cloud_with_keys_at(fake.url)))
    http = start_teams(bot, token=lambda activity: f"Bearer {signer.token(activity['serviceUrl'])}")
    return http, tokens


@pytest.fixture
def teams(start_teams: Callable[..., TeamsHTTP]) -> TeamsHTTP:
    return start_teams()


def card_text(card: dict[str, Any]) -> str:
    """Every piece of text a member would read on a card, in order."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "TextBlock":
                found.append(node["text"])
            if node.get("type") == "FactSet":
                found.extend(f"{f['title']}: {f['value']}" for f in node["facts"])
            if str(node.get("type", "")).startswith("Action."):
                found.append(f"[{node['title']}]")
            for key, value in node.items():
                if key != "data":
                    walk(value)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(card.get("body", []))
    return "\n".join(found).replace("\u200b", "")


def buttons(card: dict[str, Any]) -> list[dict[str, Any]]:
    """Every Action.Execute on the card, Save buttons inside note fields included."""
    found: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "Action.Execute":
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(card)
    return found


def set_up_board(teams: TeamsHTTP) -> TeamsHTTP:
    """A board set up in the channel by RE (secretary), MH chair and KY added by mention,
    and a meeting on 3 February 2027 at 10:30."""
    setup = teams.say("board setup South East Adoption Board")
    assert "is set up in this channel" in card_text(setup.card), card_text(setup.card)
    mh, _ = mention("MH")
    ky, _ = mention("KY")
    for line, who in ((f"member add {mh} MH chair", ("MH",)), (f"member add {ky}", ("KY",)),
                      ("meeting add 3 February 2027 10:30", ())):
        answer = teams.say(f"board {line}", mentions=who)
        assert "✅" in card_text(answer.card), card_text(answer.card)
    return teams


@pytest.fixture
def teams_board(teams: TeamsHTTP) -> TeamsHTTP:
    """``set_up_board`` on the default app."""
    return set_up_board(teams)
