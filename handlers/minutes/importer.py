"""Importing a board's existing action log: read the file, preview, then apply in one go.

Adapters call ``read_log`` with the uploaded bytes, show ``describe_preview`` and, once the
person confirms, call ``apply_import``. The apply recomputes its plan inside its own
transaction, so it is right even if the log changed since the preview, and it either
writes every action with its history event or nothing at all.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import PurePath

from sqlalchemy.orm import Session

from handlers.dates import to_utc, today_in
from handlers.minutes.file_limits import check_rows, check_text
from handlers.minutes.log_table import LogRow, UnreadableLog
from handlers.minutes.mapping import (
    BoardFacts,
    ExistingAction,
    ImportPlan,
    KnownMember,
    plan_import,
)
from handlers.minutes.read_csv import read_csv
from handlers.minutes.read_docx import ZIP_MAGIC, read_docx
from handlers.minutes.read_text import decode_text, read_text
from handlers.replies import Reply, Section, Tone
from storage.actions import create_action, log_fingerprints
from storage.boards import board_by_name, create_board, lock_board, raise_action_counter
from storage.history import Actor, record
from storage.meetings import first_meeting_id_between
from storage.members import all_members
from storage.models import Board
from storage.uow import UnitOfWork

DEFAULT_TIMEZONE = "Europe/London"


def read_log(data: bytes, filename: str) -> list[LogRow]:
    """The rows of the action log in a Word file, a CSV file or pasted text.

    Raises ``UnreadableLog`` with a message fit to show the person who sent the file, and
    ``FileTooLarge`` (one) for a file over the limits of ``file_limits``.
    """
    name = PurePath(filename).name
    suffix = PurePath(filename).suffix.lower()
    if not data.strip():
        raise UnreadableLog(f"{name} is empty.")
    if suffix == ".doc":
        raise UnreadableLog(f"{name} is an old-style Word file: open it in Word and save it "
                            "as .docx, then import that.")
    if suffix == ".docx" or data.startswith(ZIP_MAGIC):
        rows = read_docx(data, name)
    else:
        check_text(data, name)
        text = decode_text(data)
        rows = read_csv(text, name) if suffix in (".csv", ".tsv") else read_text(text, name)
    check_rows(rows, name)
    return rows


@dataclass(frozen=True)
class ImportOutcome:
    """What an import would do (a preview) or did (``applied``), for ``describe_import``.

    ``next_number`` is the number the board's next new action will get.
    """

    board_name: str
    board_exists: bool
    plan: ImportPlan
    next_number: int
    applied: bool = False
    created_board: bool = False


def preview_import(uow: UnitOfWork, board_name: str, rows: list[LogRow], *, now: datetime
                   ) -> ImportOutcome:
    """What importing ``rows`` into the board would do; writes nothing."""
    with uow.transaction() as session:
        board = board_by_name(session, board_name)
        tz = board.timezone if board else DEFAULT_TIMEZONE
        plan = plan_import(rows, _facts(session, board, today_in(tz, now)))
        last = board.last_action_number if board else 0
        return ImportOutcome(board_name=board.name if board else " ".join(board_name.split()),
                             board_exists=board is not None, plan=plan,
                             next_number=max(last, plan.highest_number) + 1)


def apply_import(uow: UnitOfWork, board_name: str, rows: list[LogRow], *, actor: Actor,
                 now: datetime, source: str) -> ImportOutcome:
    """Create every new action of the plan, each with an ``action.imported`` event.

    The board is created if it does not exist yet (only when there is something to import).
    Its counter is raised to the highest imported number so new actions continue after it.
    """
    with uow.transaction() as session:
        board = board_by_name(session, board_name)
        if board is not None:
            lock_board(session, board.id)
        tz = board.timezone if board else DEFAULT_TIMEZONE
        plan = plan_import(rows, _facts(session, board, today_in(tz, now)))
        created = board is None and bool(plan.new)
        if created:
            board = create_board(session, board_name, now=now, timezone=DEFAULT_TIMEZONE)
            record(session, board_id=board.id, kind="board.created", actor=actor, at=now,
                   name=board.name, source=source)
        if board is not None and plan.new:
            _write(session, board, plan, actor=actor, now=now, source=source)
        last = board.last_action_number if board else 0
        return ImportOutcome(board_name=board.name if board else board_name,
                             board_exists=board is not None, plan=plan, next_number=last + 1,
                             applied=True, created_board=created)


def import_into(session: Session, board: Board, rows: list[LogRow], *, actor: Actor,
                now: datetime, source: str, apply: bool) -> ImportOutcome:
    """Preview (or, with ``apply``, do) an import into a board inside the caller's
    transaction: the chat side, where the board is the channel's and already exists."""
    if apply:
        lock_board(session, board.id)
    plan = plan_import(rows, _facts(session, board, today_in(board.timezone, now)))
    if apply and plan.new:
        _write(session, board, plan, actor=actor, now=now, source=source)
    next_number = (board.last_action_number + 1 if apply else
                   max(board.last_action_number, plan.highest_number) + 1)
    return ImportOutcome(board_name=board.name, board_exists=True, plan=plan,
                         next_number=next_number, applied=apply)


