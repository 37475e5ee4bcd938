"""The log as boards print it (Word, Markdown, CSV) and the meetings as a calendar feed."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from docx import Document
from docx.oxml.ns import qn
from icalendar import Calendar
from sqlalchemy.orm import Session

from handlers.minutes.export import (
    COLUMNS,
    PrintedLog,
    printed_log,
    to_csv,
    to_docx,
    to_ics,
    to_markdown,
)
from handlers.minutes.importer import apply_import, read_log
from storage.boards import board_by_name
from storage.history import Actor
from storage.models import Board
from storage.uow import UnitOfWork
from tests.conftest import NOW, Chat
from tests.handlers.minutes.files import pasted

BOARD = "South East Adoption Board"
ACTOR = Actor(label="console operator", platform="console")


def the_board(session: Session, name: str = BOARD) -> Board:
    board = board_by_name(session, name)
    assert board is not None
    return board


def import_text(uow: UnitOfWork, board: str, data: bytes, name: str) -> int:
    outcome = apply_import(uow, board, read_log(data, name), actor=ACTOR, now=NOW, source=name)
    return len(outcome.plan.new)


def busy_board(board: Chat) -> Chat:
    """Imported rows (a repeated number, a cell of several lines, each kind of status) and
    actions added in chat, one closed and one deferred to the board's February meeting."""
    import_text(board.uow, BOARD, pasted([
        ["8", "Agree fees", "", "Oct 2021", "DECISION"],
        ["7", "Chase these:\n· funding\n· website", "RE/JB", "Oct 2021", "Item in April 2021"],
        ["6", "Pipes | and *stars*", "All", "Oct 2021", "Ongoing"],
        ["5", "Five, the first", "MH", "Jan 2020", "Closed"],
        ["5", "Five, the second", "KY and LH", "Jan 2020", "Open"],
    ]).encode(), "log.txt")
    board("/action add MH to write to DfE", as_="RE")
    board("/action add KY to book the room", as_="RE")
    board("/action close 10 booked", as_="RE")
    board("/action defer 9 3 February 2027", as_="RE")
    return board


def test_printed_log_newest_first_with_repeats_twice(board: Chat) -> None:
    busy_board(board)
    with board.uow.transaction() as session:
        log = printed_log(session, the_board(session))
    assert [r.number for r in log.rows] == ["10", "9", "8", "7", "6", "5", "5"]
    assert [r.text for r in log.rows][-2:] == ["Five, the first", "Five, the second"]
    assert log.rows[0].cells == ("10", "KY to book the room", "KY", "11 January 2027", "Closed")
    assert log.rows[1].status == "Item for the 3 February 2027 meeting"
    assert log.rows[3].cells[2:] == ("RE, JB", "October 2021", "Item in April 2021")
    assert [r.completed for r in log.rows] == [True, False, False, False, False, True, False]
    assert log.updated_line == "This action log was updated on 11 January 2027"


def test_markdown_escapes_cells(board: Chat) -> None:
    busy_board(board)
    with board.uow.transaction() as session:
        text = to_markdown(printed_log(session, the_board(session)))
    lines = text.splitlines()
    assert lines[2] == "This action log was updated on 11 January 2027"
    assert lines[4] == "| Action no. | Action | Responsible | Date issued | Status |"
    assert "| 6 | Pipes \\| and *stars* | All | October 2021 | Ongoing |" in lines
    assert "| 7 | Chase these:<br>· funding<br>· website |" in text


def test_word_export_shades_completed_rows(board: Chat) -> None:
    busy_board(board)
    with board.uow.transaction() as session:
        data = to_docx(printed_log(session, the_board(session)))
    document = Document(io.BytesIO(data))
    assert "This action log was updated on 11 January 2027" in document.paragraphs[1].text
    (table,) = document.tables
    assert tuple(c.text for c in table.rows[0].cells) == COLUMNS
    fills = []
    for row in table.rows[1:]:
        shading = row.cells[0]._tc.tcPr.find(qn("w:shd"))
        fills.append(None if shading is None else shading.get(qn("w:fill")))
    assert fills == ["D9D9D9", None, None, None, None, "D9D9D9", None]
    assert [p.text for p in table.rows[4].cells[1].paragraphs] == [
        "Chase these:", "· funding", "· website"]


def rows_of(log: PrintedLog) -> list[tuple[str, ...]]:
    return [row.cells for row in log.rows]


def test_word_export_then_import_gives_the_same_log(board: Chat) -> None:
    busy_board(board)
    board("/board meeting cancel 3 February 2027", as_="RE")
    with board.uow.transaction() as session:
        original = printed_log(session, the_board(session))
    data = to_docx(original)
    assert import_text(board.uow, "Copy Board", data, "log.docx") == 7
    assert import_text(board.uow, BOARD, data, "log.docx") == 0
    assert import_text(board.uow, "Copy Board", data, "log.docx") == 0
    with board.uow.transaction() as session:
        copy = printed_log(session, the_board(session, "Copy Board"))
        assert the_board(session, "Copy Board").last_action_number == 10
    assert rows_of(copy) == rows_of(original)


def test_csv_export_then_import_gives_the_same_log(board: Chat) -> None:
    busy_board(board)
    with board.uow.transaction() as session:
        original = printed_log(session, the_board(session))
    text = to_csv(original)
    assert next(csv.reader(io.StringIO(text))) == list(COLUMNS)
    assert import_text(board.uow, "Copy Board", text.encode(), "log.csv") == 7
    with board.uow.transaction() as session:
        copy = rows_of(printed_log(session, the_board(session, "Copy Board")))
    expected = rows_of(original)
    # Copy Board has no meeting on 3 February, so the deferral keeps the date as its label.
    assert expected[1][4] == "Item for the 3 February 2027 meeting"
    expected[1] = (*expected[1][:4], "Item in 3 February 2027")
    assert copy == expected


def feed(uow: UnitOfWork) -> Calendar:
    with uow.transaction() as session:
        return Calendar.from_ical(to_ics(session, the_board(session)))


def test_calendar_feed(board: Chat) -> None:
    board("/board meeting add 5 May 2027 10:30", as_="RE")
    board("/board meeting add 7 July 2027 14:00", as_="RE")
    board("/board meeting cancel 7 July 2027", as_="RE")
    first = feed(board.uow)
    events = first.walk("VEVENT")
    assert [e.decoded("dtstart") for e in events] == [
        datetime(2027, 2, 3, 10, 30, tzinfo=UTC),
        datetime(2027, 5, 5, 9, 30, tzinfo=UTC),
        datetime(2027, 7, 7, 13, 0, tzinfo=UTC),
    ]
    assert [str(e["status"]) for e in events] == ["CONFIRMED", "CONFIRMED", "CANCELLED"]
    assert "DTSTART:20270505T093000Z" in first.to_ical().decode()
    assert str(events[0]["summary"]) == f"{BOARD} meeting"
    uids = [str(e["uid"]) for e in events]
    assert len(set(uids)) == 3
    board("/board meeting move 5 May 2027 to 12 May 2027 11:00", as_="RE")
    moved = feed(board.uow).walk("VEVENT")
    assert [str(e["uid"]) for e in moved] == uids
    assert moved[1].decoded("dtstart") == datetime(2027, 5, 12, 10, 0, tzinfo=UTC)
