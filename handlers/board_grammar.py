"""The ``/board`` grammar: setup, members, meetings and settings."""

from __future__ import annotations

import re

from handlers.command_types import (
    BoardSetup,
    Command,
    Help,
    MeetingAdd,
    MeetingCancel,
    MeetingList,
    MeetingMove,
    MemberAdd,
    MemberList,
    MemberRemove,
    Settings,
)
from handlers.errors import UserError
from handlers.owners import MENTION_RE, owner_token, split_tokens
from storage.models import Role

ROLES = {"chair": Role.CHAIR, "vice-chair": Role.VICE_CHAIR, "vicechair": Role.VICE_CHAIR,
         "vice": Role.VICE_CHAIR, "secretary": Role.SECRETARY, "member": Role.MEMBER}


def parse_board(verb: str, rest: str) -> Command:
    if verb in ("", "help"):
        return Help(topic=rest.lower() or None, root="board")
    if verb == "setup":
        name = " ".join(rest.split())
        if not name:
            raise UserError("Give the board a name.",
                            example="/board setup South East Adoption Board")
        return BoardSetup(name=name)
    if verb in ("member", "members"):
        sub, _, tail = rest.partition(" ")
        return _parse_member(sub.lower(), tail.strip())
    if verb in ("meeting", "meetings"):
        sub, _, tail = rest.partition(" ")
        return _parse_meeting(sub.lower(), tail.strip())
    if verb == "settings":
        key, _, value = rest.partition(" ")
        return Settings(key=key.lower() or None, value=value.strip() or None)
    raise UserError(
        f"I don't know “/board {verb[:30]}”. I know: setup, member, meeting, settings, help.",
        example="/board member add @mac MH Mac Heath chair",
    )


def _parse_member(sub: str, rest: str) -> Command:
    example = "/board member add MH Mac Heath chair"
    if sub in ("", "list"):
        return MemberList()
    if sub == "remove":
        tokens = split_tokens(rest)
        ref = owner_token(tokens[0]) if len(tokens) == 1 else None
        if ref is None or ref.everyone:
            raise UserError("Say whom to remove, by initials or mention.",
                            example="/board member remove MH")
        return MemberRemove(who=ref)
    if sub != "add":
        raise UserError(f"I don't know “/board member {sub[:30]}”: use add, remove or list.",
                        example=example)
    tokens = split_tokens(rest)
    mention = None
    if tokens and MENTION_RE.fullmatch(tokens[0]):
        mention = owner_token(tokens.pop(0))
    role = None
    if len(tokens) >= 2 and " ".join(tokens[-2:]).lower() == "vice chair":
        role = Role.VICE_CHAIR
        del tokens[-2:]
    elif tokens and tokens[-1].lower() in ROLES:
        role = ROLES[tokens.pop().lower()]
    initials = None
    if tokens and re.fullmatch(r"@?[A-Z]{1,4}", tokens[0]):
        initials = tokens.pop(0).lstrip("@")
    name = " ".join(tokens) or None
    if initials is None and name is None and mention is None:
        raise UserError("Give the member's initials and name.", example=example)
    return MemberAdd(initials=initials, name=name, role=role, mention=mention)


def _parse_meeting(sub: str, rest: str) -> Command:
    if sub in ("", "list"):
        return MeetingList(include_past=rest.lower() in ("all", "past"))
    if sub == "add":
        if not rest:
            raise UserError("When is the meeting?", example="/board meeting add 5 May 2027 10:30")
        return MeetingAdd(when=rest)
    if sub == "move":
        parts = re.split(r"\s+to\s+", rest, maxsplit=1, flags=re.I)
        if len(parts) != 2 or not parts[0] or not parts[1]:
            raise UserError("Say which meeting and when it moves to.",
                            example="/board meeting move 5 May 2027 to 12 May 2027 14:00")
        return MeetingMove(which=parts[0], to=parts[1])
    if sub == "cancel":
        if not rest:
            raise UserError("Say which meeting to cancel.",
                            example="/board meeting cancel 5 May 2027")
        return MeetingCancel(which=rest)
    raise UserError(f"I don't know “/board meeting {sub[:30]}”: use add, list, move or cancel.",
                    example="/board meeting add 5 May 2027 10:30")
