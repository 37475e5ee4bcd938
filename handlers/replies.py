"""Neutral reply objects that each platform renders in its own way.

User-typed text is stored raw here; escaping is the renderer's job, because what is
dangerous differs per platform (Slack's ``<!channel>``, Teams' ``<at>``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Tone(StrEnum):
    INFO = "info"
    SUCCESS = "success"
    ERROR = "error"


@dataclass(frozen=True)
class Field:
    label: str
    value: str


@dataclass(frozen=True)
class Button:
    """A button as an intent: which command it stands for, never how a platform draws it.

    ``action_ref`` is what the intent acts on: an action number, for ``member_add`` the
    rest of the command, for ``import`` the secret of a held file. ``needs_input`` means the
    platform must ask for more (a note) first.
    """

    label: str
    intent: str
    action_ref: str
    needs_input: bool = False
    primary: bool = False

    @property
    def command(self) -> str:
        """The command the button runs, for platforms (and people) without buttons."""
        if self.intent == "close":
            return f"/action close {self.action_ref}"
        if self.intent == "update":
            return f"/action update {self.action_ref} <note>"
        if self.intent == "defer":
            return f"/action defer {self.action_ref} next meeting"
        if self.intent == "member_add":
            return f"/board member add {self.action_ref}"
        return f"/action {self.intent} {self.action_ref}"


@dataclass(frozen=True)
class Item:
    """One card inside a reply: usually one action with its fields and buttons.

    ``board_id`` is set where the card may be shown outside its board's channel (App Home,
    reminders): its buttons must then say which board they act on.
    """

    title: str
    text: str = ""
    fields: tuple[Field, ...] = ()
    buttons: tuple[Button, ...] = ()
    lines: tuple[str, ...] = ()
    board_id: int | None = None


@dataclass(frozen=True)
class Attachment:
    """A file a reply carries (an exported log): platforms upload it, the console prints it."""

    filename: str
    content: bytes
    mime: str


@dataclass(frozen=True)
class Reply:
    """What a command answers. ``public`` replies concern the whole board and are posted
    in the channel; the rest are shown only to the person who typed the command."""

    title: str
    lines: tuple[str, ...] = ()
    fields: tuple[Field, ...] = ()
    items: tuple[Item, ...] = ()
    buttons: tuple[Button, ...] = ()
    tone: Tone = Tone.INFO
    public: bool = False
    footer: str | None = None
    sections: tuple[Section, ...] = field(default=())
    file: Attachment | None = None


@dataclass(frozen=True)
class Section:
    """A headed group of lines inside a reply (the digest groups actions by owner)."""

    heading: str
    lines: tuple[str, ...] = ()


def error_reply(message: str, example: str | None = None,
                buttons: tuple[Button, ...] = ()) -> Reply:
    lines = (f"For example: {example}",) if example else ()
    return Reply(title=message, lines=lines, tone=Tone.ERROR, buttons=buttons)
