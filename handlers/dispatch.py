"""The one entry point every platform calls: command text in, a ``Reply`` out.

It opens the command's transaction, finds the board bound to the channel and the person
typing, routes to the module that owns the command, and turns every ``UserError`` into a
friendly reply. Nothing typed makes it raise.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError, OperationalError

from handlers import actions, boards, digest, listing, meetings, members
from handlers.command_events import INVALID, CommandEvent, report
from handlers.commands import (
    AddAction,
    Assign,
    BoardSetup,
    Close,
    Command,
    Decision,
    Defer,
    Digest,
    ExportLog,
    Help,
    ImportLog,
    ListActions,
    MeetingAdd,
    MeetingCancel,
    MeetingList,
    MeetingMove,
    MemberAdd,
    MemberList,
    MemberRemove,
    Reopen,
    SetDue,
    Settings,
    Show,
    Update,
    Withdraw,
    parse,
)
from handlers.context import Invocation
from handlers.dates import today_in
from handlers.errors import UserError
from handlers.help import help_reply
from handlers.limits import COMMAND, COMMAND_KEPT_MAX, checked, clipped
from handlers.minutes import chat
from handlers.replies import Reply, Tone, error_reply
from handlers.scope import Scope
from storage.board_rows import BoardRow, MemberRow
from storage.boards import board_and_member_for_channel, board_by_id, board_for_channel
from storage.members import member_by_identity, member_by_initials
from storage.uow import CommandTransaction, UnitOfWork

log = logging.getLogger(__name__)
T = TypeVar("T")

ROUTES: dict[type, Callable[[Any, Scope], Reply]] = {
    AddAction: actions.add,
    Decision: actions.decision,
    Assign: actions.assign,
    Close: actions.close,
    Reopen: actions.reopen,
    Update: actions.update,
    SetDue: actions.set_due,
    Defer: actions.defer,
    Withdraw: actions.withdraw,
    ListActions: listing.list_actions,
    Show: listing.show,
    Digest: digest.digest,
    MemberAdd: members.add,
    MemberRemove: members.remove,
    MemberList: members.list_members,
    MeetingAdd: meetings.add,
    MeetingList: meetings.list_meetings,
    MeetingMove: meetings.move,
    MeetingCancel: meetings.cancel,
    Settings: boards.settings,
    ExportLog: chat.export_log,
    ImportLog: chat.import_how,
}
# Commands that change nothing: they run without a transaction (``CommandTransaction``).
READS_ONLY: frozenset[type] = frozenset({Help, Show, ListActions, MemberList, MeetingList})
DEFAULT_TIMEZONE = "Europe/London"
# The verb each command is logged and measured under: a fixed set, whatever was typed
# (``done 58`` and a Done button are both ``close``).
VERBS: dict[type, str] = {
    AddAction: "add", Decision: "decision", Assign: "assign", Close: "close",
    Reopen: "reopen", Update: "update", SetDue: "due", Defer: "defer", Withdraw: "withdraw",
    ListActions: "list", Show: "show", Digest: "digest", ExportLog: "export",
    ImportLog: "import", Help: "help", BoardSetup: "setup", MemberAdd: "member_add",
    MemberRemove: "member_remove", MemberList: "member_list", MeetingAdd: "meeting_add",
    MeetingList: "meeting_list", MeetingMove: "meeting_move", MeetingCancel: "meeting_cancel",
    Settings: "settings",
}
OTHER_VERB = "other"


def split_line(line: str) -> tuple[str, str]:
    """``/action close 58`` → ("action", "close 58"); the slash is optional."""
    root, _, text = line.strip().partition(" ")
    return root.lstrip("/").lower(), text.strip()


def handle(
    root: str,
    text: str,
    *,
    invocation: Invocation,
    uow: UnitOfWork,
    now: datetime | None = None,
) -> Reply:
    """Parse and run one typed command in one transaction and answer it. Never raises."""
    if root not in ("action", "board"):
        return _refused_unread(f"Commands start with /action or /board, not “{root[:30]}”.",
                               "/action help", invocation)
    try:
        checked(text, COMMAND)
    except UserError as err:
        return _refused_unread(err.message, f"/{root} help", invocation)
    return _guarded(lambda board, when: parse(
        root, text, today=today_in(board.timezone if board else DEFAULT_TIMEZONE, when)),
        f"/{root} {text}", invocation, uow, now)


def execute(
    command: Command,
    *,
    invocation: Invocation,
    uow: UnitOfWork,
    now: datetime | None = None,
    command_text: str,
) -> Reply:
    """Run a command a form or button built (no text to parse). Never raises."""
    return _guarded(lambda *_: command, command_text, invocation, uow, now)


def run_in_scope(
    route: Callable[[T, Scope], Reply],
    payload: T,
    *,
    invocation: Invocation,
    uow: UnitOfWork,
    now: datetime | None = None,
    command_text: str,
) -> Reply:
    """Run a handler that takes more than words (an uploaded file, say) like any command:
    the channel's board, the person's membership, one transaction, friendly errors."""
    return _guarded(lambda *_: payload, command_text, invocation, uow, now, route=route)


def _refused_unread(message: str, example: str, inv: Invocation) -> Reply:
    """Refused before reading the database; still one command event, so every refusal is
    counted."""
    report(CommandEvent(verb=INVALID, platform=inv.platform, board_id=None, outcome="refused",
                        seconds=0.0))
    return error_reply(message, example)


class _Seen:
    """What the event can say about a command, learnt as it runs."""

    __slots__ = ("board_id", "verb")

    def __init__(self) -> None:
        self.verb = INVALID
        self.board_id: int | None = None


def _guarded(
    make: Callable[[BoardRow | None, datetime], Any],
    command_text: str,
    inv: Invocation,
    uow: UnitOfWork,
    now: datetime | None,
    route: Callable[[Any, Scope], Reply] | None = None,
) -> Reply:
    """Answer the command and report it (``handlers.command_events``): its verb, board,
    platform, outcome and duration, never its text."""
    started = time.perf_counter()
    seen = _Seen()
    reply, outcome = _answer(make, command_text, inv, uow, now, route, seen)
    report(CommandEvent(verb=seen.verb, platform=inv.platform, board_id=seen.board_id,
                        outcome=outcome, seconds=time.perf_counter() - started))
    return reply


def _answer(
    make: Callable[[BoardRow | None, datetime], Any],
    command_text: str,
    inv: Invocation,
    uow: UnitOfWork,
    now: datetime | None,
    route: Callable[[Any, Scope], Reply] | None,
    seen: _Seen,
) -> tuple[Reply, str]:
    now = now or datetime.now(UTC)
    try:
        with uow.command() as tx:
            board, member = _where_and_who(tx.reads, inv)
            seen.board_id = board.id if board is not None else None
            command = make(board, now)
            seen.verb = VERBS.get(type(command), OTHER_VERB)
            if type(command) in READS_ONLY:
                tx.reads_only()
            return _run(command, command_text, tx, board, member, inv, now, route), "ok"
    except UserError as err:
        return error_reply(err.message, err.example, err.buttons), "refused"
    except IntegrityError:
        log.warning("conflict while handling %s on board %s", seen.verb, seen.board_id,
                    exc_info=True)
        return error_reply("Someone else changed the same thing at the same moment; nothing "
                           "was changed. Please try again."), "conflict"
    except OperationalError:
        log.exception("database unavailable while handling %s on board %s", seen.verb,
                      seen.board_id)
        return error_reply("The action log's database is not answering; nothing was changed. "
                           "Please try again in a minute."), "unavailable"
    except Exception:
        incident = uuid.uuid4().hex[:8]
        log.exception("unexpected error %s handling %s on board %s", incident, seen.verb,
                      seen.board_id)
        return Reply(title="Something went wrong on our side; nothing was changed.",
                     lines=(f"Please tell your administrator: reference {incident}.",),
                     tone=Tone.ERROR), "error"


def _where_and_who(db: Connection, inv: Invocation) -> tuple[BoardRow | None, MemberRow | None]:
    """The board, and the person typing as a member of it. Every command asks both; typed in
    a board's channel, one query answers them."""
    if inv.board_id is None and inv.as_initials is None and inv.user_id is not None:
        return board_and_member_for_channel(db, inv.platform, inv.workspace, inv.channel,
                                            inv.user_id)
    board = _board_of(db, inv)
    return board, (_who(db, board, inv) if board is not None else None)


