"""The ``actionbot`` command. Imports are lazy so ``actionbot --help`` stays instant."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

EXIT_UNAVAILABLE = 2


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
    return parser


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


def _open_database(url: str):  # type: ignore[no-untyped-def]
    """Engine and unit of work on an up-to-date schema, or a one-line reason on stderr."""
    from sqlalchemy.exc import SQLAlchemyError

    from storage.db import make_engine
    from storage.migrate import upgrade
    from storage.uow import UnitOfWork

    try:
        engine = make_engine(url)
        upgrade(engine)
    except (SQLAlchemyError, OSError, ValueError) as err:
        reason = str(err).splitlines()[0] if str(err) else type(err).__name__
        print(f"actionbot: cannot open the database {url}: {reason}", file=sys.stderr)
        return None
    return UnitOfWork(engine)


def _console(args: argparse.Namespace) -> int:
    from bot import console, demo
    from bot.config import Config
    from handlers.dates import warm

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
    inv = console.console_invocation(as_initials)
    interactive = sys.stdin.isatty()
    name = console.open_board(uow, board, inv) if board else console.bound_board_name(uow, inv)
    if interactive:
        who = f"as {inv.as_initials}" if inv.as_initials else "as the console operator"
        where = f"on {name}" if name else "with no board yet (try /board setup <name>)"
        kept = " Demo data lives in memory and is gone when you quit." if url == "sqlite://" else ""
        print(f"actionbot console {where}, {who}.{kept}\n"
              "Type /action help, or quit to leave.\n")
        lines = console.prompt_lines("> ")
    else:
        lines = sys.stdin
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
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    parser.print_help()
    return 0


if __name__ == "__main__":
    sys.exit(main())
