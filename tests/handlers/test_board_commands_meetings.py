"""``/board meeting``: adding, moving, cancelling and listing meetings in board time."""

from __future__ import annotations

from datetime import UTC, datetime

from handlers.replies import Tone
from tests.conftest import Chat
from tests.handlers.reading_back import BOARD, fields, reply_fields, upcoming


def status_of(chat: Chat, number: int) -> str:
    return fields(chat(f"/action show {number}", as_="RE"))["Status"]


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
