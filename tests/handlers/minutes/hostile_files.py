"""Word files made to hurt: zip bombs, zips whose headers lie, XML that declares entities.

Built here rather than kept as fixtures, so each test shows exactly what the file holds.
"""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Callable

from docx import Document

MB = 1024 * 1024
EMPTY_PARAGRAPH = b"<w:p/>"
_CENTRAL = b"PK\x01\x02"


def _plain_docx(text: str = "Minutes of the board") -> zipfile.ZipFile:
    document = Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return zipfile.ZipFile(io.BytesIO(out.getvalue()))


def docx_with_body(write_body: Callable[[Callable[[bytes], object]], None], *,
                   text: str = "Minutes of the board") -> bytes:
    """A real Word document whose ``word/document.xml`` body gets what ``write_body`` writes
    (streamed, so a bomb of any size costs the test little memory), deflated at level 9."""
    source = _plain_docx(text)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as package:
        for part in source.infolist():
            data = source.read(part)
            if part.filename != "word/document.xml":
                package.writestr(part, data)
                continue
            head, tail = data.split(b"<w:body>", 1)
            with package.open(part.filename, "w") as stream:
                stream.write(head + b"<w:body>")
                write_body(stream.write)
                stream.write(tail)
    return out.getvalue()


def bomb_docx(unpacked: int) -> bytes:
    """A .docx whose document.xml is ``unpacked`` bytes of empty paragraphs: a few hundred
    KB packed, like the 427 KB file that took 5.9 GB."""
    chunk = EMPTY_PARAGRAPH * (MB // len(EMPTY_PARAGRAPH))

    def body(write: Callable[[bytes], object]) -> None:
        for _ in range(unpacked // len(chunk) + 1):
            write(chunk)

    return docx_with_body(body)


def declare_size(data: bytes, member: str, size: int) -> bytes:
    """The zip with ``member``'s uncompressed size rewritten to ``size`` in both its local
    header and the central directory: a header that lies."""
    out = bytearray(data)
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(member)
    struct.pack_into("<I", out, info.header_offset + 22, size)
    at = out.find(_CENTRAL)
    while at >= 0:
        name_length = struct.unpack_from("<H", out, at + 28)[0]
        if bytes(out[at + 46: at + 46 + name_length]) == member.encode():
            struct.pack_into("<I", out, at + 24, size)
        at = out.find(_CENTRAL, at + 4)
    return bytes(out)


def docx_with_doctype(doctype: str, paragraph_xml: str) -> bytes:
    """A .docx whose document.xml declares ``doctype`` (entities) before its root, with one
    paragraph of raw XML (which may use those entities)."""
    source = _plain_docx()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for part in source.infolist():
            data = source.read(part)
            if part.filename == "word/document.xml":
                declaration, rest = data.split(b"?>", 1)
                head, tail = rest.split(b"<w:body>", 1)
                data = (declaration + b"?>" + doctype.encode() + head + b"<w:body>"
                        + paragraph_xml.encode() + tail)
            package.writestr(part, data)
    return out.getvalue()


def billion_laughs(levels: int) -> str:
    """The classic DOCTYPE: each entity ten of the one before; ``&lol{levels};`` is
    10**levels copies of "lol"."""
    entities = ['<!ENTITY lol0 "lol">']
    entities += [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, levels + 1)]
    return f"<!DOCTYPE w:document [{''.join(entities)}]>"


def many_parts(count: int) -> bytes:
    """A real Word document with ``count`` extra one-byte parts."""
    source = _plain_docx()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for part in source.infolist():
            package.writestr(part, source.read(part))
        for n in range(count):
            package.writestr(f"extra/part{n}.xml", b"x")
    return out.getvalue()
