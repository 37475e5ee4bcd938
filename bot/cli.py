"""The ``actionbot`` command. Imports are lazy so ``actionbot --help`` stays instant."""

from __future__ import annotations

import argparse
import io
import logging
import sys
from collections.abc import Sequence

EXIT_UNAVAILABLE = 2
EXIT_REFUSED = 2  # as argparse: what was given on the command line cannot be used
EXPORT_FORMATS = ("docx", "md", "csv", "json", "ics")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="actionbot",
        description="Keep a board's numbered action log in Slack, Teams or a local console.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    console = sub.add_parser("console", help="type /action and /board commands locally")
    console.add_argument("--db", help="database URL (default: DATABASE_URL or ./actionbot.db)")
    console.add_argument("--board", help="board to use; created if it does not exist")
    console.add_argument("--as", dest="as_initials", metavar="INITIALS",
                         help="who is typing, by their initials on the board")
    console.add_argument("--demo", action="store_true",
                         help="open a ready-made fictional board (kept in memory unless --db)")

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    upgrade = db_sub.add_parser("upgrade", help="bring the database up to the current schema")
    upgrade.add_argument("--db", help="database URL (default: DATABASE_URL or ./actionbot.db)")
    _minutes_parsers(sub)
    _server_parsers(sub)
    return parser


def _server_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    db_help = "database URL (default: DATABASE_URL or ./actionbot.db)"
    serve = sub.add_parser("serve", help="serve Slack (and Teams) over HTTP on HOST:PORT",
                           description="Serve /slack/events, /api/messages (Teams) and "
                           "/healthz on HOST:PORT (default 0.0.0.0:3000), and run the "
                           "scheduler unless "
                           "ACTIONBOT_SCHEDULER=off.")
    serve.add_argument("--db", help=db_help)
    socket = sub.add_parser("socket", help="run Slack in Socket Mode (no inbound traffic)")
    socket.add_argument("--db", help=db_help)

    tick = sub.add_parser("tick", help="run one scheduler tick: reminders, digests, chases",
                          description="Send everything due at the given time (default now). "
                          "Operators use it to see what will go out; tests to travel in time.")
    tick.add_argument("--db", help=db_help)
    tick.add_argument("--at", metavar="ISO-TIME",
                      help="as of this time: 2027-01-27T09:00Z, or board time without offset")
    tick.add_argument("--dry-run", action="store_true",
                      help="show what would be sent; send and record nothing")
    tick.add_argument("--json", action="store_true", help="one JSON object a line per message")

    clock = sub.add_parser("scheduler", help="run the scheduler alone (the Procfile clock:)")
    clock.add_argument("--db", help=db_help)
    clock.add_argument("--interval", type=int, default=60, help="seconds between ticks")

    package = sub.add_parser("teams-package", help="build the Teams app package to upload",
                             description="Write the Teams app zip (manifest with the bot id "
                             "TEAMS_CLIENT_ID, commands, icons).")
    package.add_argument("-o", "--output", metavar="FILE",
                         help="zip to write (default: actionbot-teams.zip)")
    package.add_argument("--bot-id", help="the Azure Bot's app id (default: TEAMS_CLIENT_ID)")
    package.add_argument("--website", default="https://example.org/actionbot",
                         help="https:// page for the manifest's developer links")


def _minutes_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    db_help = "database URL (default: DATABASE_URL or ./actionbot.db)"
    imp = sub.add_parser("import", help="import a board's existing action log",
                         description="Import the action log of Word minutes (.docx), a CSV "
                         "file or minutes pasted as text, keeping its numbers.")
    imp.add_argument("file", help=".docx, .csv or .txt file holding the action log")
    imp.add_argument("--board", required=True, help="board to import into; created if new")
    imp.add_argument("--db", help=db_help)
    imp.add_argument("--yes", action="store_true", help="import without asking first")

    ext = sub.add_parser("extract", help="propose actions from the Action: lines of notes")
    ext.add_argument("file", help=".docx or .txt meeting notes")
    ext.add_argument("--board", help="check the owners against this board's members")
    ext.add_argument("--db", help=db_help)
    ext.add_argument("--json", action="store_true", help="one JSON object a line")

    exp = sub.add_parser("export", help="the action log as Word, Markdown, CSV; a JSON "
                         "backup; or the meetings as a calendar")
    exp.add_argument("--board", required=True)
    exp.add_argument("--db", help=db_help)
    exp.add_argument("--format", required=True, choices=EXPORT_FORMATS)
    exp.add_argument("-o", "--output", metavar="FILE",
                     help="file to write (default: standard output; for docx a file named "
                     "after the board)")

    res = sub.add_parser("restore", help="bring back a JSON backup into an empty database")
    res.add_argument("file", help="a backup made by actionbot export --format json")
    res.add_argument("--db", help=db_help)


