"""Live views of the watched clusters, and the paths seed-style clients use (as thin aliases)."""

from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from fastapi.responses import PlainTextResponse

from kubemedic.api.auth import Caller
from kubemedic.api.history_routes import history_router
from kubemedic.api.read_cache import ReadCache, cached_json
from kubemedic.api.views import cluster_status, event_summary, parse_label_selector, pod_detail, pod_summary
from kubemedic.domain import ClusterConnectionError
from kubemedic.state import ClusterState, Pod
from kubemedic.store import Store

States = Callable[[], Mapping[str, ClusterState]]
_OBJECT = {"schema": {"type": "object"}}
JSON_OBJECT: dict[int | str, dict[str, Any]] = {200: {"content": {"application/json": _OBJECT}}}
NO_LIVE_VIEW = (
    "this replica has no live view of a cluster: it is still reading it, or it is a standby and another "
    "replica watches (see /readyz); findings, incidents and history are served by every replica"
)
# (namespace, pod, container, previous, tail) -> log text
LogReader = Callable[[str, str, str, bool, int], Awaitable[str]]


def pick_state(states: States, cluster: str | None) -> ClusterState:
    """The live state of `cluster`, or of the only cluster watched; 4xx/503 naming what is there."""
    current = states()
    if cluster is None:
        if len(current) == 1:
            return next(iter(current.values()))
        if not current:
            raise HTTPException(503, NO_LIVE_VIEW)
        raise HTTPException(400, f"several clusters are watched; pass cluster, one of: {', '.join(current)}")
    if cluster not in current:
        raise HTTPException(
            404, f"cluster {cluster!r} is not watched (watched: {', '.join(current) or 'none'})"
        )
    return current[cluster]


