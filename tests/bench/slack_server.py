"""The HTTP apps the latency benchmark talks to, in a process of their own.

``python -m tests.bench.slack_server --db URL --slack-url URL`` serves, each on its own free
port with the same stack as the tests (uvicorn + ``bot.web.build_web_app`` + Bolt's sync app
in the threadpool):

- ``app``: actionbot's Bolt app (``bot.slack.app.build_app``) on the database at ``--db``;
- ``floor``: a bare Bolt app whose ``/action`` handler only acks, with
  ``process_before_response=True`` as actionbot's, behind Bolt's own signature check and
  nothing of ours (no ``bot.slack.gate``: the app's figures include what the gate costs);
- ``default``: the same bare app in Bolt's default mode, for reference.

It prints ``{"app": port, "floor": port, "default": port}`` once all three answer, and runs
until its standard input closes.
"""

from __future__ import annotations

import argparse
import json
import socket
import sys
import threading
import time

import uvicorn
from slack_bolt import Ack, App
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from slack_sdk import WebClient
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.config import SlackConfig
from bot.slack.app import build_app
from bot.web import build_web_app
from storage.db import make_engine
from storage.uow import UnitOfWork

SECRET = "bench-signing-secret"


def bare_app(slack_url: str, *, process_before_response: bool) -> App:
    app = App(signing_secret=SECRET, token_verification_enabled=False,
              process_before_response=process_before_response,
              client=WebClient(token="xoxb-bench", base_url=slack_url))

    @app.command("/action")
    def only_ack(ack: Ack) -> None:
        ack()

    return app


def bare_web_app(app: App) -> Starlette:
    """Bolt dispatched in the thread pool, as ``bot.web`` does, and nothing else."""

    async def events(request: Request) -> Response:
        bolt_request = to_bolt_request(request, await request.body())
        return to_starlette_response(await run_in_threadpool(app.dispatch, bolt_request))

    return Starlette(routes=[Route("/slack/events", events, methods=["POST"])])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(web_app: Starlette) -> tuple[int, uvicorn.Server]:
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(web_app, host="127.0.0.1",
                                           port=port, log_level="warning", lifespan="off"))
    threading.Thread(target=server.run, daemon=True).start()
    return port, server


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--slack-url", required=True)
    args = parser.parse_args(argv)
    cfg = SlackConfig(bot_token="xoxb-bench", signing_secret=SECRET, app_token=None,
                      client_id=None, client_secret=None, api_url=args.slack_url)
    engine = make_engine(args.db)
    apps = {"app": build_web_app(slack_app=build_app(cfg, UnitOfWork(engine))),
            "floor": bare_web_app(bare_app(args.slack_url, process_before_response=True)),
            "default": bare_web_app(bare_app(args.slack_url, process_before_response=False))}
    servers = {name: serve(app) for name, app in apps.items()}
    deadline = time.monotonic() + 30
    while not all(s.started for _, s in servers.values()) and time.monotonic() < deadline:
        time.sleep(0.02)
    print(json.dumps({name: port for name, (port, _) in servers.items()}), flush=True)
    sys.stdin.read()
    for _, server in servers.values():
        server.should_exit = True
    engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
