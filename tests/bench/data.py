"""Synthetic board logs for the benchmarks, bulk-loaded into a migrated schema.

Rows go straight into the tables (executemany on SQLite, COPY on PostgreSQL), never through
the command handler: a million actions through ``/action add`` would take hours and measure
nothing the benchmarks need. The shapes are deterministic (seeded), so two runs load the same
boards.

Every board: members drawn from a pool of Slack users (one of them its secretary, who types
the benchmark's commands), a channel binding, a meeting history and one upcoming meeting, and
a log whose newest ``outstanding`` actions are open, ongoing or deferred and the rest closed,
withdrawn or decisions. Each action has one owner and its history events (added; closed).
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Engine, text

from handlers import workdays
from handlers.dates import to_utc
from storage.migrate import upgrade
from storage.models import Base, UTCDateTime

TIMEZONE = "Europe/London"
TEAM = "T1"
ROLES = ("secretary", "chair", "vice-chair")
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
ACTIONS_PER_MEETING = 40
OVERDUE_DAYS = 12  # overdue actions fell due within this many days of the morning
CHUNK = 20_000
TEXTS = (
    "to review the fostering fees paper and report back",
    "to write to the DfE about the sufficiency duty",
    "to circulate the revised terms of reference",
    "to check the panel's quorum rules against the statutory guidance",
    "to draft the annual report section on adopter recruitment",
    "to meet the virtual school head about PEP completion",
)


@dataclass(frozen=True)
class Shape:
    """How much data, and which moment is the scheduler's morning.

    ``all_due``: every board meets five working days after the morning, so at the morning
    every member who owns an open action is owed a reminder (the fan-out's "morning of
    reminders for a thousand boards"). Otherwise meetings are spread over the next 20 working
    days, as on an ordinary morning (a twentieth of the boards get each kind of message).
    """

    boards: int
    actions_per_board: int
    outstanding: int = 10
    overdue: int = 2
    deferred: int = 1
    members: int = 10
    people: int | None = None
    all_due: bool = False
    seed: int = 7

    @property
    def actions(self) -> int:
        return self.boards * self.actions_per_board


@dataclass
class BoardInfo:
    id: int
    name: str
    channel: str
    secretary: str
    initials: list[str]
    outstanding: list[int]
    last_number: int


@dataclass
class Built:
    url: str
    shape: Shape
    morning: datetime
    boards: list[BoardInfo] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def next_morning(today: date) -> datetime:
    """09:00 board time on the first working day after ``today`` (as UTC)."""
    return to_utc(datetime.combine(workdays.after(today), datetime.min.time().replace(hour=9)),
                  TIMEZONE)


def _initials(j: int) -> str:
    return LETTERS[j // 26 % 26] + LETTERS[j % 26] + ("" if j < 676 else LETTERS[j // 676])


@lru_cache(maxsize=8192)
def _utc_at(day: date, hour: int, minute: int = 0) -> datetime:
    return to_utc(datetime(day.year, day.month, day.day, hour, minute), TIMEZONE)


class _Rows:
    """Rows per table, flushed to the database in chunks to bound memory."""

    def __init__(self, writer: _Writer) -> None:
        self.writer = writer
        self.pending: dict[str, list[tuple[Any, ...]]] = {}
        self.counts: dict[str, int] = {}

    def add(self, table: str, row: tuple[Any, ...]) -> None:
        rows = self.pending.setdefault(table, [])
        rows.append(row)
        if len(rows) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        """Everything pending, parents before children so foreign keys hold throughout."""
        for table in Base.metadata.sorted_tables:
            rows = self.pending.pop(table.name, [])
            if rows:
                self.writer.write(table.name, rows)
                self.counts[table.name] = self.counts.get(table.name, 0) + len(rows)


class _Writer:
    """executemany with SQLite's storage formats, or COPY on PostgreSQL."""

    def __init__(self, engine: Engine, dbapi_connection: Any) -> None:
        self.sqlite = engine.dialect.name == "sqlite"
        self.conn = dbapi_connection

    def write(self, table: str, rows: Sequence[tuple[Any, ...]]) -> None:
        columns = Base.metadata.tables[table].columns
        names = ",".join(c.name for c in columns)
        convert = _converters([c.type for c in columns], sqlite=self.sqlite)
        converted = [_convert(row, convert) for row in rows] if convert else rows
        if self.sqlite:
            marks = ",".join("?" * len(columns))
            self.conn.cursor().executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})",
                                           converted)
            return
        with self.conn.cursor() as cur, cur.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in converted:
                copy.write_row(row)


