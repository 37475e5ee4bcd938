"""``/action update``, ``due`` and ``defer``: progress notes, new due dates, later meetings."""

from __future__ import annotations

from handlers.replies import Tone
from tests.conftest import Chat
from tests.handlers.reading_back import fields, history, shown


# ---- update ------------------------------------------------------------------------------
def test_update_marks_the_action_ongoing_with_the_note(board: Chat) -> None:
    board("/action add MH to write to DfE by 5 May", as_="KY")

    reply = board("/action update 1 draft shared with LH", as_="AC")

    assert reply.title == "Action 1 updated: ongoing"
    assert reply.tone is Tone.SUCCESS
    assert fields(reply)["Status"] == "Ongoing"
    assert reply.items[0].lines == ("Note: draft shared with LH",)
    again = shown(board, 1)
    assert fields(again)["Status"] == "Ongoing"
    assert fields(again)["Due"] == "5 May 2027"
    assert again.items[0].lines == ("Note: draft shared with LH",)
    assert history(board, 1)[-1] == (
        "11 January 2027, 10:00 — AC updated it: draft shared with LH (console)"
    )


def test_the_same_update_twice_changes_nothing(board: Chat) -> None:
    board("/action add MH to write to DfE", as_="KY")
    board("/action update 1 draft shared with LH", as_="AC")

    again = board("/action update 1 draft shared with LH", as_="AC")

    assert again.title == "Action 1 already has that update."
    assert again.lines == ("Nothing was changed.",)
    assert again.tone is not Tone.ERROR
    assert [e for e in history(board, 1) if "updated it" in e] == [
        "11 January 2027, 10:00 — AC updated it: draft shared with LH (console)"
    ]


def test_update_of_a_deferred_action_brings_it_back_to_ongoing(board: Chat) -> None:
    board("/action add MH to write to DfE", as_="KY")
    board("/action defer 1 next meeting", as_="KY")

    board("/action update 1 DfE replied", as_="KY")

    assert fields(shown(board, 1))["Status"] == "Ongoing"


def test_update_of_a_closed_action_is_refused(board: Chat) -> None:
    board("/action add MH to write to DfE", as_="KY")
    board("/action close 1", as_="MH")

    reply = board("/action update 1 one more thing", as_="MH")

    assert reply.tone is Tone.ERROR
    assert reply.title == "Action 1 is closed. Reopen it first to update it."
    assert reply.lines == ("For example: /action reopen 1",)
    assert fields(shown(board, 1))["Status"] == "Closed"


def test_update_without_a_note_is_refused(board: Chat) -> None:
    board("/action add MH to write to DfE", as_="KY")

    reply = board("/action update 1", as_="MH")

    assert reply.tone is Tone.ERROR
    assert reply.title == "Add a note saying where action 1 has got to."
    assert reply.lines == ("For example: /action update 1 draft shared with LH",)
    assert fields(shown(board, 1))["Status"] == "Open"


# ---- due ---------------------------------------------------------------------------------
def test_due_sets_a_new_date(board: Chat) -> None:
    board("/action add MH to write to DfE by 5 May", as_="KY")

    reply = board("/action due 1 end of April", as_="KY")

    assert reply.title == "Action 1 now due 30 April 2027"
    assert reply.tone is Tone.SUCCESS
    assert fields(reply)["Due"] == "30 April 2027"
    assert fields(shown(board, 1))["Due"] == "30 April 2027"
    assert history(board, 1)[-1] == "11 January 2027, 10:00 — KY changed the due date (console)"


def test_due_next_meeting_takes_the_meeting_date(board: Chat) -> None:
    board("/action add MH to write to DfE", as_="KY")

    reply = board("/action due 1 next meeting", as_="KY")

    assert reply.title == "Action 1 now due 3 February 2027"


def test_due_in_the_past_is_refused(board: Chat) -> None:
    board("/action add MH to write to DfE by 5 May", as_="KY")

    reply = board("/action due 1 1 January 2027", as_="MH")

    assert reply.tone is Tone.ERROR
    assert reply.title == "1 January 2027 is in the past. Give a due date from today on."
    assert reply.lines[0].startswith("For example: ")
    assert fields(shown(board, 1))["Due"] == "5 May 2027"
    assert len(history(board, 1)) == 1


def test_due_that_is_not_a_date_is_refused(board: Chat) -> None:
    board("/action add MH to write to DfE by 5 May", as_="KY")

    reply = board("/action due 1 whenever", as_="MH")

    assert reply.tone is Tone.ERROR
    assert reply.title == "I can't read “whenever” as a date."
    assert reply.lines == ("For example: /action due 1 end of March",)
    assert fields(shown(board, 1))["Due"] == "5 May 2027"


# ---- defer -------------------------------------------------------------------------------
def test_defer_to_the_next_meeting_links_that_meeting(board: Chat) -> None:
    board("/action add MH to write to DfE", as_="KY")

    reply = board("/action defer 1 next meeting", as_="AC")

    assert reply.title == "Action 1 deferred to the 3 February 2027, 10:30 meeting"
    assert reply.tone is Tone.SUCCESS
    assert reply.public
    assert fields(reply)["Status"] == "Item for the 3 February 2027 meeting"
    assert fields(shown(board, 1))["Status"] == "Item for the 3 February 2027 meeting"
    assert history(board, 1)[-1] == "11 January 2027, 10:00 — AC deferred it (console)"


def test_deferring_twice_to_the_same_meeting_changes_nothing(board: Chat) -> None:
    board("/action add MH to write to DfE", as_="KY")
    board("/action defer 1 next meeting", as_="AC")

    again = board("/action defer 1 3 February 2027", as_="AC")

    assert again.title == "Action 1 is already an item for that meeting."
    assert again.lines == ("Nothing was changed.",)
    assert [e for e in history(board, 1) if "deferred it" in e] == [
        "11 January 2027, 10:00 — AC deferred it (console)"
    ]


def test_defer_to_a_named_meeting(board: Chat) -> None:
    board("/board meeting add 3 March 2027 14:00", as_="RE")
    board("/action add MH to write to DfE", as_="KY")

    reply = board("/action defer 1 to 3 March 2027", as_="KY")

    assert reply.title == "Action 1 deferred to the 3 March 2027, 14:00 meeting"
    assert fields(shown(board, 1))["Status"] == "Item for the 3 March 2027 meeting"


def test_defer_to_a_date_without_a_meeting_lists_the_upcoming_ones(board: Chat) -> None:
    board("/board meeting add 3 March 2027 14:00", as_="RE")
    board("/action add MH to write to DfE", as_="KY")

    reply = board("/action defer 1 10 March 2027", as_="KY")

    assert reply.tone is Tone.ERROR
    assert reply.title == ("There is no upcoming meeting on 10 March 2027. "
                           "Upcoming: 3 February 2027, 10:30, 3 March 2027, 14:00.")
    assert reply.lines == ("For example: /board meeting list",)
    assert fields(shown(board, 1))["Status"] == "Open"


def test_defer_to_next_meeting_when_none_is_scheduled(chat: Chat) -> None:
    chat("/board setup Fostering Leads")
    chat("/action add Share the template")

    reply = chat("/action defer 1 next meeting")

    assert reply.tone is Tone.ERROR
    assert reply.title == "No meeting is scheduled yet."
    assert reply.lines == ("For example: /board meeting add 5 May 2027 10:30",)
