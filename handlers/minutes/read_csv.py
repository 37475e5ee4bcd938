"""Action logs kept as spreadsheets and saved as CSV, with a header row.

Excel in the UK saves CSV as Windows-1252 or UTF-8 with a byte-order mark, with commas or,
in some locales, semicolons; all are accepted. The header row may come after a title row.
"""

from __future__ import annotations

import csv
import io

from handlers.minutes.log_table import (
    HEADER_HINT,
    LogRow,
    UnreadableLog,
    header_columns,
    require_number_column,
    row_from_cells,
    tidy_cell,
)

HEADER_SEARCH_ROWS = 5


def read_csv(text: str, source: str) -> list[LogRow]:
    """Every row under the header; ``UnreadableLog`` if there is no such header."""
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:4096], ",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        table = list(csv.reader(io.StringIO(text), dialect))
    except csv.Error as err:
        raise UnreadableLog(f"{source} is not a CSV file I can read ({err}).") from err
    for index, cells in enumerate(table[:HEADER_SEARCH_ROWS]):
        columns = header_columns(cells)
        if columns is None:
            continue
        require_number_column(columns, source)
        rows = (
            row_from_cells([tidy_cell(c) for c in cells], columns, f"row {n}")
            for n, cells in enumerate(table[index + 1 :], start=index + 2)
        )
        return [r for r in rows if not r.is_blank]
    raise UnreadableLog(
        f"{source} has no header row I recognise: its first row must name the columns, "
        f"as {HEADER_HINT} (and a number column)."
    )