def cluster_router(
    states: States,
    store: Store,
    viewer: Any,
    logs: LogReader | None = None,
    clock: Callable[[], datetime] | None = None,
    read_cache: ReadCache | None = None,
) -> APIRouter:
    router = APIRouter()
    Viewer = Annotated[Caller, Depends(viewer)]

    def pick(cluster: str | None) -> ClusterState:
        return pick_state(states, cluster)

    def pods(
        state: ClusterState, namespace: str | None, phase: str | None, selector: str | None, node: str | None
    ) -> list[dict[str, Any]]:
        wanted = parse_label_selector(selector) if selector else None
        out = []
        for pod in state.pods(namespace):
            if phase and pod.phase != phase:
                continue
            if node and pod.node_name != node:
                continue
            if wanted is not None and not wanted.matches(pod.labels):
                continue
            out.append(pod_summary(pod))
        return out

    # The live views below change with each analysis, which clears the read cache.
    @router.get("/api/v1/clusters", response_model=None, responses=JSON_OBJECT)
    async def clusters(request: Request, _c: Viewer) -> Response:
        async def render() -> dict[str, Any]:
            return {"items": [cluster_status(s) for s in states().values()]}

        return await cached_json(read_cache, request, render)

    @router.get("/api/v1/clusters/{cluster}/status", response_model=None, responses=JSON_OBJECT)
    async def status(request: Request, cluster: str, _c: Viewer) -> Response:
        async def render() -> dict[str, Any]:
            return cluster_status(pick(cluster))

        return await cached_json(read_cache, request, render)

    @router.get("/api/v1/pods", response_model=None, responses=JSON_OBJECT)
    async def list_pods(
        request: Request,
        _c: Viewer,
        cluster: str | None = None,
        namespace: str | None = None,
        phase: str | None = None,
        label_selector: Annotated[str | None, Query(alias="labelSelector")] = None,
        node: str | None = None,
    ) -> Response:
        async def render() -> dict[str, Any]:
            return {"items": pods(pick(cluster), namespace, phase, label_selector, node)}

        return await cached_json(read_cache, request, render)

    @router.get("/api/v1/pods/{namespace}/{name}")
    async def one_pod(namespace: str, name: str, _c: Viewer, cluster: str | None = None) -> dict[str, Any]:
        state = pick(cluster)
        pod = state.get("Pod", namespace, name)
        if not isinstance(pod, Pod):
            raise HTTPException(404, f"no pod {namespace}/{name}")
        return pod_detail(state, pod)

    async def read_log(
        namespace: str, name: str, cluster: str | None, container: str | None, previous: bool, tail: int
    ) -> PlainTextResponse:
        state = pick(cluster)
        pod = state.get("Pod", namespace, name)
        if not isinstance(pod, Pod):
            raise HTTPException(404, f"no pod {namespace}/{name}")
        names = [c.name for c in pod.containers()]
        chosen = container or (names[0] if len(names) == 1 else None)
        if chosen is None or chosen not in [c.name for c in pod.containers(include_init=True)]:
            raise HTTPException(400, f"pick a container with ?container= (one of: {', '.join(names)})")
        if logs is None:
            raise HTTPException(503, "logs are read from a live cluster; none is connected")
        try:
            text = await logs(namespace, name, chosen, previous, tail)
        except ClusterConnectionError as exc:
            raise HTTPException(404 if "404" in str(exc) else 502, str(exc)) from None
        return PlainTextResponse(text)

    @router.get("/api/v1/pods/{namespace}/{name}/logs", response_class=PlainTextResponse)
    async def pod_logs(
        namespace: str,
        name: str,
        _c: Viewer,
        cluster: str | None = None,
        container: str | None = None,
        previous: bool = False,
        tail: Annotated[int, Query(ge=1, le=10_000)] = 200,
    ) -> PlainTextResponse:
        return await read_log(namespace, name, cluster, container, previous, tail)

    @router.get("/api/cluster/pods/{namespace}/{name}/logs", response_class=PlainTextResponse)
    async def alias_logs(
        namespace: str,
        name: str,
        _c: Viewer,
        cluster: str | None = None,
        container: str | None = None,
        previous: bool = False,
        tail: Annotated[int, Query(ge=1, le=10_000)] = 200,
    ) -> PlainTextResponse:
        return await read_log(namespace, name, cluster, container, previous, tail)

    @router.get("/api/v1/events")
    async def events(
        _c: Viewer,
        cluster: str | None = None,
        namespace: str | None = None,
        type: Annotated[str | None, Query(pattern="^(Normal|Warning)$")] = None,
        reason: str | None = None,
        limit: Annotated[int, Query(ge=1, le=5000)] = 500,
    ) -> dict[str, Any]:
        state = pick(cluster)
        found = [
            e
            for e in state.events()
            if (namespace is None or e.namespace == namespace)
            and (type is None or e.type == type)
            and (reason is None or e.reason == reason)
        ]
        found.sort(key=lambda e: e.last_seen.timestamp() if e.last_seen else 0.0, reverse=True)
        return {"items": [event_summary(e) for e in found[:limit]]}

    # --- the paths seed-style clients use -----------------------------------------------------------
    @router.get("/api/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/api/cluster/status")
    async def alias_status(_c: Viewer, cluster: str | None = None) -> dict[str, Any]:
        return cluster_status(pick(cluster))

    @router.get("/api/cluster/pods")
    async def alias_pods(_c: Viewer, cluster: str | None = None) -> dict[str, Any]:
        return {"items": pods(pick(cluster), None, None, None, None)}

    @router.get("/api/cluster/pods/{namespace}")
    async def alias_ns_pods(namespace: str, _c: Viewer, cluster: str | None = None) -> dict[str, Any]:
        return {"items": pods(pick(cluster), namespace, None, None, None)}

    @router.get("/api/cluster/events")
    async def alias_events(_c: Viewer, cluster: str | None = None) -> dict[str, Any]:
        return await events(_c, cluster)

    # history (timeline, minute summaries, /api/cluster/history) reads the store: see history_routes.py
    router.include_router(history_router(store, viewer, lambda: list(states()), clock))
    return router