def _board_of(db: Connection, inv: Invocation) -> BoardRow | None:
    """The board of the channel; or, for a button in a DM or App Home, the board it names."""
    if inv.board_id is not None:
        board = board_by_id(db, inv.board_id)
        if board is None:
            raise UserError("That board no longer exists.")
        return board
    return board_for_channel(db, inv.platform, inv.workspace, inv.channel)


def _run(command: Any, command_text: str, tx: CommandTransaction, board: BoardRow | None,
         member: MemberRow | None, inv: Invocation, now: datetime,
         route: Callable[[Any, Scope], Reply] | None = None) -> Reply:
    if isinstance(command, Help):
        return help_reply(command)
    if isinstance(command, BoardSetup):
        if inv.board_id is not None:
            raise UserError("Set a board up from the channel that will keep its log.",
                            example="/board setup Adoption Board")
        return boards.setup(command, tx.session, inv, now)
    if board is None:
        raise UserError("This channel does not keep a board's action log yet. Set one up here "
                        "(you become its secretary).", example="/board setup Adoption Board")
    scope = Scope(tx=tx, board=board, invocation=inv, member=member, now=now,
                  command_text=clipped(command_text, COMMAND_KEPT_MAX))
    if inv.board_id is not None and scope.member is None:
        raise UserError(f"You are not a member of {board.name}.")
    return (route or ROUTES[type(command)])(command, scope)


def _who(db: Connection, board: BoardRow, inv: Invocation) -> MemberRow | None:
    if inv.as_initials is not None:
        return member_by_initials(db, board.id, inv.as_initials)
    if inv.user_id is not None:
        return member_by_identity(db, board.id, inv.platform, inv.workspace, inv.user_id)
    return None
