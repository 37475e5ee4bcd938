"""Bot Framework activities in, neutral facts out: who, where, and the command they typed.

Teams sends ``<at>Name</at>`` in the text for each mention, with an entity naming the
account. The bot's own mention is dropped; other people become the neutral token
``<@ID|Name>`` that ``handlers`` resolve to members, where ID is the person's Entra object id
(stable across bots and sessions, and what a Teams tab's sign-in will carry too). Everything
else is made plain text, and a typed ``<@`` is disarmed, so only a real mention makes a token.
The new Teams client mentions a multi-word name one word at a time (``<at>Jo</at>
<at>Bloggs</at>``, one entity each, one id): adjacent mentions of one id are one person.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from typing import Any

from storage.models import TeamsConversation

PERSONAL = "personal"
FILE_DOWNLOAD_INFO = "application/vnd.microsoft.teams.file.download.info"
# Neither pattern can run past the next "<": on 8,000 unclosed "<at>" the lazy ".*?" they
# replaced took 4 s (quadratic); these stay linear in the text.
_AT = re.compile(r"<at\b[^<>]*>([^<]*(?:<(?!/?at\b)[^<]*)*)</at>", re.I)
_TAG = re.compile(
    r"</?(?:p|div|span|br|b|i|u|s|strong|em|code|pre|ol|ul|li|blockquote)\b[^<>]*>", re.I)
_NEUTRAL = re.compile(r"[^A-Za-z0-9._:-]")
_GUID = re.compile(r"^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
MAX_MENTIONS = 50
"""More people than any board has members; the rest of a longer list is not looked up."""
MAX_LISTED = 50
"""Files attached, and members added in one event, that are read (Teams sends one file a
message, and the bot's own install names it first)."""


class NotTeams(ValueError):
    """The body is not a Teams activity this bot can act on."""


def neutral_id(raw: str) -> str:
    """An account id in the characters mention tokens allow (others become ``_xx`` hex)."""
    return _NEUTRAL.sub(lambda m: f"_{ord(m.group(0)):02x}", raw)


def clean_name(name: str) -> str:
    """A display name safe inside ``<@ID|Name>``."""
    return " ".join(re.sub(r"[<>|@]", " ", html.unescape(name)).split())[:100]


@dataclass(frozen=True)
class Mention:
    text: str
    user_id: str
    name: str
    aad_id: str | None

    @property
    def is_person(self) -> bool:
        """People have ``29:`` (or ``8:orgid:``) ids; channels, teams and tags do not."""
        return self.aad_id is not None or self.user_id.startswith(("29:", "8:orgid:"))


@dataclass(frozen=True)
class SentFile:
    """A file attached to a message. Only files sent in personal chat come with
    ``download_url`` (pre-authenticated, short-lived); in channels and group chats Teams
    sends a SharePoint link that needs Graph permissions, so ``download_url`` is None."""

    name: str
    download_url: str | None


@dataclass(frozen=True)
class Turn:
    """One activity, reduced to what actionbot uses."""

    type: str
    name: str
    tenant: str
    service_url: str
    conversation_id: str
    conversation_type: str
    bot_id: str
    user_id: str
    aad_id: str | None
    user_name: str | None
    activity_id: str | None
    reply_to_id: str | None
    team_id: str | None
    channel_id: str | None
    text: str = ""
    value: dict[str, Any] = field(default_factory=dict)
    mentions: tuple[Mention, ...] = ()
    members_added: tuple[dict[str, str], ...] = ()
    action: str | None = None
    files: tuple[SentFile, ...] = ()

    @property
    def personal(self) -> bool:
        return self.conversation_type == PERSONAL

    @property
    def place(self) -> str | None:
        """What a board binds to here: ``team/channel`` in a channel, the group chat's id in a
        group chat; None in personal chat. Never the conversation id of one thread."""
        if self.personal:
            return None
        conversation = self.conversation_id.split(";", 1)[0]
        if self.team_id:  # a team's events name no channel: they happen in General (= team id)
            return f"{self.team_id}/{self.channel_id or conversation}"
        return conversation

    @property
    def person(self) -> str:
        """The sender as ``handlers`` know them: Entra object id, else their mapped Teams id."""
        return self.aad_id or neutral_id(self.user_id)


def _aad(account: dict[str, Any]) -> str | None:
    raw = str(account.get("aadObjectId") or "")
    if not raw and str(account.get("id", "")).startswith("8:orgid:"):
        raw = str(account["id"])[len("8:orgid:"):]
    return raw.lower() if _GUID.fullmatch(raw) else None


def _mentions(entities: Any) -> tuple[Mention, ...]:
    found = []
    for entity in entities if isinstance(entities, list) else []:
        if not isinstance(entity, dict) or entity.get("type") != "mention":
            continue
        who, text = _obj(entity, "mentioned"), _text(entity, "text")
        user_id = _text(who, "id")
        if user_id and text:
            found.append(Mention(text, user_id, _text(who, "name") or "", _aad(who)))
            if len(found) == MAX_MENTIONS:
                break
    return tuple(found)


def _members(added: Any) -> tuple[dict[str, str], ...]:
    """``membersAdded`` as ``{"id", "aadObjectId"}`` string pairs (the id required, the Entra
    id only when it is one), so nothing downstream meets another shape."""
    found = []
    for member in added if isinstance(added, list) else []:
        user_id = _text(member, "id") if isinstance(member, dict) else None
        if user_id is None:
            continue
        aad = _aad(member)
        found.append({"id": user_id, **({"aadObjectId": aad} if aad else {})})
        if len(found) == MAX_LISTED:
            break
    return tuple(found)


def _files(attachments: Any) -> tuple[SentFile, ...]:
    """Attached files: a personal chat's upload, or a channel's SharePoint ``reference`` (when
    Teams passes it on at all). Cards, inline images and the HTML copy of the text are not."""
    found = []
    for item in attachments if isinstance(attachments, list) else []:
        if not isinstance(item, dict):
            continue
        kind, content = _text(item, "contentType"), _obj(item, "content")
        if kind == FILE_DOWNLOAD_INFO:
            name = _text(item, "name") or f"upload.{_text(content, 'fileType') or 'txt'}"
            found.append(SentFile(name, _text(content, "downloadUrl")))
        elif kind == "reference":
            found.append(SentFile(_text(item, "name") or "file", None))
        if len(found) == MAX_LISTED:
            break
    return tuple(found)


def read_activity(raw: bytes) -> Turn:
    """The body of a request to /api/messages as a ``Turn``; ``NotTeams`` (answer 400) for
    anything else, whatever its shape. Blocking: parse it in a worker thread."""
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):  # bad UTF-8 is a ValueError too; so are huge ints
        raise NotTeams("the body is not JSON") from None
    turn = read_turn(body)
    _check_lengths(turn)
    return turn


