"""``/action add``: owners, due dates and issued dates, and how actions are numbered."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from handlers.replies import Tone
from storage.models import Action, ActionOwner, Member
from tests.conftest import Chat
from tests.handlers.reading_back import fields, shown
from tests.listening import listening


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


def test_giving_yourself_an_action_links_you_without_looking_you_up_again(
        board: Chat) -> None:
    """The person typing is known from the command's first query; naming them as owner
    reuses it, while naming someone else still asks the database."""
    selects: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "FROM members" in statement:
            selects.append(statement)

    with listening(board.uow.engine, "before_cursor_execute", seen):
        assert board("/action add KY to book the venue", as_="KY").title == "Action 1 added"
        own = len(selects)
        selects.clear()
        assert board("/action add MH to book the venue", as_="KY").title == "Action 2 added"
        other = len(selects)
    assert other == own + 1
    with board.uow.transaction() as session:
        linked = session.execute(
            select(Action.number, Member.initials)
            .join(ActionOwner, ActionOwner.action_id == Action.id)
            .join(Member, Member.id == ActionOwner.member_id).order_by(Action.number)).all()
    assert [tuple(row) for row in linked] == [(1, "KY"), (2, "MH")]
