"""Minutes in and out from chat: ``/action export``, ``/action import`` and the calendar.

The chat adapters collect the file (an upload, a pasted log) and post the export; what the
log looks like and what an import would do is decided here, for every platform alike.

Where a platform cannot carry the file itself (a Teams bot cannot upload to a channel, and a
card must not hold an uploaded log), the file waits in the database under a one-time secret
for a few minutes (``storage.downloads``): an export behind a download link, an import behind
its Import button.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import PurePath

from handlers.commands import ExportLog, ImportLog
from handlers.dates import format_date
from handlers.errors import UserError
from handlers.permissions import require_manager, require_member
from handlers.replies import Attachment, Button, Reply, Tone
from handlers.scope import Scope
from storage import downloads
from storage.boards import board_with_calendar_token
from storage.uow import UnitOfWork

MIME = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "md": "text/markdown",
    "csv": "text/csv",
}
EXPORT_TTL = timedelta(minutes=15)
IMPORT_TTL = timedelta(minutes=30)


def export_log(cmd: ExportLog, scope: Scope) -> Reply:
    """The log as boards print it, as a file the platform posts (the console prints text)."""
    from handlers.minutes import export  # python-docx loads only when someone exports

    require_member(scope, "export the log")
    log = export.printed_log(scope.session, scope.board_entity())
    content = {"docx": export.to_docx, "md": lambda lg: export.to_markdown(lg).encode(),
               "csv": lambda lg: export.to_csv(lg).encode()}[cmd.fmt](log)
    name = f"{scope.board.name} action log {format_date(scope.today)}.{cmd.fmt}"
    return Reply(title=f"Action log of {scope.board.name}, {len(log.rows)} entries",
                 lines=(log.updated_line,), public=True,
                 file=Attachment(filename=name, content=content, mime=MIME[cmd.fmt]))


def import_how(cmd: ImportLog, scope: Scope) -> Reply:
    """Typed ``/action import`` where no form can be shown: say how to bring a log in."""
    require_manager(scope, "import a log")
    return Reply(title="Import an existing action log",
                 lines=("From a file: actionbot import minutes.docx "
                        f"--board \"{scope.board.name}\"",
                        "Word minutes (.docx), a CSV with a header row, or text pasted from "
                        "Word all work; you see a preview before anything is written."))


@dataclass(frozen=True)
class ImportRequest:
    data: bytes
    filename: str
    apply: bool


def import_file(request: ImportRequest, scope: Scope) -> Reply:
    """Preview, or apply, an uploaded or pasted log into this channel's board.

    Run through ``handlers.dispatch.run_in_scope``: one transaction, the channel's board."""
    from handlers.minutes.importer import describe_import, import_into, read_log

    require_manager(scope, "import a log")
    rows = read_log(request.data, request.filename)
    outcome = import_into(scope.session, scope.board_entity(), rows, actor=scope.actor,
                          now=scope.now, source=request.filename, apply=request.apply)
    reply = describe_import(outcome, request.filename)
    return replace(reply, public=request.apply and bool(outcome.plan.new))


def calendar_feed(uow: UnitOfWork, token: str) -> bytes | None:
    """The iCalendar feed for a calendar path's token, or None if no board has it."""
    from handlers.minutes import export

    with uow.transaction() as session:
        board = board_with_calendar_token(session, token)
        return export.to_ics(session, board) if board is not None else None


def export_path(token: str) -> str:
    """Where the web server hands out a kept export (``bot.web`` serves it)."""
    return f"/exports/{token}"


def link_export(uow: UnitOfWork, file: Attachment, *, base_url: str, now: datetime) -> str:
    """Keep an exported file for one download within ``EXPORT_TTL``; the link to it."""
    with uow.transaction() as session:
        token = downloads.keep(session, purpose=downloads.EXPORT, filename=file.filename,
                               mime=file.mime, content=file.content, now=now, ttl=EXPORT_TTL)
    return base_url.rstrip("/") + export_path(token)


def take_export(uow: UnitOfWork, token: str, now: datetime) -> Attachment | None:
    """The kept export behind a download link, which then stops working; None if the link
    is unknown, used or expired."""
    with uow.transaction() as session:
        held = downloads.take(session, token, purpose=downloads.EXPORT, now=now)
    return None if held is None else Attachment(held.filename, held.content, held.mime)


def export_waiting(uow: UnitOfWork, token: str, now: datetime) -> bool:
    """Would the download link work now? Uses nothing up."""
    with uow.transaction() as session:
        return downloads.is_waiting(session, token, purpose=downloads.EXPORT, now=now)


def preview_held_import(request: ImportRequest, scope: Scope) -> Reply:
    """The preview of an import whose file stays here, for platforms whose confirm button
    cannot carry the file: the reply's Import button names it by a one-time secret.

    Run through ``handlers.dispatch.run_in_scope``; an unreadable file keeps nothing."""
    reply = import_file(replace(request, apply=False), scope)
    if reply.tone is Tone.ERROR:
        return reply
    suffix = PurePath(request.filename).suffix.lower().lstrip(".")
    token = downloads.keep(scope.session, purpose=downloads.IMPORT, filename=request.filename,
                           mime=MIME.get(suffix, "application/octet-stream"),
                           content=request.data, now=scope.now, ttl=IMPORT_TTL,
                           board_id=scope.board.id, requested_by=scope.invocation.user_id)
    minutes = int(IMPORT_TTL.total_seconds() // 60)
    return replace(reply, lines=(*reply.lines, f"Nothing is written until you press Import "
                                 f"(within {minutes} minutes)."),
                   buttons=(Button("Import", "import", token, primary=True),))


@dataclass(frozen=True)
class HeldImport:
    token: str


def import_held(request: HeldImport, scope: Scope) -> Reply:
    """Apply an import previewed by ``preview_held_import``. The held file is used up in the
    same transaction as the import, so pressing Import twice imports once; only the person
    who sent the file, on that board, can confirm it."""
    held = downloads.take(scope.session, request.token, purpose=downloads.IMPORT,
                          now=scope.now)
    if held is None:
        minutes = int(IMPORT_TTL.total_seconds() // 60)
        raise UserError(f"That import was already done, or its preview is more than {minutes} "
                        "minutes old. Nothing more was written; send the file again for a new "
                        "preview.")
    if held.board_id != scope.board.id or held.requested_by != scope.invocation.user_id:
        raise UserError("Only the person who sent the file can confirm its import.")
    return import_file(ImportRequest(held.content, held.filename, apply=True), scope)