def _write(session: Session, board: Board, plan: ImportPlan, *, actor: Actor, now: datetime,
           source: str) -> None:
    for planned in plan.new:
        action = create_action(
            session, board_id=board.id, number=planned.number, text=planned.text,
            status=planned.status, issued_on=planned.issued_on, due_on=None,
            owners=planned.owners, now=now, copy=planned.copy,
            issued_precision=planned.issued_precision, imported=True,
            status_note=planned.status_note, deferred_label=planned.deferred_label,
            deferred_meeting_id=planned.deferred_meeting_id,
        )
        record(session, board_id=board.id, kind="action.imported", actor=actor, at=now,
               action_id=action.id, source=source, where=planned.where,
               number=planned.number, copy=planned.copy, text=planned.text,
               status=planned.status.value, issued=planned.issued_on.isoformat(),
               owners=[o.label for o in planned.owners], repeated=planned.repeated)
    raise_action_counter(session, board, plan.highest_number)


def _facts(session: Session, board: Board | None, today: date) -> BoardFacts:
    if board is None:
        return BoardFacts(members={}, existing=[], today=today)
    members: dict[str, KnownMember] = {}
    # Active members first, so a removed member never shadows a current one's initials.
    for member in all_members(session, board.id):
        known = KnownMember(member_id=member.id, initials=member.initials)
        members.setdefault(member.initials_key.casefold(), known)
        members.setdefault(" ".join(member.name.split()).casefold(), known)
    existing = [
        ExistingAction(number=n, copy=c, text=t, status=s)
        for n, c, t, s in log_fingerprints(session, board.id)
    ]

    def meeting_in(day: date, precision: str) -> int | None:
        return _meeting_in(session, board, day, precision)

    return BoardFacts(members=members, existing=existing, today=today, meeting_in=meeting_in)


def _meeting_in(session: Session, board: Board, day: date, precision: str) -> int | None:
    """The board's first meeting on that day, or in that month, cancelled or not."""
    if precision == "month":
        start_day = day.replace(day=1)
        end_day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    else:
        start_day, end_day = day, day + timedelta(days=1)
    start = to_utc(datetime.combine(start_day, time(0)), board.timezone)
    end = to_utc(datetime.combine(end_day, time(0)), board.timezone)
    return first_meeting_id_between(session, board.id, start, end)


def describe_import(outcome: ImportOutcome, source: str) -> Reply:
    """The preview (before) or the result (after) as a neutral reply any platform can show."""
    plan = outcome.plan
    where = outcome.board_name + ("" if outcome.board_exists or outcome.created_board
                                  else " (a new board)")
    count = _plural(len(plan.new), "new action")
    lines = [f"{_plural(plan.rows_read, 'row')} read from {source}: {count}, "
             f"{plan.already_imported} already imported."]
    by_status = Counter(a.status.value for a in plan.new)
    if by_status:
        lines.append("New by status: " + ", ".join(f"{n} {s}" for s, n in by_status.items()))
    if outcome.applied:
        title = (f"Imported {count} into {where}" if plan.new
                 else f"Nothing to import into {where}")
        tone = Tone.SUCCESS if plan.new else Tone.INFO
        if outcome.created_board:
            lines.append(f"{outcome.board_name} was created for this log.")
    else:
        title, tone = f"Import {source} into {where}?", Tone.INFO
    if plan.new or outcome.applied:
        lines.append(f"New actions will be numbered from {outcome.next_number}.")
    return Reply(title=title, lines=tuple(lines), tone=tone, sections=_sections(plan))


def _sections(plan: ImportPlan) -> tuple[Section, ...]:
    repeated = []
    for number, times in sorted(plan.repeated.items(), reverse=True):
        refs = [_ref(a.number, a.copy) for a in plan.new if a.number == number]
        kept = f": new as {', '.join(refs)}" if refs else ""
        repeated.append(f"{number} appears {times} times{kept}")
    found = (
        ("Numbers repeated in the file (each row kept as its own action)", repeated),
        ("Owners who are not members of the board (kept as written)",
         [", ".join(plan.unknown_owners)] if plan.unknown_owners else []),
        ("Statuses not recognised (imported as open, the original kept as a note)",
         plan.unmapped_statuses),
        ("Rows not imported", plan.skipped),
        ("Please check", plan.notes),
    )
    return tuple(Section(heading, tuple(lines)) for heading, lines in found if lines)


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _ref(number: int, copy: int) -> str:
    return f"{number}{chr(ord('a') + copy) if copy else ''}"
