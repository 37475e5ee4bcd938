"""What an imported log's cells mean, and the plan of actions to create from its rows.

Real logs are hand-typed: "Open ", "complete", "Item in April 2021", "Jan 2020 ", "JB and MS".
Every reading here is forgiving, and everything it could not read is reported in the plan
rather than guessed silently, so the secretary sees it in the preview before anything is written.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from handlers.dates import MONTHS, format_date, format_month
from handlers.minutes.log_table import LogRow
from handlers.owners import ALL, is_initials, split_owner_labels
from storage.actions import OwnerSpec
from storage.models import Status

LABEL_MAX = 100
_STATUS_WORDS = {
    "open": Status.OPEN,
    "ongoing": Status.ONGOING,
    "on going": Status.ONGOING,
    "on-going": Status.ONGOING,
    "in progress": Status.ONGOING,
    "closed": Status.CLOSED,
    "complete": Status.CLOSED,
    "completed": Status.CLOSED,
    "done": Status.CLOSED,
    "decision": Status.DECISION,
    "withdrawn": Status.WITHDRAWN,
    "deferred": Status.DEFERRED,
}
_STATUS_WITH_NOTE = re.compile(
    r"^(?P<word>" + "|".join(sorted(map(re.escape, _STATUS_WORDS), key=len, reverse=True))
    + r")(?:\s*[-–—:,;(]\s*|\s+)(?P<note>.+?)\)?$",
    re.I,
)
_ITEM_IN = re.compile(r"^item\s+(?:in|for|at)\s+(?:the\s+)?(?P<when>.+)$", re.I)
_MEETING_WORD = re.compile(r"\s+meeting$", re.I)
_NUMBER = re.compile(r"^#?\s*(\d{1,9})\s*[a-z]?\s*[.)]?$", re.I)
_NAME_SPLIT = re.compile(r"\s*(?:,|/|&|\+|\band\b)\s*")
_MONTH = "(?P<month>[a-z]+)"
_YEAR = r"(?P<year>\d{4}|\d{2})"
_DATE_FORMS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(rf"^{_MONTH}[\s\-/,']*{_YEAR}$", re.I), "month"),
    (re.compile(rf"^(?P<day>\d{{1,2}})(?:st|nd|rd|th)?[\s\-/]*{_MONTH}[\s\-/,]*{_YEAR}$", re.I),
     "day"),
    (re.compile(rf"^{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+{_YEAR}$", re.I), "day"),
    (re.compile(r"^(?P<day>\d{1,2})[/.\-](?P<mnum>\d{1,2})[/.\-](?P<year>\d{4}|\d{2})$"), "day"),
    (re.compile(r"^(?P<year>\d{4})-(?P<mnum>\d{1,2})-(?P<day>\d{1,2})$"), "day"),
    (re.compile(r"^(?P<mnum>\d{1,2})[/.\-](?P<year>\d{4})$"), "month"),
)


@dataclass(frozen=True)
class StatusReading:
    status: Status
    note: str | None = None
    deferred_label: str | None = None
    deferred_when: tuple[date, str] | None = None


def read_status(raw: str) -> StatusReading | None:
    """'Open ', 'COMPLETE', 'Closed - letter sent', 'Item in April 2021'; None if unknown."""
    text = " ".join(raw.split()).strip(" .")
    key = text.casefold()
    if key in _STATUS_WORDS:
        return StatusReading(_STATUS_WORDS[key])
    m = _ITEM_IN.match(text)
    if m:
        when = read_issued(_MEETING_WORD.sub("", m.group("when")))
        if when is None:
            return StatusReading(Status.DEFERRED, deferred_label=m.group("when")[:LABEL_MAX])
        label = format_month(when[0]) if when[1] == "month" else format_date(when[0])
        return StatusReading(Status.DEFERRED, deferred_label=label, deferred_when=when)
    m = _STATUS_WITH_NOTE.match(text)
    if m:
        return StatusReading(_STATUS_WORDS[m.group("word").casefold()], note=m.group("note"))
    return None


def read_issued(raw: str) -> tuple[date, str] | None:
    """'Jan 2022' → (1 January 2022, 'month'); '12/01/2022' → (12 January 2022, 'day')."""
    text = " ".join(raw.split()).strip(" .,")
    for pattern, precision in _DATE_FORMS:
        m = pattern.match(text)
        if not m:
            continue
        parts = m.groupdict()
        month = int(parts["mnum"]) if parts.get("mnum") else MONTHS.get(parts["month"].lower())
        year = int(parts["year"]) + (2000 if len(parts["year"]) == 2 else 0)
        try:
            return date(year, month or 0, int(parts.get("day") or 1)), precision
        except ValueError:
            return None
    return None


def read_number(raw: str) -> int | None:
    m = _NUMBER.match(raw.strip())
    return int(m.group(1)) if m else None


@dataclass(frozen=True)
class KnownMember:
    member_id: int
    initials: str


def read_owners(raw: str, members: dict[str, KnownMember]) -> tuple[list[OwnerSpec], list[str]]:
    """Owners from a Responsible cell, and the ones kept verbatim because nobody has them.

    'RR/TR', 'AL KY RE', 'JB and MS' split into initials; 'Rebecca Eligon / Reading' splits
    only on the separators so a name stays whole. ``members`` is keyed by casefolded
    initials and full names.
    """
    text = " ".join(raw.split())
    tokens = split_owner_labels(text)
    if not all(is_initials(t) or t.casefold() == "all" for t in tokens):
        tokens = [t for t in _NAME_SPLIT.split(text) if t]
    specs: dict[str, OwnerSpec] = {}
    unknown: list[str] = []
    for token in tokens:
        member = members.get(token.casefold())
        if token.casefold() == "all":
            spec = OwnerSpec(label=ALL)
        elif member is not None:
            spec = OwnerSpec(label=member.initials, member_id=member.member_id)
        else:
            spec = OwnerSpec(label=token[:LABEL_MAX])
            unknown.append(spec.label)
        specs.setdefault(spec.label.upper(), spec)
    return list(specs.values()), unknown


def text_key(text: str) -> str:
    return " ".join(text.split()).casefold()


@dataclass(frozen=True)
class ExistingAction:
    number: int
    copy: int
    text: str
    status: str


@dataclass(frozen=True)
class BoardFacts:
    """What the plan needs to know about the board; loaded by the importer, faked in tests."""

    members: dict[str, KnownMember]
    existing: list[ExistingAction]
    today: date
    meeting_in: Callable[[date, str], int | None] = lambda day, precision: None


@dataclass(frozen=True)
class PlannedAction:
    number: int
    copy: int
    text: str
    status: Status
    status_note: str | None
    issued_on: date
    issued_precision: str
    owners: tuple[OwnerSpec, ...]
    deferred_label: str | None
    deferred_meeting_id: int | None
    repeated: bool
    where: str


@dataclass
class ImportPlan:
    """The actions to create and everything the secretary should check first."""

    new: list[PlannedAction] = field(default_factory=list)
    rows_read: int = 0
    already_imported: int = 0
    repeated: dict[int, int] = field(default_factory=dict)
    unknown_owners: list[str] = field(default_factory=list)
    unmapped_statuses: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def highest_number(self) -> int:
        return max((a.number for a in self.new), default=0)


def plan_import(rows: list[LogRow], facts: BoardFacts) -> ImportPlan:
    """Which rows become new actions, which are already on the board, and what to report.

    A row is already imported when an action with its number and the same text exists
    (its own copy preferred), so importing the same log twice changes nothing. A number the
    file repeats keeps every row, as copies 0, 1, 2… in file order.
    """
    plan = ImportPlan()
    by_number: dict[int, list[LogRow]] = {}
    for row in rows:
        if row.is_blank:
            continue
        plan.rows_read += 1
        number = read_number(row.number)
        if number is None or not row.text.strip():
            missing = "no action number" if number is None else "no action text"
            shown = row.text.strip() or row.number.strip()
            plan.skipped.append(f"{row.where}: {missing}, not imported ({_short(shown)})")
            continue
        by_number.setdefault(number, []).append(row)
    for number, group in by_number.items():
        if len(group) > 1:
            plan.repeated[number] = len(group)
        _plan_number(plan, number, group, facts)
    plan.unknown_owners = sorted(set(plan.unknown_owners))
    return plan


def _plan_number(plan: ImportPlan, number: int, group: list[LogRow], facts: BoardFacts) -> None:
    existing = [e for e in facts.existing if e.number == number]
    taken = {e.copy for e in existing}
    for index, row in enumerate(group):
        match = _already_there(existing, row.text, index)
        if match is not None:
            existing.remove(match)
            plan.already_imported += 1
            _compare_status(plan, match, row)
            continue
        copy = index if index not in taken else max(taken) + 1
        if copy != index:
            plan.notes.append(f"Action {number} is already on the board with other text; "
                              f"{row.where} is added as a further copy of {number}.")
        taken.add(copy)
        plan.new.append(_planned(plan, number, copy, row, facts, repeated=len(group) > 1))


def _already_there(existing: list[ExistingAction], text: str, copy: int) -> ExistingAction | None:
    same = [e for e in existing if text_key(e.text) == text_key(text)]
    return next((e for e in same if e.copy == copy), same[0] if same else None)


def _compare_status(plan: ImportPlan, action: ExistingAction, row: LogRow) -> None:
    reading = read_status(row.status)
    if reading is not None and reading.status.value != action.status:
        plan.notes.append(f"Action {action.number} is already on the board as {action.status}; "
                          f"the file says {row.status.strip()}. Left as it is.")


def _planned(plan: ImportPlan, number: int, copy: int, row: LogRow, facts: BoardFacts,
             *, repeated: bool) -> PlannedAction:
    reading = read_status(row.status)
    note = None
    if reading is None:
        shown = row.status.strip() or "(blank)"
        plan.unmapped_statuses.append(f"{number}: {shown}")
        reading = StatusReading(Status.OPEN)
        note = f"Status in the imported log: {shown}"
    issued = read_issued(row.issued)
    if issued is None:
        issued = (facts.today, "day")
        plan.notes.append(f"{row.where}: date issued “{row.issued.strip()}” not understood; "
                          f"action {number} is recorded as issued today.")
    owners, unknown = read_owners(row.responsible, facts.members)
    plan.unknown_owners.extend(unknown)
    meeting_id = facts.meeting_in(*reading.deferred_when) if reading.deferred_when else None
    return PlannedAction(
        number=number, copy=copy, text=row.text.strip(), status=reading.status,
        status_note=note or reading.note, issued_on=issued[0], issued_precision=issued[1],
        owners=tuple(owners), deferred_label=reading.deferred_label,
        deferred_meeting_id=meeting_id, repeated=repeated, where=row.where,
    )


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
