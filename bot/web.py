"""The HTTP side: one ASGI app serving Slack's and Teams' endpoints, the health check, the
meetings calendar feed, one-time export downloads and, when switched on, metrics.

Bolt's sync app is dispatched in a worker thread so one slow request never stalls the
event loop (Bolt's own Starlette adapter calls it inline).
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from bot.request_body import BodyTooLarge, read_limited, too_large

if TYPE_CHECKING:
    from slack_bolt import BoltRequest

    from bot.metrics import Metrics
    from bot.slack.app import SlackApp
    from storage.uow import UnitOfWork

log = logging.getLogger(__name__)
# Slack's OAuth redirect carries a code and a state of well under 200 characters each.
MAX_OAUTH_QUERY = 2048


class RouteProvider(Protocol):
    """A platform's endpoint (``bot.teams.app.TeamsBot``): this module never imports it."""

    def routes(self) -> list[Route]: ...


async def healthz(_: Request) -> Response:
    return JSONResponse({"status": "ok"})


def slack_routes(slack_app: SlackApp) -> list[Route]:
    """``/slack/events`` behind ``bot.slack.gate`` (size, signature, freshness, replays), and
    the OAuth install pages, whose query strings are bounded and bodies never read."""
    from slack_bolt import BoltRequest
    from slack_bolt.adapter.starlette.handler import to_starlette_response

    from bot.slack.gate import MAX_BODY_BYTES, Refusal
    from bot.slack.refusals import COULD_NOT_READ

    gate = slack_app.gate
    if gate is None:
        raise ValueError("Serving Slack over HTTP needs its signing secret.")

    def answer(request: Request, body: bytes) -> Response:
        """In a worker thread: the gate writes to the database, and Bolt's app is sync."""
        verdict = gate.admit(request.headers, body)
        if isinstance(verdict, Refusal):
            log.warning("refused a Slack request from %s: %s (%d)", _client(request),
                        verdict.reason, verdict.status)
            return PlainTextResponse(verdict.answer, status_code=verdict.status)
        if verdict.retry:
            log.info("Slack's retry %s of an event acknowledged, not handled again",
                     request.headers.get("x-slack-retry-num", "")[:5])
            return Response(status_code=200)
        bolt_request = _bolt_request(request, verdict.body)
        if isinstance(bolt_request, str):
            log.warning("refused a signed Slack body from %s: %s", _client(request),
                        bolt_request)
            return PlainTextResponse(COULD_NOT_READ, status_code=400)
        return to_starlette_response(slack_app.dispatch(bolt_request))

    async def events(request: Request) -> Response:
        try:
            body = await read_limited(request, MAX_BODY_BYTES)
        except BodyTooLarge as err:
            log.warning("refused a Slack request from %s: %s", _client(request), err)
            return too_large(err)
        return await run_in_threadpool(answer, request, body)

    async def oauth(request: Request) -> Response:
        flow = slack_app.oauth_flow
        if flow is None:
            return Response("Not found", status_code=404)
        if len(request.url.query) > MAX_OAUTH_QUERY:
            log.warning("refused an OAuth page request from %s: query of %d characters",
                        _client(request), len(request.url.query))
            return PlainTextResponse("The address is too long.", status_code=414)
        bolt_request = BoltRequest(body="", query=request.url.query,
                                   headers=dict(request.headers))
        if request.url.path == flow.install_path:
            return to_starlette_response(
                await run_in_threadpool(flow.handle_installation, bolt_request))
        return to_starlette_response(await run_in_threadpool(flow.handle_callback, bolt_request))

    return [Route("/slack/events", events, methods=["POST"]),
            Route("/slack/install", oauth, methods=["GET"]),
            Route("/slack/oauth_redirect", oauth, methods=["GET"])]


def _bolt_request(request: Request, body: str) -> BoltRequest | str:
    """Bolt's request for a signed body, or what is wrong with the body: Bolt parses it as it
    builds the request and assumes a JSON object of Slack's shape (``payload=null`` or a
    1,000-deep array raised there)."""
    from slack_bolt import BoltRequest

    from bot.slack.refusals import SHAPE_ERRORS, bolt_cannot_read

    try:
        bolt_request = BoltRequest(body=body, query=request.url.query,
                                   headers=dict(request.headers))
    except (*SHAPE_ERRORS, RecursionError) as err:
        return f"{type(err).__name__}: {str(err)[:100]}".replace("\n", " ")
    if not isinstance(bolt_request.body, dict):
        return "it is not a JSON object"
    return bolt_cannot_read(bolt_request.body) or bolt_request


