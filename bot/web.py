"""The HTTP side: one ASGI app serving Slack's and Teams' endpoints, the health check, the
meetings calendar feed and one-time export downloads.

Bolt's sync app is dispatched in a worker thread so one slow request never stalls the
event loop (Bolt's own Starlette adapter calls it inline).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

if TYPE_CHECKING:
    from slack_bolt import App

    from storage.uow import UnitOfWork


class RouteProvider(Protocol):
    """A platform's endpoint (``bot.teams.app.TeamsBot``): this module never imports it."""

    def routes(self) -> list[Route]: ...


async def healthz(_: Request) -> Response:
    return JSONResponse({"status": "ok"})


def slack_routes(slack_app: App) -> list[Route]:
    from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response

    async def events(request: Request) -> Response:
        body = await request.body()
        bolt_response = await run_in_threadpool(slack_app.dispatch,
                                                to_bolt_request(request, body))
        return to_starlette_response(bolt_response)

    async def oauth(request: Request) -> Response:
        flow = slack_app.oauth_flow
        if flow is None:
            return Response("Not found", status_code=404)
        bolt_request = to_bolt_request(request, await request.body())
        if request.url.path == flow.install_path:
            return to_starlette_response(
                await run_in_threadpool(flow.handle_installation, bolt_request))
        return to_starlette_response(await run_in_threadpool(flow.handle_callback, bolt_request))

    return [Route("/slack/events", events, methods=["POST"]),
            Route("/slack/install", oauth, methods=["GET"]),
            Route("/slack/oauth_redirect", oauth, methods=["GET"])]


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


def build_web_app(*, slack_app: App | None = None, teams: RouteProvider | None = None,
                  uow: UnitOfWork | None = None,
                  clock: Callable[[], datetime] | None = None) -> Starlette:
    """The routes for what is configured; ``clock`` (tests) decides when downloads expire."""
    routes = [Route("/healthz", healthz, methods=["GET"])]
    if uow is not None:
        routes += [calendar_route(uow),
                   download_route(uow, clock or (lambda: datetime.now(UTC)))]
    if slack_app is not None:
        routes += slack_routes(slack_app)
    if teams is not None:
        routes += teams.routes()
    return Starlette(routes=routes)
