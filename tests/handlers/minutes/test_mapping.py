"""What hand-typed log cells mean, and the plan made from a log's rows (no database)."""

from __future__ import annotations

from datetime import date

import pytest

from handlers.minutes.log_table import LogRow
from handlers.minutes.mapping import (
    BoardFacts,
    ExistingAction,
    KnownMember,
    plan_import,
    read_issued,
    read_owners,
    read_status,
)
from storage.actions import OwnerSpec
from storage.models import Status

TODAY = date(2027, 1, 11)


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        ("Open", Status.OPEN), ("open", Status.OPEN), ("Open ", Status.OPEN),
        (" OPEN\t", Status.OPEN), ("Ongoing", Status.ONGOING), ("on going", Status.ONGOING),
        ("Closed", Status.CLOSED), ("closed.", Status.CLOSED), ("Complete", Status.CLOSED),
        ("COMPLETED ", Status.CLOSED), ("completed", Status.CLOSED),
        ("DECISION", Status.DECISION), ("Decision", Status.DECISION),
        ("Withdrawn", Status.WITHDRAWN), ("Deferred", Status.DEFERRED),
    ],
)
def test_every_status_form(raw: str, status: Status) -> None:
    reading = read_status(raw)
    assert reading is not None
    assert reading.status is status
    assert reading.note is None


def test_item_in_a_month_is_deferred_with_its_label() -> None:
    reading = read_status("Item in April 2021")
    assert reading is not None
    assert reading.status is Status.DEFERRED
    assert reading.deferred_label == "April 2021"
    assert reading.deferred_when == (date(2021, 4, 1), "month")


def test_item_for_a_meeting_day_as_actionbot_prints_it() -> None:
    reading = read_status("Item for the 3 February 2027 meeting")
    assert reading is not None
    assert (reading.status, reading.deferred_label) == (Status.DEFERRED, "3 February 2027")
    assert reading.deferred_when == (date(2027, 2, 3), "day")


def test_status_with_a_note() -> None:
    reading = read_status("Closed - letter sent")
    assert reading is not None
    assert (reading.status, reading.note) == (Status.CLOSED, "letter sent")


@pytest.mark.parametrize("raw", ["Pending", "", "TBC", "?"])
def test_unknown_status_is_none(raw: str) -> None:
    assert read_status(raw) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Jan 2022", (date(2022, 1, 1), "month")),
        ("July 2024", (date(2024, 7, 1), "month")),
        ("April 2022", (date(2022, 4, 1), "month")),
        ("Jan 2020 ", (date(2020, 1, 1), "month")),
        ("Sept 2021", (date(2021, 9, 1), "month")),
        ("12/01/2022", (date(2022, 1, 12), "day")),
        ("5 May 2027", (date(2027, 5, 5), "day")),
        ("January 20 2022", (date(2022, 1, 20), "day")),
        ("2022-01-12", (date(2022, 1, 12), "day")),
    ],
)
def test_dates_issued(raw: str, expected: tuple[date, str]) -> None:
    assert read_issued(raw) == expected


@pytest.mark.parametrize("raw", ["", "soon", "31/02/2022", "Spring 2022"])
def test_unreadable_dates_issued(raw: str) -> None:
    assert read_issued(raw) is None


MEMBERS = {"re": KnownMember(1, "RE"), "rebecca eligon": KnownMember(1, "RE"),
           "mh": KnownMember(2, "MH")}


@pytest.mark.parametrize(
    ("raw", "labels", "unknown"),
    [
        ("RE", ["RE"], []),
        ("JB and MS", ["JB", "MS"], ["JB", "MS"]),
        ("RR/TR", ["RR", "TR"], ["RR", "TR"]),
        ("AL KY RE", ["AL", "KY", "RE"], ["AL", "KY"]),
        ("MH, re", ["MH", "RE"], []),
        ("All", ["All"], []),
        ("all", ["All"], []),
        ("Rebecca Eligon / Reading", ["RE", "Reading"], ["Reading"]),
        ("", [], []),
    ],
)
def test_owners(raw: str, labels: list[str], unknown: list[str]) -> None:
    owners, missing = read_owners(raw, MEMBERS)
    assert [o.label for o in owners] == labels
    assert missing == unknown
    assert {o.member_id for o in owners if o.label in ("RE", "MH")} <= {1, 2}


