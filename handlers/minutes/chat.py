"""Minutes in and out from chat: ``/action export``, ``/action import`` and the calendar.

The chat adapters collect the file (an upload, a pasted log) and post the export; what the
log looks like and what an import would do is decided here, for every platform alike.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from handlers.commands import ExportLog, ImportLog
from handlers.dates import format_date
from handlers.permissions import require_manager, require_member
from handlers.replies import Attachment, Reply
from handlers.scope import Scope
from storage.boards import board_with_calendar_token
from storage.uow import UnitOfWork

MIME = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "md": "text/markdown",
    "csv": "text/csv",
}


def export_log(cmd: ExportLog, scope: Scope) -> Reply:
    """The log as boards print it, as a file the platform posts (the console prints text)."""
    from handlers.minutes import export  # python-docx loads only when someone exports

    require_member(scope, "export the log")
    log = export.printed_log(scope.session, scope.board)
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
    outcome = import_into(scope.session, scope.board, rows, actor=scope.actor, now=scope.now,
                          source=request.filename, apply=request.apply)
    reply = describe_import(outcome, request.filename)
    return replace(reply, public=request.apply and bool(outcome.plan.new))


def calendar_feed(uow: UnitOfWork, token: str) -> bytes | None:
    """The iCalendar feed for a calendar path's token, or None if no board has it."""
    from handlers.minutes import export

    with uow.transaction() as session:
        board = board_with_calendar_token(session, token)
        return export.to_ics(session, board) if board is not None else None
