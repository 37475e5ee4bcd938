"""Reading a board back as its members see it, for the ``/action`` and ``/board`` tests."""

from __future__ import annotations

from handlers.replies import Reply, Tone
from storage.uow import UnitOfWork
from tests.conftest import Chat

BOARD = "South East Adoption Board"


def fields(reply: Reply, index: int = 0) -> dict[str, str]:
    """The label → value fields of one action card in a reply."""
    return {f.label: f.value for f in reply.items[index].fields}


def reply_fields(reply: Reply) -> dict[str, str]:
    """The label → value fields of the reply itself (``/board settings``)."""
    return {f.label: f.value for f in reply.fields}


def shown(chat: Chat, number: int) -> Reply:
    """The action as the secretary sees it with ``/action show``."""
    reply = chat(f"/action show {number}", as_="RE")
    assert reply.tone is not Tone.ERROR, reply.title
    return reply


def history(chat: Chat, number: int) -> list[str]:
    """The history lines of ``/action show`` (after the "History:" heading)."""
    lines = shown(chat, number).lines
    assert lines[0] == "History:"
    return [line for line in lines[1:] if not line.startswith("(latest")]


def members(chat: Chat) -> list[str]:
    """The member list as the secretary sees it."""
    reply = chat("/board member list", as_="RE")
    assert reply.tone is not Tone.ERROR, reply.title
    return list(reply.lines)


def upcoming(chat: Chat, *, include_past: bool = False) -> list[str]:
    """The meeting list as the secretary sees it."""
    reply = chat("/board meeting list all" if include_past else "/board meeting list", as_="RE")
    assert reply.tone is not Tone.ERROR, reply.title
    return list(reply.lines)


def slack_chat(uow: UnitOfWork, channel: str = "C1") -> Chat:
    """A Slack channel on the database behind ``uow``."""
    return Chat(uow, platform="slack", workspace="T1", channel=channel)


def titles(reply: Reply) -> list[str]:
    """The titles of the action cards in a reply that must not be an error."""
    assert reply.tone is not Tone.ERROR, reply.title
    return [item.title for item in reply.items]


def sections(reply: Reply) -> dict[str, tuple[str, ...]]:
    return {section.heading: section.lines for section in reply.sections}
