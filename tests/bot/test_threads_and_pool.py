"""``ACTIONBOT_THREADS`` and ``ACTIONBOT_DB_POOL``: how they are read, that ``serve``'s worker
threads follow the first, and that its pool holds a connection for every thread and every
background job at once, so no command waits for one."""

from __future__ import annotations

import argparse
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from bot import server_cli
from bot.config import (
    DEFAULT_SENDERS,
    DEFAULT_THREADS,
    Config,
    ConfigError,
    background_connections,
)
from bot.render_text import render
from bot.worker_threads import WorkerThreads
from handlers.replies import Tone
from storage.db import make_engine
from storage.uow import UnitOfWork
from tests.conftest import Chat
from tests.listening import listening
from tests.local_server import LocalServer

BACKGROUND = background_connections(DEFAULT_SENDERS)
# Long enough for any machine to get every party there; short enough that a pool or thread
# limit too small fails the test in seconds rather than hanging it.
GATHER_TIMEOUT = 20


def test_by_default_anyio_s_forty_threads_each_have_a_connection_and_so_does_the_rest() -> None:
    config = Config.from_env({})
    assert (config.threads, config.db_pool) == (DEFAULT_THREADS, DEFAULT_THREADS + BACKGROUND)
    assert DEFAULT_THREADS == 40 and BACKGROUND == 5 + DEFAULT_SENDERS + 1


@pytest.mark.parametrize(("env", "threads", "pool"), [
    ({"ACTIONBOT_THREADS": "12"}, 12, 12 + BACKGROUND),
    ({"ACTIONBOT_DB_POOL": "30"}, 30 - BACKGROUND, 30),
    ({"ACTIONBOT_THREADS": " 8 ", "ACTIONBOT_DB_POOL": "50"}, 8, 50),
    ({"ACTIONBOT_THREADS": "8", "ACTIONBOT_DB_POOL": str(8 + BACKGROUND)}, 8, 8 + BACKGROUND),
    ({"ACTIONBOT_THREADS": "4", "ACTIONBOT_SENDERS": "1"}, 4, 4 + 5 + 1 + 1),
    ({"ACTIONBOT_THREADS": "1000"}, 1000, 1000 + BACKGROUND),
])
def test_either_setting_sizes_the_other(env: dict[str, str], threads: int, pool: int) -> None:
    config = Config.from_env(env)
    assert (config.threads, config.db_pool) == (threads, pool)


@pytest.mark.parametrize(("env", "message"), [
    ({"ACTIONBOT_THREADS": "many"}, "ACTIONBOT_THREADS must be a whole number from 1 to 1,000, "
                                    "such as 40, not 'many'."),
    ({"ACTIONBOT_THREADS": "0"}, "ACTIONBOT_THREADS must be a whole number from 1 to 1,000"),
    ({"ACTIONBOT_THREADS": "-3"}, "ACTIONBOT_THREADS must be a whole number from 1 to 1,000"),
    ({"ACTIONBOT_THREADS": "2.5"}, "ACTIONBOT_THREADS must be a whole number from 1 to 1,000"),
    ({"ACTIONBOT_THREADS": "1001"}, "ACTIONBOT_THREADS must be a whole number from 1 to 1,000"),
    ({"ACTIONBOT_DB_POOL": "lots"}, f"ACTIONBOT_DB_POOL must be a whole number from 1 to "
                                    f"{1000 + BACKGROUND:,}, such as {40 + BACKGROUND}, "
                                    f"not 'lots'."),
    ({"ACTIONBOT_DB_POOL": str(BACKGROUND)},
     f"ACTIONBOT_DB_POOL must be more than {BACKGROUND} (the connections the scheduler and "
     f"Slack's background work take), so that requests have some, not {BACKGROUND}."),
    ({"ACTIONBOT_THREADS": "40", "ACTIONBOT_DB_POOL": "20"},
     f"ACTIONBOT_DB_POOL is 20, but 40 request threads (ACTIONBOT_THREADS) and {BACKGROUND} "
     f"connections for the scheduler and Slack's background work need {40 + BACKGROUND}, so a "
     f"command could wait for a connection. Raise ACTIONBOT_DB_POOL to {40 + BACKGROUND} or "
     f"lower ACTIONBOT_THREADS to {20 - BACKGROUND}."),
])
def test_settings_that_cannot_work_stop_start_up_saying_what_to_set(
        env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError) as err:
        Config.from_env(env)
    assert str(err.value).startswith(message), str(err.value)


