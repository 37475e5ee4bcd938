"""Files over the limits are refused, clearly and cheaply, before any reader opens them."""

from __future__ import annotations

import io
import tracemalloc
import warnings
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from handlers.limits import ACTION_TEXT_MAX
from handlers.minutes.extract import notes_text
from handlers.minutes.file_limits import (
    MAX_FILE_BYTES,
    MAX_LINES,
    MAX_PARTS,
    MAX_RATIO,
    MAX_ROWS,
    FileTooLarge,
    unpacked_docx,
)
from handlers.minutes.importer import read_log
from handlers.minutes.log_table import UnreadableLog
from tests.handlers.minutes.files import pasted, word_file
from tests.handlers.minutes.hostile_files import (
    EMPTY_PARAGRAPH,
    MB,
    billion_laughs,
    bomb_docx,
    declare_size,
    docx_with_body,
    docx_with_doctype,
    many_parts,
)

ROW = ["1", "Write to DfE", "MH", "Jan 2022", "Open"]


@pytest.fixture
def peak_memory() -> Iterator[Callable[[], int]]:
    """The most memory Python held at once (bytes, zlib's output included) during the test."""
    tracemalloc.start()
    try:
        yield lambda: tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_zip_bomb_is_refused_from_its_declared_size(peak_memory: Callable[[], int]) -> None:
    bomb = bomb_docx(200 * MB)
    assert len(bomb) < MB  # packed small, as the 427 KB file was
    with pytest.raises(FileTooLarge, match=r"bomb\.docx unpacks to more than 20 MB; actionbot "
                                           r"reads Word files that unpack to at most 20 MB"):
        read_log(bomb, "bomb.docx")
    assert peak_memory() < 5 * MB + 2 * len(bomb)


def test_a_bomb_whose_header_lies_is_inflated_in_small_chunks_and_refused(
    peak_memory: Callable[[], int],
) -> None:
    """The header says document.xml is 4 KB; it inflates to 50 MB. zipfile's own ``read``
    would inflate all of it in one call; read a chunk at a time, it stops at the declared
    size and the CRC check fails."""
    liar = declare_size(bomb_docx(50 * MB), "word/document.xml", 4096)
    with pytest.raises(UnreadableLog, match="not a Word document I can read"):
        read_log(liar, "minutes.docx")
    assert peak_memory() < 5 * MB + 3 * len(liar)


