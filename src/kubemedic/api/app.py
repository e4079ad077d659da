"""The HTTP API: thin routes over the store and the change stream.

(No `from __future__ import annotations` here: FastAPI reads the route annotations at runtime, and they
name the local auth dependency.)
"""

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from typing import Annotated, Any

import orjson
from fastapi import Depends, FastAPI, HTTPException, Query, Request, Response, WebSocket, WebSocketDisconnect
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, StreamingResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from kubemedic import __version__
from kubemedic.api import problems
from kubemedic.api.assistant_routes import assistant_router
from kubemedic.api.auth import Authenticator, Caller, requires
from kubemedic.api.cluster_routes import LogReader, States, cluster_router
from kubemedic.api.guard import RequestGuard
from kubemedic.api.limits import Limiter
from kubemedic.api.metrics_routes import metrics_router
from kubemedic.api.read_cache import ReadCache, cached_json
from kubemedic.domain import InputError, Severity
from kubemedic.report.schema import finding_dict
from kubemedic.service.assistant import AssistantService
from kubemedic.service.broadcast import Broadcaster
from kubemedic.service.metrics_series import MetricsSeries
from kubemedic.service.telemetry import Metrics
from kubemedic.store import Store, StoredFinding


def _stored(s: StoredFinding) -> dict[str, Any]:
    return {
        **finding_dict(s.finding),
        "status": s.status,
        "first_seen": s.first_seen.isoformat(),
        "last_seen": s.last_seen.isoformat(),
        "resolved_at": s.resolved_at.isoformat() if s.resolved_at else None,
        "occurrences": s.occurrences,
    }


_JSON: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/json": {"schema": {"type": "object"}}}}
}


async def _incidents(store: Store, cluster: str | None, status: str | None) -> dict[str, Any]:
    rows = await store.incidents(cluster=cluster, status=status)
    return {
        "items": [
            {
                "id": i.id,
                "cluster": i.cluster,
                "title": i.title,
                "severity": i.severity,
                "root_cause": i.root_cause,
                "status": i.status,
                **i.body,
                "first_seen": i.first_seen.isoformat(),
                "last_seen": i.last_seen.isoformat(),
            }
            for i in rows
        ]
    }


