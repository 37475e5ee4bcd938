"""The command language: the words after ``/action`` and ``/board`` into command objects."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from handlers.commands import (
    ActionRef,
    AddAction,
    Assign,
    BoardSetup,
    Close,
    Command,
    Decision,
    Defer,
    Digest,
    Help,
    ListActions,
    MeetingAdd,
    MeetingCancel,
    MeetingList,
    MeetingMove,
    MemberAdd,
    MemberList,
    MemberRemove,
    Reopen,
    SetDue,
    Settings,
    Show,
    Update,
    Withdraw,
    parse,
)
from handlers.dates import NEXT_MEETING
from handlers.errors import UserError
from handlers.owners import OwnerRef
from storage.models import Role

TODAY = date(2027, 1, 11)  # a Monday in January

MH = OwnerRef(initials="MH")
RE = OwnerRef(initials="RE")
EVERYONE = OwnerRef(everyone=True)


def action(text: str, today: date = TODAY) -> Command:
    return parse("action", text, today=today)


def board(text: str) -> Command:
    return parse("board", text, today=TODAY)


def add(text: str) -> AddAction:
    command = action(f"add {text}")
    assert isinstance(command, AddAction)
    return command


def mistake(root: str, text: str) -> UserError:
    with pytest.raises(UserError) as caught:
        parse(root, text, today=TODAY)
    return caught.value


# ---- /action add: owners ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "owners"),
    [
        ("MH to write to DfE", (MH,)),
        ("JB and MS to review the policy", (OwnerRef(initials="JB"), OwnerRef(initials="MS"))),
        ("RR/TR to draft the letter", (OwnerRef(initials="RR"), OwnerRef(initials="TR"))),
        (
            "AL KY RE to meet the auditors",
            (OwnerRef(initials="AL"), OwnerRef(initials="KY"), RE),
        ),
        ("All to read the report", (EVERYONE,)),
    ],
)
def test_add_takes_owners_from_the_minutes_convention_and_keeps_the_text(
    text: str, owners: tuple[OwnerRef, ...]
) -> None:
    assert add(text) == AddAction(text=text, owners=owners, explicit_owners=False)


def test_add_without_owners() -> None:
    assert add("Review the terms of reference") == AddAction(
        text="Review the terms of reference"
    )


@pytest.mark.parametrize(
    ("text", "expected_text", "owners"),
    [
        ("Write to DfE @MH", "Write to DfE", (MH,)),
        ("Write to DfE @MH @RE", "Write to DfE", (MH, RE)),
        ("Write to DfE @mh", "Write to DfE", (MH,)),
        ("Write to DfE @all", "Write to DfE", (EVERYONE,)),
        ("Write to DfE <@U123>", "Write to DfE", (OwnerRef(user_id="U123"),)),
        (
            "Write to DfE <@U123|mac> <@U456|Lorna Hunt>",
            "Write to DfE",
            (
                OwnerRef(user_id="U123", mention_name="mac"),
                OwnerRef(user_id="U456", mention_name="Lorna Hunt"),
            ),
        ),
        ("Ask @RE for the figures", "Ask @RE for the figures", (RE,)),
        (
            "<@U1|mac> to chase DfE",
            "<@U1|mac> to chase DfE",
            (OwnerRef(user_id="U1", mention_name="mac"),),
        ),
    ],
)
def test_add_takes_explicit_owners_and_drops_trailing_ones_from_the_text(
    text: str, expected_text: str, owners: tuple[OwnerRef, ...]
) -> None:
    assert add(text) == AddAction(text=expected_text, owners=owners, explicit_owners=True)


def test_explicit_owners_win_over_the_convention() -> None:
    assert add("MH to write to DfE @RE") == AddAction(
        text="MH to write to DfE", owners=(RE,), explicit_owners=True
    )


def test_repeated_owner_is_listed_once() -> None:
    assert add("Write to DfE @MH @MH").owners == (MH,)


def test_email_address_is_not_an_owner() -> None:
    assert add("Email bob@example.com about it") == AddAction(
        text="Email bob@example.com about it"
    )


# ---- /action add: due dates ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected_text", "due"),
    [
        ("MH to write to DfE by end of March", "MH to write to DfE", date(2027, 3, 31)),
        ("Send the minutes by 3/4", "Send the minutes", date(2027, 4, 3)),
        ("Send the minutes due 5 May", "Send the minutes", date(2027, 5, 5)),
        ("Send the minutes BY 5 May", "Send the minutes", date(2027, 5, 5)),
        ("Send the minutes by 5 January", "Send the minutes", date(2028, 1, 5)),
        ("Send the minutes by Q1", "Send the minutes", date(2027, 3, 31)),
        ("Send the minutes by April", "Send the minutes", date(2027, 4, 30)),
        ("Send the minutes by end of the month", "Send the minutes", date(2027, 1, 31)),
        ("Send the minutes due next meeting", "Send the minutes", NEXT_MEETING),
        ("Send the minutes by Friday", "Send the minutes", date(2027, 1, 15)),
        ("Review by 10 May and again by 12 May", "Review by 10 May and again", date(2027, 5, 12)),
    ],
)
def test_add_reads_the_due_date_after_by_or_due(
    text: str, expected_text: str, due: object
) -> None:
    command = add(text)
    assert (command.text, command.due) == (expected_text, due)


def test_add_with_convention_owners_and_a_date() -> None:
    assert add("JB and MS to review the policy due 3/4") == AddAction(
        text="JB and MS to review the policy",
        owners=(OwnerRef(initials="JB"), OwnerRef(initials="MS")),
        explicit_owners=False,
        due=date(2027, 4, 3),
    )


@pytest.mark.parametrize(
    "text",
    [
        "Write to DfE @MH by 5 May",
        "Write to DfE by 5 May @MH",
    ],
)
def test_add_owners_before_or_after_the_date(text: str) -> None:
    assert add(text) == AddAction(
        text="Write to DfE", owners=(MH,), explicit_owners=True, due=date(2027, 5, 5)
    )


@pytest.mark.parametrize(
    "text",
    [
        "Bid supported by the team",
        "Review the policy by the board",
        "Decide by consensus",
        "Sort the files by date",
        "Pay the invoice due to ACME",
        "Review item by 58",
        "Review item due 58",
        "Review item by #58",
        "Review item by 58b",
        "Review item by 2058",
        "Arrange the tables four by five",
        "Review the bid by twelve",
    ],
)
def test_add_keeps_a_by_that_is_not_a_date_in_the_text(text: str) -> None:
    assert add(text) == AddAction(text=text)


def test_add_keeps_a_non_date_by_and_takes_the_trailing_owner() -> None:
    assert add("Bid supported by the team @MH") == AddAction(
        text="Bid supported by the team", owners=(MH,), explicit_owners=True
    )


PAST_DUE = ["add Send the minutes by 1 January 2027", "due 58 1 January 2027"]


@pytest.mark.parametrize("text", PAST_DUE)
def test_past_due_date_is_refused(text: str) -> None:
    assert "1 January 2027 is in the past" in mistake("action", text).message


@pytest.mark.parametrize("text", PAST_DUE)
def test_past_due_date_example_is_a_whole_command(text: str) -> None:
    assert (mistake("action", text).example or "").startswith("/action")


def test_add_due_date_after_the_month_has_passed_is_next_year() -> None:
    command = action("add Send the minutes by 5 May", today=date(2027, 6, 1))
    assert isinstance(command, AddAction)
    assert command.due == date(2028, 5, 5)


# ---- action numbers -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("written", "ref"),
    [
        ("58", ActionRef(58)),
        ("#58", ActionRef(58)),
        ("58b", ActionRef(58, copy=1)),
        ("#58B", ActionRef(58, copy=1)),
        ("1", ActionRef(1)),
    ],
)
def test_action_numbers(written: str, ref: ActionRef) -> None:
    assert action(f"show {written}") == Show(ref=ref)


def test_action_ref_reads_back_as_written() -> None:
    assert str(ActionRef(58)) == "58"
    assert str(ActionRef(58, copy=1)) == "58b"


# ---- the other /action verbs --------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("assign 58 @MH", Assign(ActionRef(58), (MH,))),
        ("assign #58 @MH @RE", Assign(ActionRef(58), (MH, RE))),
        ("assign 58b MH and RE", Assign(ActionRef(58, 1), (MH, RE))),
        (
            "assign 58 <@U123|Mac Heath>, @RE",
            Assign(ActionRef(58), (OwnerRef(user_id="U123", mention_name="Mac Heath"), RE)),
        ),
        ("assign 58 @all", Assign(ActionRef(58), (EVERYONE,))),
        ("close 58", Close(ActionRef(58))),
        ("close #58 letter sent", Close(ActionRef(58), note="letter sent")),
        ("done 58b", Close(ActionRef(58, 1))),
        ("complete 12 all good", Close(ActionRef(12), note="all good")),
        ("CLOSE 58", Close(ActionRef(58))),
        ("  close   58  ", Close(ActionRef(58))),
        ("reopen 58", Reopen(ActionRef(58))),
        ("reopen 58 not finished", Reopen(ActionRef(58), note="not finished")),
        ("update 58 draft shared with LH", Update(ActionRef(58), note="draft shared with LH")),
        ("due 58 5 May", SetDue(ActionRef(58), due=date(2027, 5, 5))),
        ("due 58 by 3/4", SetDue(ActionRef(58), due=date(2027, 4, 3))),
        ("due 58 end of March", SetDue(ActionRef(58), due=date(2027, 3, 31))),
        ("due 58 next meeting", SetDue(ActionRef(58), due=NEXT_MEETING)),
        ("defer 58 next meeting", Defer(ActionRef(58), to="next meeting")),
        ("defer 58 to 5 May 2027", Defer(ActionRef(58), to="5 May 2027")),
        ("defer 58 until April", Defer(ActionRef(58), to="April")),
        ("withdraw 58", Withdraw(ActionRef(58))),
        ("withdraw 58 no longer needed", Withdraw(ActionRef(58), reason="no longer needed")),
        ("decision Adopt the new terms", Decision(text="Adopt the new terms")),
        ("digest", Digest()),
        ("", Help(root="action")),
        ("help", Help(root="action")),
        ("help Close", Help(topic="close", root="action")),
    ],
)
def test_action_verbs(text: str, expected: Command) -> None:
    assert action(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("list", ListActions()),
        ("list open", ListActions(scope="open")),
        ("list all", ListActions(scope="all")),
        ("list mine", ListActions(scope="mine")),
        ("list overdue", ListActions(scope="overdue")),
        ("list closed", ListActions(scope="closed")),
        ("list decisions", ListActions(scope="decisions")),
        ("list OVERDUE", ListActions(scope="overdue")),
        ("list @MH", ListActions(scope="owner", owner=MH)),
        ("list MH", ListActions(scope="owner", owner=MH)),
        ("list <@U123>", ListActions(scope="owner", owner=OwnerRef(user_id="U123"))),
        (
            "list <@U123|Mac Heath>",
            ListActions(scope="owner", owner=OwnerRef(user_id="U123", mention_name="Mac Heath")),
        ),
        ("list page 2", ListActions(page=2)),
        ("list overdue page 3", ListActions(scope="overdue", page=3)),
        ("list @MH page 2", ListActions(scope="owner", owner=MH, page=2)),
        ("list page 0", ListActions(page=1)),
    ],
)
def test_list(text: str, expected: ListActions) -> None:
    assert action(text) == expected


# ---- /action mistakes ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("frobnicate 58", "I don't know “/action frobnicate”"),
        ("58", "Say what to do with action 58."),
        ("add", "What is the action?"),
        ("add @MH", "Only owners or a date were given"),
        ("add by 5 May", "Only owners or a date were given"),
        ("assign", "Which action? Give its number after assign."),
        ("assign 58", "Name at least one owner."),
        ("assign abc @MH", "“abc” is not an action number."),
        ("assign 58 hello", "“hello” is not an owner"),
        ("close", "Which action? Give its number after close."),
        ("done x", "“x” is not an action number."),
        ("complete 58ab", "“58ab” is not an action number."),
        ("close 12345678", "“12345678” is not an action number."),
        ("reopen", "Which action?"),
        ("update", "Which action?"),
        ("update 58", "Add a note saying where action 58 has got to."),
        ("update 58b", "Add a note saying where action 58b has got to."),
        ("due 58", "Give the new due date."),
        ("due 58 whenever suits", "I can't read “whenever suits” as a date."),
        ("due 58 58", "I can't read “58” as a date."),
        ("due x 5 May", "“x” is not an action number."),
        ("defer 58", "Say which meeting to defer it to."),
        ("defer 58 to", "Say which meeting to defer it to."),
        ("defer 58 until", "Say which meeting to defer it to."),
        ("withdraw", "Which action?"),
        ("decision", "What was decided?"),
        ("list banana", "I can't list “banana”"),
        ("list page", "I can't list “page”"),
        ("show", "Which action? Give its number after show."),
        ("show fifty", "“fifty” is not an action number."),
    ],
)
def test_action_mistakes_say_what_is_wrong_and_show_an_example(text: str, message: str) -> None:
    err = mistake("action", text)
    assert message in err.message
    assert (err.example or "").startswith("/action")


@pytest.mark.parametrize("text", ["list page ²", "list overdue page ²", "list page ⑤"])
def test_list_page_with_a_digit_like_symbol_is_a_user_error(text: str) -> None:
    err = mistake("action", text)
    assert (err.example or "").startswith("/action")


def test_year_zero_is_not_a_due_date() -> None:
    command = parse("action", "add Review by Q1 0000", today=TODAY)
    assert command == AddAction(text="Review by Q1 0000")
    mistake("action", "due 58 April 0000")


# ---- /board -------------------------------------------------------------------------------
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
        ("setup " + "x" * 201, "too long"),
        ("member frob", "I don't know “/board member frob”"),
        ("member add", "Give the member's initials and name."),
        ("member add chair", "Give the member's initials and name."),
        ("member add MH " + "x" * 201, "too long"),
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


# ---- nothing typed escapes as anything but a UserError -----------------------------------
KEYWORDS = [
    "add", "assign", "close", "done", "complete", "reopen", "update", "due", "defer",
    "withdraw", "decision", "list", "show", "digest", "help", "setup", "member", "members",
    "meeting", "meetings", "settings", "remove", "move", "cancel", "to", "until", "by", "page",
    "open", "all", "mine", "overdue", "closed", "decisions", "chair", "vice", "vice-chair",
    "next", "end", "of", "March", "Q1", "0000", "@", "<@", "<@U1|Mac Heath>", "@MH", "MH",
    "58", "#58", "58b", "2058", "3/4", "1/13", "²", "١٢", "½", "\n", "\t",
]
TYPED = st.one_of(
    st.text(),
    st.text(min_size=500, max_size=5000),
    st.lists(st.sampled_from(KEYWORDS) | st.text(max_size=5), max_size=12).map(" ".join),
)


@settings(max_examples=300, deadline=None)
@given(TYPED)
def test_any_action_text_parses_or_raises_a_user_error(text: str) -> None:
    try:
        parse("action", text, today=TODAY)
    except UserError as err:
        assert err.message


@settings(max_examples=300, deadline=None)
@given(TYPED)
def test_any_board_text_parses_or_raises_a_user_error(text: str) -> None:
    try:
        parse("board", text, today=TODAY)
    except UserError as err:
        assert err.message
