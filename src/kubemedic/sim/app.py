"""The ASGI application: discovery, auth, and dispatch of resource requests."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp

from kubemedic.sim import discovery, openapi
from kubemedic.sim.errors import ApiError, method_not_allowed, unauthorized
from kubemedic.sim.reads import get_object, list_objects
from kubemedic.sim.routing import Target, parse_target
from kubemedic.sim.subresources import evict, logs, scale
from kubemedic.sim.watch import watch_response
from kubemedic.sim.web import Query, error_response, json_response
from kubemedic.sim.world import World
from kubemedic.sim.writes import create, delete, patch, update

Handler = Callable[[World, Target, Query, Request], Awaitable[Response]]
Lifespan = Callable[[Starlette], AbstractAsyncContextManager[None]]

_OPEN_PATHS = frozenset({"/version", "/healthz", "/livez", "/readyz"})
_SUBRESOURCES: dict[str, Handler] = {"scale": scale, "eviction": evict, "log": logs}


def _authorized(world: World, request: Request) -> bool:
    if not world.config.token or request.url.path in _OPEN_PATHS:
        return True
    header = request.headers.get("authorization", "")
    if not header:
        return not world.config.require_token
    return header.startswith("Bearer ") and header[7:].strip() in world.tokens


async def _dispatch(world: World, target: Target, query: Query, request: Request) -> Response:
    method = request.method
    if target.subresource in _SUBRESOURCES:
        return await _SUBRESOURCES[target.subresource](world, target, query, request)
    if method == "GET":
        if target.watch_path or query.watch:
            if "watch" not in target.rt.verbs:
                raise method_not_allowed()
            return watch_response(world, target, query, request)
        if target.name is None:
            if "list" not in target.rt.verbs:
                raise method_not_allowed()
            return await list_objects(world, target, query, request)
        return await get_object(world, target, query, request)
    if method == "POST" and target.name is None:
        return await create(world, target, query, request)
    if method == "PUT" and target.name is not None:
        return await update(world, target, query, request)
    if method == "PATCH" and target.name is not None:
        return await patch(world, target, query, request)
    if method == "DELETE":
        return await delete(world, target, query, request)
    raise method_not_allowed()


def create_app(world: World, lifespan: Lifespan | None = None) -> ASGIApp:
    """An ASGI app serving `world` over the Kubernetes API."""

    async def resources(request: Request) -> Response:
        try:
            if not _authorized(world, request):
                raise unauthorized()
            path = request.url.path
            parts = [p for p in path.split("/") if p]
            if parts[0] == "api":
                group, version, rest = "", parts[1] if len(parts) > 1 else "", parts[2:]
            else:
                group = parts[1] if len(parts) > 1 else ""
                version = parts[2] if len(parts) > 2 else ""
                rest = parts[3:]
            if not rest:
                return _discovery(request, group, version)
            target = parse_target(world.index, group, version, rest, path)
            return await _dispatch(world, target, Query.parse(request), request)
        except ApiError as err:
            return error_response(err)

    async def root(request: Request) -> Response:
        try:
            if not _authorized(world, request):
                raise unauthorized()
            path = request.url.path.rstrip("/") or "/"
            if path == "/version":
                return json_response(discovery.version_info())
            if path in ("/healthz", "/livez", "/readyz"):
                return PlainTextResponse("ok")
            if path.startswith("/openapi/"):
                return openapi.serve(world, path)
            raise ApiError(404, "NotFound", "the server could not find the requested resource")
        except ApiError as err:
            return error_response(err)

    methods = ["GET", "POST", "PUT", "PATCH", "DELETE"]
    routes = [
        Route("/api", resources, methods=methods),
        Route("/api/{path:path}", resources, methods=methods),
        Route("/apis", resources, methods=methods),
        Route("/apis/{path:path}", resources, methods=methods),
        Route("/{path:path}", root, methods=methods),
    ]
    return Starlette(routes=routes, lifespan=lifespan)


def _discovery(request: Request, group: str, version: str) -> Response:
    accept = request.headers.get("accept", "")
    path = request.url.path.rstrip("/")
    agg = discovery.wants_aggregated(accept)
    if path == "/api":
        if agg:
            return json_response(discovery.aggregated(True, agg), content_type=agg)
        return json_response(discovery.api_versions())
    if path == "/apis":
        if agg:
            return json_response(discovery.aggregated(False, agg), content_type=agg)
        return json_response(discovery.api_group_list())
    body: dict[str, Any] | None
    if path.startswith("/api/"):
        body = discovery.resource_list("", version)
    elif version:
        body = discovery.resource_list(group, version)
    else:
        body = discovery.api_group(group)
    if body is None:
        raise ApiError(404, "NotFound", "the server could not find the requested resource")
    return json_response(body)
