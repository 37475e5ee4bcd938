"""An action-log table as it was read from a file, before anything is interpreted.

Readers (text, Word, CSV) only find the table and cut it into rows of raw strings; what
"Open " or "Jan 2022" means is decided once, in ``mapping``, whatever the file format.
"""

from __future__ import annotations

from dataclasses import dataclass

from handlers.errors import UserError

NUMBER, TEXT, RESPONSIBLE, ISSUED, STATUS = "number", "text", "responsible", "issued", "status"
FIELDS = (NUMBER, TEXT, RESPONSIBLE, ISSUED, STATUS)
NAMED = (TEXT, RESPONSIBLE, ISSUED, STATUS)

_HEADINGS = {
    "action": TEXT,
    "actions": TEXT,
    "responsible": RESPONSIBLE,
    "date issued": ISSUED,
    "issued": ISSUED,
    "status": STATUS,
    "action no": NUMBER,
    "action number": NUMBER,
    "no": NUMBER,
    "number": NUMBER,
    "#": NUMBER,
    "": NUMBER,
}
HEADER_HINT = "a table headed Action, Responsible, Date issued and Status"


class UnreadableLog(UserError):
    """The file holds no action log we can read; nothing is imported from it."""


@dataclass(frozen=True)
class LogRow:
    """One row of an action log, each cell exactly as written (trimmed of outer space only).

    ``where`` says where the row came from ("line 52", "table 1, row 3") for messages.
    """

    number: str
    text: str
    responsible: str
    issued: str
    status: str
    where: str = ""

    @property
    def is_blank(self) -> bool:
        return not any((self.number, self.text, self.responsible, self.issued, self.status))


def heading_key(cell: str) -> str:
    return " ".join(cell.split()).casefold().strip(" .:")


def header_columns(cells: list[str]) -> list[str | None] | None:
    """The field each column holds if ``cells`` is an action-log header row, else None.

    The four named headings may come in any order; the number column may be headed
    "Action no." or "No." or have no heading at all (as most boards' logs do).
    """
    fields: list[str | None] = [_HEADINGS.get(heading_key(c)) for c in cells]
    if not all(f in fields for f in NAMED):
        return None
    for name in FIELDS:
        while fields.count(name) > 1:
            fields[len(fields) - 1 - fields[::-1].index(name)] = None
    if NUMBER not in fields:
        leftovers = [i for i, f in enumerate(fields) if f is None]
        if len(leftovers) == 1:
            fields[leftovers[0]] = NUMBER
    return fields


def row_from_cells(cells: list[str], columns: list[str | None], where: str) -> LogRow:
    values = dict.fromkeys(FIELDS, "")
    for cell, field in zip(cells, columns, strict=False):
        if field is not None:
            values[field] = cell.strip()
    return LogRow(where=where, **values)


def require_number_column(columns: list[str | None], source: str) -> None:
    if NUMBER not in columns:
        raise UnreadableLog(
            f"The action log in {source} has no column of action numbers, so its numbers "
            "cannot be kept. Add a first column with the numbers and try again."
        )


def tidy_cell(text: str) -> str:
    """Cell text with each line trimmed and empty lines dropped; line breaks are kept."""
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())
