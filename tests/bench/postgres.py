"""Scratch PostgreSQL databases for the benchmarks, created and dropped on the server that
``DATABASE_URL`` names (when it names PostgreSQL), else 127.0.0.1:5432 as user postgres."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from storage.db import make_engine, normalise_url

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"


def server_url() -> str:
    raw = os.environ.get("DATABASE_URL", "")
    return raw if raw.startswith(("postgres://", "postgresql")) else DEFAULT_URL


def shown(url: str) -> str:
    return make_url(normalise_url(url)).render_as_string(hide_password=True)


def admin_engine() -> tuple[Engine | None, str]:
    """An autocommit engine on the server, or None and the reason none answers."""
    url = server_url()
    engine = make_engine(url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as err:  # noqa: BLE001 - any failure means "no server here"
        engine.dispose()
        return None, f"no PostgreSQL answers at {shown(url)} ({str(err).splitlines()[0]})"
    return engine, ""


@contextmanager
def scratch_database(admin: Engine, label: str) -> Iterator[str]:
    """A new empty database for one benchmark, dropped afterwards; yields its URL."""
    name = f"actionbot_bench_{label}_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(normalise_url(server_url())).set(database=name).render_as_string(
            hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
