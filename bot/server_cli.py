"""``actionbot serve|socket|tick|scheduler``: the long-running processes and the one-off tick.

Chat SDKs are imported only for the platforms the environment switches on, so ``tick`` on
console boards loads no chat SDK at all.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from bot.config import Config, ConfigError, MetricsConfig, metrics_config

log = logging.getLogger(__name__)
DEFAULT_TIMEZONE = "Europe/London"
INSECURE_WARNING = (
    "\n!!! WARNING: TEAMS_INSECURE_NO_AUTH=1 switches Teams authentication OFF both ways.\n"
    "!!! Anyone who reaches /api/messages can act as any Teams user, and replies go without\n"
    "!!! a token to whatever serviceUrl a request names. Only for a local test connector.\n"
)


def run(args: argparse.Namespace, open_database: Callable[..., Any]) -> int:
    try:
        config = Config.from_env(db=args.db)
        watching = metrics_config()
    except ConfigError as err:
        print(f"actionbot: {err}", file=sys.stderr)
        return 2
    if config.teams is not None and config.teams.insecure_no_auth:
        print(INSECURE_WARNING, file=sys.stderr)
    if args.command == "tick":
        at = _parse_at(args.at)
        if at is None:
            print(f"actionbot: --at takes an ISO time such as 2027-01-27T09:00Z, not {args.at!r}",
                  file=sys.stderr)
            return 2
    uow = open_database(config.database_url, connections=config.db_pool)
    if uow is None:
        return 2
    if args.command == "tick":
        return _tick(config, uow, at, dry_run=args.dry_run, as_json=args.json)
    if args.command == "scheduler":
        return _scheduler(config, uow, args.interval, watching)
    # One line per command in the servers' logs (``handlers.command_events``), as uvicorn
    # logs one per request; the console and one-off ticks stay quiet.
    logging.getLogger("handlers.command_events").setLevel(logging.INFO)
    if args.command == "socket":
        if watching.enabled:
            print("actionbot: Socket Mode serves no HTTP, so no /metrics; run `actionbot "
                  "scheduler` with ACTIONBOT_METRICS=on to expose the scheduler's.",
                  file=sys.stderr)
        return _socket(config, uow)
    return _serve(config, uow, watching)


def _metrics(config: Config, uow: Any, watching: MetricsConfig) -> Any:
    """This process's metrics when switched on."""
    if not watching.enabled:
        return None
    from bot.metrics import Metrics

    if watching.token is None and not _is_loopback(config.host):
        print(f"actionbot: /metrics is open to anyone who reaches {config.host}:{config.port}; "
              "set ACTIONBOT_METRICS_TOKEN or keep the port off the internet.", file=sys.stderr)
    metrics = Metrics()
    metrics.watch_pool(uow.engine)
    return metrics


