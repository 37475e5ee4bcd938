"""How each database runs the open-actions page: the query must suit both planners.

SQLite needs steering to the (board, status, number) index; PostgreSQL must be left free
to settle on one plan for the prepared statement rather than plan it afresh on every run.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, insert, text
from sqlalchemy.pool import NullPool

from storage.actions import outstanding_statuses, page_of_actions
from storage.boards import create_board
from storage.db import make_engine
from storage.models import Action, Status
from storage.uow import UnitOfWork
from tests.conftest import NOW, empty_tables
from tests.listening import listening

BOARDS = 20
PER_BOARD = 100


@pytest.fixture
def sqlite_engine(sqlite_template: Path, tmp_path: Path) -> Iterator[Engine]:
    path = tmp_path / "actionbot.db"
    shutil.copyfile(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()


@pytest.fixture
def empty_postgres(postgres_engine: Engine) -> Engine:
    empty_tables(postgres_engine)
    return postgres_engine


def _logs(engine: Engine) -> list[int]:
    """Boards with logs like real ones: most actions closed, one in twenty open."""
    with UnitOfWork(engine).transaction() as session:
        ids = [create_board(session, f"Plans Board {b}", now=NOW, timezone="Europe/London").id
               for b in range(BOARDS)]
        session.execute(insert(Action.__table__), [
            {"board_id": board_id, "number": n, "copy": 0, "text": f"task {n}",
             "status": (Status.OPEN if n % 20 == 0 else Status.CLOSED).value,
             "issued_on": date(2027, 1, 11), "issued_precision": "day", "imported": False,
             "created_at": NOW, "updated_at": NOW}
            for board_id in ids for n in range(1, PER_BOARD + 1)])
    with engine.connect() as conn:
        conn.execute(text("ANALYZE"))
        conn.commit()
    return ids


def _open_page(conn: Any, board_id: int) -> list[int]:
    rows, _ = page_of_actions(conn, board_id, page=1, statuses=outstanding_statuses())
    return [a.number for a in rows]


def test_sqlite_sorts_the_few_open_actions_rather_than_walking_the_log(
        sqlite_engine: Engine) -> None:
    board_id = _logs(sqlite_engine)[0]
    seen: list[tuple[str, Any]] = []

    def grab(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        seen.append((statement, parameters))

    with listening(sqlite_engine, "before_cursor_execute", grab), \
            sqlite_engine.connect() as conn:
        assert _open_page(conn, board_id) == list(range(PER_BOARD, 0, -20))
    statement, parameters = next(s for s in seen if s[0].lstrip().startswith("SELECT"))
    raw = sqlite_engine.raw_connection()
    try:
        plan = " | ".join(row[-1] for row in raw.cursor().execute(
            "EXPLAIN QUERY PLAN " + statement, parameters).fetchall())
    finally:
        raw.close()
    assert "ix_actions_board_status_number" in plan, plan
    assert "TEMP B-TREE FOR ORDER BY" in plan, plan


def test_postgres_settles_on_one_plan_for_the_open_actions_page(
        empty_postgres: Engine, postgres_url: str) -> None:
    ids = _logs(empty_postgres)
    # A connection of its own: a pooled one may hold other tests' prepared statements.
    fresh = make_engine(postgres_url, poolclass=NullPool)
    with fresh.connect() as conn:
        # psycopg prepares a statement on its fifth run; PostgreSQL then plans it afresh
        # for five more runs before it weighs those plans against a generic one.
        for run in range(20):
            assert _open_page(conn, ids[run % BOARDS]) == list(range(PER_BOARD, 0, -20))
        plans = conn.execute(text(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements "
            "WHERE statement LIKE '%FROM actions%ORDER BY%LIMIT%'")).all()
    fresh.dispose()
    assert len(plans) == 1, plans
    generic, custom = plans[0]
    assert generic >= 5, f"planned afresh on every run: {custom} custom plans, {generic} generic"
