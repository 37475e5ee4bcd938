"""Proposed actions found in meeting notes: lines such as "Action: MH to meet LP and RE …".

Only proposals: a person reads them and adds the ones they want, so a line is never lost
for looking odd. Owners come from the minutes convention at the start ("JB and MS to …",
"All to …"); a due date only from "by <date>", read by ``handlers.dates.parse_due``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import PurePath
from typing import Any

from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from handlers.dates import NextMeeting, format_date, parse_due
from handlers.errors import UserError
from handlers.minutes.file_limits import check_text
from handlers.minutes.read_docx import ZIP_MAGIC, open_docx
from handlers.minutes.read_text import decode_text
from handlers.owners import convention_owners
from handlers.replies import Field, Item, Reply

_ACTION_LINE = re.compile(r"^[\s·•\-–*▪◦>]*actions?\s*[:;]\s*(?P<text>\S.*)$", re.I)
_BY = re.compile(r"\bby\s+", re.I)
_DUE_END = re.compile(r"[.;,()\[\]]")
DUE_WORDS = 8


@dataclass(frozen=True)
class Proposal:
    """One action the notes seem to ask for. ``unknown``: owners who are not board members."""

    text: str
    owners: tuple[str, ...]
    due: date | None
    line: int
    unknown: tuple[str, ...] = ()

    def as_json(self, *, with_unknown: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {"text": self.text, "owners": list(self.owners),
                                "due": self.due.isoformat() if self.due else None}
        if with_unknown:
            data["unknown"] = list(self.unknown)
        return data


def extract_actions(text: str, today: date, *, next_meeting: date | None = None
                    ) -> list[Proposal]:
    """Every "Action:" line of the notes, in order, as a proposal."""
    proposals = []
    for number, line in enumerate(text.splitlines(), start=1):
        m = _ACTION_LINE.match(line)
        if not m:
            continue
        body = " ".join(m.group("text").split())
        owners = tuple(ref.shown for ref in convention_owners(body))
        proposals.append(Proposal(text=body, owners=owners,
                                  due=due_in(body, today, next_meeting), line=number))
    return proposals


def due_in(text: str, today: date, next_meeting: date | None = None) -> date | None:
    """The date after the last "by" that reads as one; a date already past gives None."""
    for m in reversed(list(_BY.finditer(text))):
        words = _DUE_END.split(text[m.end():], maxsplit=1)[0].split()[:DUE_WORDS]
        for size in range(len(words), 0, -1):
            try:
                found = parse_due(" ".join(words[:size]), today)
            except UserError:
                return None
            if isinstance(found, NextMeeting):
                return next_meeting
            if found is not None:
                return found
    return None


def mark_unknown(proposals: Iterable[Proposal], member_initials: set[str]) -> list[Proposal]:
    """The proposals with the owners no member of the board has (``All`` is everyone)."""
    known = {i.upper() for i in member_initials} | {"ALL"}
    return [replace(p, unknown=tuple(o for o in p.owners if o.upper() not in known))
            for p in proposals]


def notes_text(data: bytes, filename: str) -> str:
    """The text of meeting notes: a Word file's paragraphs (tables included) or plain text."""
    if PurePath(filename).suffix.lower() != ".docx" and not data.startswith(ZIP_MAGIC):
        check_text(data, PurePath(filename).name)
        return decode_text(data)
    document = open_docx(data, PurePath(filename).name)
    return "\n".join(Paragraph(p, document).text for p in document.element.body.iter(qn("w:p")))


def describe_proposals(proposals: list[Proposal], source: str, *, checked: bool) -> Reply:
    """The proposals as a neutral reply; ``checked``: owners were checked against members."""
    if not proposals:
        return Reply(title=f"No action lines found in {source}",
                     lines=("I look for lines that start “Action:” or “Actions:”.",))
    items = []
    for p in proposals:
        fields = [Field("Owners", ", ".join(p.owners) or "none named"),
                  Field("Due", format_date(p.due) if p.due else "not set")]
        if checked and p.unknown:
            fields.append(Field("Not members", ", ".join(p.unknown)))
        items.append(Item(title=f"Line {p.line}", text=p.text, fields=tuple(fields)))
    noun = "action" if len(proposals) == 1 else "actions"
    return Reply(title=f"{len(proposals)} proposed {noun} in {source}", items=tuple(items),
                 footer="Add the ones you want with /action add …")