def create_app(
    store: Store,
    hub: Broadcaster,
    *,
    dev: bool = False,
    metrics: Metrics | None = None,
    states: States | None = None,
    logs: LogReader | None = None,
    limiter: Limiter | None = None,
    max_body_bytes: int = 1_000_000,
    cors_origins: tuple[str, ...] = (),
    authn: Authenticator | None = None,
    readiness: Callable[[], Awaitable[dict[str, Any]]] | None = None,
    read_cache: ReadCache | None = None,
    assistant: AssistantService | None = None,
    series: MetricsSeries | None = None,
) -> FastAPI:
    app = FastAPI(
        title="kubemedic",
        version=__version__,
        responses=problems.documented(*problems.COMMON_ERRORS),
    )
    problems.install(app)
    if cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["*"],
        )
    authn = authn or Authenticator(store, dev=dev)
    viewer = Depends(requires("viewer", authn))

    app.add_middleware(RequestGuard, max_body_bytes=max_body_bytes, limiter=limiter, metrics=metrics)

    @app.get("/metrics", include_in_schema=False)
    async def prometheus() -> Response:
        if metrics is None:
            raise HTTPException(404, "metrics are not enabled")
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz")
    async def readyz() -> JSONResponse:
        """Ready to serve: the database answers (and Redis, when configured); each cluster's watch state."""
        body: dict[str, Any] = {"status": "ok", "database": "ok"}
        try:
            await store.ping()
        except Exception as exc:  # boundary: readiness reports, never raises
            body.update(status="unavailable", database=f"unavailable: {exc}")
        if readiness is not None:
            body.update(await readiness())
        if body.get("redis", "ok") != "ok":
            body["status"] = "unavailable"
        return JSONResponse(body, status_code=200 if body["status"] == "ok" else 503)

    async def cached(request: Request, render: Callable[[], Awaitable[Any]]) -> Response:
        return await cached_json(read_cache, request, render)

    @app.get("/api/v1/findings", response_model=None, responses=_JSON)
    async def findings(
        request: Request,
        _caller: Annotated[Caller, viewer],
        cluster: str | None = None,
        namespace: str | None = None,
        kind: str | None = None,
        severity: Annotated[str | None, Query(description="at least this severity")] = None,
        category: str | None = None,
        status: Annotated[str | None, Query(pattern="^(open|resolved)$")] = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 50,
        cursor: str | None = None,
    ) -> Response:
        try:
            sev = Severity.parse(severity) if severity else None
        except ValueError as exc:
            raise InputError(str(exc)) from None

        async def render() -> dict[str, Any]:
            page = await store.findings(
                cluster=cluster,
                namespace=namespace,
                kind=kind,
                severity_at_least=sev,
                category=category,
                status=status,
                limit=limit,
                cursor=cursor,
            )
            return {"items": [_stored(s) for s in page.items], "next_cursor": page.next_cursor}

        return await cached(request, render)

    @app.get("/api/v1/findings/{finding_id}", response_model=None, responses=_JSON)
    async def finding(request: Request, finding_id: str, _caller: Annotated[Caller, viewer]) -> Response:
        async def render() -> dict[str, Any]:
            found = await store.finding_by_id(finding_id)
            if found is None:
                raise HTTPException(404, f"no finding with id {finding_id!r}")
            return _stored(found)

        return await cached(request, render)

    @app.get("/api/v1/incidents", response_model=None, responses=_JSON)
    async def incidents(
        request: Request,
        _caller: Annotated[Caller, viewer],
        cluster: str | None = None,
        status: str | None = None,
    ) -> Response:
        return await cached(request, lambda: _incidents(store, cluster, status))

    @app.get("/api/v1/stream")
    async def stream(request: Request, _caller: Annotated[Caller, viewer]) -> StreamingResponse:
        """Server-sent events: finding-opened, finding-resolved, ... Resume with Last-Event-ID."""
        last = request.headers.get("last-event-id")
        after = int(last) if last and last.isdigit() else None

        async def events() -> AsyncIterator[bytes]:
            yield b": connected\n\n"
            async for message in hub.subscribe(after):
                if await request.is_disconnected():
                    break
                data = orjson.dumps(message.data)
                yield b"id: %d\nevent: %s\ndata: %s\n\n" % (message.id, message.type.encode(), data)

        return StreamingResponse(
            events(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"}
        )

    @app.websocket("/api/v1/ws")
    async def websocket(ws: WebSocket) -> None:
        """The stream's messages as JSON frames; authenticate with ?token= or the Authorization header."""
        credential = (
            ws.query_params.get("token")
            or ws.headers.get("authorization", "").removeprefix("Bearer ").strip()
        )
        try:
            if credential:
                await authn.identify(credential)
            elif not authn.dev:
                raise HTTPException(401, "credentials required")
        except HTTPException as exc:
            await ws.close(code=4401 if exc.status_code == 401 else 4403, reason=str(exc.detail))
            return
        await ws.accept()
        last = ws.query_params.get("last_event_id")
        try:
            async for message in hub.subscribe(int(last) if last and last.isdigit() else None):
                await ws.send_text(
                    orjson.dumps({"id": message.id, "type": message.type, "data": message.data}).decode()
                )
        except WebSocketDisconnect:
            return

    viewers = requires("viewer", authn)
    app.include_router(cluster_router(states or dict, store, viewers, logs, read_cache=read_cache))
    app.include_router(assistant_router(states or dict, store, requires("viewer", authn), logs, assistant))
    series = series or MetricsSeries(store, clock=lambda: datetime.now(UTC))
    app.include_router(metrics_router(series, viewers))
    return app