def _parse_at(raw: str | None) -> datetime | None:
    """An ISO time; without an offset it is board time (Europe/London)."""
    if raw is None:
        return datetime.now(UTC)
    from zoneinfo import ZoneInfo

    try:
        at = datetime.fromisoformat(raw.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    if at.tzinfo is None:
        at = at.replace(tzinfo=ZoneInfo(DEFAULT_TIMEZONE))
    return at.astimezone(UTC)


def _tick(config: Config, uow: Any, at: datetime, *, dry_run: bool, as_json: bool) -> int:
    import io

    from bot.delivery import build_delivery
    from bot.scheduler import tick

    stream = io.StringIO() if as_json else sys.stdout
    delivery = build_delivery(config, uow, stream)
    result = tick(uow, delivery, now=at, dry_run=dry_run)
    for message in result.sent:
        if as_json:
            print(json.dumps({"kind": message.kind, "board": message.board.name,
                              "to": message.recipient, "actions": message.actions,
                              "at": at.isoformat().replace("+00:00", "Z")}))
        elif dry_run:
            from bot.render_text import render, terminal_safe

            print(terminal_safe(f"[would send {message.kind} to {message.recipient} on "
                                f"{message.board.name}]") + f"\n{render(message.reply)}\n")
    for message, error in result.failed:
        from bot.render_text import terminal_safe

        print(terminal_safe(f"actionbot: not sent ({error}): {message.kind} to "
                            f"{message.recipient} on {message.board.name}; it will be retried"),
              file=sys.stderr)
    for unit in result.missed:
        print(f"actionbot: skipped {unit.kind} to {unit.recipient}: its time "
              f"{unit.slot_at.isoformat()} is past the grace period", file=sys.stderr)
    return 0


def _scheduler(config: Config, uow: Any, interval: int, watching: MetricsConfig) -> int:
    """The clock alone; with metrics on it also serves ``/metrics`` and ``/healthz`` on
    HOST:PORT, as a scheduler process has no other web server to expose them."""
    from bot.delivery import build_delivery
    from bot.scheduler import run_forever, start_in_background

    print(f"actionbot scheduler: ticking every {interval} s while elected leader",
          file=sys.stderr)
    delivery = build_delivery(config, uow, sys.stdout)
    metrics = _metrics(config, uow, watching)
    if metrics is None:
        run_forever(uow, delivery, interval=interval)
        return 0
    from bot.web import build_web_app

    scheduler = start_in_background(uow, delivery, interval=interval, metrics=metrics)
    print(f"actionbot scheduler: metrics at /metrics on {config.host}:{config.port}",
          file=sys.stderr)
    try:
        _run_web(config, build_web_app(metrics=metrics, metrics_token=watching.token))
    finally:
        scheduler.shutdown(wait=False)
    return 0


def _start_scheduler(config: Config, uow: Any, metrics: Any = None) -> Any:
    if not config.scheduler:
        print("actionbot: scheduler off (ACTIONBOT_SCHEDULER=off)", file=sys.stderr)
        return None
    from bot.delivery import build_delivery
    from bot.scheduler import start_in_background

    return start_in_background(uow, build_delivery(config, uow, sys.stdout), metrics=metrics)


def _run_web(config: Config, app: Any) -> None:
    import uvicorn

    from bot.server_limits import raise_open_file_limit, uvicorn_options

    options = uvicorn_options(config.limits, raise_open_file_limit())
    uvicorn.run(app, host=config.host, port=config.port, log_level="info", **options)


def _serve(config: Config, uow: Any, watching: MetricsConfig) -> int:
    from bot.web import build_web_app
    from bot.worker_threads import WorkerThreads

    slack_app = None
    served = []
    if config.slack is not None:
        if not config.slack.signing_secret:
            print("actionbot: serving Slack over HTTP needs SLACK_SIGNING_SECRET (or use "
                  "`actionbot socket` with SLACK_APP_TOKEN).", file=sys.stderr)
            return 2
        from bot.slack.app import build_app

        slack_app = build_app(config.slack, uow, base_url=config.public_url)
        served.append("Slack at /slack/events")
    teams = None
    if config.teams is not None:
        if config.teams.insecure_no_auth and not _is_loopback(config.host):
            print(f"actionbot: TEAMS_INSECURE_NO_AUTH=1 accepts unauthenticated requests, so "
                  f"it listens only on a loopback address; set HOST=127.0.0.1 (not "
                  f"{config.host}).", file=sys.stderr)
            return 2
        from bot.teams.app import build_teams

        teams = build_teams(config.teams, uow, base_url=config.public_url)
        served.append("Teams at /api/messages")
    if not served:
        print("actionbot: no chat platform is configured. Set SLACK_BOT_TOKEN and "
              "SLACK_SIGNING_SECRET, or TEAMS_CLIENT_ID, TEAMS_CLIENT_SECRET and "
              "TEAMS_TENANT_ID (see README), or try `actionbot console --demo`.",
              file=sys.stderr)
        return 2
    metrics = _metrics(config, uow, watching)
    if metrics is not None:
        served.append("metrics at /metrics")
    print(f"actionbot serving {', '.join(served)} and /healthz on {config.host}:{config.port}",
          file=sys.stderr)
    scheduler = _start_scheduler(config, uow, metrics)
    try:
        app = build_web_app(slack_app=slack_app, teams=teams, uow=uow, metrics=metrics,
                            metrics_token=watching.token)
        app.add_middleware(WorkerThreads, threads=config.threads)
        _run_web(config, app)
    finally:
        if scheduler is not None:
            scheduler.shutdown(wait=False)
    return 0


def _is_loopback(host: str) -> bool:
    import ipaddress

    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:
        return False


def _socket(config: Config, uow: Any) -> int:
    if config.slack is None or not config.slack.app_token:
        print("actionbot: Socket Mode needs SLACK_APP_TOKEN (xapp-…) and SLACK_BOT_TOKEN.",
              file=sys.stderr)
        return 2
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from bot.slack.app import build_app

    app = build_app(config.slack, uow, base_url=config.public_url)
    print("actionbot serving Slack in Socket Mode", file=sys.stderr)
    scheduler = _start_scheduler(config, uow)
    try:
        SocketModeHandler(app, config.slack.app_token).start()
    finally:
        if scheduler is not None:
            scheduler.shutdown(wait=False)
    return 0
