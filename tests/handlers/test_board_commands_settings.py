"""``/board settings``: showing the board and changing its timezone and name."""

from __future__ import annotations

from handlers.replies import Tone
from tests.conftest import Chat
from tests.handlers.reading_back import BOARD, reply_fields, upcoming


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
