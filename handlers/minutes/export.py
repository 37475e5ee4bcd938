"""The log as boards print it at the end of their minutes, and their meetings as a calendar.

Columns are those of the paper log, newest first, with "This action log was updated on …"
above. A number the imported log repeated is printed twice, as it was, so a Word or CSV
export read back by ``importer`` gives the same log again.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.table import _Cell
from icalendar import Calendar, Event
from sqlalchemy.orm import Session

from handlers.cards import issued_label, status_label
from handlers.dates import format_date, local_date
from storage.actions import whole_log
from storage.history import last_change_at
from storage.meetings import all_meetings
from storage.models import Board, Meeting, Status

COLUMNS = ("Action no.", "Action", "Responsible", "Date issued", "Status")
COMPLETED_FILL = "D9D9D9"


@dataclass(frozen=True)
class PrintedRow:
    number: str
    text: str
    responsible: str
    issued: str
    status: str
    completed: bool

    @property
    def cells(self) -> tuple[str, str, str, str, str]:
        return (self.number, self.text, self.responsible, self.issued, self.status)


@dataclass(frozen=True)
class PrintedLog:
    board_name: str
    updated_on: date | None
    rows: tuple[PrintedRow, ...]

    @property
    def updated_line(self) -> str:
        if self.updated_on is None:
            return "This action log has no changes recorded yet."
        return f"This action log was updated on {format_date(self.updated_on)}"


def printed_log(session: Session, board: Board) -> PrintedLog:
    """The whole log, newest number first; repeats of a number in the order they were read."""
    actions = whole_log(session, board.id)
    rows = tuple(
        PrintedRow(
            number=str(a.number),
            text=a.text,
            responsible=", ".join(o.label for o in a.owners),
            issued=issued_label(a),
            status=status_label(a, board.timezone),
            completed=a.status == Status.CLOSED,
        )
        for a in actions
    )
    changed = last_change_at(session, board.id)
    updated = local_date(changed, board.timezone) if changed else None
    return PrintedLog(board_name=board.name, updated_on=updated, rows=rows)


def to_markdown(log: PrintedLog) -> str:
    def cell(value: str) -> str:
        return value.replace("|", "\\|").replace("\n", "<br>")

    lines = [f"# {log.board_name}: action log", "", log.updated_line, "",
             "| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines.extend("| " + " | ".join(cell(v) for v in row.cells) + " |" for row in log.rows)
    return "\n".join(lines) + "\n"


def to_csv(log: PrintedLog) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(row.cells for row in log.rows)
    return out.getvalue()


def to_docx(log: PrintedLog) -> bytes:
    """A Word document with the log table; completed rows shaded grey, as boards do."""
    document = Document()
    document.add_heading(f"{log.board_name}: action log", level=1)
    document.add_paragraph(f"{log.updated_line}. Shaded lines, actions are complete.")
    table = document.add_table(rows=1, cols=len(COLUMNS))
    table.style = "Table Grid"
    for cell, heading in zip(table.rows[0].cells, COLUMNS, strict=True):
        cell.paragraphs[0].add_run(heading).bold = True
    _repeat_as_header(table.rows[0]._tr)
    for row in log.rows:
        for cell, value in zip(table.add_row().cells, row.cells, strict=True):
            _write_cell(cell, value)
            if row.completed:
                _shade(cell, COMPLETED_FILL)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _write_cell(cell: _Cell, value: str) -> None:
    first, *more = value.split("\n")
    cell.paragraphs[0].add_run(first)
    for line in more:
        cell.add_paragraph(line)


def _shade(cell: _Cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _repeat_as_header(tr: object) -> None:
    """Word repeats the header row at the top of every page the table runs onto."""
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    tr.get_or_add_trPr().append(marker)  # type: ignore[attr-defined]


def to_ics(session: Session, board: Board) -> bytes:
    """The board's meetings as an iCalendar feed, cancelled ones marked CANCELLED.

    Each meeting's UID is built from ids and its creation time, which never change, so a
    calendar that subscribes updates a moved meeting instead of adding a second one.
    """
    calendar = Calendar()
    calendar.add("prodid", "-//actionbot//board meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"{board.name} meetings")
    meetings = all_meetings(session, board.id)
    for meeting in meetings:
        event = Event()
        event.add("uid", meeting_uid(board, meeting))
        event.add("dtstamp", meeting.created_at)
        event.add("dtstart", meeting.starts_at)
        event.add("summary", f"{board.name} meeting")
        event.add("status", "CANCELLED" if meeting.cancelled else "CONFIRMED")
        calendar.add_component(event)
    return calendar.to_ical()


def meeting_uid(board: Board, meeting: Meeting) -> str:
    return f"meeting-{board.id}-{meeting.id}-{meeting.created_at:%Y%m%dT%H%M%SZ}@actionbot"