def _column(name: str) -> int:
    length = getattr(TeamsConversation.__table__.c[name].type, "length", None)
    assert isinstance(length, int)
    return length


def _check_lengths(turn: Turn) -> None:
    """Ids longer than the columns that keep them are not Teams' (its longest, a personal
    chat's conversation id, is under 200 characters): refuse rather than fail to store."""
    for what, value, column in (
            ("tenant id", turn.tenant, "tenant_id"),
            ("service URL", turn.service_url, "service_url"),
            ("conversation id", turn.conversation_id, "conversation_id"),
            ("sender id", turn.person, "target"), ("sender id", turn.user_id, "user_id"),
            ("bot id", turn.bot_id, "bot_id"), ("channel", turn.place or "", "target")):
        if len(value) > _column(column):
            raise NotTeams(f"the activity's {what} is longer than Teams sends")


def read_turn(body: Any) -> Turn:
    """The facts of a Teams activity; ``NotTeams`` if it lacks what every Teams one has."""
    if not isinstance(body, dict) or body.get("channelId") != "msteams":
        raise NotTeams("not a Microsoft Teams activity")
    conv, sender, data = _obj(body, "conversation"), _obj(body, "from"), _obj(body, "channelData")
    tenant = _text(conv, "tenantId") or _text(_obj(data, "tenant"), "id")
    bot_id = _text(_obj(body, "recipient"), "id")
    needed = (_text(body, "type"), _text(body, "serviceUrl"), _text(conv, "id"), tenant,
              _text(sender, "id"), bot_id)
    if not all(needed) or tenant is None or bot_id is None:
        raise NotTeams("the activity lacks a type, service URL, conversation, tenant or sender")
    return Turn(
        type=body["type"], name=_text(body, "name") or "", tenant=tenant,
        service_url=body["serviceUrl"], conversation_id=conv["id"],
        conversation_type=_text(conv, "conversationType") or PERSONAL,
        bot_id=bot_id, user_id=sender["id"], aad_id=_aad(sender),
        user_name=clean_name(_text(sender, "name") or "") or None,
        activity_id=_text(body, "id"), reply_to_id=_text(body, "replyToId"),
        team_id=_text(_obj(data, "team"), "id"), channel_id=_text(_obj(data, "channel"), "id"),
        text=_text(body, "text") or "", value=_obj(body, "value"),
        mentions=_mentions(body.get("entities")),
        members_added=_members(body.get("membersAdded")), action=_text(body, "action"),
        files=_files(body.get("attachments")),
    )


