"""Mentions as the new Teams client sends them, and names that must not be re-linked by
accident, through the real endpoint."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from storage.models import Action, Member, MemberIdentity
from storage.uow import UnitOfWork
from tests.bot.teams.conftest import BOT, PEOPLE, TeamsHTTP, card_text, mention
from tests.bot.teams.fake_connector import FakeConnector

JO = {"id": "29:1jb-teams-id", "aad": "00000000-0000-0000-0000-0000000000e9"}


def per_word(teams_id: str, words: list[str], *, full_name: bool) -> tuple[str, list[dict]]:
    """``<at>Jo</at> <at>Bloggs</at>`` and one entity per word, all naming one account, as the
    new Teams client sends a multi-word name (``mentioned.name`` per word, or the whole name
    in each entity, depending on the client)."""
    text = " ".join(f"<at>{w}</at>" for w in words)
    return text, [{"type": "mention", "text": f"<at>{w}</at>",
                   "mentioned": {"id": teams_id,
                                 "name": " ".join(words) if full_name else w}}
                  for w in words]


def say(teams: TeamsHTTP, text: str, entities: list[dict[str, Any]], *,
        where: str = "channel") -> str:
    """A message in the channel after @actionbot with ``entities``; the answer's text."""
    bot = [{"type": "mention", "text": "<at>actionbot</at>",
            "mentioned": {"id": BOT, "name": "actionbot"}}]
    before = len(teams.fake.posts())
    status, _ = teams.post(teams.activity("message", where=where,
                                          text=f"<at>actionbot</at> {text}",
                                          entities=bot + entities))
    assert status == 200
    posts = teams.fake.posts()
    assert len(posts) == before + 1
    return card_text(posts[-1].card)


@pytest.mark.parametrize("full_name", [False, True])
def test_a_name_mentioned_word_by_word_is_one_new_member(
        teams_board: TeamsHTTP, fake: FakeConnector, uow: UnitOfWork, full_name: bool) -> None:
    fake.members[JO["id"]] = {"id": JO["id"], "name": "Jo Bloggs", "aadObjectId": JO["aad"]}
    jo, entities = per_word(JO["id"], ["Jo", "Bloggs"], full_name=full_name)
    answer = say(teams_board, f"board member add {jo} JB member", entities)
    assert "Added JB — Jo Bloggs (member)" in answer, answer
    with uow.transaction() as session:
        member = session.scalars(select(Member).where(Member.initials == "JB")).one()
        assert member.name == "Jo Bloggs"
        assert [(i.platform, i.user_id) for i in member.identities] == [("teams", JO["aad"])]


def test_an_action_names_a_word_by_word_mention_once(teams_board: TeamsHTTP,
                                                     uow: UnitOfWork) -> None:
    mac, mac_entities = per_word(PEOPLE["MH"].teams_id, ["Mac", "Heath"], full_name=False)
    kev, kev_entities = per_word(PEOPLE["KY"].teams_id, ["Kevin", "Yong"], full_name=False)
    answer = say(teams_board, f"action add {mac} to check fees", mac_entities)
    assert "@MH to check fees" in answer and "@MH @MH" not in answer, answer
    # Two people side by side stay two people.
    say(teams_board, f"action add {mac} {kev} to visit the home", mac_entities + kev_entities)
    with uow.transaction() as session:
        texts = list(session.scalars(select(Action.text).order_by(Action.number)))
    assert texts == ["@MH to check fees", "@MH @KY to visit the home"]


def test_initials_linked_to_someone_else_are_not_handed_to_a_newcomer(
        teams_board: TeamsHTTP, uow: UnitOfWork) -> None:
    amy, entity = mention("AC")
    answer = say(teams_board, f"board member add {amy} MH", [entity])
    assert "MH is already Mac Heath, linked to another account" in answer, answer
    assert "/board member remove MH" in answer and "other initials" in answer
    with uow.transaction() as session:
        linked = session.scalars(select(MemberIdentity.user_id).join(Member)
                                 .where(Member.initials == "MH")).all()
    assert linked == [PEOPLE["MH"].aad]
    # Taking MH's place deliberately: remove MH, then add the newcomer as MH.
    assert "Removed MH" in say(teams_board, "board member remove MH", [])
    assert "Updated MH — Amy Coombs" in say(teams_board, f"board member add {amy} MH Amy Coombs",
                                            [entity])


@pytest.mark.parametrize("text", ["help", "Help", "/help"])
def test_help_in_personal_chat_answers_with_help(teams_board: TeamsHTTP, text: str) -> None:
    answer = teams_board.say(text, where="personal")
    shown = card_text(answer.card)
    assert "/action add" in shown and "Commands start with" not in shown, shown
