"""The command objects: what a typed command means, as plain data.

``handlers.commands`` (the grammar) makes them from text; forms and buttons make them
directly; ``handlers.dispatch`` routes each to the module that carries it out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from handlers.dates import NextMeeting
from handlers.owners import OwnerRef
from storage.models import Role


@dataclass(frozen=True)
class ActionRef:
    """``58`` or, for an imported log that repeats a number, ``58b`` (the second 58)."""

    number: int
    copy: int | None = None

    def __str__(self) -> str:
        return f"{self.number}{chr(ord('a') + self.copy) if self.copy else ''}"


# ---- /board -----------------------------------------------------------------------------
@dataclass(frozen=True)
class BoardSetup:
    name: str


@dataclass(frozen=True)
class MemberAdd:
    initials: str | None
    name: str | None
    role: Role | None
    mention: OwnerRef | None = None


@dataclass(frozen=True)
class MemberRemove:
    who: OwnerRef


@dataclass(frozen=True)
class MemberList:
    pass


@dataclass(frozen=True)
class MeetingAdd:
    when: str


@dataclass(frozen=True)
class MeetingList:
    include_past: bool = False


@dataclass(frozen=True)
class MeetingMove:
    which: str
    to: str


@dataclass(frozen=True)
class MeetingCancel:
    which: str


@dataclass(frozen=True)
class Settings:
    key: str | None = None
    value: str | None = None


# ---- /action ----------------------------------------------------------------------------
@dataclass(frozen=True)
class AddAction:
    text: str
    owners: tuple[OwnerRef, ...] = ()
    explicit_owners: bool = False
    due: date | NextMeeting | None = None


@dataclass(frozen=True)
class Decision:
    text: str


@dataclass(frozen=True)
class Assign:
    ref: ActionRef
    owners: tuple[OwnerRef, ...]


@dataclass(frozen=True)
class Close:
    ref: ActionRef
    note: str | None = None


@dataclass(frozen=True)
class Reopen:
    ref: ActionRef
    note: str | None = None


@dataclass(frozen=True)
class Update:
    ref: ActionRef
    note: str


@dataclass(frozen=True)
class SetDue:
    ref: ActionRef
    due: date | NextMeeting


@dataclass(frozen=True)
class Defer:
    ref: ActionRef
    to: str


@dataclass(frozen=True)
class Withdraw:
    ref: ActionRef
    reason: str | None = None


@dataclass(frozen=True)
class ListActions:
    scope: str = "open"
    owner: OwnerRef | None = None
    page: int = 1


@dataclass(frozen=True)
class Show:
    ref: ActionRef


@dataclass(frozen=True)
class Digest:
    pass


@dataclass(frozen=True)
class ExportLog:
    fmt: str = "docx"


@dataclass(frozen=True)
class ImportLog:
    pass


@dataclass(frozen=True)
class Help:
    topic: str | None = None
    root: str = "action"
    unknown: str | None = field(default=None)


Command = (
    BoardSetup | MemberAdd | MemberRemove | MemberList | MeetingAdd | MeetingList | MeetingMove
    | MeetingCancel | Settings | AddAction | Decision | Assign | Close | Reopen | Update
    | SetDue | Defer | Withdraw | ListActions | Show | Digest | ExportLog | ImportLog | Help
)
