"""``actionbot import|extract|export|restore``: the console's side of minutes in and out.

Kept apart from ``bot/cli.py`` so ``actionbot --help`` never loads python-docx or icalendar.
Each command reads and checks its file before it opens the database, and writes in one
transaction, so a file it cannot read leaves the database exactly as it was.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from bot.config import Config
from bot.render_text import render
from handlers.errors import UserError
from storage.history import Actor
from storage.uow import UnitOfWork

EXIT_REFUSED = 1
EXIT_UNAVAILABLE = 2
CONSOLE_ACTOR = Actor(label="console operator", platform="console")

OpenDatabase = Callable[[str], UnitOfWork | None]


def _fail(message: str, code: int = EXIT_REFUSED) -> int:
    print(f"actionbot: {message}", file=sys.stderr)
    return code


def run(args: argparse.Namespace, open_database: OpenDatabase) -> int:
    command = {"import": _import, "extract": _extract, "export": _export,
               "restore": _restore}[args.command]
    try:
        return command(args, open_database)
    except UserError as err:
        return _fail(err.message)
    except SQLAlchemyError as err:
        reason = str(err).splitlines()[0] if str(err) else type(err).__name__
        return _fail(f"the database refused the change, so nothing was written: {reason}",
                     EXIT_UNAVAILABLE)


def _read(path: str, limit: int) -> bytes:
    """The file's bytes, but never more than ``limit`` + 1 of them (so the caller's size check
    sees it is too large): a file named by mistake may be a disk image or ``/dev/zero``."""
    try:
        with Path(path).open("rb") as file:
            return file.read(limit + 1)
    except OSError as err:
        raise UserError(f"cannot read {path}: {err.strerror or err}. Nothing was written.") \
            from err


def _database(args: argparse.Namespace, open_database: OpenDatabase) -> UnitOfWork | None:
    return open_database(args.db or Config.from_env().database_url)


def _import(args: argparse.Namespace, open_database: OpenDatabase) -> int:
    from handlers.minutes.file_limits import MAX_FILE_BYTES
    from handlers.minutes.importer import apply_import, describe_import, preview_import, read_log
    from handlers.minutes.log_table import UnreadableLog

    name = Path(args.file).name
    try:
        rows = read_log(_read(args.file, MAX_FILE_BYTES), name)
    except UnreadableLog as err:
        return _fail(f"{err.message} Nothing was imported.")
    uow = _database(args, open_database)
    if uow is None:
        return EXIT_UNAVAILABLE
    now = datetime.now(UTC)
    if not args.yes:
        preview = preview_import(uow, args.board, rows, now=now)
        print(render(describe_import(preview, name)), flush=True)
        if not preview.plan.new:
            return 0
        if not sys.stdin.isatty():
            return _fail("nothing was imported: there is no terminal to confirm on. "
                         "Run it again with --yes to import.")
        answer = input(f"Import {len(preview.plan.new)} actions into {preview.board_name}? "
                       "[y/N] ")
        if answer.strip().lower() not in ("y", "yes"):
            print("Nothing was imported.")
            return EXIT_REFUSED
    outcome = apply_import(uow, args.board, rows, actor=CONSOLE_ACTOR, now=now, source=name)
    print(render(describe_import(outcome, name)))
    return 0


def _extract(args: argparse.Namespace, open_database: OpenDatabase) -> int:
    from handlers.cards import local_date_of
    from handlers.dates import today_in
    from handlers.minutes.extract import (
        describe_proposals,
        extract_actions,
        mark_unknown,
        notes_text,
    )
    from handlers.minutes.file_limits import MAX_FILE_BYTES
    from storage.boards import board_by_name
    from storage.meetings import next_meeting
    from storage.members import active_members

    name = Path(args.file).name
    text = notes_text(_read(args.file, MAX_FILE_BYTES), name)
    now = datetime.now(UTC)
    if args.board is None:
        proposals = extract_actions(text, today_in("Europe/London", now))
    else:
        uow = _database(args, open_database)
        if uow is None:
            return EXIT_UNAVAILABLE
        with uow.transaction() as session:
            board = board_by_name(session, args.board)
            if board is None:
                raise UserError(f"there is no board called {args.board}.")
            meeting = next_meeting(session, board.id, now)
            proposals = extract_actions(
                text, today_in(board.timezone, now),
                next_meeting=local_date_of(meeting, board.timezone) if meeting else None)
            initials = {m.initials for m in active_members(session, board.id)}
        proposals = mark_unknown(proposals, initials)
    if args.json:
        for p in proposals:
            print(json.dumps(p.as_json(with_unknown=args.board is not None), ensure_ascii=False))
    else:
        print(render(describe_proposals(proposals, name, checked=args.board is not None)))
    return 0


def _export(args: argparse.Namespace, open_database: OpenDatabase) -> int:
    from handlers.minutes import export
    from storage.boards import board_by_name
    from storage.dump import dump_board

    uow = _database(args, open_database)
    if uow is None:
        return EXIT_UNAVAILABLE
    with uow.transaction() as session:
        board = board_by_name(session, args.board)
        if board is None:
            raise UserError(f"there is no board called {args.board}.")
        if args.format == "json":
            content: str | bytes = json.dumps(
                dump_board(session, board.id, now=datetime.now(UTC)),
                ensure_ascii=False, indent=1) + "\n"
        elif args.format == "ics":
            content = export.to_ics(session, board)
        else:
            log = export.printed_log(session, board)
            render_as = {"md": export.to_markdown, "csv": export.to_csv,
                         "docx": export.to_docx}[args.format]
            content = render_as(log)
        board_name = board.name
    output = args.output or (f"{board_name} action log.docx" if args.format == "docx" else None)
    if output is None:
        if isinstance(content, bytes):
            sys.stdout.buffer.write(content)
        else:
            sys.stdout.write(content)
        return 0
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        Path(output).write_bytes(data)
    except OSError as err:
        raise UserError(f"cannot write {output}: {err.strerror or err}.") from err
    print(f"Wrote {output}")
    return 0


def _restore(args: argparse.Namespace, open_database: OpenDatabase) -> int:
    from handlers.backups import MAX_BACKUP_BYTES, BackupRefused, read_backup
    from storage.dump import RestoreRefused, restore

    try:
        backup = read_backup(_read(args.file, MAX_BACKUP_BYTES), Path(args.file).name)
    except BackupRefused as err:
        return _fail(f"{err.message} Nothing was written.")
    uow = _database(args, open_database)
    if uow is None:
        return EXIT_UNAVAILABLE
    try:
        with uow.transaction() as session:
            counts = restore(session, backup.tables)
    except RestoreRefused as err:
        return _fail(f"{err} Nothing was written.")
    print(f"Restored {', '.join(backup.board_names)}: {counts.get('actions', 0)} actions, "
          f"{counts.get('meetings', 0)} meetings, {counts.get('events', 0)} history events.")
    return 0
