"""Action logs pasted from Word as plain text, like the minutes in ``shared/samples``.

Word pastes a table one cell a line, each line indented with a tab (an empty cell is a line
holding just the tab), with a blank line between rows. A cell that ran over several lines
("·"/"•"/"-" bullets) arrives as extra lines in its row; they belong to the Action column,
the only long one, so a row with too many lines gives its middle lines to the action text.
"""

from __future__ import annotations

from handlers.minutes.log_table import (
    HEADER_HINT,
    NUMBER,
    TEXT,
    LogRow,
    UnreadableLog,
    header_columns,
    heading_key,
    row_from_cells,
    tidy_cell,
)

BULLETS = ("·", "•", "-", "–", "*", "▪", "◦")
_HEADING_KEYS = {"action", "actions", "responsible", "date issued", "issued", "status",
                 "action no", "action number", "no", "number", "#", ""}


def read_text(text: str, source: str) -> list[LogRow]:
    """Every row of every action-log table in ``text``; raises ``UnreadableLog`` if none."""
    lines = text.splitlines()
    rows: list[LogRow] = []
    found = False
    i = 0
    while i < len(lines):
        header = _header_at(lines, i)
        if header is None:
            i += 1
            continue
        columns, indent, i = header
        found = True
        table, i = _table_rows(lines, i, columns, indent)
        rows.extend(table)
    if not found:
        raise UnreadableLog(f"I found no action log in {source}: I look for {HEADER_HINT}.")
    return rows


def decode_text(data: bytes) -> str:
    """Bytes of a text file as saved by Word, Notepad or Excel: UTF-8 (with or without a
    byte-order mark), else Windows-1252."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _indent_of(line: str) -> str:
    return line[: len(line) - len(line.lstrip())]


def _is_cell(line: str, indent: str) -> bool:
    if indent:
        return line.startswith(indent) or line.lstrip().startswith(BULLETS)
    return bool(line.strip())


def _header_at(lines: list[str], i: int) -> tuple[list[str | None], str, int] | None:
    """(columns, indent, index after the header) if a header row has its Action cell at i."""
    if heading_key(lines[i]) not in ("action", "actions"):
        return None
    indent = _indent_of(lines[i])

    def is_heading(line: str) -> bool:
        return _is_cell(line, indent) and heading_key(line) in _HEADING_KEYS

    start, end = i, i + 1
    while start > 0 and is_heading(lines[start - 1]):
        start -= 1
    while end < len(lines) and is_heading(lines[end]):
        end += 1
    columns = header_columns([line.strip() for line in lines[start:end]])
    if columns is None:
        return None
    if NUMBER not in columns:
        # The unnamed number cell was lost in the paste; boards put it first.
        columns = [NUMBER, *columns]
    return columns, indent, end


def _table_rows(
    lines: list[str], i: int, columns: list[str | None], indent: str
) -> tuple[list[LogRow], int]:
    rows: list[LogRow] = []
    block: list[str] = []
    block_start = i
    while i < len(lines):
        line = lines[i]
        if _is_cell(line, indent):
            if not block:
                block_start = i
            block.append(line.strip())
        elif line.strip():
            break
        elif block:
            rows.append(_row(block, columns, f"line {block_start + 1}"))
            block = []
        i += 1
    if block:
        rows.append(_row(block, columns, f"line {block_start + 1}"))
    if not indent:
        rows = _until_unnumbered(rows)
    return [r for r in rows if not r.is_blank], i


def _row(cells: list[str], columns: list[str | None], where: str) -> LogRow:
    extra = len(cells) - len(columns)
    if extra > 0 and TEXT in columns:
        t = columns.index(TEXT)
        after = len(columns) - t - 1
        cells = [*cells[:t], "\n".join(cells[t : t + extra + 1]), *cells[len(cells) - after :]]
    return row_from_cells([tidy_cell(c) for c in cells], columns, where)


def _until_unnumbered(rows: list[LogRow]) -> list[LogRow]:
    """Without indentation nothing marks the table's end but a row with no number."""
    for n, row in enumerate(rows):
        if not row.number.strip(" #.").isdigit():
            return rows[:n]
    return rows
