"""The commands that change the log: add, decision, assign, close, reopen, update, due, defer,
withdraw. Each test types what a board member would and checks what they would see, then
reads the log back with ``/action show`` or ``/action list``."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from handlers.replies import Reply, Tone
from tests.conftest import Chat


def fields(reply: Reply, index: int = 0) -> dict[str, str]:
    """The label → value fields of one action card in a reply."""
    return {f.label: f.value for f in reply.items[index].fields}


def shown(chat: Chat, number: int) -> Reply:
    """The action as the secretary sees it with ``/action show``."""
    reply = chat(f"/action show {number}", as_="RE")
    assert reply.tone is not Tone.ERROR, reply.title
    return reply


def history(chat: Chat, number: int) -> list[str]:
    """The history lines of ``/action show`` (after the "History:" heading)."""
    lines = shown(chat, number).lines
    assert lines[0] == "History:"
    return [line for line in lines[1:] if not line.startswith("(latest")]


def slack_chat(chat: Chat, channel: str = "C1") -> Chat:
    """A Slack channel on the same database as ``chat``."""
    return Chat(chat.uow, platform="slack", workspace="T1", channel=channel)


# ---- add ---------------------------------------------------------------------------------
def test_add_names_the_action_and_echoes_owner_due_and_issued_date(board: Chat) -> None:
    reply = board("/action add MH to write to DfE by 5 May", as_="KY")

    assert reply.title == "Action 1 added"
    assert reply.tone is Tone.SUCCESS
    assert reply.public
    assert reply.lines == ()
    (item,) = reply.items
    assert item.title == "Action 1"
    assert item.text == "MH to write to DfE"
    assert fields(reply) == {"Owners": "MH", "Due": "5 May 2027", "Status": "Open",
                             "Issued": "11 January 2027"}

    again = shown(board, 1)
    assert again.title == "Action 1"
    assert again.items[0].text == "MH to write to DfE"
    assert fields(again)["Due"] == "5 May 2027"


def test_add_with_explicit_owners_and_a_uk_date(board: Chat) -> None:
    reply = board("/action add chase Surrey about fees @KY @AC by 3/4", as_="LH")

    assert reply.title == "Action 1 added"
    assert reply.items[0].text == "chase Surrey about fees"
    assert fields(reply)["Owners"] == "KY, AC"
    assert fields(reply)["Due"] == "3 April 2027"


def test_add_without_an_owner_says_so(board: Chat) -> None:
    reply = board("/action add Write the terms of reference", as_="AC")

    assert reply.title == "Action 1 added"
    assert reply.tone is Tone.SUCCESS
    assert fields(reply)["Owners"] == "nobody yet"
    assert fields(reply)["Due"] == "not set"
    assert reply.lines == ("No owner yet: assign one with /action assign 1 @MH",)


def test_convention_owner_who_is_not_a_member_is_kept_verbatim_with_a_note(board: Chat) -> None:
    reply = board("/action add RR to chase Bucks by end of March", as_="KY")

    assert reply.title == "Action 1 added"
    assert reply.tone is Tone.SUCCESS
    assert reply.items[0].text == "RR to chase Bucks"
    assert fields(reply)["Owners"] == "RR"
    assert fields(reply)["Due"] == "31 March 2027"
    assert reply.lines == (
        "RR is not a member of South East Adoption Board yet; kept as written. "
        "Add them with /board member add RR Their Name",
    )
    assert fields(shown(board, 1))["Owners"] == "RR"


def test_several_convention_owners_as_in_the_minutes(board: Chat) -> None:
    reply = board("/action add JB and MS to share contact details", as_="KY")

    assert fields(reply)["Owners"] == "JB, MS"
    assert len(reply.lines) == 2
    assert reply.lines[0].startswith("JB is not a member of South East Adoption Board yet")
    assert reply.lines[1].startswith("MS is not a member of South East Adoption Board yet")


def test_member_convention_owners_need_no_note(board: Chat) -> None:
    reply = board("/action add KY & AC to share 3/4 figures", as_="MH")

    assert reply.items[0].text == "KY & AC to share 3/4 figures"
    assert fields(reply)["Owners"] == "KY, AC"
    assert fields(reply)["Due"] == "not set"
    assert reply.lines == ()


def test_all_to_makes_everyone_the_owner(board: Chat) -> None:
    reply = board("/action add All to reflect on the data before the next meeting", as_="MH")

    assert fields(reply)["Owners"] == "All"
    assert reply.lines == ()


def test_unknown_explicit_owner_is_refused_and_nothing_is_created(board: Chat) -> None:
    assert board("/action add Chase Kent", as_="KY").title == "Action 1 added"

    refused = board("/action add Chase Bucks about fees @ZZ by 5 May", as_="KY")

    assert refused.tone is Tone.ERROR
    assert not refused.public
    assert "ZZ" in refused.title
    assert refused.items == ()
    assert refused.lines == ("For example: /board member add ZZ Their Name",)
    assert board("/action show 2", as_="RE").tone is Tone.ERROR
    listed = board("/action list all", as_="RE")
    assert [item.title for item in listed.items] == ["Action 1"]

    assert board("/action add Chase Bucks @KY", as_="KY").title == "Action 2 added"


@pytest.mark.parametrize(
    ("now", "issued"),
    [
        (datetime(2027, 6, 30, 23, 30, tzinfo=UTC), "1 July 2027"),  # 00:30 BST
        (datetime(2027, 1, 11, 23, 30, tzinfo=UTC), "11 January 2027"),  # 23:30 GMT
    ],
)
def test_issued_date_is_the_board_local_day(board: Chat, now: datetime, issued: str) -> None:
    reply = board("/action add Review the adopter pathway", as_="KY", now=now)

    assert fields(reply)["Issued"] == issued
    assert fields(shown(board, 1))["Issued"] == issued


def test_add_with_a_past_due_date_is_refused_and_nothing_is_created(board: Chat) -> None:
    refused = board("/action add MH to write to DfE by 1 January 2027", as_="KY")

    assert refused.tone is Tone.ERROR
    assert refused.title.startswith("1 January 2027 is in the past")
    assert refused.lines[0].startswith("For example: ")
    assert board("/action add MH to write to DfE", as_="KY").title == "Action 1 added"


# ---- numbering ---------------------------------------------------------------------------
def test_numbers_are_consecutive_and_never_reused(board: Chat) -> None:
    titles = [board(f"/action add Item {n}", as_="KY").title for n in range(1, 4)]
    assert titles == ["Action 1 added", "Action 2 added", "Action 3 added"]

    assert board("/action withdraw 3 not needed", as_="MH").tone is Tone.SUCCESS
    assert board("/action decision Terms of reference adopted", as_="MH").title == (
        "Decision 4 recorded"
    )
    assert board("/action add Item 5", as_="KY").title == "Action 5 added"

    listed = board("/action list all", as_="RE")
    assert [item.title for item in listed.items] == [
        "Action 5", "Decision 4", "Action 3", "Action 2", "Action 1",
    ]


def test_two_boards_number_independently_and_cannot_reach_each_other(board: Chat) -> None:
    fostering = Chat(board.uow, channel="fostering-leads")
    assert fostering("/board setup South East Fostering Leads").tone is Tone.SUCCESS

    assert board("/action add Adoption item one", as_="KY").title == "Action 1 added"
    assert board("/action add Adoption item two", as_="KY").title == "Action 2 added"
    assert fostering("/action add Fostering item one").title == "Action 1 added"

    missing = fostering("/action show 2")
    assert missing.tone is Tone.ERROR
    assert missing.title == ("There is no action 2 on South East Fostering Leads. "
                             "The latest is 1.")
    assert fostering("/action close 2").tone is Tone.ERROR

    assert fostering("/action close 1").title == "Action 1 closed"
    assert fields(shown(board, 1))["Status"] == "Open"
    assert shown(board, 1).items[0].text == "Adoption item one"
    assert fostering("/action show 1").items[0].text == "Fostering item one"


# ---- close -------------------------------------------------------------------------------
def test_close_records_the_note_and_closing_twice_changes_nothing(board: Chat) -> None:
    board("/action add MH to write to DfE by 5 May", as_="KY")

    closed = board("/action close 1 letter sent", as_="MH")
    assert closed.title == "Action 1 closed"
    assert closed.tone is Tone.SUCCESS
    assert closed.public
    assert fields(closed)["Status"] == "Closed"
    assert closed.items[0].lines == ("Note: letter sent",)
    assert closed.items[0].buttons == ()

    again = board("/action close 1 really sent", as_="MH")
    assert again.title == "Action 1 is already closed."
    assert again.lines == ("Nothing was changed.",)
    assert again.tone is not Tone.SUCCESS
    assert not again.public

    events = history(board, 1)
    assert [e for e in events if "closed it" in e] == [
        "11 January 2027, 10:00 — MH closed it: letter sent (console)"
    ]
    assert shown(board, 1).items[0].lines == ("Note: letter sent",)


@pytest.mark.parametrize("verb", ["done", "complete"])
def test_done_and_complete_close_the_action(board: Chat, verb: str) -> None:
    board("/action add MH to write to DfE", as_="KY")

    reply = board(f"/action {verb} 1", as_="MH")

    assert reply.title == "Action 1 closed"
    assert fields(shown(board, 1))["Status"] == "Closed"


def test_closing_a_withdrawn_action_asks_to_reopen_first(board: Chat) -> None:
    board("/action add MH to write to DfE", as_="KY")
    board("/action withdraw 1", as_="MH")

    reply = board("/action close 1", as_="MH")

    assert reply.tone is Tone.ERROR
    assert reply.title == "Action 1 is withdrawn. Reopen it first to close it."
    assert reply.lines == ("For example: /action reopen 1",)
    assert fields(shown(board, 1))["Status"] == "Withdrawn"


def test_closing_a_number_that_does_not_exist(board: Chat) -> None:
    board("/action add MH to write to DfE", as_="KY")

    reply = board("/action close 99", as_="MH")

    assert reply.tone is Tone.ERROR
    assert reply.title == "There is no action 99 on South East Adoption Board. The latest is 1."
    assert reply.lines == ("For example: /action list all",)


def test_closing_on_an_empty_log(board: Chat) -> None:
    reply = board("/action close 1", as_="MH")

    assert reply.tone is Tone.ERROR
    assert reply.title == ("There is no action 1 on South East Adoption Board. "
                           "The log is empty so far.")


# ---- reopen ------------------------------------------------------------------------------
def test_reopen_a_closed_action(board: Chat) -> None:
    board("/action add MH to write to DfE", as_="KY")
    board("/action close 1 letter sent", as_="MH")

    reply = board("/action reopen 1 DfE asked for more", as_="RE")

    assert reply.title == "Action 1 reopened"
    assert reply.tone is Tone.SUCCESS
    assert reply.public
    assert fields(reply)["Status"] == "Open"
    assert "11 January 2027, 10:00 — RE reopened it: DfE asked for more (console)" in (
        history(board, 1)
    )
    assert [i.title for i in board("/action list", as_="KY").items] == ["Action 1"]


def test_reopen_an_open_action_changes_nothing(board: Chat) -> None:
    board("/action add MH to write to DfE", as_="KY")

    reply = board("/action reopen 1", as_="MH")

    assert reply.title == "Action 1 is already open."
    assert reply.lines == ("Nothing was changed.",)
    assert len(history(board, 1)) == 1


def test_reopen_a_withdrawn_action(board: Chat) -> None:
    board("/action add MH to write to DfE", as_="KY")
    board("/action withdraw 1 overtaken by events", as_="MH")

    reply = board("/action reopen 1", as_="MH")

    assert reply.title == "Action 1 reopened"
    assert fields(shown(board, 1))["Status"] == "Open"


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


# ---- withdraw ----------------------------------------------------------------------------
def test_withdraw_and_withdraw_again(board: Chat) -> None:
    board("/action add MH to write to DfE", as_="KY")

    reply = board("/action withdraw 1 overtaken by events", as_="MH")

    assert reply.title == "Action 1 withdrawn"
    assert reply.tone is Tone.SUCCESS
    assert reply.public
    assert fields(reply)["Status"] == "Withdrawn"
    assert reply.items[0].lines == ("Note: overtaken by events",)
    assert board("/action list", as_="KY").items == ()
    assert [i.title for i in board("/action list closed", as_="KY").items] == ["Action 1"]

    again = board("/action withdraw 1", as_="MH")
    assert again.title == "Action 1 is already withdrawn."
    assert again.lines == ("Nothing was changed.",)
    assert [e for e in history(board, 1) if "withdrew it" in e] == [
        "11 January 2027, 10:00 — MH withdrew it: overtaken by events (console)"
    ]


def test_a_closed_action_cannot_be_withdrawn(board: Chat) -> None:
    board("/action add MH to write to DfE", as_="KY")
    board("/action close 1", as_="MH")

    reply = board("/action withdraw 1", as_="MH")

    assert reply.tone is Tone.ERROR
    assert fields(shown(board, 1))["Status"] == "Closed"


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


# ---- text as typed -----------------------------------------------------------------------
def test_text_is_stored_exactly_as_typed(board: Chat) -> None:
    text = 'ask <!channel> to read & comment on "ToR" *now* <b>fees</b>  twice'
    reply = board(f"/action add {text}", as_="KY")

    assert reply.items[0].text == text
    assert shown(board, 1).items[0].text == text


def test_text_that_only_looks_like_a_date_stays_text(board: Chat) -> None:
    board("/action add Chase the report written by the DfE", as_="KY")

    again = shown(board, 1)
    assert again.items[0].text == "Chase the report written by the DfE"
    assert fields(again)["Due"] == "not set"


def test_notes_are_stored_as_typed(board: Chat) -> None:
    board("/action add MH to write to DfE", as_="KY")

    board("/action update 1 asked <@U123> & <!here> for <figures>", as_="KY")

    assert shown(board, 1).items[0].lines == ("Note: asked <@U123> & <!here> for <figures>",)


def test_mention_of_a_linked_member_is_stored_as_initials(board: Chat) -> None:
    slack = slack_chat(board)
    slack("/board setup Slack Adoption Board", user_id="U1", user_name="Mac Heath")
    slack("/board member add <@U9> KY Kevin Yong", user_id="U1")

    reply = slack("/action add chase <@U9> about <!channel> & fees", user_id="U1")

    assert reply.title == "Action 1 added"
    assert reply.items[0].text == "chase @KY about <!channel> & fees"
    assert fields(reply)["Owners"] == "KY"
    again = slack("/action show 1", user_id="U9")
    assert again.items[0].text == "chase @KY about <!channel> & fees"


def test_mention_with_a_display_name_of_a_linked_member(board: Chat) -> None:
    slack = slack_chat(board)
    slack("/board setup Slack Adoption Board", user_id="U1", user_name="Mac Heath")
    slack("/board member add <@U9> KY Kevin Yong", user_id="U1")

    reply = slack("/action add ask <@U9|kevin> for the data", user_id="U1")

    assert reply.items[0].text == "ask @KY for the data"
    assert fields(reply)["Owners"] == "KY"


def test_mention_of_an_unlinked_account_as_owner_is_refused(board: Chat) -> None:
    slack = slack_chat(board)
    slack("/board setup Slack Adoption Board", user_id="U1", user_name="Mac Heath")

    reply = slack("/action add ask <@U123> about fees", user_id="U1")

    assert reply.tone is Tone.ERROR
    assert reply.title == "That person is not a member of Slack Adoption Board yet."
    assert reply.lines == ("For example: /board member add <@U123> AB Their Name",)
    assert slack("/action add ask KY about fees", user_id="U1").title == "Action 1 added"


def test_decision_text_is_stored_as_typed(board: Chat) -> None:
    text = "Agreed <@U123> & <!channel> see the <b>new</b> terms"
    board(f"/action decision {text}", as_="KY")

    assert shown(board, 1).items[0].text == text


def test_decision_text_stores_a_linked_member_mention_as_initials(board: Chat) -> None:
    slack = slack_chat(board)
    slack("/board setup Slack Adoption Board", user_id="U1", user_name="Mac Heath")
    slack("/board member add <@U9> KY Kevin Yong", user_id="U1")

    slack("/action decision Agreed that <@U9> chairs the panel", user_id="U1")

    again = slack("/action show 1", user_id="U1")
    assert again.items[0].text == "Agreed that @KY chairs the panel"


# ---- mistakes ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("line", "title", "example"),
    [
        ("/action close", "Which action? Give its number after close.",
         "/action close 58 letter sent"),
        ("/action close abc", "“abc” is not an action number.", "/action close 58 letter sent"),
        ("/action frobnicate", "I don't know “/action frobnicate”. I know: add, assign, close, "
         "reopen, update, due, defer, withdraw, decision, list, show, digest, export, import, "
         "help.",
         "/action add MH to write to DfE by end of March"),
        ("/action 58", "Say what to do with action 58.", "/action close 58"),
        ("/action add", "What is the action?",
         "/action add MH to write to DfE @MH by end of March"),
        ("/action add @MH by 5 May", "What is the action? Only owners or a date were given.",
         "/action add MH to write to DfE @MH by end of March"),
        ("/action decision", "What was decided?",
         "/action decision Adopt the new terms of reference"),
        ("/action assign 1", "Name at least one owner.", "/action assign 58 @MH @RE"),
        ("/action assign 1 hello", "“hello” is not an owner: use initials or a mention.",
         "/action assign 58 @MH @RE"),
        ("/action due 1", "Give the new due date.", "/action due 1 end of March"),
        ("/action defer 1", "Say which meeting to defer it to.", "/action defer 1 next meeting"),
        ("/action defer 1 next blursday", "I can't read “next blursday” as a meeting date.",
         "/action defer 58 next meeting"),
        ("/todo list", "Commands start with /action or /board, not “todo”.", "/action help"),
    ],
)
def test_mistakes_say_what_is_wrong_and_give_an_example(
    board: Chat, line: str, title: str, example: str
) -> None:
    board("/action add MH to write to DfE", as_="KY")

    reply = board(line, as_="MH")

    assert reply.tone is Tone.ERROR
    assert not reply.public
    assert reply.title == title
    assert reply.lines == (f"For example: {example}",)
    assert len(history(board, 1)) == 1
    assert board("/action list all", as_="RE").title.endswith("(1–1 of 1)")