def _convert(row: tuple[Any, ...], convert: list[tuple[int, Callable[[Any], Any]]]) -> tuple:
    values = list(row)
    for i, to_db in convert:
        if values[i] is not None:
            values[i] = to_db(values[i])
    return tuple(values)


def _converters(types: list[Any], *, sqlite: bool) -> list[tuple[int, Callable[[Any], Any]]]:
    """Per column, how a Python value is stored: SQLAlchemy's SQLite formats (checked by
    reading rows back in the tests), or what COPY takes for PostgreSQL."""
    found: list[tuple[int, Callable[[Any], Any]]] = []
    for i, type_ in enumerate(types):
        if isinstance(type_, UTCDateTime):
            found.append((i, _sqlite_datetime if sqlite else _naive_utc))
        elif isinstance(type_, JSON):
            found.append((i, json.dumps))
        elif sqlite and isinstance(type_, Date):
            found.append((i, date.isoformat))
        elif sqlite and isinstance(type_, Boolean):
            found.append((i, int))
    return found


@lru_cache(maxsize=4096)
def _sqlite_datetime(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


@lru_cache(maxsize=4096)
def _naive_utc(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(tzinfo=None)


def build(engine: Engine, shape: Shape, *, morning: datetime) -> Built:
    """Migrate the empty database at ``engine`` and load ``shape`` into it."""
    started = time.perf_counter()
    upgrade(engine)
    built = Built(url=engine.url.render_as_string(hide_password=False), shape=shape,
                  morning=morning)
    raw = engine.raw_connection()
    try:
        dbapi = raw.driver_connection
        if engine.dialect.name == "sqlite":
            dbapi.execute("BEGIN IMMEDIATE")
        else:
            _skip_foreign_key_triggers(dbapi)
        rows = _Rows(_Writer(engine, dbapi))
        for board in _generate(shape, morning, rows):
            built.boards.append(board)
        rows.flush()
        if engine.dialect.name == "sqlite":
            dbapi.execute("COMMIT")
        else:
            dbapi.commit()
        built.rows = rows.counts
    finally:
        # Never hand the loading connection (and its session settings) back to the pool.
        raw.invalidate()
    if engine.dialect.name == "postgresql":
        _after_copy(engine)
    built.seconds = time.perf_counter() - started
    return built


def _skip_foreign_key_triggers(dbapi: Any) -> None:
    """As ``pg_restore --disable-triggers`` does: the generated rows are consistent, and
    checking their foreign keys row by row more than doubles the load time. Needs a
    superuser; without one the load simply checks them."""
    try:
        dbapi.execute("SET session_replication_role = replica")
        dbapi.commit()
    except Exception:  # noqa: BLE001 - not a superuser: load with the checks on
        dbapi.rollback()


def _after_copy(engine: Engine) -> None:
    """Serial sequences past the copied ids, and planner statistics (autovacuum's job later)."""
    with engine.begin() as conn:
        for table in [t for t in Base.metadata.sorted_tables if "id" in t.c]:
            conn.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"coalesce((SELECT max(id) FROM {table.name}), 0) + 1, false)"))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("ANALYZE"))


def _people(shape: Shape, rng: random.Random) -> Iterator[list[str]]:
    """Slack user ids of each board's members, distinct within a board. With ``people``,
    drawn at random from that many people, each sitting on the same number of boards (give
    or take one); else one person per membership."""
    if shape.people is not None and shape.people < shape.members:
        raise ValueError("fewer people than seats on one board")
    if shape.people is None:
        for b in range(1, shape.boards + 1):
            yield [f"U{b:05d}{j:03d}" for j in range(shape.members)]
        return
    m = shape.members
    pool = [p % shape.people for p in range(shape.boards * m)]
    rng.shuffle(pool)
    boards = [pool[b * m:(b + 1) * m] for b in range(shape.boards)]
    for b, board in enumerate(boards):
        for j in range(m):
            while board.count(board[j]) > 1:
                # A person takes one seat per board: swap the repeat with another board's seat.
                other = rng.randrange(shape.boards)
                k = rng.randrange(m)
                if other != b and boards[other][k] not in board and board[j] not in boards[other]:
                    board[j], boards[other][k] = boards[other][k], board[j]
    for board in boards:
        yield [f"UP{p:06d}" for p in board]


