"""The tables that hold every board's action log and its full history.

Timestamps are stored as UTC; dates that people think of as calendar days (issued, due)
are stored as plain dates in the board's timezone.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend (SQLite has no timezone type of its own)."""

    impl = DateTime(timezone=False)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Role(StrEnum):
    CHAIR = "chair"
    VICE_CHAIR = "vice-chair"
    SECRETARY = "secretary"
    MEMBER = "member"


MANAGER_ROLES = frozenset({Role.CHAIR, Role.VICE_CHAIR, Role.SECRETARY})


class Status(StrEnum):
    OPEN = "open"
    ONGOING = "ongoing"
    DEFERRED = "deferred"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"
    DECISION = "decision"


OUTSTANDING = frozenset({Status.OPEN, Status.ONGOING, Status.DEFERRED})


class Board(Base):
    __tablename__ = "boards"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200), unique=True)
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/London")
    last_action_number: Mapped[int] = mapped_column(Integer, default=0)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ChannelBinding(Base):
    """A chat channel that keeps one board's log, keyed by platform, workspace and channel."""

    __tablename__ = "channel_bindings"
    __table_args__ = (UniqueConstraint("platform", "workspace", "channel"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("boards.id", ondelete="CASCADE"), index=True)
    platform: Mapped[str] = mapped_column(String(20))
    workspace: Mapped[str] = mapped_column(String(100))
    channel: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Member(Base):
    __tablename__ = "members"
    __table_args__ = (UniqueConstraint("board_id", "initials_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("boards.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    initials: Mapped[str] = mapped_column(String(10))
    initials_key: Mapped[str] = mapped_column(String(10))
    role: Mapped[str] = mapped_column(String(20), default=Role.MEMBER)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    # Loaded on use, not with every member: only the scheduler needs them, and it asks.
    identities: Mapped[list[MemberIdentity]] = relationship(
        back_populates="member", cascade="all, delete-orphan", lazy="select"
    )


class MemberIdentity(Base):
    """A chat account linked to a member: the same person may sit on several boards."""

    __tablename__ = "member_identities"
    __table_args__ = (
        UniqueConstraint("member_id", "platform"),
        Index("ix_member_identities_lookup", "platform", "workspace", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(String(20))
    workspace: Mapped[str] = mapped_column(String(100))
    user_id: Mapped[str] = mapped_column(String(200))

    member: Mapped[Member] = relationship(back_populates="identities")


class Meeting(Base):
    __tablename__ = "meetings"
    __table_args__ = (
        Index("ix_meetings_board_starts", "board_id", "starts_at"),
        Index("ix_meetings_starts", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("boards.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Action(Base):
    """One numbered entry of a board's log: an action or a recorded decision.

    ``copy`` is 0 for every number actionbot gives; an imported log that repeats a number
    keeps each repeat as its own row with copy 1, 2, … so nothing is merged or dropped.
    """

    __tablename__ = "actions"
    __table_args__ = (
        UniqueConstraint("board_id", "number", "copy"),
        Index("ix_actions_board_status_number", "board_id", "status", "number"),
        Index("ix_actions_board_due", "board_id", "due_on"),
        Index("ix_actions_status_due", "status", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("boards.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    copy: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=Status.OPEN)
    status_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    issued_on: Mapped[date] = mapped_column(Date)
    issued_precision: Mapped[str] = mapped_column(String(10), default="day")
    due_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    deferred_meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="SET NULL"), nullable=True
    )
    deferred_label: Mapped[str | None] = mapped_column(String(100), nullable=True)
    imported: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    owners: Mapped[list[ActionOwner]] = relationship(
        back_populates="action",
        cascade="all, delete-orphan",
        order_by="ActionOwner.position",
        lazy="selectin",
    )
    deferred_meeting: Mapped[Meeting | None] = relationship(lazy="joined")


class ActionOwner(Base):
    """Who is responsible: a member, everybody ("All"), or initials nobody has claimed yet."""

    __tablename__ = "action_owners"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(
        ForeignKey("actions.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL"), nullable=True, index=True
    )
    label: Mapped[str] = mapped_column(String(100))
    label_key: Mapped[str] = mapped_column(String(100), index=True)

    action: Mapped[Action] = relationship(back_populates="owners")
    member: Mapped[Member | None] = relationship(lazy="joined")


class Event(Base):
    """One change to a board or an action: who, when, what, and from where."""

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_action_at", "action_id", "at"),
        Index("ix_events_board_at", "board_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("boards.id", ondelete="CASCADE"))
    action_id: Mapped[int | None] = mapped_column(
        ForeignKey("actions.id", ondelete="CASCADE"), nullable=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(40))
    actor_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL"), nullable=True
    )
    actor_label: Mapped[str] = mapped_column(String(200))
    platform: Mapped[str] = mapped_column(String(20))
    command: Mapped[str | None] = mapped_column(Text, nullable=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Send(Base):
    """The send ledger: one row per message unit the scheduler owes somebody.

    ``key`` names what, whom and which slot, so claiming it (a unique insert) is how several
    schedulers agree that each reminder, chase or digest goes out once.
    """

    __tablename__ = "sends"
    __table_args__ = (
        Index("ix_sends_action_kind", "action_id", "kind"),
        Index("ix_sends_board_slot", "board_id", "slot_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(255), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    board_id: Mapped[int] = mapped_column(ForeignKey("boards.id", ondelete="CASCADE"))
    recipient: Mapped[str] = mapped_column(String(100))
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL"), nullable=True
    )
    action_id: Mapped[int | None] = mapped_column(
        ForeignKey("actions.id", ondelete="CASCADE"), nullable=True
    )
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), nullable=True
    )
    slot_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20))
    claimed_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class TeamsConversation(Base):
    """Where the bot can reach a Teams channel or person after any restart.

    ``target`` is what ``Address.target`` holds: a channel's binding key (``team/channel``, or
    a group chat's id) or a person's Entra object id. ``conversation_id`` is where to post: the
    channel, the group chat, or the person's 1:1 chat once one exists (None until then; the
    bot creates it from ``user_id``, the person's Teams id).
    """

    __tablename__ = "teams_conversations"
    __table_args__ = (
        UniqueConstraint("kind", "tenant_id", "target"),
        Index("ix_teams_conversations_user", "tenant_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    tenant_id: Mapped[str] = mapped_column(String(100))
    target: Mapped[str] = mapped_column(String(200))
    service_url: Mapped[str] = mapped_column(String(500))
    bot_id: Mapped[str] = mapped_column(String(200))
    conversation_id: Mapped[str | None] = mapped_column(String(500), nullable=True)
    user_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    team_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    channel_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ExportDownload(Base):
    """A file kept for a few minutes under a one-time secret: an exported log waiting behind a
    download link (Teams bots cannot upload files to channels), or a log someone sent to
    import, waiting for their Import button (a card must never carry the file itself).

    Only the SHA-256 of the secret is stored, so the table alone opens nothing. ``purpose``
    keeps the two apart: the download route serves exports only. ``board_id`` and
    ``requested_by`` say which board an import goes into and who may confirm it.
    """

    __tablename__ = "export_downloads"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[str] = mapped_column(String(10))
    board_id: Mapped[int | None] = mapped_column(
        ForeignKey("boards.id", ondelete="CASCADE"), nullable=True
    )
    requested_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    filename: Mapped[str] = mapped_column(String(255))
    mime: Mapped[str] = mapped_column(String(100))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class SlackRequestSeen(Base):
    """A signed Slack request already let in, so the same bytes sent again are refused.

    Slack signs ``v0:<timestamp>:<body>`` and accepts a timestamp for five minutes either way;
    within that window a captured request would verify again. Only the SHA-256 of the
    signature is kept (the body is not), with the request's own timestamp, so rows older than
    the window can be deleted: a request that old is refused for its age anyway.
    """

    __tablename__ = "slack_requests_seen"

    signature_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
