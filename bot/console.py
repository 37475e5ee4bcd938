"""The local console: the whole product in a terminal or a pipe, no chat account needed.

One command a line in, each reply printed as text. A mistake is a reply, not a failure.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TextIO

from bot.render_text import render
from handlers.boards import found_board
from handlers.context import CONSOLE_CHANNEL, CONSOLE_WORKSPACE, Invocation
from handlers.dispatch import handle, split_line
from storage.boards import bind_channel, board_by_name, board_for_channel
from storage.uow import UnitOfWork

QUIT_WORDS = {"quit", "exit", r"\q"}


def console_invocation(as_initials: str | None) -> Invocation:
    return Invocation(
        platform="console",
        workspace=CONSOLE_WORKSPACE,
        channel=CONSOLE_CHANNEL,
        as_initials=as_initials.upper() if as_initials else None,
    )


def open_board(uow: UnitOfWork, name: str, inv: Invocation) -> str:
    """Bind the console to the named board, creating it (with ``--as`` as secretary) if new."""
    now = datetime.now(UTC)
    with uow.transaction() as session:
        board = board_by_name(session, name)
        if board is None:
            board = found_board(session, name, inv, now)
        else:
            bind_channel(session, board, inv.platform, inv.workspace, inv.channel, now=now)
        return board.name


def bound_board_name(uow: UnitOfWork, inv: Invocation) -> str | None:
    with uow.transaction() as session:
        board = board_for_channel(session, inv.platform, inv.workspace, inv.channel)
        return board.name if board else None


def run(uow: UnitOfWork, inv: Invocation, lines: Iterable[str], out: TextIO,
        *, interactive: bool = False) -> None:
    """Answer each line; stop at the end of input or at ``quit``."""
    for raw in lines:
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.lower() in QUIT_WORDS:
            break
        if line.lower() in ("help", "?"):
            line = "/action help"
        root, text = split_line(line)
        reply = handle(root, text, invocation=inv, uow=uow)
        out.write(render(reply) + "\n")
        if interactive:
            out.write("\n")
        out.flush()


def prompt_lines(prompt: str) -> Iterable[str]:
    while True:
        try:
            yield input(prompt)
        except EOFError:
            sys.stdout.write("\n")
            return
