"""Typed commands in Teams: in a channel after @actionbot, in personal chat without it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storage import teams as refs
from storage.models import ChannelBinding, MemberIdentity, TeamsConversation
from storage.uow import UnitOfWork
from tests.bot.teams.conftest import (
    BOT,
    CHANNEL,
    PEOPLE,
    PLACE,
    TEAM,
    TENANT,
    TeamsHTTP,
    buttons,
    card_text,
    mention,
)


def test_add_in_a_channel_answers_in_the_thread_with_an_action_card(
        teams_board: TeamsHTTP) -> None:
    answer = teams_board.say("action add MH to write to DfE about fees by end of March")
    assert answer.authorization is None, "TEAMS_INSECURE_NO_AUTH sends no token"
    assert answer.conversation.startswith(f"{CHANNEL};messageid=")
    assert answer.body["replyToId"] == answer.conversation.split("=", 1)[1]
    card = answer.card
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.4"
    text = card_text(card)
    assert "✅ Action 1 added" in text
    assert "MH to write to DfE about fees" in text
    assert "Owners: MH" in text and "Due: 31 March 2027" in text
    assert [b["verb"] for b in buttons(card)] == ["ab.close", "ab.update", "ab.defer"]
    assert buttons(card)[0]["data"] == {"i": "close", "r": "1", "b": 1, "m": "one"}
    assert "[Update]" in text and "[Snooze to next meeting]" in text


def test_setup_binds_the_channel_by_team_and_channel_not_by_thread(
        teams_board: TeamsHTTP, uow: UnitOfWork) -> None:
    with uow.transaction() as session:
        binding = session.scalar(select(ChannelBinding))
        assert binding is not None
        assert (binding.platform, binding.workspace, binding.channel) == ("teams", TENANT, PLACE)
    other_thread = teams_board.say("action list")
    assert "none" in card_text(other_thread.card)


def test_mentions_become_members_by_their_entra_id(teams_board: TeamsHTTP,
                                                     uow: UnitOfWork) -> None:
    with uow.transaction() as session:
        linked = {i.user_id for i in session.scalars(select(MemberIdentity))}
    assert linked == {PEOPLE["RE"].aad, PEOPLE["MH"].aad, PEOPLE["KY"].aad}
    listing = card_text(teams_board.say("board member list").card)
    assert "MH" in listing and "Mac Heath" in listing and "KY" in listing
    mh, _ = mention("MH")
    answer = teams_board.say(f"action add review the fees policy {mh} by 3/4", mentions=("MH",))
    assert "Owners: MH" in card_text(answer.card)


def test_first_message_from_a_channel_stores_where_to_reach_it(teams_board: TeamsHTTP,
                                                                uow: UnitOfWork) -> None:
    with uow.transaction() as session:
        channel = refs.reference(session, refs.CHANNEL, TENANT, PLACE)
        person = refs.reference(session, refs.PERSON, TENANT, PEOPLE["RE"].aad)
        mac = refs.reference(session, refs.PERSON, TENANT, PEOPLE["MH"].aad)
        assert channel is not None and person is not None and mac is not None
        assert (channel.conversation_id, channel.team_id, channel.bot_id) == (CHANNEL, TEAM, BOT)
        assert channel.service_url == teams_board.fake.url
        assert (person.user_id, person.conversation_id) == (PEOPLE["RE"].teams_id, None)
        assert mac.user_id == PEOPLE["MH"].teams_id


def test_user_text_cannot_fake_a_mention_or_a_link(teams_board: TeamsHTTP) -> None:
    answer = teams_board.say("action add &lt;at&gt;Mac Heath&lt;/at&gt; to read "
                             "[the report](https://evil.example) by 3/4")
    raw = str(answer.card)
    assert "<at>" not in raw and "](" not in raw
    shown = card_text(answer.card)
    assert "<at>Mac Heath</at> to read [the report](https://evil.example)" in shown
    typed_token = teams_board.say("action add &lt;@x|Evil&gt; to lie by 3/4")
    assert "initials X" in card_text(typed_token.card)


def test_unbound_channel_and_unknown_words_say_what_to_do(teams: TeamsHTTP) -> None:
    unbound = card_text(teams.say("action list").card)
    assert "does not keep a board's action log yet" in unbound
    assert "/board setup Adoption Board" in unbound
    hello = card_text(teams.say("hello there").card)
    assert "⚠" in hello and "/action help" in hello


def test_help_in_a_channel_says_to_mention_the_bot(teams: TeamsHTTP) -> None:
    text = card_text(teams.say("").card)
    assert "/action add" in text and "mention me first: @actionbot" in text


def test_personal_chat_lists_my_actions_across_boards(teams_board: TeamsHTTP,
                                                      uow: UnitOfWork) -> None:
    teams_board.say("action add MH to write to DfE by end of March")
    teams_board.say("action add KY to book the room by 3/4")
    mine = teams_board.say("/action list mine", user="MH", where="personal")
    assert mine.conversation == f"a:1-personal-{PEOPLE['MH'].teams_id}"
    text = card_text(mine.card)
    assert "My actions" in text and "Action 1 · South East Adoption Board" in text
    assert "book the room" not in text
    assert all(b["data"]["b"] == 1 for b in buttons(mine.card))
    with uow.transaction() as session:
        row = session.scalar(select(TeamsConversation).where(
            TeamsConversation.target == PEOPLE["MH"].aad))
        assert row is not None and row.conversation_id == mine.conversation


def test_personal_chat_acts_on_the_one_board_a_member_sits_on(teams_board: TeamsHTTP) -> None:
    teams_board.say("action add MH to write to DfE by end of March")
    closed = card_text(teams_board.say("action close 1 letter sent", user="MH",
                                       where="personal").card)
    assert "Action 1 closed" in closed
    stranger = card_text(teams_board.say("action list", user="AC", where="personal").card)
    assert "not a member of any board" in stranger


def test_boards_are_set_up_in_channels_not_in_personal_chat(teams: TeamsHTTP) -> None:
    text = card_text(teams.say("board setup My Board", where="personal").card)
    assert "in the channel that will keep its log" in text


def test_install_in_a_team_greets_the_channel_and_remembers_it(teams: TeamsHTTP,
                                                               uow: UnitOfWork) -> None:
    activity = teams.activity("conversationUpdate",
                              membersAdded=[{"id": BOT},
                                            {"id": PEOPLE["AC"].teams_id,
                                             "aadObjectId": PEOPLE["AC"].aad}])
    activity["conversation"]["id"] = TEAM
    activity["channelData"] = {"team": {"id": TEAM}, "tenant": {"id": TENANT},
                               "eventType": "teamMemberAdded"}
    status, _ = teams.post(activity)
    assert status == 200
    (welcome,) = teams.fake.posts(TEAM)
    assert "board setup" in card_text(welcome.card)
    with uow.transaction() as session:
        assert refs.reference(session, refs.CHANNEL, TENANT, f"{TEAM}/{TEAM}") is not None
        amy = refs.reference(session, refs.PERSON, TENANT, PEOPLE["AC"].aad)
        assert amy is not None and amy.user_id == PEOPLE["AC"].teams_id


def test_personal_install_remembers_the_chat(teams: TeamsHTTP, uow: UnitOfWork) -> None:
    status, _ = teams.post(teams.activity("installationUpdate", user="KY", where="personal",
                                          action="add"))
    assert status == 200
    with uow.transaction() as session:
        row = refs.reference(session, refs.PERSON, TENANT, PEOPLE["KY"].aad)
        assert row is not None and row.conversation_id == f"a:1-personal-{PEOPLE['KY'].teams_id}"


def test_malformed_or_foreign_bodies_are_refused(teams: TeamsHTTP) -> None:
    status, _ = teams.post({"type": "message", "channelId": "webchat"})
    assert status == 400
    assert teams.fake.posts() == []


def test_a_group_chat_keeps_a_log_by_its_chat_id_and_slashes_are_optional(
        teams: TeamsHTTP, uow: UnitOfWork) -> None:
    chat_id = "19:meeting-chat@thread.v2"
    activity = teams.activity("message", text="<at>actionbot</at> /board setup Panel",
                              entities=[{"type": "mention", "text": "<at>actionbot</at>",
                                         "mentioned": {"id": BOT, "name": "actionbot"}}])
    activity["conversation"] = {"id": chat_id, "conversationType": "groupChat",
                                "tenantId": TENANT, "isGroup": True}
    activity["channelData"] = {"tenant": {"id": TENANT}}
    assert teams.post(activity)[0] == 200
    (answer,) = teams.fake.posts(chat_id)
    assert "Panel is set up in this channel" in card_text(answer.card)
    with uow.transaction() as session:
        binding = session.scalar(select(ChannelBinding))
        assert binding is not None and binding.channel == chat_id
        chat = refs.reference(session, refs.CHANNEL, TENANT, chat_id)
        assert chat is not None and chat.conversation_id == chat_id


@pytest.mark.parametrize("body", [
    [], "text", {"channelId": "msteams", "type": "message", "conversation": "x"},
    {"channelId": "msteams", "type": "message", "serviceUrl": "http://x", "from": [],
     "conversation": {"id": "c", "tenantId": "t"}, "recipient": {"id": 5}},
])
def test_odd_bodies_are_refused_without_a_crash(teams: TeamsHTTP, body: object) -> None:
    assert teams.post(body)[0] == 400  # type: ignore[arg-type]


def test_a_throttled_answer_is_sent_again(teams: TeamsHTTP) -> None:
    teams.fake.fail_next[:] = [(429, "0"), (502, "0")]
    answer = teams.say("action help")
    assert "/action add" in card_text(answer.card) and teams.fake.fail_next == []
