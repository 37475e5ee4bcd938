"""``/action add`` parsing: owners by convention or by mention, and the due date."""

from __future__ import annotations

from datetime import date

import pytest

from handlers.commands import AddAction
from handlers.dates import NEXT_MEETING
from handlers.owners import OwnerRef
from tests.handlers.parsing import EVERYONE, MH, RE, action, mistake


def add(text: str) -> AddAction:
    command = action(f"add {text}")
    assert isinstance(command, AddAction)
    return command


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