def test_members_are_matched_by_initials() -> None:
    owners, _ = read_owners("MH and JB", MEMBERS)
    assert owners == [OwnerSpec(label="MH", member_id=2), OwnerSpec(label="JB")]


def row(number: str, text: str, status: str = "Open", who: str = "RE",
        issued: str = "Jan 2022") -> LogRow:
    return LogRow(number=number, text=text, responsible=who, issued=issued, status=status,
                  where=f"row {number}")


def facts(*existing: ExistingAction) -> BoardFacts:
    return BoardFacts(members=MEMBERS, existing=list(existing), today=TODAY)


def test_repeated_numbers_are_kept_as_copies_and_reported() -> None:
    plan = plan_import([row("5", "First five"), row("4", "Four"), row("5", "Second five"),
                        row("5", "Third five")], facts())
    assert [(a.number, a.copy, a.text) for a in plan.new] == [
        (5, 0, "First five"), (5, 1, "Second five"), (5, 2, "Third five"), (4, 0, "Four")]
    assert plan.repeated == {5: 3}
    assert all(a.repeated for a in plan.new if a.number == 5)


def test_rows_already_on_the_board_are_not_planned_again() -> None:
    plan = plan_import(
        [row("5", "First five"), row("5", "Second  FIVE"), row("6", "Six", status="Closed")],
        facts(ExistingAction(5, 0, "First five", "open"), ExistingAction(5, 1, "Second five",
                                                                         "open"),
              ExistingAction(6, 0, "Six", "open")),
    )
    assert plan.new == []
    assert plan.already_imported == 3
    assert plan.notes == ["Action 6 is already on the board as open; the file says Closed. "
                          "Left as it is."]


def test_a_number_taken_by_other_text_gets_a_further_copy() -> None:
    plan = plan_import([row("11", "From the paper log")],
                       facts(ExistingAction(11, 0, "Added in chat", "open")))
    assert [(a.number, a.copy) for a in plan.new] == [(11, 1)]
    assert "already on the board with other text" in plan.notes[0]


def test_unmapped_statuses_unknown_owners_and_bad_dates_are_reported() -> None:
    plan = plan_import([row("3", "Three", status="Pending", who="JB and MS", issued="soon"),
                        row("2", "Two", status="")], facts())
    assert plan.unmapped_statuses == ["3: Pending", "2: (blank)"]
    assert plan.unknown_owners == ["JB", "MS"]
    three = plan.new[0]
    assert (three.status, three.status_note) == (Status.OPEN, "Status in the imported log: Pending")
    assert (three.issued_on, three.issued_precision) == (TODAY, "day")
    assert "date issued “soon” not understood" in plan.notes[0]


def test_rows_without_number_or_text_are_reported_not_imported() -> None:
    plan = plan_import([row("", "No number"), row("7", ""), row("", "", "", "", "")], facts())
    assert plan.new == []
    assert plan.rows_read == 2
    assert plan.skipped == ["row : no action number, not imported (No number)",
                            "row 7: no action text, not imported (7)"]


def test_deferred_rows_link_to_a_meeting_in_that_month() -> None:
    def meeting_in(day: date, precision: str) -> int | None:
        return 42 if (day, precision) == (date(2021, 4, 1), "month") else None

    board = BoardFacts(members={}, existing=[], today=TODAY, meeting_in=meeting_in)
    plan = plan_import([row("9", "Nine", status="Item in April 2021"),
                        row("8", "Eight", status="Item in May 2021")], board)
    assert [(a.deferred_label, a.deferred_meeting_id) for a in plan.new] == [
        ("April 2021", 42), ("May 2021", None)]
    assert all(a.status is Status.DEFERRED for a in plan.new)
