"""Shared fixtures: every integration test runs on real SQLite and on real PostgreSQL.

PostgreSQL is the server at ``ACTIONBOT_TEST_POSTGRES_URL`` (default 127.0.0.1:5432, user
postgres, database test). Each test run creates its own scratch database there and drops it
at the end; where no server answers, the PostgreSQL half of each test is skipped, saying why.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from bot.render_text import render
from handlers.context import Invocation
from handlers.dispatch import handle, split_line
from handlers.replies import Reply
from storage.db import make_engine
from storage.migrate import upgrade
from storage.models import Base
from storage.uow import UnitOfWork

POSTGRES_URL = os.environ.get(
    "ACTIONBOT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"


def _postgres_admin() -> Engine | None:
    engine = make_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT",
                         connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any failure means "no server here"
        engine.dispose()
        return None
    return engine


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A scratch PostgreSQL database for this test run, migrated to head."""
    admin = _postgres_admin()
    if admin is None:
        pytest.skip(f"no PostgreSQL server answers at {POSTGRES_URL}")
    name = f"actionbot_test_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def postgres_engine(postgres_url: str) -> Iterator[Engine]:
    engine = make_engine(postgres_url)
    upgrade(engine)
    yield engine
    engine.dispose()


def empty_tables(engine: Engine) -> None:
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head once per run: each test gets a copy, because running
    the migrations costs about 0.1 s and most tests use a fresh database."""
    path = tmp_path_factory.mktemp("template") / "actionbot.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()  # the last connection to close checkpoints the WAL into the file
    return path


@pytest.fixture(params=["sqlite", "postgres"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated, empty database of each kind."""
    if request.param == "postgres":
        pg: Engine = request.getfixturevalue("postgres_engine")
        empty_tables(pg)
        yield pg
        return
    path = tmp_path / "actionbot.db"
    shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
    sqlite = make_engine(f"sqlite:///{path}")
    yield sqlite
    sqlite.dispose()


@pytest.fixture
def uow(engine: Engine) -> UnitOfWork:
    return UnitOfWork(engine)


NOW = datetime(2027, 1, 11, 10, 0, tzinfo=UTC)  # a Monday in winter (GMT)


@dataclass
class Chat:
    """Types commands as board members would, in one channel, and keeps the replies."""

    uow: UnitOfWork
    platform: str = "console"
    workspace: str = "local"
    channel: str = "console"
    now: datetime = NOW

    def __call__(self, line: str, *, as_: str | None = None, user_id: str | None = None,
                 user_name: str | None = None, now: datetime | None = None) -> Reply:
        inv = Invocation(platform=self.platform, workspace=self.workspace, channel=self.channel,
                         user_id=user_id, user_name=user_name, as_initials=as_)
        root, text_ = split_line(line)
        return handle(root, text_, invocation=inv, uow=self.uow, now=now or self.now)

    def text(self, line: str, **kwargs: object) -> str:
        return render(self(line, **kwargs))  # type: ignore[arg-type]


@pytest.fixture
def chat(uow: UnitOfWork) -> Chat:
    return Chat(uow)


@pytest.fixture
def board(chat: Chat) -> Chat:
    """A board with a secretary (RE), chair (MH), vice-chair (LH), members KY and AC,
    and a meeting on 3 February 2027 at 10:30."""
    chat("/board setup South East Adoption Board", as_="RE")
    for line in (
        "/board member add RE Rebecca Eligon secretary",
        "/board member add MH Mac Heath chair",
        "/board member add LH Lorna Hunt vice-chair",
        "/board member add KY Kevin Yong",
        "/board member add AC Amy Coombs member",
        "/board meeting add 3 February 2027 10:30",
    ):
        reply = chat(line, as_="RE")
        assert reply.tone.value == "success", render(reply)
    return chat