def test_a_part_packed_far_tighter_than_word_packs_is_refused() -> None:
    def body(write: Callable[[bytes], object]) -> None:
        write(EMPTY_PARAGRAPH * (3 * MB // len(EMPTY_PARAGRAPH)))

    with pytest.raises(FileTooLarge, match=rf"unpacks to more than {MAX_RATIO} times its "
                                           r"packed size \(word/document\.xml\)"):
        unpacked_docx(docx_with_body(body), "tight.docx")


def test_a_real_word_file_with_a_long_log_is_read(tmp_path: Path) -> None:
    rows = [[str(n), f"Action {n} about the fostering panel", "MH", "Jan 2022", "Open"]
            for n in range(1, 1001)]
    path = word_file(tmp_path / "long.docx", rows)
    assert len(read_log(path.read_bytes(), "long.docx")) == 1000


def test_too_many_parts_are_refused_before_zipfile_lists_them() -> None:
    with pytest.raises(FileTooLarge, match=f"holds more than {MAX_PARTS:,} parts"):
        read_log(many_parts(MAX_PARTS), "parts.docx")
    assert unpacked_docx(many_parts(10), "few.docx")


def test_two_parts_of_one_name_are_refused(tmp_path: Path) -> None:
    """A zip may hold two entries of one name, and readers disagree about which counts (here
    zipfile would take the second, a readable log)."""
    with zipfile.ZipFile(word_file(tmp_path / "log.docx", [ROW])) as log:
        second = log.read("word/document.xml")
    buffer = io.BytesIO(many_parts(1))
    with zipfile.ZipFile(buffer, "a") as package, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate it writes
        package.writestr("word/document.xml", second)
    with pytest.raises(UnreadableLog, match="not a Word document I can read"):
        read_log(buffer.getvalue(), "twice.docx")


def test_billion_laughs_is_refused_quickly(peak_memory: Callable[[], int]) -> None:
    laughs = docx_with_doctype(billion_laughs(9),
                               "<w:p><w:r><w:t>Action: MH to laugh &lol9;</w:t></w:r></w:p>")
    with pytest.raises(UnreadableLog, match="not a Word document I can read"):
        notes_text(laughs, "laughs.docx")
    assert peak_memory() < 20 * MB


def test_entities_are_never_expanded_nor_files_read(tmp_path: Path) -> None:
    """python-docx parses with ``resolve_entities=False``: a small entity stays unexpanded
    and an external one never reads the file it names."""
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    doctype = (f'<!DOCTYPE w:document [<!ENTITY few "{"lol" * 10}">'
               f'<!ENTITY file SYSTEM "file://{secret}">]>')
    notes = docx_with_doctype(doctype, "<w:p><w:r><w:t>Action: MH to check &few;&file;</w:t>"
                                       "</w:r></w:p>")
    text = notes_text(notes, "notes.docx")
    assert "Action: MH to check" in text
    assert "lol" not in text and "TOP-SECRET" not in text


@pytest.mark.parametrize("reader", [read_log, notes_text])
def test_a_file_over_10_mb_is_refused(reader: Callable[[bytes, str], Any]) -> None:
    with pytest.raises(FileTooLarge, match=r"big\.txt is larger than 10 MB; actionbot reads "
                                           r"files up to 10 MB"):
        reader(b"x" * (MAX_FILE_BYTES + 1), "big.txt")


@pytest.mark.parametrize("name", ["lines.txt", "lines.csv"])
@pytest.mark.parametrize("line_break", [b"\n", b"\r\n", b"\r", "\u2028".encode()])
def test_too_many_lines_are_refused_before_decoding(name: str, line_break: bytes) -> None:
    with pytest.raises(FileTooLarge, match=f"has more than {MAX_LINES:,} lines"):
        read_log(b"1" + line_break * (MAX_LINES + 1), name)
    with pytest.raises(UnreadableLog) as within:
        read_log(b"1" + line_break * MAX_LINES, name)
    assert not isinstance(within.value, FileTooLarge)


def test_rows_up_to_the_limit_are_read_and_one_more_is_refused() -> None:
    rows = [[str(n), "Review the fees", "MH", "Jan 2022", "Open"] for n in range(MAX_ROWS)]
    assert len(read_log(pasted(rows).encode(), "log.txt")) == MAX_ROWS
    with pytest.raises(FileTooLarge, match=f"more than {MAX_ROWS:,} rows; actionbot imports "
                                           f"up to {MAX_ROWS:,} at a time"):
        read_log(pasted([*rows, ROW]).encode(), "log.txt")


def _csv(rows: list[list[str]]) -> bytes:
    lines = ["Action no.,Action,Responsible,Date issued,Status",
             *(",".join(f'"{c}"' for c in row) for row in rows)]
    return "\n".join(lines).encode()


@pytest.mark.parametrize(
    ("make", "name", "where"),
    [
        (lambda rows: pasted(rows).encode(), "log.txt", "line 15"),
        (_csv, "log.csv", "row 3"),
    ],
)
def test_an_action_longer_than_typed_actions_may_be_is_refused_naming_its_row(
    make: Callable[[list[list[str]]], bytes], name: str, where: str,
) -> None:
    long_row = ["2", "x" * (ACTION_TEXT_MAX + 1), "MH", "Jan 2022", "Open"]
    assert len(read_log(make([ROW, [*long_row[:1], "x" * ACTION_TEXT_MAX, *long_row[2:]]]),
                        name)) == 2
    with pytest.raises(FileTooLarge) as refused:
        read_log(make([ROW, long_row]), name)
    assert refused.value.message == (
        f"{name} has cells longer than actionbot keeps: {where}: the action is 4,001 "
        "characters (at most 4,000). Shorten them in the file and import it again; nothing "
        "was cut short.")


def test_long_cells_in_a_word_table_are_named_by_table_and_row(tmp_path: Path) -> None:
    rows = [ROW, ["2", "Chase", "MH " * 700, "Jan 2022", "Closed - " + "y" * 2000]]
    path = word_file(tmp_path / "minutes.docx", rows)
    with pytest.raises(FileTooLarge, match=r"table 2, row 3: the Responsible cell is 2,099 "
                                           r"characters \(at most 2,000\); table 2, row 3: "
                                           r"the Status cell is 2,009"):
        read_log(path.read_bytes(), "minutes.docx")
