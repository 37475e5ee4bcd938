"""``/board setup`` and ``/board settings``: creating a board and binding channels to it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from handlers.commands import BoardSetup, Settings
from handlers.context import Invocation
from handlers.dates import format_local, timezone_named
from handlers.errors import UserError
from handlers.limits import BOARD_NAME, MEMBER_NAME_MAX, SETTING_VALUE, checked, clipped
from handlers.members import RESERVED_INITIALS, checked_initials
from handlers.owners import initials_from_name
from handlers.permissions import require_manager, require_member
from handlers.policy import POLICY_KEYS, apply_setting, describe, policy_of
from handlers.replies import Field, Reply, Tone
from handlers.scope import Scope
from storage import boards as store
from storage.history import Actor, record
from storage.meetings import next_meeting
from storage.members import (
    active_members,
    add_member,
    link_identity,
    member_by_identity,
    member_by_initials,
)
from storage.models import Board, Member, Role

DEFAULT_TIMEZONE = "Europe/London"
SETTING_KEYS = ("name", "timezone", *POLICY_KEYS)
_NAME_KEY_MAX = Board.__table__.c.name_key.type.length


def board_name(name: str, example: str = "/board setup South East Adoption Board") -> str:
    """A board's name as it is to be stored, or ``UserError``. A few letters grow when
    names are matched ("ß" is matched as "ss"), so a name whose matching form would not fit
    its column is refused too, rather than failing in the database."""
    name = checked(name, BOARD_NAME, example=example)
    if len(store.name_key(name)) > _NAME_KEY_MAX:
        raise UserError("That board name is too long once letters such as ß are spelt out "
                        "for matching: please shorten it.", example=example)
    return name


def setup(cmd: BoardSetup, session: Session, inv: Invocation, now: datetime) -> Reply:
    """Create a board here, or bind this channel to a board the person already manages."""
    if inv.private_place:
        raise UserError("A board keeps its log in a channel, and its digests cannot be posted "
                        "in a direct message or group chat. Run /board setup in the board's "
                        "channel.", example="/board setup Adoption Board")
    cmd = BoardSetup(board_name(cmd.name))
    bound = store.board_for_channel(session, inv.platform, inv.workspace, inv.channel)
    if bound is not None:
        raise UserError(f"This channel already keeps the log of {bound.name}.",
                        example="/board settings")
    existing = store.board_by_name(session, cmd.name)
    if existing is not None:
        return _bind_existing(existing, session, inv, now)
    board = found_board(session, cmd.name, inv, now)
    founder = next(iter(active_members(session, board.id)), None)
    lines = [f"Numbers start at 1. Times are {board.timezone}."]
    if founder is not None:
        lines.insert(0, f"You are its secretary, as {founder.initials}.")
    lines.append("Next: /board member add MH Mac Heath chair, then /board meeting add "
                 "5 May 2027 10:30, then /action add …")
    return Reply(title=f"{board.name} is set up in this channel", lines=tuple(lines),
                 tone=Tone.SUCCESS, public=True)


def found_board(session: Session, name: str, inv: Invocation, now: datetime) -> Board:
    """Create a board bound to the invoking channel, its founder as first secretary.

    ``UserError`` if the name, or the founder's initials, cannot be stored as given."""
    board = store.create_board(session, board_name(name), now=now, timezone=DEFAULT_TIMEZONE)
    store.bind_channel(session, board, inv.platform, inv.workspace, inv.channel, now=now)
    founder = _founder(session, board, inv, now)
    actor = Actor(label=founder.initials if founder else "console operator",
                  platform=inv.platform, member_id=founder.id if founder else None)
    record(session, board_id=board.id, kind="board.created", actor=actor, at=now,
           name=board.name, channel=inv.channel)
    return board


def _founder(session: Session, board: Board, inv: Invocation, now: datetime) -> Member | None:
    if inv.is_console_operator:
        return None
    # The platform's display name is not typed here, so it is made to fit rather than
    # refused; and initials it happens to give that nobody may have ("Alice Lorna Long")
    # become SEC, which the founder can change with /board member add.
    name = clipped(inv.user_name or inv.as_initials or "", MEMBER_NAME_MAX) or "Secretary"
    derived = initials_from_name(name)
    if derived.upper() in RESERVED_INITIALS:
        derived = ""
    initials = checked_initials(inv.as_initials or derived or "SEC")
    member = add_member(session, board.id, name=name, initials=initials, role=Role.SECRETARY,
                        now=now)
    if inv.user_id is not None:
        link_identity(session, member, inv.platform, inv.workspace, inv.user_id)
    return member


