"""``/board member``: listing, adding, updating, removing and linking board members."""

from __future__ import annotations

from handlers.replies import Tone
from storage.uow import UnitOfWork
from tests.conftest import Chat
from tests.handlers.reading_back import BOARD, fields, members, slack_chat


def test_member_list(board: Chat) -> None:
    reply = board("/board member list", as_="AC")

    assert reply.title == f"Members of {BOARD}"
    assert reply.lines == (
        "AC — Amy Coombs (member)",
        "KY — Kevin Yong (member)",
        "LH — Lorna Hunt (vice-chair)",
        "MH — Mac Heath (chair)",
        "RE — Rebecca Eligon (secretary)",
    )


def test_member_add_takes_initials_from_the_name(chat: Chat) -> None:
    chat("/board setup Fostering Leads")

    reply = chat("/board member add Mac Heath chair")

    assert reply.title == "Added MH — Mac Heath (chair)"
    assert reply.tone is Tone.SUCCESS
    assert chat("/board member list").lines == ("MH — Mac Heath (chair)",)


def test_member_add_without_a_role_adds_a_member(board: Chat) -> None:
    reply = board("/board member add Carole Atkins", as_="LH")

    assert reply.title == "Added CA — Carole Atkins (member)"
    assert "CA — Carole Atkins (member)" in members(board)


def test_member_add_with_existing_initials_updates_that_member(board: Chat) -> None:
    reply = board("/board member add KY Kevin Young vice-chair", as_="MH")

    assert reply.title == "Updated KY — Kevin Young (vice-chair)"
    assert reply.tone is Tone.SUCCESS
    listed = members(board)
    assert "KY — Kevin Young (vice-chair)" in listed
    assert len(listed) == 5


def test_member_add_with_only_a_role_keeps_the_name(board: Chat) -> None:
    reply = board("/board member add AC vice-chair", as_="MH")

    assert reply.title == "Updated AC — Amy Coombs (vice-chair)"


def test_member_remove(board: Chat) -> None:
    board("/action add KY to chase Bucks", as_="KY")

    reply = board("/board member remove KY", as_="MH")

    assert reply.title == f"Removed KY (Kevin Yong) from {BOARD}"
    assert reply.tone is Tone.SUCCESS
    assert reply.lines == ("Their actions keep their initials as owner until reassigned.",)
    assert "KY — Kevin Yong (member)" not in members(board)
    assert fields(board("/action show 1", as_="RE"))["Owners"] == "KY"
    assert board("/action list", as_="KY").tone is Tone.ERROR


def test_a_removed_member_can_be_added_back(board: Chat) -> None:
    board("/board member remove KY", as_="MH")

    reply = board("/board member add KY Kevin Yong", as_="MH")

    assert reply.title == "Updated KY — Kevin Yong (member)"
    assert "KY — Kevin Yong (member)" in members(board)
    assert board("/action list", as_="KY").tone is not Tone.ERROR


def test_member_remove_of_unknown_initials(board: Chat) -> None:
    reply = board("/board member remove ZQ", as_="MH")

    assert reply.tone is Tone.ERROR
    assert "ZQ" in reply.title
    assert reply.lines == ("For example: /board member add ZQ Their Name",)
    assert len(members(board)) == 5


def test_the_last_manager_cannot_be_removed_or_demoted(board: Chat) -> None:
    board("/board member remove MH", as_="RE")
    board("/board member remove LH", as_="RE")

    removed = board("/board member remove RE", as_="RE")
    demoted = board("/board member add RE Rebecca Eligon member", as_="RE")

    for reply in (removed, demoted):
        assert reply.tone is Tone.ERROR
        assert reply.title.startswith("RE is the board's only chair, vice-chair or secretary")
        assert reply.lines == ("For example: /board member add RE Rebecca Eligon secretary",)
    assert "RE — Rebecca Eligon (secretary)" in members(board)


def test_a_manager_who_is_not_the_last_can_be_removed_and_demoted(board: Chat) -> None:
    assert board("/board member add MH Mac Heath member", as_="RE").tone is Tone.SUCCESS
    assert board("/board member remove LH", as_="RE").tone is Tone.SUCCESS
    assert members(board) == [
        "AC — Amy Coombs (member)",
        "KY — Kevin Yong (member)",
        "MH — Mac Heath (member)",
        "RE — Rebecca Eligon (secretary)",
    ]


def test_the_last_manager_may_change_to_another_manager_role(board: Chat) -> None:
    board("/board member remove MH", as_="RE")
    board("/board member remove LH", as_="RE")

    reply = board("/board member add RE Rebecca Eligon chair", as_="RE")

    assert reply.title == "Updated RE — Rebecca Eligon (chair)"
    assert "RE — Rebecca Eligon (chair)" in members(board)


def test_a_mention_links_the_account_to_the_member(uow: UnitOfWork) -> None:
    slack = slack_chat(uow)
    slack("/board setup Fostering Leads", user_id="U1", user_name="Mac Heath")
    assert slack("/action list", user_id="U9").tone is Tone.ERROR

    reply = slack("/board member add <@U9> KY Kevin Yong", user_id="U1")

    assert reply.title == "Added KY — Kevin Yong (member)"
    added = slack("/action add KY to chase Bucks", user_id="U9")
    assert added.title == "Action 1 added"
    assert slack("/action show 1", user_id="U9").lines[1] == (
        "11 January 2027, 10:00 — KY added it (slack)"
    )
    mine = slack("/action list mine", user_id="U9")
    assert [item.title for item in mine.items] == ["Action 1"]


def test_a_mention_with_a_display_name_gives_name_and_initials(uow: UnitOfWork) -> None:
    slack = slack_chat(uow)
    slack("/board setup Fostering Leads", user_id="U1", user_name="Mac Heath")

    reply = slack("/board member add <@U8|Amy Coombs>", user_id="U1")

    assert reply.title == "Added AC — Amy Coombs (member)"
    assert slack("/board member list", user_id="U8").tone is not Tone.ERROR


def test_a_mention_links_an_existing_member(uow: UnitOfWork) -> None:
    slack = slack_chat(uow)
    slack("/board setup Fostering Leads", user_id="U1", user_name="Mac Heath")
    slack("/board member add KY Kevin Yong", user_id="U1")

    reply = slack("/board member add <@U9> KY", user_id="U1")

    assert reply.title == "Updated KY — Kevin Yong (member)"
    assert slack("/action add Chase Kent", user_id="U9").tone is Tone.SUCCESS


def test_an_account_already_linked_to_another_member_is_refused(uow: UnitOfWork) -> None:
    slack = slack_chat(uow)
    slack("/board setup Fostering Leads", user_id="U1", user_name="Mac Heath")
    slack("/board member add <@U9> KY Kevin Yong", user_id="U1")

    reply = slack("/board member add <@U9> AC Amy Coombs", user_id="U1")

    assert reply.tone is Tone.ERROR
    assert reply.title == "That account is already linked to KY on this board."
    assert reply.lines == ("For example: /board member remove KY",)
    assert slack("/board member list", user_id="U1").lines == (
        "KY — Kevin Yong (member)",
        "MH — Mac Heath (secretary)",
    )
