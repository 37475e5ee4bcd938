"""The scheduler as its own process, for the fan-out benchmark to run and to kill.

``python -m tests.bench.scheduler_loop --db URL --slack-url URL --start ISO`` ticks once a
simulated minute from ``--start`` (a real scheduler ticks once a real minute; the benchmark
cannot wait that long) with the production wiring: ``build_delivery`` from a ``Config`` whose
Slack settings point at the fake. It stops when nothing more is owed, printing one JSON line a
tick.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import time
from datetime import datetime, timedelta

from bot.config import Config, SlackConfig
from bot.delivery import build_delivery
from bot.scheduler import tick
from handlers import reminders
from storage.db import make_engine
from storage.uow import UnitOfWork


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--slack-url", required=True)
    parser.add_argument("--start", required=True, help="simulated time of the first tick")
    parser.add_argument("--max-minutes", type=int, default=30)
    parser.add_argument("--forever", action="store_true", help="tick until stopped")
    parser.add_argument("--every", type=float, default=0.0,
                        help="with --forever, real seconds from one tick's start to the next")
    args = parser.parse_args(argv)
    slack = SlackConfig(bot_token="xoxb-bench", signing_secret="bench-secret", app_token=None,
                        client_id=None, client_secret=None, api_url=args.slack_url)
    config = Config(database_url=args.db, scheduler=True, slack=slack)
    uow = UnitOfWork(make_engine(args.db))
    delivery = build_delivery(config, uow, io.StringIO())
    start = datetime.fromisoformat(args.start)
    minute = 0
    while args.forever or minute < args.max_minutes:
        now = start + timedelta(minutes=minute)
        minute += 1
        owed = []
        if not args.forever:
            with uow.transaction() as session:
                owed = reminders.due(session, now).outgoing
            if not owed:
                break
        began = time.perf_counter()
        result = tick(uow, delivery, now=now, worker=f"bench-{minute}")
        seconds = time.perf_counter() - began
        print(json.dumps({"minute": minute, "sent": len(result.sent),
                          "failed": len(result.failed), "owed": len(owed),
                          "seconds": round(seconds, 3)}), flush=True)
        if args.forever:
            time.sleep(max(0.0, args.every - seconds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