def _client(request: Request) -> str:
    return request.client.host if request.client else "?"


def calendar_route(uow: UnitOfWork) -> Route:
    """``GET /calendar/<secret>.ics``: a board's meetings for Outlook or Google Calendar.

    The secret is the board's own unguessable token, shown only to members."""
    from handlers.minutes.chat import calendar_feed

    async def feed(request: Request) -> Response:
        token = request.path_params["token"]
        body = await run_in_threadpool(calendar_feed, uow, token)
        if body is None:
            return Response("No such calendar.", status_code=404, media_type="text/plain")
        return Response(body, media_type="text/calendar; charset=utf-8")

    return Route("/calendar/{token}.ics", feed, methods=["GET"])


def _disposition(filename: str) -> str:
    """``attachment`` with an ASCII fallback name and the real one (board names may hold
    accents or curly quotes) as RFC 6266 ``filename*``."""
    fallback = "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_"
                       for c in filename)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def download_route(uow: UnitOfWork, clock: Callable[[], datetime]) -> Route:
    """``GET /exports/<secret>``: an exported log, once, within minutes of the export (Teams
    bots cannot post files to channels). Unknown, used and expired links all answer 404.
    HEAD says whether the link works without using it up, so a link checker cannot spend it."""
    from handlers.minutes.chat import export_path, export_waiting, take_export

    gone = "This download link has expired or was already used: export the log again."

    async def download(request: Request) -> Response:
        token = request.path_params["token"]
        if request.method == "HEAD":
            waiting = await run_in_threadpool(export_waiting, uow, token, clock())
            return Response(status_code=200 if waiting else 404,
                            headers={"Cache-Control": "no-store"})
        file = await run_in_threadpool(take_export, uow, token, clock())
        if file is None:
            return Response(gone, status_code=404, media_type="text/plain",
                            headers={"Cache-Control": "no-store"})
        return Response(file.content, media_type=file.mime, headers={
            "Content-Disposition": _disposition(file.filename),
            "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})

    return Route(export_path("{token}"), download, methods=["GET", "HEAD"])


def metrics_route(metrics: Metrics, token: str | None) -> Route:
    """``GET /metrics`` in Prometheus' text format; with a token, only for whoever sends it
    as ``Authorization: Bearer <token>`` (compared in constant time)."""
    from prometheus_client import CONTENT_TYPE_LATEST

    expected = f"Bearer {token}".encode() if token else None

    async def scrape(request: Request) -> Response:
        if expected is not None:
            given = request.headers.get("authorization", "").encode()
            if not hmac.compare_digest(given, expected):
                log.warning("refused a metrics scrape from %s: %s bearer token",
                            _client(request), "wrong" if given else "no")
                return PlainTextResponse(
                    "Metrics need the bearer token set in ACTIONBOT_METRICS_TOKEN.",
                    status_code=401, headers={"WWW-Authenticate": 'Bearer realm="metrics"'})
        return Response(metrics.exposition(), media_type=CONTENT_TYPE_LATEST,
                        headers={"Cache-Control": "no-store"})

    return Route("/metrics", scrape, methods=["GET"])


def build_web_app(*, slack_app: SlackApp | None = None, teams: RouteProvider | None = None,
                  uow: UnitOfWork | None = None,
                  clock: Callable[[], datetime] | None = None,
                  metrics: Metrics | None = None, metrics_token: str | None = None) -> Starlette:
    """The routes for what is configured; ``clock`` (tests) decides when downloads expire.
    Without ``metrics`` (``ACTIONBOT_METRICS`` off) there is no ``/metrics`` at all: 404."""
    routes = [Route("/healthz", healthz, methods=["GET"])]
    if metrics is not None:
        routes.append(metrics_route(metrics, metrics_token))
    if uow is not None:
        routes += [calendar_route(uow),
                   download_route(uow, clock or (lambda: datetime.now(UTC)))]
    if slack_app is not None:
        routes += slack_routes(slack_app)
    if teams is not None:
        routes += teams.routes()
    return Starlette(routes=routes)
