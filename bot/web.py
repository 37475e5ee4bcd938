"""The HTTP side: one ASGI app serving Slack's and Teams' endpoints and the health check.

Bolt's sync app is dispatched in a worker thread so one slow request never stalls the
event loop (Bolt's own Starlette adapter calls it inline).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

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


def build_web_app(*, slack_app: App | None = None, teams: RouteProvider | None = None,
                  uow: UnitOfWork | None = None) -> Starlette:
    routes = [Route("/healthz", healthz, methods=["GET"])]
    if uow is not None:
        routes.append(calendar_route(uow))
    if slack_app is not None:
        routes += slack_routes(slack_app)
    if teams is not None:
        routes += teams.routes()
    return Starlette(routes=routes)
