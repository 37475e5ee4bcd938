"""``/board``: setting a board up, binding channels, members, meetings and settings."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from handlers.replies import Reply, Tone
from storage.uow import UnitOfWork
from tests.conftest import Chat

BOARD = "South East Adoption Board"
NOT_BOUND = ("This channel does not keep a board's action log yet. Set one up here "
             "(you become its secretary).")


def fields(reply: Reply, index: int = 0) -> dict[str, str]:
    return {f.label: f.value for f in reply.items[index].fields}


def reply_fields(reply: Reply) -> dict[str, str]:
    return {f.label: f.value for f in reply.fields}


def members(chat: Chat) -> list[str]:
    """The member list as the secretary sees it."""
    reply = chat("/board member list", as_="RE")
    assert reply.tone is not Tone.ERROR, reply.title
    return list(reply.lines)


def upcoming(chat: Chat, *, include_past: bool = False) -> list[str]:
    reply = chat("/board meeting list all" if include_past else "/board meeting list", as_="RE")
    assert reply.tone is not Tone.ERROR, reply.title
    return list(reply.lines)


def status_of(chat: Chat, number: int) -> str:
    return fields(chat(f"/action show {number}", as_="RE"))["Status"]


def slack_chat(uow: UnitOfWork, channel: str = "C1") -> Chat:
    return Chat(uow, platform="slack", workspace="T1", channel=channel)


# ---- setup -------------------------------------------------------------------------------
def test_setup_creates_the_board_with_the_founder_as_secretary(chat: Chat) -> None:
    reply = chat("/board setup  Fostering   Leads ", as_="RE")

    assert reply.title == "Fostering Leads is set up in this channel"
    assert reply.tone is Tone.SUCCESS
    assert reply.public
    assert reply.lines[0] == "You are its secretary, as RE."
    assert "Numbers start at 1. Times are Europe/London." in reply.lines
    assert chat("/board member list", as_="RE").lines == ("RE — RE (secretary)",)
    assert chat("/action add First item", as_="RE").title == "Action 1 added"


def test_setup_by_a_chat_account_links_it_and_takes_initials_from_the_name(uow: UnitOfWork) -> None:
    slack = slack_chat(uow)

    reply = slack("/board setup Fostering Leads", user_id="U1", user_name="Mac Heath")

    assert reply.title == "Fostering Leads is set up in this channel"
    assert reply.lines[0] == "You are its secretary, as MH."
    listed = slack("/board member list", user_id="U1")
    assert listed.lines == ("MH — Mac Heath (secretary)",)
    slack("/action add Share the template", user_id="U1")
    shown = slack("/action show 1", user_id="U1")
    assert shown.lines[1] == "11 January 2027, 10:00 — MH added it (slack)"


def test_setup_by_the_console_operator_has_no_founder_member(chat: Chat) -> None:
    reply = chat("/board setup Fostering Leads")

    assert reply.tone is Tone.SUCCESS
    assert not any(line.startswith("You are its secretary") for line in reply.lines)
    assert chat("/board member list").title == "Fostering Leads has no members yet"


def test_setup_in_an_already_bound_channel_is_refused(board: Chat) -> None:
    reply = board("/board setup Another Board", as_="RE")

    assert reply.tone is Tone.ERROR
    assert reply.title == f"This channel already keeps the log of {BOARD}."
    assert reply.lines == ("For example: /board settings",)
    assert board("/board settings", as_="RE").fields[0].value == BOARD


def test_setup_of_an_existing_name_by_its_manager_binds_another_channel(uow: UnitOfWork) -> None:
    first = slack_chat(uow, "C1")
    first("/board setup Fostering Leads", user_id="U1", user_name="Mac Heath")
    first("/action add Share the template", user_id="U1")
    second = slack_chat(uow, "C2")

    reply = second("/board setup fostering   LEADS", user_id="U1")

    assert reply.title == "This channel now also keeps the log of Fostering Leads"
    assert reply.tone is Tone.SUCCESS
    assert reply.public
    assert second("/action show 1", user_id="U1").items[0].text == "Share the template"
    assert second("/action add Chase Kent", user_id="U1").title == "Action 2 added"
    assert first("/action show 2", user_id="U1").items[0].text == "Chase Kent"


def test_setup_of_an_existing_name_by_its_manager_at_the_console_binds_it(board: Chat) -> None:
    other = Chat(board.uow, channel="console-2")

    reply = other(f"/board setup {BOARD}", as_="RE")

    assert reply.title == f"This channel now also keeps the log of {BOARD}"
    assert other("/board member list", as_="RE").tone is not Tone.ERROR


@pytest.mark.parametrize(("user_id", "user_name"), [("U9", "Kevin Yong"), ("U5", "Zed Zee")])
def test_setup_of_an_existing_name_by_anyone_else_is_refused(
    uow: UnitOfWork, user_id: str, user_name: str
) -> None:
    first = slack_chat(uow, "C1")
    first("/board setup Fostering Leads", user_id="U1", user_name="Mac Heath")
    first("/board member add <@U9> KY Kevin Yong", user_id="U1")
    second = slack_chat(uow, "C2")

    reply = second("/board setup Fostering Leads", user_id=user_id, user_name=user_name)

    assert reply.tone is Tone.ERROR
    assert reply.title.startswith("A board called Fostering Leads already exists. Only its chair, "
                                  "vice-chair or secretary can link another channel to it")
    assert reply.lines == ("For example: /board setup South East Adoption Board 2027",)
    assert second("/action list", user_id="U1").title == NOT_BOUND


def test_setup_of_an_existing_name_by_a_console_stranger_is_refused(board: Chat) -> None:
    other = Chat(board.uow, channel="console-2")

    reply = other(f"/board setup {BOARD}", as_="ZZ")

    assert reply.tone is Tone.ERROR
    assert reply.title.startswith(f"A board called {BOARD} already exists.")
    assert other("/action list", as_="RE").title == NOT_BOUND


def test_a_channel_without_a_board_explains_board_setup(chat: Chat) -> None:
    for line in ("/action list", "/action add MH to write to DfE", "/board member list",
                 "/board meeting add 5 May 2027 10:30"):
        reply = chat(line, as_="MH")
        assert reply.tone is Tone.ERROR
        assert reply.title == NOT_BOUND
        assert reply.lines == ("For example: /board setup Adoption Board",)


# ---- members -----------------------------------------------------------------------------
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


# ---- meetings ----------------------------------------------------------------------------
def test_meeting_add_in_the_future_is_announced(board: Chat) -> None:
    reply = board("/board meeting add 5 May 2027 14:00", as_="MH")

    assert reply.title == "Meeting added: 5 May 2027, 14:00"
    assert reply.tone is Tone.SUCCESS
    assert reply.public
    assert reply.lines == ()
    assert upcoming(board) == ["3 February 2027, 10:30", "5 May 2027, 14:00"]


def test_meeting_add_without_a_time_is_set_for_ten(board: Chat) -> None:
    reply = board("/board meeting add 5 May 2027", as_="MH")

    assert reply.title == "Meeting added: 5 May 2027, 10:00"
    assert reply.lines == ("No time was given, so it is set for 10:00. Change it with "
                           "/board meeting move 5 May 2027 to 5 May 2027 14:00",)


def test_meeting_add_in_the_past_records_a_held_meeting(board: Chat) -> None:
    reply = board("/board meeting add 6 January 2027 10:30", as_="RE")

    assert reply.title == "Recorded the meeting held on 6 January 2027, 10:30"
    assert reply.tone is Tone.SUCCESS
    assert not reply.public
    assert upcoming(board) == ["3 February 2027, 10:30"]
    assert upcoming(board, include_past=True) == [
        "6 January 2027, 10:30 (held)", "3 February 2027, 10:30",
    ]


def test_meeting_add_twice_changes_nothing(board: Chat) -> None:
    reply = board("/board meeting add 3 February 2027 10:30", as_="MH")

    assert reply.title == "The 3 February 2027, 10:30 meeting is already in the calendar"
    assert reply.lines == ("Nothing was changed.",)
    assert upcoming(board) == ["3 February 2027, 10:30"]


def test_meeting_times_are_local_across_the_clock_changes(board: Chat) -> None:
    spring = board("/board meeting add 1 April 2027 10:30", as_="MH")
    autumn = board("/board meeting add 3 November 2027 10:30", as_="MH")

    assert spring.title == "Meeting added: 1 April 2027, 10:30"
    assert autumn.title == "Meeting added: 3 November 2027, 10:30"
    assert upcoming(board) == [
        "3 February 2027, 10:30", "1 April 2027, 10:30", "3 November 2027, 10:30",
    ]
    board("/action add MH to write to DfE", as_="KY")
    deferred = board("/action defer 1 1 April 2027", as_="KY")
    assert deferred.title == "Action 1 deferred to the 1 April 2027, 10:30 meeting"
    after_february = datetime(2027, 3, 30, 8, 0, tzinfo=UTC)  # 09:00 BST
    in_summer = board("/board settings", as_="KY", now=after_february)
    assert reply_fields(in_summer)["Next meeting"] == "1 April 2027, 10:30"


def test_a_time_skipped_by_the_clocks_going_forward_is_refused(board: Chat) -> None:
    reply = board("/board meeting add 28 March 2027 01:30", as_="MH")

    assert reply.tone is Tone.ERROR
    assert reply.title == ("01:30 does not exist on 28 March 2027: "
                           "the clocks go forward that night.")
    assert reply.lines[0].startswith("For example: /board meeting add")
    assert upcoming(board) == ["3 February 2027, 10:30"]


def test_meeting_move(board: Chat) -> None:
    reply = board("/board meeting move 3 February 2027 to 1 April 2027 10:30", as_="LH")

    assert reply.title == "Meeting moved from 3 February 2027, 10:30 to 1 April 2027, 10:30"
    assert reply.tone is Tone.SUCCESS
    assert reply.public
    assert upcoming(board) == ["1 April 2027, 10:30"]


def test_items_deferred_to_a_meeting_follow_it_when_it_moves(board: Chat) -> None:
    board("/action add MH to write to DfE", as_="KY")
    board("/action defer 1 next meeting", as_="KY")

    board("/board meeting move 3 February 2027 to 10 February 2027 14:00", as_="MH")

    assert status_of(board, 1) == "Item for the 10 February 2027 meeting"


def test_meeting_move_of_a_meeting_that_does_not_exist(board: Chat) -> None:
    reply = board("/board meeting move 4 February 2027 to 5 February 2027", as_="MH")

    assert reply.tone is Tone.ERROR
    assert "Upcoming: 3 February 2027, 10:30." in reply.title
    assert reply.lines == ("For example: /board meeting list",)
    assert upcoming(board) == ["3 February 2027, 10:30"]


def test_meeting_cancel_moves_deferred_items_to_the_next_meeting(board: Chat) -> None:
    board("/board meeting add 3 March 2027 10:30", as_="RE")
    board("/action add MH to write to DfE", as_="KY")
    board("/action add LH to draft the terms of reference", as_="KY")
    board("/action defer 1 next meeting", as_="KY")
    board("/action defer 2 next meeting", as_="KY")

    reply = board("/board meeting cancel 3 February 2027", as_="MH")

    assert reply.title == "Meeting of 3 February 2027, 10:30 cancelled"
    assert reply.tone is Tone.SUCCESS
    assert reply.public
    assert reply.lines == ("Items deferred to it (2, 1) now go to the 3 March 2027, 10:30 "
                           "meeting.",)
    assert upcoming(board) == ["3 March 2027, 10:30"]
    assert status_of(board, 1) == "Item for the 3 March 2027 meeting"
    assert status_of(board, 2) == "Item for the 3 March 2027 meeting"


def test_meeting_cancel_reopens_deferred_items_when_no_meeting_follows(board: Chat) -> None:
    board("/action add MH to write to DfE", as_="KY")
    board("/action defer 1 next meeting", as_="KY")

    reply = board("/board meeting cancel 3 February 2027", as_="MH")

    assert reply.lines == ("Items deferred to it (1) are open again: no later meeting is set.",)
    assert status_of(board, 1) == "Open"
    assert board("/board meeting list", as_="RE").title == f"No upcoming meetings for {BOARD}"
    assert [i.title for i in board("/action list", as_="KY").items] == ["Action 1"]


def test_meeting_cancel_of_a_meeting_that_does_not_exist(board: Chat) -> None:
    reply = board("/board meeting cancel 4 February 2027", as_="MH")

    assert reply.tone is Tone.ERROR
    assert reply.title == ("There is no upcoming meeting on 4 February 2027. "
                           "Upcoming: 3 February 2027, 10:30.")
    assert upcoming(board) == ["3 February 2027, 10:30"]


def test_meeting_list_when_none_are_set(chat: Chat) -> None:
    chat("/board setup Fostering Leads")

    reply = chat("/board meeting list")

    assert reply.title == "No upcoming meetings for Fostering Leads"
    assert reply.lines == ("Add one: /board meeting add 5 May 2027 10:30",)


# ---- settings ----------------------------------------------------------------------------
def test_settings_show_the_board(board: Chat) -> None:
    board("/action add MH to write to DfE", as_="KY")

    reply = board("/board settings", as_="AC")

    assert reply.title == f"Settings of {BOARD}"
    assert reply.tone is Tone.INFO
    assert reply_fields(reply).items() >= {
        "Name": BOARD,
        "Timezone": "Europe/London",
        "Members": "5",
        "Actions numbered so far": "1",
        "Next meeting": "3 February 2027, 10:30",
    }.items()


def test_settings_change_the_timezone(board: Chat) -> None:
    reply = board("/board settings timezone Europe/Paris", as_="RE")

    assert reply.title == "Timezone changed from Europe/London to Europe/Paris"
    assert reply.tone is Tone.SUCCESS
    assert reply_fields(board("/board settings", as_="KY"))["Timezone"] == "Europe/Paris"
    assert upcoming(board) == ["3 February 2027, 11:30"]


def test_settings_rename_the_board(board: Chat) -> None:
    reply = board("/board settings name SE Adoption Board", as_="MH")

    assert reply.title == f"Name changed from {BOARD} to SE Adoption Board"
    assert board("/board member list", as_="KY").title == "Members of SE Adoption Board"


def test_settings_rename_to_another_boards_name_is_refused(board: Chat) -> None:
    Chat(board.uow, channel="fostering")("/board setup Fostering Leads")

    reply = board("/board settings name fostering leads", as_="MH")

    assert reply.tone is Tone.ERROR
    assert reply.title == "Another board is already called Fostering Leads."
    assert reply_fields(board("/board settings", as_="KY"))["Name"] == BOARD


def test_settings_unknown_key_is_refused(board: Chat) -> None:
    reply = board("/board settings colour red", as_="RE")

    assert reply.tone is Tone.ERROR
    assert reply.title.startswith("There is no setting “colour”. Settings: name, timezone")
    assert reply.lines == ("For example: /board settings timezone Europe/London",)


# ---- mistakes ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("line", "title", "example"),
    [
        ("/board setup", "Give the board a name.", "/board setup South East Adoption Board"),
        ("/board frob", "I don't know “/board frob”. I know: setup, member, meeting, settings, "
         "help.", "/board member add @mac MH Mac Heath chair"),
        ("/board member add", "Give the member's initials and name.",
         "/board member add MH Mac Heath chair"),
        ("/board member remove", "Say whom to remove, by initials or mention.",
         "/board member remove MH"),
        ("/board member frob", "I don't know “/board member frob”: use add, remove or list.",
         "/board member add MH Mac Heath chair"),
        ("/board meeting add", "When is the meeting?", "/board meeting add 5 May 2027 10:30"),
        ("/board meeting add next blursday", "I can't read “next blursday” as a date and time.",
         "/board meeting add 10 February 2027 10:30"),
        ("/board meeting add 58", "I can't read “58” as a date and time.",
         "/board meeting add 10 February 2027 10:30"),
        ("/board meeting move 5 May", "Say which meeting and when it moves to.",
         "/board meeting move 5 May 2027 to 12 May 2027 14:00"),
        ("/board meeting cancel", "Say which meeting to cancel.",
         "/board meeting cancel 5 May 2027"),
        ("/board meeting frob", "I don't know “/board meeting frob”: use add, list, move or "
         "cancel.", "/board meeting add 5 May 2027 10:30"),
        ("/board settings timezone Mars/Base", "“Mars/Base” is not a timezone I know.",
         "/board settings timezone Europe/London"),
    ],
)
def test_mistakes_say_what_is_wrong_and_give_an_example(
    board: Chat, line: str, title: str, example: str
) -> None:
    reply = board(line, as_="RE")

    assert reply.tone is Tone.ERROR
    assert not reply.public
    assert reply.title == title
    assert reply.lines == (f"For example: {example}",)
    assert len(members(board)) == 5
    assert upcoming(board) == ["3 February 2027, 10:30"]
    assert reply_fields(board("/board settings", as_="RE"))["Timezone"] == "Europe/London"