def _obj(parent: dict[str, Any], key: str) -> dict[str, Any]:
    value = parent.get(key)
    return value if isinstance(value, dict) else {}


def _text(parent: dict[str, Any], key: str) -> str | None:
    value = parent.get(key)
    return value if isinstance(value, str) and value else None


def _plain(fragment: str) -> str:
    """Teams' message markup to the plain text someone typed; ``<@`` disarmed."""
    text = html.unescape(_TAG.sub(" ", _AT.sub(lambda m: m.group(1), fragment)))
    return text.replace("<@", "@")


def _merged(turn: Turn) -> list[tuple[Mention, str, int, int]]:
    """Mentions found in the text, in order, as ``(mention, name, start, end)``; adjacent
    mentions of one account (the new Teams client sends one ``<at>`` per word of a name,
    ``<at>Jo</at> <at>Bloggs</at>``, all naming one id) become one person spanning them."""
    found: list[tuple[Mention, list[str], int, int]] = []
    at = 0
    for mention in turn.mentions:
        start = turn.text.find(mention.text, at)
        if start < 0:
            continue
        end = start + len(mention.text)
        part = clean_name(_AT.sub(lambda m: m.group(1), mention.name or mention.text))
        last = found[-1] if found else None
        if (last is not None and last[0].user_id == mention.user_id
                and not _plain(turn.text[last[3]:start]).strip()):
            if part and part != last[1][-1]:
                last[1].append(part)
            found[-1] = (last[0], last[1], last[2], end)
        else:
            found.append((mention, [part], start, end))
        at = end
    return [(m, clean_name(" ".join(parts)), start, end) for m, parts, start, end in found]


def command_text(turn: Turn, people: dict[str, str]) -> str:
    """The typed command: the bot's mention dropped, people (``people`` maps their Teams id
    to the id ``handlers`` know them by) as ``<@ID|Name>``, other mentions as ``@Name``."""
    out, last = [], 0
    for mention, name, start, end in _merged(turn):
        out.append(_plain(turn.text[last:start]))
        if mention.user_id == turn.bot_id:
            out.append(" ")
        elif mention.user_id in people:
            out.append(f" <@{people[mention.user_id]}|{name}> ")
        else:
            out.append(f" @{name} ")
        last = end
    out.append(_plain(turn.text[last:]))
    return " ".join("".join(out).split())
