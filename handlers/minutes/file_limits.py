"""How big a file brought in may be, checked before any reader opens it.

Every way a log or notes come in (``actionbot import`` and ``extract``, a file sent in Slack
or Teams, a pasted log) passes through here, so one set of limits holds everywhere.

A .docx is a zip, and a zip's header may lie: a 427 KB file once unpacked to 5.9 GB inside
python-docx, whose ``ZipFile.read`` inflates a whole part in one call whatever size the header
declares. So the declared sizes are checked first, then every part is inflated here in small
chunks and counted, and python-docx only ever opens a copy re-packed from those counted bytes.

The limits, and why they are generous for real minutes:

- 10 MB a file, as Slack and Teams uploads are capped: a year of minutes is under 1 MB.
- 20 MB unpacked: the Word export of a 5,000-row log unpacks to 3.6 MB, and python-docx holds
  about 12 bytes for each byte of XML it parses (measured), so 20 MB costs ~250 MB at worst.
- 1,000 parts: a Word document has a dozen or two, and one more per picture.
- A part over 1 MB may unpack to at most 200 times its packed size: that 5,000-row export,
  as repetitive as XML gets, packs 48 to 1; the 427 KB bomb packed 14,000 to 1.
- 5,000 rows: a board's log holds hundreds after years of meetings (monthly meetings adding
  ten actions each would take forty years to reach it), and the preview lists every row.
- 100,000 lines in a text or CSV file: a pasted log takes about six lines a row.
- Cells: an action's text up to ``ACTION_TEXT_MAX``, as typed actions (the longest in the real
  logs is under 1,200 characters); Responsible and Status cells up to ``NOTE_MAX``; number and
  date cells up to 100. A longer cell is refused, naming its row, rather than cut short: the
  log is the board's record, and a cell that long is a paste gone wrong to be fixed in the file.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Sequence

from handlers.limits import ACTION_TEXT_MAX, NOTE_MAX
from handlers.minutes.log_table import (
    ISSUED,
    NUMBER,
    RESPONSIBLE,
    STATUS,
    TEXT,
    LogRow,
    UnreadableLog,
)

MB = 1024 * 1024
MAX_FILE_BYTES = 10 * MB
MAX_UNPACKED_BYTES = 20 * MB
MAX_PARTS = 1000
MAX_RATIO = 200
RATIO_FROM_BYTES = 1 * MB
MAX_LINES = 100_000
MAX_ROWS = 5000
SHORT_CELL_MAX = 100
CHUNK = 64 * 1024

CELL_LIMITS: dict[str, tuple[str, int]] = {
    TEXT: ("action", ACTION_TEXT_MAX),
    RESPONSIBLE: ("Responsible cell", NOTE_MAX),
    STATUS: ("Status cell", NOTE_MAX),
    NUMBER: ("number cell", SHORT_CELL_MAX),
    ISSUED: ("Date issued cell", SHORT_CELL_MAX),
}
UNZIP_ERRORS = (zipfile.BadZipFile, zlib.error, RuntimeError, EOFError)
# Every line break of str.splitlines, as UTF-8 (a lone \x85 in Windows-1252 is an ellipsis).
_LINE_BREAKS = (b"\n", b"\r", b"\x0b", b"\x0c", b"\x1c", b"\x1d", b"\x1e",
                "\x85".encode(), "\u2028".encode(), "\u2029".encode())
_END_OF_DIRECTORY = b"PK\x05\x06"
_END_RECORD_SIZE = 22
_LONGEST_COMMENT = 0xFFFF
_SHOWN_CELLS = 5


class FileTooLarge(UnreadableLog):
    """The file is over one of the limits above; nothing was read into the log."""


def _mb(n: int) -> str:
    return f"{n // MB} MB"


def check_file_size(size: int, name: str) -> None:
    """Refuse a file larger than ``MAX_FILE_BYTES`` (call with its size before reading it)."""
    if size > MAX_FILE_BYTES:
        raise FileTooLarge(f"{name} is larger than {_mb(MAX_FILE_BYTES)}; actionbot reads "
                           f"files up to {_mb(MAX_FILE_BYTES)}. Save the action log on its "
                           "own (a .docx, CSV or text file) and import that.")


def check_text(data: bytes, name: str) -> None:
    """Refuse a text or CSV file over ``MAX_FILE_BYTES`` or ``MAX_LINES``, before decoding."""
    check_file_size(len(data), name)
    if _line_breaks(data) > MAX_LINES:
        raise FileTooLarge(f"{name} has more than {MAX_LINES:,} lines; actionbot reads text "
                           f"and CSV files of up to {MAX_LINES:,} lines. Keep just the action "
                           "log in the file and import that.")


def _line_breaks(data: bytes) -> int:
    """The line breaks ``str.splitlines`` (and so the readers) would find, counted on the
    bytes: a file of nothing but carriage returns is as many lines as one of newlines."""
    return sum(data.count(b) for b in _LINE_BREAKS) - data.count(b"\r\n")


def unpacked_docx(data: bytes, name: str) -> bytes:
    """The Word package re-packed, uncompressed, from parts each inflated here under the
    limits; what python-docx may open. ``FileTooLarge`` for a file over them; a damaged zip
    raises what ``zipfile`` and ``zlib`` raise (``UNZIP_ERRORS``), for the reader to explain."""
    check_file_size(len(data), name)
    _check_part_count(data, name)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        parts = package.infolist()
        _check_declared(parts, name)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as copy:
            budget = MAX_UNPACKED_BYTES
            for part in parts:
                if part.is_dir():
                    continue
                content = _inflate(package, part, budget, name)
                budget -= len(content)
                copy.writestr(part.filename, content)
    return out.getvalue()


def _check_part_count(data: bytes, name: str) -> None:
    """The part count the zip's end record declares, read before ``ZipFile`` builds an entry
    for each: a 10 MB file can declare 200,000. No end record: ``ZipFile`` says it is no zip."""
    at = data.rfind(_END_OF_DIRECTORY, max(0, len(data) - _END_RECORD_SIZE - _LONGEST_COMMENT))
    if at < 0 or at + _END_RECORD_SIZE > len(data):
        return
    (parts,) = struct.unpack_from("<H", data, at + 10)
    if parts > MAX_PARTS:
        raise _too_many_parts(name)


def _too_many_parts(name: str) -> FileTooLarge:
    return FileTooLarge(f"{name} holds more than {MAX_PARTS:,} parts; a Word document has a "
                        "few dozen. Save it again from Word, or save the action log as a CSV "
                        "or text file and import that.")


def _too_unpacked(name: str) -> FileTooLarge:
    return FileTooLarge(f"{name} unpacks to more than {_mb(MAX_UNPACKED_BYTES)}; actionbot "
                        f"reads Word files that unpack to at most {_mb(MAX_UNPACKED_BYTES)}. "
                        "Copy the action log into a new document (without pictures) and "
                        "import that.")


def _check_declared(parts: Sequence[zipfile.ZipInfo], name: str) -> None:
    if len(parts) > MAX_PARTS:
        raise _too_many_parts(name)
    if len({p.filename for p in parts}) < len(parts):
        raise zipfile.BadZipFile("two parts share a name")  # Word never writes that
    if sum(p.file_size for p in parts) > MAX_UNPACKED_BYTES:
        raise _too_unpacked(name)
    for part in parts:
        if part.file_size > RATIO_FROM_BYTES and part.file_size > MAX_RATIO * part.compress_size:
            raise FileTooLarge(
                f"{name} has a part that unpacks to more than {MAX_RATIO} times its packed "
                f"size ({part.filename}); Word never packs that tightly, so actionbot does not "
                "open it. Save the document again from Word and import that.")


def _inflate(package: zipfile.ZipFile, part: zipfile.ZipInfo, budget: int, name: str) -> bytes:
    """One part, read a chunk at a time and never more than ``budget`` bytes: a header that
    declares less than the part holds gains nothing (zipfile also stops at the declared size
    and then checks the CRC, which a lying header fails)."""
    content = bytearray()
    with package.open(part) as stream:
        while chunk := stream.read(CHUNK):
            content += chunk
            if len(content) > budget:
                raise _too_unpacked(name)
    return bytes(content)


def check_row_count(count: int, source: str) -> None:
    """Refuse a log of more than ``MAX_ROWS`` rows (readers may call it as they go)."""
    if count > MAX_ROWS:
        raise FileTooLarge(f"The action log in {source} has more than {MAX_ROWS:,} rows; "
                           f"actionbot imports up to {MAX_ROWS:,} at a time. Split the log "
                           "into several files and import each.")


def check_rows(rows: Sequence[LogRow], source: str) -> None:
    """Refuse a log of more than ``MAX_ROWS`` rows, or with a cell over its limit (naming the
    rows, so the secretary can find them in the file)."""
    check_row_count(len(rows), source)
    too_long = [f"{row.where}: the {label} is {len(value):,} characters (at most {limit:,})"
                for row in rows
                for field, (label, limit) in CELL_LIMITS.items()
                if len(value := getattr(row, field)) > limit]
    if too_long:
        more = len(too_long) - _SHOWN_CELLS
        raise FileTooLarge(
            f"{source} has cells longer than actionbot keeps: "
            + "; ".join(too_long[:_SHOWN_CELLS])
            + (f"; and {more} more" if more > 0 else "")
            + ". Shorten them in the file and import it again; nothing was cut short.")
