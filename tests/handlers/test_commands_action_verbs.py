"""Parsing the other ``/action`` verbs: action numbers, close to withdraw, list, mistakes."""

from __future__ import annotations

from datetime import date

import pytest

from handlers.commands import (
    ActionRef,
    AddAction,
    Assign,
    Close,
    Command,
    Decision,
    Defer,
    Digest,
    Help,
    ListActions,
    Reopen,
    SetDue,
    Show,
    Update,
    Withdraw,
    parse,
)
from handlers.dates import NEXT_MEETING
from handlers.owners import OwnerRef
from tests.handlers.parsing import EVERYONE, MH, RE, TODAY, action, mistake


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
        ("list page", "Give the page as a number written with the digits 0 to 9."),
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
