"""Action logs in Word minutes (.docx), read with python-docx.

The log is whichever table has an Action / Responsible / Date issued / Status header row,
anywhere in the document, even inside another table used for page layout. Word's own list
bullets are not part of the text, so list paragraphs get a "• " to keep their shape.
"""

from __future__ import annotations

from collections.abc import Iterator
from io import BytesIO

from docx import Document
from docx.document import Document as DocumentObject
from docx.opc.exceptions import OpcError
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from lxml.etree import XMLSyntaxError

from handlers.minutes.file_limits import UNZIP_ERRORS, check_row_count, unpacked_docx
from handlers.minutes.log_table import (
    HEADER_HINT,
    LogRow,
    UnreadableLog,
    header_columns,
    require_number_column,
    row_from_cells,
    tidy_cell,
)

ZIP_MAGIC = b"PK\x03\x04"
HEADER_SEARCH_ROWS = 3
NESTING_LIMIT = 3


def read_docx(data: bytes, source: str) -> list[LogRow]:
    """Every row of every action-log table in the document; ``UnreadableLog`` if none."""
    document = open_docx(data, source)
    bullets = _bullet_styles(document)
    rows: list[LogRow] = []
    found = False
    for t, table in enumerate(_tables(document.tables), start=1):
        header = _header(table, bullets)
        if header is None:
            continue
        columns, first_row = header
        require_number_column(columns, source)
        found = True
        for r, row in enumerate(table.rows[first_row:], start=first_row + 1):
            cells = [_cell_text(c, bullets) for c in row.cells]
            if header_columns(cells) is not None:
                continue
            log_row = row_from_cells(cells, columns, f"table {t}, row {r}")
            if not log_row.is_blank:
                rows.append(log_row)
                check_row_count(len(rows), source)
    if not found:
        raise UnreadableLog(f"I found no action log in {source}: I look for {HEADER_HINT}.")
    return rows


def open_docx(data: bytes, source: str) -> DocumentObject:
    """The document, opened only once ``file_limits`` has unpacked it under its limits."""
    try:
        return Document(BytesIO(unpacked_docx(data, source)))
    except (OpcError, *UNZIP_ERRORS, KeyError, ValueError, XMLSyntaxError) as err:
        raise UnreadableLog(
            f"{source} is not a Word document I can read ({_reason(err)}). "
            "Save it from Word as .docx, or paste the action log into a .txt file."
        ) from err


def _reason(err: Exception) -> str:
    if isinstance(err, (*UNZIP_ERRORS, OpcError)):
        return "it is not a .docx package"
    return str(err).splitlines()[0] if str(err) else type(err).__name__


def _tables(tables: list[Table], depth: int = 0) -> Iterator[Table]:
    for table in tables:
        yield table
        if depth < NESTING_LIMIT:
            for row in table.rows:
                for cell in row.cells:
                    yield from _tables(cell.tables, depth + 1)


def _header(table: Table, bullets: frozenset[str]) -> tuple[list[str | None], int] | None:
    for index, row in enumerate(table.rows[:HEADER_SEARCH_ROWS]):
        columns = header_columns([_cell_text(c, bullets) for c in row.cells])
        if columns is not None:
            return columns, index + 1
    return None


def _bullet_styles(document: DocumentObject) -> frozenset[str]:
    """Ids of the document's bullet-list styles, found once: python-docx's
    ``paragraph.style`` searches every style for each paragraph (3 ms each, so a minute for
    a 5,000-row log, measured)."""
    return frozenset(s.style_id for s in document.styles
                     if (s.name or "").startswith("List Bullet"))


def _cell_text(cell: _Cell, bullets: frozenset[str]) -> str:
    lines = []
    for paragraph in cell.paragraphs:
        text = paragraph.text.strip()
        if text and _is_list(paragraph, bullets):
            text = f"• {text}"
        lines.append(text)
    return tidy_cell("\n".join(lines))


def _is_list(paragraph: Paragraph, bullets: frozenset[str]) -> bool:
    p = paragraph._p
    return (p.pPr is not None and p.pPr.numPr is not None) or p.style in bullets
