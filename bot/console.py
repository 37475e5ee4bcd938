"""The local console: the whole product in a terminal or a pipe, no chat account needed.

One command a line in, each reply printed as text. A mistake is a reply, not a failure.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import BinaryIO, TextIO

from bot.render_text import render, terminal_safe
from handlers.boards import board_name, found_board
from handlers.context import CONSOLE_CHANNEL, CONSOLE_WORKSPACE, Invocation
from handlers.dispatch import handle, split_line
from handlers.limits import COMMAND_MAX
from handlers.members import checked_initials
from storage.boards import bind_channel, board_by_name, board_for_channel
from storage.uow import UnitOfWork

QUIT_WORDS = {"quit", "exit", r"\q"}
EXAMPLE = "actionbot console --board \"Adoption Board\" --as RE"
# Enough bytes for the longest command in UTF-8 (up to 4 bytes a character) and its "/action".
LINE_BYTES_MAX = 4 * COMMAND_MAX + 64


def console_invocation(as_initials: str | None) -> Invocation:
    """Who is typing; ``UserError`` for ``--as`` initials nobody may have (``ALL``)."""
    return Invocation(
        platform="console",
        workspace=CONSOLE_WORKSPACE,
        channel=CONSOLE_CHANNEL,
        as_initials=checked_initials(as_initials, EXAMPLE) if as_initials else None,
    )


def open_board(uow: UnitOfWork, name: str, inv: Invocation) -> str:
    """Bind the console to the named board, creating it (with ``--as`` as secretary) if new;
    ``UserError`` for a name no board may have."""
    now = datetime.now(UTC)
    name = board_name(name, EXAMPLE)
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


def run(uow: UnitOfWork, inv: Invocation, lines: Iterable[str | bytes | None], out: TextIO,
        *, interactive: bool = False) -> None:
    """Answer each line; stop at the end of input or at ``quit``.

    Lines may come as bytes (``piped_lines``): one that is not UTF-8 is answered, not
    run, and so is one too long to read (None).
    """
    for number, raw in enumerate(lines, start=1):
        if raw is None:
            out.write(f"✗ Line {number} is longer than any command ({COMMAND_MAX:,} "
                      "characters at most), so it was not read.\n")
            continue
        line = (_decoded(raw, number, out) if isinstance(raw, bytes) else raw).strip()
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


def _decoded(raw: bytes, number: int, out: TextIO) -> str:
    """The line as text; or, when it is not UTF-8, "" after saying so (running it with its
    bad bytes replaced would store the replacement marks in the log)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        shown = terminal_safe(raw.decode("utf-8", errors="replace").strip())[:80]
        out.write(f"✗ Line {number} is not UTF-8 text (byte 0x{raw[err.start]:02X} at "
                  f"position {err.start + 1}), so it was not run: “{shown}”\n"
                  "  Save the commands as UTF-8 and send that line again.\n")
        return ""


def piped_lines(stream: BinaryIO) -> Iterator[bytes | None]:
    """Standard input as bytes, a line at a time; None for a line longer than any command,
    which is skipped without being held in memory whole.

    Read as text, the stream decodes a chunk at once, so one byte that was not UTF-8 ended
    the console with a traceback before the good lines ahead of it in that chunk ran.
    """
    while line := stream.readline(LINE_BYTES_MAX):
        if len(line) == LINE_BYTES_MAX and not line.endswith(b"\n"):
            while (rest := stream.readline(LINE_BYTES_MAX)) and not rest.endswith(b"\n"):
                pass
            yield None
        else:
            yield line


def prompt_lines(prompt: str, stream: BinaryIO, out: TextIO) -> Iterator[bytes | None]:
    """Lines typed at the keyboard, each after the prompt; read as bytes like a pipe's."""
    out.write(prompt)
    out.flush()
    for line in piped_lines(stream):
        yield line
        out.write(prompt)
        out.flush()
    out.write("\n")
