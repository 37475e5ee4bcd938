"""Migrations: a fresh database reaches head, once, even when several processes start at once."""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text
from sqlalchemy.engine import make_url

from storage.db import make_engine
from storage.migrate import alembic_config, current_revision, head_revision, upgrade
from storage.models import Base
from tests.conftest import POSTGRES_URL

ACTIONBOT = Path(sys.executable).parent / "actionbot"
SUBPROCESS_TIMEOUT = 60
CONCURRENT_UPGRADES = 4


@pytest.fixture
def fresh_postgres_url() -> Iterator[str]:
    """An empty schema of its own in the PostgreSQL test database (first on the connection's
    search path), dropped afterwards. A schema rather than a database: with the suite's
    workers writing at once, DROP DATABASE waited about 30 s for the checkpoint it forces."""
    admin = make_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT",
                        connect_args={"connect_timeout": 3})
    try:
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any failure means "no server here"
        admin.dispose()
        pytest.skip(f"no PostgreSQL server answers at {POSTGRES_URL}")
    name = f"actionbot_migrate_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{name}"'))
    try:
        yield make_url(POSTGRES_URL).update_query_dict(
            {"options": f"-csearch_path={name}"}).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of a database nobody has migrated yet, of each kind."""
    if request.param == "postgres":
        return str(request.getfixturevalue("fresh_postgres_url"))
    return f"sqlite:///{tmp_path / 'fresh.db'}"


def _schema_differences(engine: Engine) -> list[object]:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))


def _assert_one_schema_at_head(engine: Engine) -> None:
    with engine.connect() as conn:
        assert current_revision(conn) == head_revision()
        versions = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    assert versions == [head_revision()]
    tables = set(inspect(engine).get_table_names())
    assert tables == set(Base.metadata.tables) | {"alembic_version"}
    assert _schema_differences(engine) == []


def test_there_is_one_head() -> None:
    assert head_revision() is not None


def test_fresh_database_is_brought_to_head_and_again_is_a_no_op(fresh_url: str) -> None:
    engine = make_engine(fresh_url)
    try:
        with engine.connect() as conn:
            assert current_revision(conn) is None
        assert upgrade(engine) == (None, head_revision())
        _assert_one_schema_at_head(engine)

        assert upgrade(engine) == (head_revision(), head_revision())
        _assert_one_schema_at_head(engine)
    finally:
        engine.dispose()


def test_upgrade_keeps_existing_rows(fresh_url: str) -> None:
    engine = make_engine(fresh_url)
    try:
        upgrade(engine)
        with engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO boards (name, name_key, timezone, last_action_number, settings, "
                "created_at) VALUES ('Kept', 'kept', 'Europe/London', 7, '{}', "
                "'2027-01-11 10:00:00')"
            ))
        upgrade(engine)
        with engine.connect() as conn:
            kept = conn.execute(text("SELECT name, last_action_number FROM boards")).all()
        assert [tuple(row) for row in kept] == [("Kept", 7)]
    finally:
        engine.dispose()


def test_0005_adds_the_replay_table_to_a_database_at_0004_and_keeps_its_rows(
    fresh_url: str,
) -> None:
    engine = make_engine(fresh_url)
    try:
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "0004")
            conn.execute(text(
                "INSERT INTO boards (name, name_key, timezone, last_action_number, settings, "
                "created_at) VALUES ('Kept', 'kept', 'Europe/London', 7, '{}', "
                "'2027-01-11 10:00:00')"
            ))
        assert "slack_requests_seen" not in inspect(engine).get_table_names()
        assert upgrade(engine) == ("0004", head_revision())
        _assert_one_schema_at_head(engine)
        with engine.begin() as conn:
            assert conn.execute(text("SELECT name FROM boards")).scalars().all() == ["Kept"]
            command.downgrade(alembic_config(conn), "0004")
        assert "slack_requests_seen" not in inspect(engine).get_table_names()
    finally:
        engine.dispose()


def _upgrade_command(url: str) -> list[str]:
    return [str(ACTIONBOT), "db", "upgrade", "--db", url]


def test_several_processes_upgrading_at_once_leave_one_correct_schema(
    fresh_url: str, tmp_path: Path
) -> None:
    procs = [
        subprocess.Popen(_upgrade_command(fresh_url), stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, cwd=tmp_path)
        for _ in range(CONCURRENT_UPGRADES)
    ]
    outcomes: list[tuple[int, str, str]] = []
    try:
        for proc in procs:
            out, err = proc.communicate(timeout=SUBPROCESS_TIMEOUT)
            outcomes.append((proc.returncode, out, err))
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()

    for returncode, out, err in outcomes:
        assert returncode == 0, f"stdout: {out!r}\nstderr: {err!r}"
        assert "Traceback" not in out + err
    upgraded = [out for _, out, _ in outcomes if "upgraded from empty" in out]
    assert len(upgraded) == 1, [out for _, out, _ in outcomes]

    engine = make_engine(fresh_url)
    try:
        _assert_one_schema_at_head(engine)
    finally:
        engine.dispose()


def test_db_upgrade_command_reports_a_second_run_as_up_to_date(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    first = subprocess.run(_upgrade_command(url), capture_output=True, text=True,
                           timeout=SUBPROCESS_TIMEOUT, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert f"upgraded from empty to {head_revision()}" in first.stdout
    second = subprocess.run(_upgrade_command(url), capture_output=True, text=True,
                            timeout=SUBPROCESS_TIMEOUT, cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert "up to date" in second.stdout


@pytest.mark.parametrize(
    "url",
    ["postgresql://postgres:s3cret-pw@127.0.0.1:1/x", "sqlite:////nonexistent-dir/x/y.db"],
    ids=["postgres-refused", "sqlite-no-directory"],
)
def test_db_upgrade_on_unreachable_database_says_so_and_fails(url: str, tmp_path: Path) -> None:
    result = subprocess.run(_upgrade_command(url), capture_output=True, text=True,
                            timeout=SUBPROCESS_TIMEOUT, cwd=tmp_path)
    assert result.returncode != 0
    assert "Traceback" not in result.stdout + result.stderr
    message = result.stderr.strip()
    assert message.startswith("actionbot:")
    assert len(message.splitlines()) == 1, message
    assert "upgrade failed" in message
    assert "Database upgraded" not in result.stdout
    assert "s3cret-pw" not in result.stdout + result.stderr
