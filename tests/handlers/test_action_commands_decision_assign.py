"""``/action decision`` and ``/action assign``: recording decisions and changing owners."""

from __future__ import annotations

import pytest

from handlers.replies import Tone
from tests.conftest import Chat
from tests.handlers.reading_back import fields, history, shown


# ---- decision ----------------------------------------------------------------------------
def test_decision_is_numbered_with_the_actions(board: Chat) -> None:
    board("/action add MH to write to DfE", as_="KY")

    reply = board("/action decision Terms of reference adopted", as_="KY")

    assert reply.title == "Decision 2 recorded"
    assert reply.tone is Tone.SUCCESS
    assert reply.public
    (item,) = reply.items
    assert item.title == "Decision 2"
    assert item.text == "Terms of reference adopted"
    assert fields(reply)["Status"] == "DECISION"
    assert "Due" not in fields(reply)
    assert item.buttons == ()
    again = shown(board, 2)
    assert again.title == "Decision 2"
    assert fields(again)["Status"] == "DECISION"
    assert history(board, 2) == [
        "11 January 2027, 10:00 — KY recorded the decision (console)"
    ]


@pytest.mark.parametrize("line", ["/action close 1", "/action update 1 more", "/action reopen 1",
                                  "/action assign 1 @MH", "/action defer 1 next meeting"])
def test_a_decision_is_not_an_action_to_work_on(board: Chat, line: str) -> None:
    board("/action decision Terms of reference adopted", as_="KY")

    reply = board(line, as_="MH")

    assert reply.tone is Tone.ERROR
    assert reply.title.startswith("Decision 1 is a decision")
    assert fields(shown(board, 1))["Status"] == "DECISION"


# ---- assign ------------------------------------------------------------------------------
def test_assign_replaces_the_owners(board: Chat) -> None:
    board("/action add MH to write to DfE", as_="KY")

    reply = board("/action assign 1 @LH @AC", as_="MH")

    assert reply.title == "Action 1 assigned to LH, AC"
    assert reply.tone is Tone.SUCCESS
    assert reply.public
    assert fields(reply)["Owners"] == "LH, AC"
    assert fields(shown(board, 1))["Owners"] == "LH, AC"
    assert history(board, 1)[-1] == "11 January 2027, 10:00 — MH assigned it to LH, AC (console)"


def test_assign_to_the_same_owners_changes_nothing(board: Chat) -> None:
    board("/action add chase Bucks @KY", as_="KY")

    reply = board("/action assign 1 @KY", as_="MH")

    assert reply.title == "Action 1 already belongs to KY."
    assert reply.lines == ("Nothing was changed.",)
    assert len(history(board, 1)) == 1


def test_assign_to_someone_not_on_the_board_is_refused(board: Chat) -> None:
    board("/action add MH to write to DfE", as_="KY")

    reply = board("/action assign 1 @ZZ", as_="MH")

    assert reply.tone is Tone.ERROR
    assert "ZZ" in reply.title
    assert reply.lines == ("For example: /board member add ZZ Their Name",)
    assert fields(shown(board, 1))["Owners"] == "MH"
