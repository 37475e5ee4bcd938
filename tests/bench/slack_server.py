"""The HTTP apps the latency benchmark talks to, in a process of their own.

``python -m tests.bench.slack_server --db URL --slack-url URL`` serves, each on its own free
port with the same stack as the tests (uvicorn + ``bot.web.build_web_app`` + Bolt's sync app
in the threadpool):

- ``app``: actionbot's Bolt app (``bot.slack.app.build_app``) on the database at ``--db``;
- ``floor``: a bare Bolt app whose ``/action`` handler only acks, with
  ``process_before_response=True`` as actionbot's: the fastest any Bolt app answers here,
  behind the same gate (``bot.slack.gate``) but with its replay table in memory, so that the
  app's figures include the one write the gate makes to the real database;
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
from slack_bolt import Ack
from slack_sdk import WebClient

from bot.config import SlackConfig
from bot.slack.app import SlackApp, build_app
from bot.slack.gate import SlackGate
from bot.web import build_web_app
from storage.db import make_engine
from storage.models import Base, SlackRequestSeen
from storage.replays import SeenRequests
from storage.uow import UnitOfWork

SECRET = "bench-signing-secret"


def bare_app(slack_url: str, *, process_before_response: bool) -> SlackApp:
    seen = SeenRequests(UnitOfWork(make_engine("sqlite://")))
    Base.metadata.create_all(seen.uow.engine, tables=[SlackRequestSeen.__table__])
    app = SlackApp(gate=SlackGate(SECRET, seen), signing_secret=SECRET,
                   token_verification_enabled=False,
                   process_before_response=process_before_response,
                   client=WebClient(token="xoxb-bench", base_url=slack_url))

    @app.command("/action")
    def only_ack(ack: Ack) -> None:
        ack()

    return app


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(app: SlackApp) -> tuple[int, uvicorn.Server]:
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(build_web_app(slack_app=app), host="127.0.0.1",
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
    apps = {"app": build_app(cfg, UnitOfWork(engine)),
            "floor": bare_app(args.slack_url, process_before_response=True),
            "default": bare_app(args.slack_url, process_before_response=False)}
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