class _NoTracebackFormatter(logging.Formatter):
    """People at the console see what went wrong in one line, never a traceback."""

    def formatException(self, ei: object) -> str:  # noqa: N802 - logging's name
        return ""

    def format(self, record: logging.LogRecord) -> str:
        record.exc_text = ""
        return super().format(record).rstrip()


def _quiet_logging() -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_NoTracebackFormatter("actionbot: %(message)s"))
    logging.basicConfig(level=logging.WARNING, handlers=[handler], force=True)


def _shown_url(url: str) -> str:
    """The URL as safe to print: never with its password."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - an unparsable URL is shown as "that URL"
        return "(the given URL)"


def _open_database(url: str, connections: int | None = None):  # type: ignore[no-untyped-def]
    """Engine and unit of work on an up-to-date schema, or a one-line reason on stderr.
    ``connections``: the pool's size (``storage.db.make_engine``), for the servers."""
    from sqlalchemy.exc import SQLAlchemyError

    from storage.db import make_engine
    from storage.migrate import upgrade
    from storage.uow import UnitOfWork

    try:
        engine = make_engine(url, connections=connections)
        upgrade(engine)
    except (SQLAlchemyError, OSError, ValueError) as err:
        reason = str(err).splitlines()[0] if str(err) else type(err).__name__
        print(f"actionbot: cannot open the database {_shown_url(url)}: {reason}",
              file=sys.stderr)
        return None
    return UnitOfWork(engine)


def _console(args: argparse.Namespace) -> int:
    from bot import console, demo
    from bot.config import Config
    from bot.render_text import terminal_safe
    from handlers.dates import warm
    from handlers.errors import UserError

    url = args.db or ("sqlite://" if args.demo else Config.from_env().database_url)
    uow = _open_database(url)
    if uow is None:
        return EXIT_UNAVAILABLE
    warm()
    board, as_initials = args.board, args.as_initials
    if args.demo:
        demo.seed(uow)
        board = board or demo.DEMO_BOARD
        as_initials = as_initials or demo.DEMO_SECRETARY
    try:
        inv = console.console_invocation(as_initials)
        name = console.open_board(uow, board, inv) if board else console.bound_board_name(uow,
                                                                                          inv)
    except UserError as err:
        print(f"actionbot: {terminal_safe(err.message)}", file=sys.stderr)
        return EXIT_REFUSED
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(errors="replace")  # a terminal that cannot show "✓" shows "?"
    interactive = sys.stdin.isatty()
    if interactive:
        who = f"as {inv.as_initials}" if inv.as_initials else "as the console operator"
        where = f"on {name}" if name else "with no board yet (try /board setup <name>)"
        kept = " Demo data lives in memory and is gone when you quit." if url == "sqlite://" else ""
        print(terminal_safe(f"actionbot console {where}, {who}.{kept}\n"
                            "Type /action help, or quit to leave.\n"))
        lines = console.prompt_lines("> ", sys.stdin.buffer, sys.stdout)
    else:  # a program that replaced stdin with a text stream has no bytes to give
        binary = getattr(sys.stdin, "buffer", None)
        lines = console.piped_lines(binary) if binary is not None else sys.stdin
    console.run(uow, inv, lines, sys.stdout, interactive=interactive)
    return 0


def _db(args: argparse.Namespace) -> int:
    from bot.config import Config
    from storage.db import make_engine
    from storage.migrate import upgrade

    url = args.db or Config.from_env().database_url
    try:
        before, after = upgrade(make_engine(url))
    except Exception as err:  # noqa: BLE001 - reported in one line, exit non-zero
        print(f"actionbot: upgrade failed: {str(err).splitlines()[0]}", file=sys.stderr)
        return EXIT_UNAVAILABLE
    if before == after:
        print(f"Database is up to date (revision {after}).")
    else:
        print(f"Database upgraded from {before or 'empty'} to {after}.")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    _quiet_logging()
    try:
        if args.command == "console":
            return _console(args)
        if args.command == "db":
            return _db(args)
        if args.command in ("serve", "socket", "tick", "scheduler"):
            from bot import server_cli

            return server_cli.run(args, _open_database)
        if args.command == "teams-package":
            from bot.config import teams_client_id
            from bot.teams.package import run as package_teams

            return package_teams(args, args.bot_id or teams_client_id())
        if args.command in ("import", "extract", "export", "restore"):
            from bot import minutes_cli

            return minutes_cli.run(args, _open_database)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    parser.print_help()
    return 0


if __name__ == "__main__":
    sys.exit(main())
