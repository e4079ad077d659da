"""The API process's mirror: objects fed change by change, a state made shortly after."""

from __future__ import annotations

import asyncio
import copy
from datetime import UTC, datetime
from typing import Any

import pytest

from kubemedic.service.mirror import ClusterMirror
from kubemedic.state import ClusterState
from kubemedic.state.cluster_state import make_view

pytestmark = pytest.mark.anyio
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def pod(
    name: str, ns: str = "shop", ready: bool = True, labels: dict[str, str] | None = None
) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": ns, "uid": f"uid-{ns}-{name}", "labels": labels or {}},
        "spec": {"containers": [{"name": "app", "image": "app:1"}], "nodeName": "node-1"},
        "status": {
            "phase": "Running",
            "conditions": [{"type": "Ready", "status": "True" if ready else "False"}],
            "containerStatuses": [
                {"name": "app", "ready": ready, "restartCount": 0, "state": {"running": {}}}
            ],
        },
    }


def summary(state: ClusterState) -> list[tuple[str, str, bool]]:
    return sorted((p.namespace, p.name, p.is_ready) for p in state.pods())


async def test_first_state_only_once_the_listing_is_complete() -> None:
    mirror = ClusterMirror(clock=lambda: NOW)
    mirror.apply("Pod", "ADDED", pod("a"))
    await mirror.build()
    assert mirror.state is None, "half a listing is not a state"
    mirror.synced("sim")
    await mirror.build()
    assert mirror.state is not None and summary(mirror.state) == [("shop", "a", True)]
    assert mirror.state.cluster == "sim"


async def test_changes_after_the_first_state_match_a_state_made_from_scratch() -> None:
    mirror = ClusterMirror(clock=lambda: NOW)
    objects = {n: pod(n, labels={"app": "web"}) for n in ("a", "b", "c")}
    for raw in objects.values():
        mirror.apply("Pod", "ADDED", raw)
    mirror.synced("sim")
    await mirror.build()
    first = mirror.state
    flipped = copy.deepcopy(objects["b"])
    flipped["status"]["conditions"][0]["status"] = "False"
    flipped["status"]["containerStatuses"][0]["ready"] = False
    mirror.apply("Pod", "MODIFIED", flipped)
    mirror.apply("Pod", "DELETED", objects["c"])
    mirror.apply("Pod", "ADDED", pod("d", ns="other"))
    await mirror.build()
    assert mirror.state is not first and first is not None
    assert summary(first) == [("shop", "a", True), ("shop", "b", True), ("shop", "c", True)], (
        "old state untouched"
    )
    fresh = ClusterState(
        [make_view(r, "Pod", "sim") for r in (objects["a"], flipped, pod("d", ns="other"))],
        now=NOW,
        cluster="sim",
    )
    assert (
        summary(mirror.state)
        == summary(fresh)
        == [("other", "d", True), ("shop", "a", True), ("shop", "b", False)]
    )
    assert sorted(p.name for p in mirror.state.pods(namespace="shop")) == ["a", "b"]


async def test_reset_forgets_everything_until_the_next_listing() -> None:
    mirror = ClusterMirror(clock=lambda: NOW)
    mirror.apply("Pod", "ADDED", pod("a"))
    mirror.synced("sim")
    await mirror.build()
    assert not mirror.empty
    mirror.reset()
    assert mirror.empty and mirror.state is None
    mirror.apply("Pod", "ADDED", pod("b"))
    await mirror.build()
    assert mirror.state is None, "not synced again yet"
    mirror.synced("sim")
    await mirror.build()
    assert mirror.state is not None and summary(mirror.state) == [("shop", "b", True)], "nothing of before"


async def test_run_builds_shortly_after_a_burst_of_changes() -> None:
    mirror = ClusterMirror(clock=lambda: NOW, debounce_s=0.05)
    stop = asyncio.Event()
    task = asyncio.create_task(mirror.run(stop))
    mirror.apply("Pod", "ADDED", pod("a"))
    mirror.synced("sim")
    for name in ("b", "c"):
        await asyncio.sleep(0.01)
        mirror.apply("Pod", "ADDED", pod(name))
    for _ in range(100):
        await asyncio.sleep(0.02)
        if mirror.state is not None and len(summary(mirror.state)) == 3:
            break
    stop.set()
    await asyncio.wait_for(task, 2)
    assert mirror.state is not None and [p[1] for p in summary(mirror.state)] == ["a", "b", "c"]
    assert mirror.builds <= 2, f"a burst is folded into few builds, made {mirror.builds}"


async def test_prepare_runs_on_each_state_before_readers_see_it() -> None:
    prepared: list[ClusterState] = []
    mirror = ClusterMirror(clock=lambda: NOW, prepare=prepared.append)
    mirror.apply("Pod", "ADDED", pod("a"))
    mirror.synced("sim")
    await mirror.build()
    mirror.apply("Pod", "ADDED", pod("b"))
    await mirror.build()
    assert len(prepared) == 2 and prepared[-1] is mirror.state
