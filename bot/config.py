"""Settings from the environment, read once at start-up and passed down from there.

Each chat platform is switched on by its own settings; a half-configured platform stops
start-up with a message naming exactly what is missing, rather than failing on first use.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from handlers.limits import is_ascii_number
from storage.db import DEFAULT_URL

# Messages the scheduler has in flight at once: a send is mostly waiting on the network, so
# one at a time leaves a morning's reminders bound by the round trip, not by Slack's limits.
DEFAULT_SENDERS = 8
MAX_SENDERS = 32
MAX_TIMEOUT_SECONDS = 600
MAX_COUNT = 1_000_000
# Requests ``serve`` handles at once in worker threads: anyio's own default, which Starlette
# used before this was a setting.
DEFAULT_THREADS = 40
MAX_THREADS = 1000
# Connections wanted beside the request threads: Slack's slow commands run in Bolt's own
# executor (five threads), and the scheduler holds one for its leadership and one per sender.
BOLT_LAZY_LISTENERS = 5


class ConfigError(Exception):
    """The environment asks for something that cannot work; the message says what to set."""


@dataclass(frozen=True)
class SlackConfig:
    bot_token: str | None
    signing_secret: str | None
    app_token: str | None
    client_id: str | None
    client_secret: str | None
    api_url: str | None

    @property
    def oauth(self) -> bool:
        """Multi-workspace install: tokens come from the installation store, not the env."""
        return bool(self.client_id)


@dataclass(frozen=True)
class TeamsConfig:
    """Microsoft Teams: the Azure Bot's app registration, or local testing without auth.

    ``insecure_no_auth`` (``TEAMS_INSECURE_NO_AUTH=1``) is for a local connector only: no
    incoming token is checked, no outgoing token is fetched and any service URL is used.
    ``extra_service_urls`` extends the built-in list of Microsoft's service hosts.
    """

    client_id: str | None
    client_secret: str | None
    tenant_id: str | None
    insecure_no_auth: bool = False
    extra_service_urls: tuple[str, ...] = ()


@dataclass(frozen=True)
class ServerLimits:
    """What ``actionbot serve`` allows a connection (``bot.server_limits`` applies them).

    ``header_timeout``: seconds a client may take to send a request's headers before it is
    answered 408 and closed; ``keep_alive_timeout``: seconds an idle kept-alive connection
    stays open; ``max_connections``: connections served at once, beyond which requests are
    answered 503; ``backlog``: connections the kernel queues before the server accepts them."""

    header_timeout: float = 10.0
    keep_alive_timeout: float = 5.0
    max_connections: int = 1000
    backlog: int = 2048


def background_connections(senders: int) -> int:
    """Connections a ``serve`` process uses outside its request threads."""
    return BOLT_LAZY_LISTENERS + senders + 1


@dataclass(frozen=True)
class Config:
    database_url: str
    host: str = "0.0.0.0"
    port: int = 3000
    scheduler: bool = True
    slack: SlackConfig | None = None
    teams: TeamsConfig | None = None
    public_url: str | None = None
    senders: int = DEFAULT_SENDERS
    limits: ServerLimits = ServerLimits()
    threads: int = DEFAULT_THREADS
    db_pool: int = DEFAULT_THREADS + background_connections(DEFAULT_SENDERS)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, *, db: str | None = None) -> Config:
        env = os.environ if env is None else env
        port = env.get("PORT", "3000")
        if not is_ascii_number(port) or not 0 < int(port) < 65536:
            raise ConfigError(f"PORT must be a port number, not {port!r}.")
        senders = env.get("ACTIONBOT_SENDERS", str(DEFAULT_SENDERS)).strip()
        if not is_ascii_number(senders) or not 1 <= int(senders) <= MAX_SENDERS:
            raise ConfigError(f"ACTIONBOT_SENDERS must be a whole number from 1 to {MAX_SENDERS} "
                              f"(messages the scheduler sends at once), not {senders!r}.")
        threads, db_pool = _threads_and_pool(env, int(senders))
        return cls(
            database_url=db or env.get("DATABASE_URL") or DEFAULT_URL,
            host=env.get("HOST", "0.0.0.0"),
            port=int(port),
            scheduler=env.get("ACTIONBOT_SCHEDULER", "on").lower() not in ("off", "0", "no"),
            slack=_slack(env),
            teams=_teams(env),
            public_url=_public_url(env),
            senders=int(senders),
            limits=_server_limits(env),
            threads=threads,
            db_pool=db_pool,
        )


def _threads_and_pool(env: Mapping[str, str], senders: int) -> tuple[int, int]:
    """``ACTIONBOT_THREADS`` and ``ACTIONBOT_DB_POOL``: set either and the other follows.

    The pool always holds a connection for every request thread and every background job, so
    no command waits for one; settings that would break that stop start-up instead."""
    background = background_connections(senders)
    threads = _count(env, "ACTIONBOT_THREADS", DEFAULT_THREADS, MAX_THREADS)
    if not env.get("ACTIONBOT_DB_POOL", "").strip():
        return threads, threads + background
    pool = _count(env, "ACTIONBOT_DB_POOL", DEFAULT_THREADS + background, MAX_THREADS + background)
    if pool <= background:
        raise ConfigError(f"ACTIONBOT_DB_POOL must be more than {background} (the connections "
                          f"the scheduler and Slack's background work take), so that requests "
                          f"have some, not {pool}.")
    if not env.get("ACTIONBOT_THREADS", "").strip():
        return pool - background, pool
    if pool < threads + background:
        raise ConfigError(f"ACTIONBOT_DB_POOL is {pool}, but {threads} request threads "
                          f"(ACTIONBOT_THREADS) and {background} connections for the scheduler "
                          f"and Slack's background work need {threads + background}, so a "
                          f"command could wait for a connection. Raise ACTIONBOT_DB_POOL to "
                          f"{threads + background} or lower ACTIONBOT_THREADS to "
                          f"{pool - background}.")
    return threads, pool


def _server_limits(env: Mapping[str, str]) -> ServerLimits:
    default = ServerLimits()
    return ServerLimits(
        header_timeout=_seconds(env, "ACTIONBOT_HEADER_TIMEOUT", default.header_timeout),
        keep_alive_timeout=_seconds(env, "ACTIONBOT_KEEP_ALIVE_TIMEOUT",
                                    default.keep_alive_timeout),
        max_connections=_count(env, "ACTIONBOT_MAX_CONNECTIONS", default.max_connections),
        backlog=_count(env, "ACTIONBOT_BACKLOG", default.backlog),
    )


def _seconds(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = 0.0
    if not 0 < value <= MAX_TIMEOUT_SECONDS:
        raise ConfigError(f"{name} must be a number of seconds above 0 and at most "
                          f"{MAX_TIMEOUT_SECONDS}, such as {default:g}, not {raw!r}.")
    return value


def _count(env: Mapping[str, str], name: str, default: int, most: int = MAX_COUNT) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not is_ascii_number(raw) or not 1 <= int(raw) <= most:
        raise ConfigError(f"{name} must be a whole number from 1 to {most:,}, such as "
                          f"{default}, not {raw!r}.")
    return int(raw)


def _get(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name, "").strip()
    return value or None


def _slack(env: Mapping[str, str]) -> SlackConfig | None:
    cfg = SlackConfig(
        bot_token=_get(env, "SLACK_BOT_TOKEN"),
        signing_secret=_get(env, "SLACK_SIGNING_SECRET"),
        app_token=_get(env, "SLACK_APP_TOKEN"),
        client_id=_get(env, "SLACK_CLIENT_ID"),
        client_secret=_get(env, "SLACK_CLIENT_SECRET"),
        api_url=_get(env, "SLACK_API_URL"),
    )
    if not any((cfg.bot_token, cfg.signing_secret, cfg.app_token, cfg.client_id,
                cfg.client_secret)):
        return None
    missing = []
    if cfg.client_id or cfg.client_secret:
        if not cfg.client_id:
            missing.append("SLACK_CLIENT_ID")
        if not cfg.client_secret:
            missing.append("SLACK_CLIENT_SECRET")
    elif not cfg.bot_token:
        missing.append("SLACK_BOT_TOKEN (or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET to "
                       "install in several workspaces)")
    if not cfg.signing_secret and not cfg.app_token:
        missing.append("SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN for Socket Mode)")
    if missing:
        raise ConfigError("Slack is half-configured: set " + " and ".join(missing) + ".")
    return cfg


TEAMS_SETTINGS = ("TEAMS_CLIENT_ID", "TEAMS_CLIENT_SECRET", "TEAMS_TENANT_ID")
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("", "0", "false", "no", "off")


def _teams(env: Mapping[str, str]) -> TeamsConfig | None:
    """Teams needs all three app-registration settings, or the explicit local-testing switch."""
    switch = env.get("TEAMS_INSECURE_NO_AUTH", "").strip().lower()
    if switch not in _TRUE + _FALSE:
        raise ConfigError(f"TEAMS_INSECURE_NO_AUTH must be 1 or 0, not {switch!r}.")
    insecure = switch in _TRUE
    values = {name: _get(env, name) for name in TEAMS_SETTINGS}
    if not insecure and not any(values.values()):
        return None
    missing = [name for name, value in values.items() if not value]
    if missing and not insecure:
        raise ConfigError("Teams is half-configured: set " + " and ".join(missing) +
                          " (from the Azure Bot's app registration; see README).")
    extra = _service_urls(env.get("TEAMS_SERVICE_URL_ALLOWLIST", ""))
    return TeamsConfig(client_id=values["TEAMS_CLIENT_ID"],
                       client_secret=values["TEAMS_CLIENT_SECRET"],
                       tenant_id=values["TEAMS_TENANT_ID"], insecure_no_auth=insecure,
                       extra_service_urls=extra)


def teams_client_id(env: Mapping[str, str] | None = None) -> str | None:
    """Only the Azure Bot's app id: enough to build the Teams package, no secret needed."""
    return _get(os.environ if env is None else env, "TEAMS_CLIENT_ID")


