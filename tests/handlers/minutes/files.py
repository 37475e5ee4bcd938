"""Action logs and notes made the way boards make them: pasted text, Word files, CSV."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from docx import Document

SAMPLES = Path(__file__).resolve().parents[3].parent / "shared" / "samples"
FOSTERING = SAMPLES / "fostering-leads-minutes-jan.txt"
ADOPTION = SAMPLES / "adoption-board-notes-nov-2024.txt"
needs_samples = pytest.mark.skipif(
    not (FOSTERING.is_file() and ADOPTION.is_file()),
    reason=f"the real sample minutes are not at {SAMPLES}",
)

HEADER = ("", "Action", "Responsible", "Date issued", "Status")


def pasted(rows: Sequence[Sequence[str]], header: Sequence[str] = HEADER) -> str:
    """A log as Word pastes it: a tab before each cell, one cell a line (a cell with line
    breaks gives several lines), a blank line between rows, prose before and after."""
    out = ["Action log: This action log was updated on 24 April 2025", ""]
    for row in [header, *rows]:
        for cell in row:
            out.extend(f"\t{line}" for line in (cell.split("\n") or [""]))
        out.append("")
    out.append("Any other business")
    return "\n".join(out) + "\n"


def word_file(path: Path, rows: Sequence[Sequence[str]], header: Sequence[str] = HEADER,
              *, intro: str = "Minutes of the board") -> Path:
    """Minutes with a paragraph, a table that is not the log, then the log table."""
    document = Document()
    document.add_paragraph(intro)
    other = document.add_table(rows=1, cols=2)
    other.rows[0].cells[0].text = "Attendees"
    other.rows[0].cells[1].text = "MH, RE"
    table = document.add_table(rows=1, cols=len(header))
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            first, *more = text.split("\n")
            cell.paragraphs[0].add_run(first)
            for line in more:
                cell.add_paragraph(line)
    document.save(str(path))
    return path