def _generate(shape: Shape, morning: datetime, rows: _Rows) -> Iterable[BoardInfo]:
    rng = random.Random(shape.seed)
    today = morning.date()
    created = morning - timedelta(days=3 * 365)
    ids = {"member": 0, "meeting": 0, "action": 0, "owner": 0, "event": 0}
    per_board = shape.actions_per_board
    past_meetings = max(1, per_board // ACTIONS_PER_MEETING)
    for b, users in enumerate(_people(shape, rng), start=1):
        name = f"Bench Board {b:05d}"
        channel = f"C{b:06d}"
        rows.add("boards", (b, name, name.casefold(), TIMEZONE, per_board, {}, created))
        rows.add("channel_bindings", (b, b, "slack", TEAM, channel, created))
        member_ids, initials = [], []
        for j, user in enumerate(users):
            ids["member"] += 1
            role = ROLES[j] if j < len(ROLES) else "member"
            mark = _initials(j)
            rows.add("members", (ids["member"], b, f"Person {user}", mark, mark, role, True,
                                 created))
            rows.add("member_identities", (ids["member"], ids["member"], "slack", TEAM, user))
            member_ids.append(ids["member"])
            initials.append(mark)
        # Meetings: a history (one per 40 actions, four weeks apart) and the next one.
        ahead = 5 if shape.all_due else 1 + (b % 20)
        meeting_day = today
        for _ in range(ahead):
            meeting_day = workdays.after(meeting_day)
        for k in range(past_meetings, 0, -1):
            ids["meeting"] += 1
            past = _utc_at(today - timedelta(days=28 * k), 10, 30)
            rows.add("meetings", (ids["meeting"], b, past, False, past - timedelta(days=30)))
        ids["meeting"] += 1
        upcoming_id = ids["meeting"]
        rows.add("meetings", (upcoming_id, b, _utc_at(meeting_day, 10, 30), False,
                              morning - timedelta(days=20)))
        outstanding = _actions(shape, rng, rows, ids, b, member_ids, initials, upcoming_id,
                               morning)
        yield BoardInfo(id=b, name=name, channel=channel, secretary=users[0],
                        initials=initials, outstanding=outstanding, last_number=per_board)


def _actions(shape: Shape, rng: random.Random, rows: _Rows, ids: dict[str, int], b: int,
             member_ids: list[int], initials: list[str], upcoming_id: int,
             morning: datetime) -> list[int]:
    """The board's log; returns the numbers of its outstanding actions."""
    today = morning.date()
    n = shape.actions_per_board
    first_open = max(1, n - shape.outstanding + 1)
    span = max(1, 3 * 365 - 60)
    outstanding = []
    for number in range(1, n + 1):
        ids["action"] += 1
        action_id = ids["action"]
        owner = (number - 1) % len(member_ids)
        text_ = f"{initials[owner]} {TEXTS[number % len(TEXTS)]} (item {number})"
        deferred_meeting = None
        if number >= first_open:
            k = number - first_open
            issued = today - timedelta(days=rng.randint(1, 60))
            if k < shape.overdue:
                status, due = "open", today - timedelta(days=rng.randint(1, OVERDUE_DAYS))
            elif k < shape.overdue + shape.deferred:
                status, due = "deferred", None
                deferred_meeting = upcoming_id
            else:
                status = "ongoing" if k % 3 == 2 else "open"
                due = today + timedelta(days=rng.randint(10, 90))
            outstanding.append(number)
            updated = _utc_at(issued, 11)
        else:
            issued = today - timedelta(days=60 + span * (n - number) // n)
            draw = rng.random()
            status = "closed" if draw < 0.8 else "withdrawn" if draw < 0.9 else "decision"
            due = None if status == "decision" else issued + timedelta(days=28)
            updated = _utc_at(issued + timedelta(days=rng.randint(5, 40)), 15)
        created_at = _utc_at(issued, 11)
        rows.add("actions", (action_id, b, number, 0, text_, status, None, issued, "day", due,
                             deferred_meeting, None, False, created_at, updated))
        command = f"/action add {text_}"
        actor = member_ids[0]
        if status == "decision":
            ids["event"] += 1
            rows.add("events", (ids["event"], b, action_id, created_at, "decision.recorded",
                                actor, initials[0], "slack", command, {"text": text_}))
            continue
        ids["owner"] += 1
        rows.add("action_owners", (ids["owner"], action_id, 0, member_ids[owner],
                                   initials[owner], initials[owner]))
        ids["event"] += 1
        rows.add("events", (ids["event"], b, action_id, created_at, "action.added", actor,
                            initials[0], "slack", command,
                            {"text": text_, "owners": [initials[owner]],
                             "due": due.isoformat() if due else None}))
        if status in ("closed", "withdrawn"):
            ids["event"] += 1
            kind = "action.closed" if status == "closed" else "action.withdrawn"
            rows.add("events", (ids["event"], b, action_id, updated, kind, member_ids[owner],
                                initials[owner], "slack", f"/action close {number}",
                                {"before": "open", "note": None}))
    return outstanding