def _service_urls(raw: str) -> tuple[str, ...]:
    """``host.example`` (HTTPS) or ``http(s)://host[:port][/path]`` entries, comma-separated."""
    entries = tuple(e.strip() for e in raw.split(",") if e.strip())
    for entry in entries:
        host = entry.split("://", 1)[1] if "://" in entry else entry
        scheme_ok = "://" not in entry or entry.startswith(("https://", "http://"))
        if not scheme_ok or not host or any(c in host for c in " *?#@"):
            raise ConfigError(f"TEAMS_SERVICE_URL_ALLOWLIST: {entry!r} is not a host name or "
                              "an http(s) URL (wildcards are not accepted).")
    return entries


def _public_url(env: Mapping[str, str]) -> str | None:
    """``ACTIONBOT_PUBLIC_URL``: where people reach this server, for links such as the
    meetings calendar feed. Without it no link is offered."""
    url = _get(env, "ACTIONBOT_PUBLIC_URL")
    if url is not None and not url.startswith(("https://", "http://")):
        raise ConfigError(f"ACTIONBOT_PUBLIC_URL must start with https://, not {url!r}.")
    return url.rstrip("/") if url else None


# ---- metrics (``bot.metrics``): read on their own, so they stay off the main Config -------
MIN_METRICS_TOKEN = 16
MAX_METRICS_TOKEN = 256