def _bind_existing(board: Board, session: Session, inv: Invocation, now: datetime) -> Reply:
    member = None
    if inv.as_initials is not None:
        member = member_by_initials(session, board.id, inv.as_initials)
    elif inv.user_id is not None:
        member = member_by_identity(session, board.id, inv.platform, inv.workspace, inv.user_id)
    if not inv.is_console_operator and (member is None or member.role not in
                                        (Role.CHAIR, Role.VICE_CHAIR, Role.SECRETARY)):
        raise UserError(f"A board called {board.name} already exists. Only its chair, "
                        "vice-chair or secretary can link another channel to it; or choose "
                        "another name.", example="/board setup South East Adoption Board 2027")
    store.bind_channel(session, board, inv.platform, inv.workspace, inv.channel, now=now)
    actor = Actor(label=member.initials if member else "console operator", platform=inv.platform,
                  member_id=member.id if member else None)
    record(session, board_id=board.id, kind="board.channel_bound", actor=actor, at=now,
           channel=inv.channel)
    return Reply(title=f"This channel now also keeps the log of {board.name}",
                 tone=Tone.SUCCESS, public=True)


def settings(cmd: Settings, scope: Scope) -> Reply:
    board = scope.board
    if cmd.key is None:
        require_member(scope, "see the settings")
        upcoming = next_meeting(scope.session, board.id, scope.now)
        return Reply(
            title=f"Settings of {board.name}",
            fields=(
                Field("Name", board.name),
                Field("Timezone", board.timezone),
                Field("Members", str(len(active_members(scope.session, board.id)))),
                Field("Actions numbered so far", str(board.last_action_number)),
                Field("Next meeting",
                      format_local(upcoming.starts_at, board.timezone) if upcoming else "none"),
                *(Field(key.capitalize(), describe(policy_of(board.settings), key))
                  for key in POLICY_KEYS),
            ),
            footer="Change one with /board settings <name> <value>, e.g. "
                   "/board settings reminders 5,1",
        )
    require_manager(scope, "change settings")
    if cmd.key not in SETTING_KEYS:
        raise UserError(f"There is no setting “{cmd.key[:30]}”. Settings: "
                        f"{', '.join(SETTING_KEYS)}.",
                        example="/board settings timezone Europe/London")
    if not cmd.value:
        raise UserError(f"Give the new {cmd.key}.", example=f"/board settings {cmd.key} …")
    if cmd.key == "name":
        cmd = Settings(cmd.key, board_name(cmd.value, "/board settings name Adoption Board"))
    else:
        cmd = Settings(cmd.key, checked(cmd.value, SETTING_VALUE,
                                        example=f"/board settings {cmd.key} …"))
    entity = scope.board_entity()
    if cmd.key in POLICY_KEYS:
        settings = dict(entity.settings or {})
        before, after = apply_setting(settings, cmd.key, cmd.value)
        entity.settings = settings
        scope.record("board.settings_changed", key=cmd.key, before=before, after=after)
        return Reply(title=f"{cmd.key.capitalize()} changed from {before} to {after}",
                     tone=Tone.SUCCESS)
    if cmd.key == "timezone":
        zone = timezone_named(cmd.value)
        if zone is None:
            raise UserError(f"“{cmd.value[:40]}” is not a timezone I know: give a place name "
                            "from the IANA list, such as Europe/London or America/New_York.",
                            example="/board settings timezone Europe/London")
        cmd = Settings(cmd.key, zone)
        before, entity.timezone = entity.timezone, zone
    else:
        clash = store.board_by_name(scope.session, cmd.value)
        if clash is not None and clash.id != entity.id:
            raise UserError(f"Another board is already called {clash.name}.")
        before, entity.name, entity.name_key = entity.name, cmd.value, store.name_key(cmd.value)
    scope.record("board.settings_changed", key=cmd.key, before=before, after=cmd.value)
    return Reply(title=f"{cmd.key.capitalize()} changed from {before} to {cmd.value}",
                 tone=Tone.SUCCESS)
