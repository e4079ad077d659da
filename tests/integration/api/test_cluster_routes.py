"""Live views (status, pods, events, timeline) and the seed-style aliases, over a factory-built state."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from kubemedic.api import create_app
from kubemedic.service.broadcast import Broadcaster
from kubemedic.service.scan import scan_state
from kubemedic.state import ClusterState
from kubemedic.store import Store
from tests.factory import cstatus, deployment_with_pods, event, node, pod, state, waiting

pytestmark = [pytest.mark.integration, pytest.mark.anyio]
T0 = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


@pytest.fixture()
def anyio_backend() -> str:
    return "asyncio"


def _state() -> ClusterState:
    crash = pod(
        "api-1",
        "shop",
        labels={"app": "api"},
        ready=False,
        statuses=[cstatus(ready=False, restarts=3, state=waiting("CrashLoopBackOff"))],
    )
    s = state(
        deployment_with_pods("web", "shop"),
        crash,
        node("node-1"),
        node("node-2", ready=False),
        event(crash, "BackOff", "Back-off restarting failed container", count=9),
    )
    return ClusterState(
        s.objects("Pod")
        + list(s.objects("Deployment"))
        + list(s.objects("ReplicaSet"))
        + list(s.objects("Node"))
        + list(s.objects("Event")),
        now=s.now,
        cluster="prod",
    )


@pytest.fixture()
async def client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    live = _state()
    async with Store.open(f"sqlite+aiosqlite:///{tmp_path / 'k.db'}") as store:
        report = scan_state(live)
        await store.apply_scan("prod", report.findings, report.incidents, T0)
        app = create_app(store, Broadcaster(), dev=True, states=lambda: {"prod": live})
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://k") as c:
            yield c


async def test_cluster_status_counts(client: httpx.AsyncClient) -> None:
    status = (await client.get("/api/v1/clusters/prod/status")).json()
    assert status["nodes"] == {"total": 2, "ready": 1}
    assert status["pods"]["total"] == 3 and status["pods"]["ready"] == 2
    assert (await client.get("/api/cluster/status")).json() == status
    assert (await client.get("/api/v1/clusters/nope/status")).status_code == 404


async def test_pods_with_filters_and_detail(client: httpx.AsyncClient) -> None:
    web = (await client.get("/api/v1/pods", params={"labelSelector": "app=web"})).json()["items"]
    assert len(web) == 2 and all(p["status"] == "Running" for p in web)
    api = (
        await client.get("/api/v1/pods", params={"labelSelector": "app!=web", "namespace": "shop"})
    ).json()["items"]
    assert [(p["name"], p["status"], p["restarts"]) for p in api] == [("api-1", "CrashLoopBackOff", 3)]
    detail = (await client.get("/api/v1/pods/shop/api-1")).json()
    assert detail["events"][0]["reason"] == "BackOff" and detail["containers"][0]["restarts"] == 3
    assert (await client.get("/api/v1/pods/shop/ghost")).status_code == 404
    bad = await client.get("/api/v1/pods", params={"labelSelector": "app in (a b"})
    assert bad.status_code == 400 and "label selector" in bad.json()["detail"]
    assert len((await client.get("/api/cluster/pods/shop")).json()["items"]) == 3


async def test_events_history_and_health_aliases(client: httpx.AsyncClient) -> None:
    warnings = (await client.get("/api/v1/events", params={"type": "Warning"})).json()["items"]
    assert [e["reason"] for e in warnings] == ["BackOff"]
    assert (await client.get("/api/cluster/events")).status_code == 200
    history = (await client.get("/api/cluster/history")).json()["items"]
    assert history and all(h["type"] == "finding-opened" for h in history)
    timeline = (await client.get("/api/v1/timeline/Pod/shop/api-1")).json()["items"]
    assert timeline and timeline[0]["type"] == "finding-opened"
    assert (await client.get("/api/health")).json() == {"status": "ok"}


async def test_pod_logs_pick_the_container_and_explain_errors(tmp_path: Path) -> None:
    live = _state()
    calls: list[tuple[str, str, str, bool, int]] = []

    async def reader(namespace: str, pod_name: str, container: str, previous: bool, tail: int) -> str:
        calls.append((namespace, pod_name, container, previous, tail))
        if pod_name == "web-gone":
            from kubemedic.domain import ClusterConnectionError

            raise ClusterConnectionError("404 not found", reason="api-error")
        return "line 1\nline 2\n"

    async with Store.open(f"sqlite+aiosqlite:///{tmp_path / 'k.db'}") as store:
        app = create_app(store, Broadcaster(), dev=True, states=lambda: {"prod": live}, logs=reader)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://k") as c:
            ok = await c.get("/api/v1/pods/shop/api-1/logs", params={"previous": "true", "tail": 50})
            assert ok.status_code == 200 and ok.text == "line 1\nline 2\n"
            assert calls == [("shop", "api-1", "app", True, 50)]
            alias = await c.get("/api/cluster/pods/shop/api-1/logs")
            assert alias.status_code == 200
            wrong = await c.get("/api/v1/pods/shop/api-1/logs", params={"container": "nope"})
            assert wrong.status_code == 400 and "app" in wrong.json()["detail"]
            assert (await c.get("/api/v1/pods/shop/ghost/logs")).status_code == 404
