"""Queries about a board's members and the chat accounts linked to them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from storage.board_rows import (
    IDENTITIES,
    IS_ACCOUNT,
    MEMBER_COLUMNS,
    MEMBERS,
    MemberRow,
    member_row,
)
from storage.models import MANAGER_ROLES, Member, MemberIdentity, Role
from storage.uow import Db

# Asked on every command (who is typing) and for every owner named: built once, since
# building a statement costs more than running it. Rows, not entities (storage.board_rows).
_BY_INITIALS = select(*MEMBER_COLUMNS).where(MEMBERS.c.board_id == bindparam("board_id"),
                                             MEMBERS.c.initials_key == bindparam("initials"))
_ACTIVE_BY_INITIALS = _BY_INITIALS.where(MEMBERS.c.active.is_(True))
_BY_IDENTITY = (
    select(*MEMBER_COLUMNS)
    .join_from(MEMBERS, IDENTITIES, IS_ACCOUNT)
    .where(MEMBERS.c.board_id == bindparam("board_id"), MEMBERS.c.active.is_(True))
)


def member_by_initials(
    db: Db, board_id: int, initials: str, *, include_removed: bool = False
) -> MemberRow | None:
    query = _BY_INITIALS if include_removed else _ACTIVE_BY_INITIALS
    row = db.execute(query, {"board_id": board_id, "initials": initials.upper()}).first()
    return member_row(row) if row is not None else None


def member_by_identity(
    db: Db, board_id: int, platform: str, workspace: str, user_id: str
) -> MemberRow | None:
    row = db.execute(_BY_IDENTITY, {"board_id": board_id, "platform": platform,
                                    "workspace": workspace, "user_id": user_id}).first()
    return member_row(row) if row is not None else None


def active_members(session: Session, board_id: int) -> list[Member]:
    return list(
        session.scalars(
            select(Member)
            .where(Member.board_id == board_id, Member.active.is_(True))
            .order_by(Member.initials_key)
        )
    )


def managers(session: Session, board_id: int) -> list[Member]:
    return list(
        session.scalars(
            select(Member).where(
                Member.board_id == board_id,
                Member.active.is_(True),
                Member.role.in_([r.value for r in MANAGER_ROLES]),
            )
        )
    )


def add_member(
    session: Session, board_id: int, *, name: str, initials: str, role: Role, now: datetime
) -> Member:
    member = Member(
        board_id=board_id,
        name=name,
        initials=initials.upper(),
        initials_key=initials.upper(),
        role=role.value,
        active=True,
        created_at=now,
    )
    session.add(member)
    session.flush()
    return member


def link_identity(
    session: Session, member: Member, platform: str, workspace: str, user_id: str
) -> None:
    """Link (or re-link) a chat account; one account per platform per member."""
    for identity in member.identities:
        if identity.platform == platform:
            identity.workspace = workspace
            identity.user_id = user_id
            break
    else:
        member.identities.append(
            MemberIdentity(platform=platform, workspace=workspace, user_id=user_id)
        )
    session.flush()


def memberships(session: Session, platform: str, workspace: str, user_id: str) -> list[Member]:
    """Every active membership of one chat account, across boards."""
    return list(
        session.scalars(
            select(Member)
            .join(MemberIdentity, MemberIdentity.member_id == Member.id)
            .where(
                Member.active.is_(True),
                MemberIdentity.platform == platform,
                MemberIdentity.workspace == workspace,
                MemberIdentity.user_id == user_id,
            )
        )
    )


def all_members(session: Session, board_id: int) -> list[Member]:
    """Every member, current ones first, so a removed member never shadows a current one."""
    return list(session.scalars(
        select(Member).where(Member.board_id == board_id).order_by(Member.active.desc())
    ))
