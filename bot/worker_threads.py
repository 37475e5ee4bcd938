"""How many requests ``actionbot serve`` handles at once: its worker threads.

Every Slack and Teams request runs in a worker thread (Bolt's app and the database are
synchronous) through Starlette's ``run_in_threadpool``, which takes a token from anyio's
default thread limiter: 40 unless told otherwise. ``ACTIONBOT_THREADS`` tells it, and
``bot.config`` sizes the database pool to match, so a request that has a thread always has a
connection.
"""

from __future__ import annotations

from typing import Any

from anyio import to_thread


class WorkerThreads:
    """ASGI middleware setting anyio's default thread limiter to ``threads`` when the server
    starts. The limiter belongs to the event loop, so it is set from inside that loop, on the
    lifespan event uvicorn sends before it serves anything."""

    def __init__(self, app: Any, threads: int) -> None:
        self.app = app
        self.threads = threads

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            to_thread.current_default_thread_limiter().total_tokens = self.threads
        await self.app(scope, receive, send)