@dataclass(frozen=True)
class MetricsConfig:
    """``ACTIONBOT_METRICS=on`` serves Prometheus metrics at ``/metrics`` (off: 404).

    ``token`` (``ACTIONBOT_METRICS_TOKEN``), when set, is required as
    ``Authorization: Bearer <token>``: the server faces the internet for Slack's and Teams'
    webhooks, and load figures are nobody else's business. Prometheus sends it with a scrape
    job's ``authorization: {credentials: …}``."""

    enabled: bool = False
    token: str | None = None


def metrics_config(env: Mapping[str, str] | None = None) -> MetricsConfig:
    env = os.environ if env is None else env
    switch = env.get("ACTIONBOT_METRICS", "").strip().lower()
    if switch not in _TRUE + _FALSE:
        raise ConfigError(f"ACTIONBOT_METRICS must be on or off, not {switch[:20]!r}.")
    token = _get(env, "ACTIONBOT_METRICS_TOKEN")
    if token is not None and not (
        MIN_METRICS_TOKEN <= len(token) <= MAX_METRICS_TOKEN
        and token.isascii() and token.isprintable() and " " not in token
    ):
        raise ConfigError(f"ACTIONBOT_METRICS_TOKEN must be {MIN_METRICS_TOKEN} to "
                          f"{MAX_METRICS_TOKEN} printable ASCII characters without spaces, "
                          "such as the output of `openssl rand -hex 32`.")
    return MetricsConfig(enabled=switch in _TRUE, token=token)
