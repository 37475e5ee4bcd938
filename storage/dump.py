"""One board's whole log and history as JSON, for backups, and bringing a backup back.

The dump is written from an explicit allow-list of tables and columns, never from the schema
itself: a table or column added later (a chat platform's token, say) stays out of every
backup until someone decides here that it belongs in one. Restoring keeps every id, so
history, owners and calendar UIDs stay as they were; it only goes into an empty database,
and only rows ``handlers.backups`` has checked whole.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from storage.migrate import head_revision
from storage.models import Base

FORMAT = "actionbot-board-dump"
VERSION = 1

# Parents before children, so restoring in this order satisfies every foreign key.
DUMPED: dict[str, tuple[str, ...]] = {
    "boards": ("id", "name", "name_key", "timezone", "last_action_number", "settings",
               "created_at"),
    "channel_bindings": ("id", "board_id", "platform", "workspace", "channel", "created_at"),
    "members": ("id", "board_id", "name", "initials", "initials_key", "role", "active",
                "created_at"),
    "member_identities": ("id", "member_id", "platform", "workspace", "user_id"),
    "meetings": ("id", "board_id", "starts_at", "cancelled", "created_at"),
    "actions": ("id", "board_id", "number", "copy", "text", "status", "status_note",
                "issued_on", "issued_precision", "due_on", "deferred_meeting_id",
                "deferred_label", "imported", "created_at", "updated_at"),
    "action_owners": ("id", "action_id", "position", "member_id", "label", "label_key"),
    "events": ("id", "board_id", "action_id", "at", "kind", "actor_member_id", "actor_label",
               "platform", "command", "data"),
}

# Left out on purpose, with the reason; every other table must be in DUMPED (a test checks).
NOT_DUMPED: dict[str, str] = {
    "sends": "the scheduler's delivery ledger, not the board's record; its detail keeps raw "
             "error text from chat platforms",
    "teams_conversations": "Teams delivery addresses for the whole installation, not one "
                           "board's; Teams hands them over again when it next talks to the bot",
    "export_downloads": "files kept for minutes behind one-time links and Import buttons; "
                        "they expire long before a backup could bring them back",
    "slack_requests_seen": "hashes of signed Slack requests from the last five minutes, kept "
                           "to refuse replays; worthless after them",
}


class RestoreRefused(Exception):
    """The dump cannot be restored here; nothing was written. The message says why."""


def _table(name: str) -> Table:
    return Base.metadata.tables[name]


def _of_board(name: str, board_id: int) -> ColumnElement[bool]:
    table = _table(name)
    if name == "boards":
        return table.c.id == board_id
    if name == "member_identities":
        members = _table("members")
        return table.c.member_id.in_(select(members.c.id).where(members.c.board_id == board_id))
    if name == "action_owners":
        actions = _table("actions")
        return table.c.action_id.in_(select(actions.c.id).where(actions.c.board_id == board_id))
    return table.c.board_id == board_id


def _to_json(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def dump_board(session: Session, board_id: int, *, now: datetime) -> dict[str, Any]:
    """Every allow-listed row of one board, as plain JSON-ready data."""
    tables: dict[str, list[dict[str, Any]]] = {}
    for name, columns in DUMPED.items():
        table = _table(name)
        query = (select(*(table.c[c] for c in columns))
                 .where(_of_board(name, board_id)).order_by(table.c.id))
        tables[name] = [{c: _to_json(v) for c, v in row._mapping.items()}
                        for row in session.execute(query)]
    return {"format": FORMAT, "version": VERSION, "schema": head_revision(),
            "dumped_at": now.isoformat(), "tables": tables}


def rows_in_database(session: Session) -> int:
    return sum(session.scalar(select(func.count()).select_from(t)) or 0
               for t in Base.metadata.sorted_tables)


def restore(session: Session, tables: Mapping[str, list[dict[str, Any]]]) -> dict[str, int]:
    """Insert a dump's rows into an empty database; returns how many rows each table got.

    The rows must have passed ``handlers.backups.check_backup`` (which also turns their
    dates back into Python's): nothing here checks a value."""
    if rows_in_database(session):
        raise RestoreRefused("The database is not empty. Restore a backup only into a new, "
                             "empty database (give another --db).")
    counts: dict[str, int] = {}
    for name in DUMPED:
        table = _table(name)
        rows = tables.get(name, [])
        if rows:
            session.execute(insert(table), rows)
        counts[name] = len(rows)
    if session.get_bind().dialect.name == "postgresql":
        _advance_sequences(session)
    return counts


def _advance_sequences(session: Session) -> None:
    """Ids were inserted explicitly, so PostgreSQL's sequences must be moved past them."""
    for name in DUMPED:
        session.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
            f"COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM {name}"
        ))