def test_serve_sizes_its_pool_and_worker_threads_from_the_settings(
        monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {"ACTIONBOT_THREADS": "7", "ACTIONBOT_SCHEDULER": "off",
                        "TEAMS_INSECURE_NO_AUTH": "1", "HOST": "127.0.0.1"}.items():
        monkeypatch.setenv(name, value)
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "SLACK_CLIENT_ID"):
        monkeypatch.delenv(name, raising=False)
    asked: list[tuple[str, int | None]] = []
    served: list[Any] = []

    def open_database(url: str, connections: int | None = None) -> object:
        asked.append((url, connections))
        return object()

    monkeypatch.setattr("uvicorn.run", lambda app, **_: served.append(app))
    args = argparse.Namespace(command="serve", db="sqlite:///never-opened.db")
    assert server_cli.run(args, open_database) == 0
    assert asked == [("sqlite:///never-opened.db", 7 + BACKGROUND)]
    [app] = served
    assert [(m.cls, m.kwargs) for m in app.user_middleware] == [(WorkerThreads, {"threads": 7})]


def _gathering_app(parties: int) -> tuple[Starlette, threading.Barrier]:
    """An app whose one route waits in a worker thread until ``parties`` requests are all in
    worker threads at once: it answers only if the thread limit lets that many in."""
    gathered = threading.Barrier(parties, timeout=GATHER_TIMEOUT)

    async def gather(_: Request) -> PlainTextResponse:
        await run_in_threadpool(gathered.wait)
        return PlainTextResponse("in")

    return Starlette(routes=[Route("/", gather)]), gathered


def test_serve_s_worker_threads_follow_the_setting_beyond_anyio_s_default() -> None:
    threads = DEFAULT_THREADS + 8
    app, gathered = _gathering_app(threads)
    app.add_middleware(WorkerThreads, threads=threads)  # as ``actionbot serve`` does
    server = LocalServer().start(app, lifespan="on")
    try:
        limits = httpx.Limits(max_connections=threads)
        with httpx.Client(base_url=server.url, timeout=GATHER_TIMEOUT * 2,
                          limits=limits) as client, ThreadPoolExecutor(threads) as pool:
            answers = list(pool.map(lambda _: client.get("/"), range(threads)))
    finally:
        gathered.abort()  # frees any thread left waiting if the limit was too low
        server.stop()
    assert [(a.status_code, a.text) for a in answers] == [(200, "in")] * threads


def test_every_thread_and_background_job_gets_a_connection_at_once(engine: Engine) -> None:
    """``db_pool`` commands at once, each holding its connection until all have one: a pool
    any smaller would leave some waiting until they gave up."""
    config = Config.from_env({"ACTIONBOT_THREADS": "8"})
    assert config.db_pool > 15  # SQLAlchemy's own default (5 + 10) would be too small
    sized = make_engine(engine.url.render_as_string(hide_password=False),
                        connections=config.db_pool, pool_timeout=GATHER_TIMEOUT)
    board = Chat(UnitOfWork(sized))
    try:
        board("/board setup South East Adoption Board", as_="RE")
        board("/action add KY to write to DfE", as_="RE")
        all_in = threading.Barrier(config.db_pool, timeout=GATHER_TIMEOUT)
        held: list[int] = []

        def hold_until_all_have_one(*_: Any) -> None:
            held.append(sized.pool.checkedout())
            all_in.wait()

        with listening(sized, "checkout", hold_until_all_have_one), \
                ThreadPoolExecutor(config.db_pool) as pool:
            replies = list(pool.map(lambda _: board("/action show 1", as_="RE"),
                                    range(config.db_pool)))
        assert max(held) == config.db_pool
        assert sized.pool.checkedin() == config.db_pool  # and not one more was opened
        for reply in replies:
            assert reply.tone is not Tone.ERROR and "KY to write to DfE" in render(reply)
    finally:
        sized.dispose()
