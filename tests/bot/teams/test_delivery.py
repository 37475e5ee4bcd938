"""Scheduled messages through Teams: ``bot.scheduler.tick`` with a ``TeamsNotifier`` whose
connector calls go to the local fake, authenticated by a fake token provider.

The board is set up through Teams (``teams_board``), so its channel binding, its members'
Teams accounts and the stored conversation references are the ones Teams activities made.
Its meeting is Wednesday 3 February 2027 at 10:30: owners are reminded at 09:00 five working
days before, the digest goes two working days before. No test sleeps.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import delete, select

from bot.config import Config, TeamsConfig
from bot.delivery import build_delivery
from bot.notify import Delivery
from bot.scheduler import tick
from bot.teams.notifier import TeamsNotifier
from storage import teams as refs
from storage.models import Send, TeamsConversation
from storage.uow import UnitOfWork
from tests.bot.teams.conftest import CHANNEL, PEOPLE, TENANT, TeamsHTTP, buttons, card_text
from tests.bot.teams.test_auth import FakeTokens

FIVE_DAYS_BEFORE = datetime(2027, 1, 27, 9, 0, tzinfo=UTC)
DIGEST_DAY = datetime(2027, 2, 1, 9, 0, tzinfo=UTC)
BOARD = "South East Adoption Board"


class FakeSleep:
    def __init__(self) -> None:
        self.slept: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.slept.append(seconds)


def _notifier(uow: UnitOfWork, teams: TeamsHTTP, sleep: FakeSleep | None = None
              ) -> tuple[Delivery, FakeTokens]:
    """A fresh notifier, as after a restart: everything it knows comes from the database."""
    cfg = TeamsConfig(client_id="bot-app-id", client_secret="secret", tenant_id=TENANT,
                      extra_service_urls=(teams.fake.url,))
    tokens = FakeTokens()
    notifier = TeamsNotifier(cfg, uow, token_provider=tokens, sleep=sleep or FakeSleep())
    return Delivery({"teams": notifier}), tokens


@pytest.fixture
def with_actions(teams_board: TeamsHTTP) -> TeamsHTTP:
    teams_board.say("action add MH to write to DfE by end of March")
    teams_board.say("action add KY to book the room by 3/4")
    return teams_board


def test_reminders_reach_owners_in_a_new_one_to_one_chat(with_actions: TeamsHTTP,
                                                         uow: UnitOfWork) -> None:
    delivery, tokens = _notifier(uow, with_actions)
    result = tick(uow, delivery, now=FIVE_DAYS_BEFORE)
    assert sorted(m.recipient for m in result.sent) == ["KY", "MH"] and not result.failed
    created = {c.body["members"][0]["id"]: c for c in with_actions.fake.created()}
    assert set(created) == {PEOPLE["MH"].teams_id, PEOPLE["KY"].teams_id}
    assert created[PEOPLE["MH"].teams_id].body["tenantId"] == TENANT
    (to_mac,) = with_actions.fake.posts(f"a:1-personal-{PEOPLE['MH'].teams_id}")
    assert to_mac.authorization == "Bearer fake-app-token"
    text = card_text(to_mac.card)
    assert f"Reminder: {BOARD} meets on 3 February 2027, 10:30" in text
    assert "MH to write to DfE" in text and "book the room" not in text
    assert [b["data"]["b"] for b in buttons(to_mac.card)] == [1, 1, 1]
    with uow.transaction() as session:
        mac = refs.reference(session, refs.PERSON, TENANT, PEOPLE["MH"].aad)
        assert mac is not None and mac.conversation_id == to_mac.conversation


def test_a_known_personal_chat_is_used_after_a_restart(with_actions: TeamsHTTP,
                                                       uow: UnitOfWork) -> None:
    with_actions.say("action list mine", user="MH", where="personal")
    delivery, _ = _notifier(uow, with_actions)
    tick(uow, delivery, now=FIVE_DAYS_BEFORE)
    made_for = {c.body["members"][0]["id"] for c in with_actions.fake.created()}
    assert made_for == {PEOPLE["KY"].teams_id}
    assert len(with_actions.fake.posts(f"a:1-personal-{PEOPLE['MH'].teams_id}")) == 2


def test_the_digest_goes_to_the_boards_channel(with_actions: TeamsHTTP, uow: UnitOfWork) -> None:
    delivery, _ = _notifier(uow, with_actions)
    tick(uow, delivery, now=FIVE_DAYS_BEFORE)
    result = tick(uow, delivery, now=DIGEST_DAY)
    assert [m.kind for m in result.sent] == ["digest"]
    (digest,) = with_actions.fake.posts(CHANNEL)
    text = card_text(digest.card)
    assert f"Action log digest — {BOARD}" in text and "2 open actions" in text


def test_a_member_teams_cannot_reach_yet_is_retried_later(with_actions: TeamsHTTP,
                                                          uow: UnitOfWork) -> None:
    with uow.transaction() as session:
        session.execute(delete(TeamsConversation).where(
            TeamsConversation.target == PEOPLE["KY"].aad))
    delivery, _ = _notifier(uow, with_actions)
    result = tick(uow, delivery, now=FIVE_DAYS_BEFORE)
    assert [m.recipient for m in result.sent] == ["MH"]
    ((message, error),) = result.failed
    assert message.recipient == "KY" and "cannot be reached in Teams yet" in error
    with_actions.say("hello", user="KY", where="personal")
    later = tick(uow, delivery, now=FIVE_DAYS_BEFORE.replace(minute=30))
    assert [m.recipient for m in later.sent] == ["KY"]


def test_a_refused_chat_raises_and_is_recorded(with_actions: TeamsHTTP, uow: UnitOfWork) -> None:
    with_actions.fake.refuse_conversations_for.add(PEOPLE["KY"].teams_id)
    delivery, _ = _notifier(uow, with_actions)
    result = tick(uow, delivery, now=FIVE_DAYS_BEFORE)
    ((message, error),) = result.failed
    assert message.recipient == "KY" and "Teams refused: HTTP 403" in error
    with uow.transaction() as session:
        failed = session.scalars(select(Send).where(Send.status == "failed")).all()
        assert [s.recipient for s in failed] == ["KY"]


def test_429_and_503_are_retried_after_the_wait_teams_asks_for(with_actions: TeamsHTTP,
                                                               uow: UnitOfWork) -> None:
    sleep = FakeSleep()
    with_actions.fake.fail_next[:] = [(429, "7"), (503, None)]
    delivery, _ = _notifier(uow, with_actions, sleep)
    result = tick(uow, delivery, now=FIVE_DAYS_BEFORE)
    assert sorted(m.recipient for m in result.sent) == ["KY", "MH"]
    assert sleep.slept[0] == 7.0 and len(sleep.slept) == 2 and sleep.slept[1] <= 2.0


def test_retries_are_bounded(with_actions: TeamsHTTP, uow: UnitOfWork) -> None:
    sleep = FakeSleep()
    with_actions.fake.fail_next[:] = [(429, "1")] * 10
    delivery, _ = _notifier(uow, with_actions, sleep)
    result = tick(uow, delivery, now=FIVE_DAYS_BEFORE)
    assert len(result.failed) == 2 and "HTTP 429" in result.failed[0][1]
    assert sleep.slept == [1.0] * 6


def test_stored_service_urls_outside_the_allow_list_are_not_used(with_actions: TeamsHTTP,
                                                                 uow: UnitOfWork) -> None:
    cfg = TeamsConfig(client_id="bot-app-id", client_secret="secret", tenant_id=TENANT)
    delivery = Delivery({"teams": TeamsNotifier(cfg, uow, token_provider=FakeTokens())})
    result = tick(uow, delivery, now=FIVE_DAYS_BEFORE)
    assert len(result.failed) == 2 and "not on the allow-list" in result.failed[0][1]
    assert with_actions.fake.created() == []


def test_serve_and_tick_register_the_teams_notifier(uow: UnitOfWork) -> None:
    config = Config(database_url="sqlite://", teams=TeamsConfig(
        client_id=None, client_secret=None, tenant_id=None, insecure_no_auth=True))
    assert isinstance(build_delivery(config, uow, None).notifiers["teams"],  # type: ignore[arg-type]
                      TeamsNotifier)
