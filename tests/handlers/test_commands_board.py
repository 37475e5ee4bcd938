"""Parsing ``/board``: setup, members, meetings, settings and help, and its mistakes."""

from __future__ import annotations

import pytest

from handlers.commands import (
    BoardSetup,
    Command,
    Help,
    MeetingAdd,
    MeetingCancel,
    MeetingList,
    MeetingMove,
    MemberAdd,
    MemberList,
    MemberRemove,
    Settings,
    parse,
)
from handlers.owners import OwnerRef
from storage.models import Role
from tests.handlers.parsing import MH, TODAY, mistake


def board(text: str) -> Command:
    return parse("board", text, today=TODAY)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("setup South East Adoption Board", BoardSetup(name="South East Adoption Board")),
        ("setup   South   East  ", BoardSetup(name="South East")),
        (
            "member add MH Mac Heath chair",
            MemberAdd(initials="MH", name="Mac Heath", role=Role.CHAIR),
        ),
        (
            "member add @MH Mac Heath Chair",
            MemberAdd(initials="MH", name="Mac Heath", role=Role.CHAIR),
        ),
        (
            "member add LH Lorna Hunt vice-chair",
            MemberAdd(initials="LH", name="Lorna Hunt", role=Role.VICE_CHAIR),
        ),
        (
            "member add LH Lorna Hunt vice chair",
            MemberAdd(initials="LH", name="Lorna Hunt", role=Role.VICE_CHAIR),
        ),
        (
            "member add RE Rebecca Eligon secretary",
            MemberAdd(initials="RE", name="Rebecca Eligon", role=Role.SECRETARY),
        ),
        (
            "member add KY Kevin Yong member",
            MemberAdd(initials="KY", name="Kevin Yong", role=Role.MEMBER),
        ),
        ("member add KY Kevin Yong", MemberAdd(initials="KY", name="Kevin Yong", role=None)),
        ("member add Kevin Yong", MemberAdd(initials=None, name="Kevin Yong", role=None)),
        (
            "member add <@U123|Mac Heath> MH Mac Heath chair",
            MemberAdd(
                initials="MH",
                name="Mac Heath",
                role=Role.CHAIR,
                mention=OwnerRef(user_id="U123", mention_name="Mac Heath"),
            ),
        ),
        (
            "member add <@U123> MH",
            MemberAdd(initials="MH", name=None, role=None, mention=OwnerRef(user_id="U123")),
        ),
        ("member remove MH", MemberRemove(who=MH)),
        ("member remove @MH", MemberRemove(who=MH)),
        (
            "member remove <@U123|Mac Heath>",
            MemberRemove(who=OwnerRef(user_id="U123", mention_name="Mac Heath")),
        ),
        ("member list", MemberList()),
        ("members", MemberList()),
        ("meeting add 5 May 2027 10:30", MeetingAdd(when="5 May 2027 10:30")),
        ("meeting list", MeetingList(include_past=False)),
        ("meetings", MeetingList(include_past=False)),
        ("meeting list all", MeetingList(include_past=True)),
        (
            "meeting move 5 May 2027 to 12 May 2027 14:00",
            MeetingMove(which="5 May 2027", to="12 May 2027 14:00"),
        ),
        ("meeting cancel 5 May 2027", MeetingCancel(which="5 May 2027")),
        ("settings", Settings()),
        ("settings timezone Europe/London", Settings(key="timezone", value="Europe/London")),
        ("settings TIMEZONE Europe/London", Settings(key="timezone", value="Europe/London")),
        ("", Help(root="board")),
        ("help", Help(root="board")),
        ("help Member", Help(topic="member", root="board")),
    ],
)
def test_board_commands(text: str, expected: Command) -> None:
    assert board(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("frobnicate", "I don't know “/board frobnicate”"),
        ("setup", "Give the board a name."),
        ("member frob", "I don't know “/board member frob”"),
        ("member add", "Give the member's initials and name."),
        ("member add chair", "Give the member's initials and name."),
        ("member remove", "Say whom to remove"),
        ("member remove MH RE", "Say whom to remove"),
        ("member remove all", "Say whom to remove"),
        ("meeting add", "When is the meeting?"),
        ("meeting move 5 May 2027", "Say which meeting and when it moves to."),
        ("meeting move to 12 May 2027", "Say which meeting and when it moves to."),
        ("meeting cancel", "Say which meeting to cancel."),
        ("meeting frob", "I don't know “/board meeting frob”"),
    ],
)
def test_board_mistakes_say_what_is_wrong_and_show_an_example(text: str, message: str) -> None:
    err = mistake("board", text)
    assert message in err.message
    assert (err.example or "").startswith("/board")
