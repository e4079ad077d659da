"""The timeline through the real watch: the sim crash-loops a deployment's pods, then a rollout replaces
them; the store's history shows pods created and deleted, phase changes, events on their pod, restarts
with the exit code, and the rollout's image change - and nothing that existed before the monitor
started is claimed as created."""

from __future__ import annotations

import asyncio
import re
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kubemedic.cluster.client import ClusterTarget
from kubemedic.service.monitor import ClusterMonitor
from kubemedic.service.timeline import TimelineRecorder
from kubemedic.sim.config import SimConfig
from kubemedic.sim.testing import running_sim
from kubemedic.store import Store, TimelineEntry

pytestmark = [pytest.mark.integration, pytest.mark.anyio]


@pytest.fixture()
def anyio_backend() -> str:
    return "asyncio"


async def _entries(store: Store) -> list[TimelineEntry]:
    return await store.recent_timeline(limit=5000)


async def _until_entries(store: Store, check: object, timeout: float = 15.0) -> list[TimelineEntry]:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        entries = await _entries(store)
        if check(entries):  # type: ignore[operator]
            return entries
        assert loop.time() < deadline, f"not reached in time; have: {[(e.name, e.text) for e in entries]}"
        await asyncio.sleep(0.2)


def _pods(entries: list[TimelineEntry], type_: str) -> list[TimelineEntry]:
    return [e for e in entries if e.kind == "Pod" and e.namespace == "payments" and e.type == type_]


async def test_restarts_events_rollout_and_delete_reach_the_timeline(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'kubemedic.db'}"
    with running_sim(SimConfig(scenarios=("crashloop-config",), fault_delay=0.3)) as sim:
        async with Store.open(url) as store:
            recorder = TimelineRecorder(store, clock=lambda: datetime.now(UTC), flush_every_s=0.2)
            monitor = ClusterMonitor(
                ClusterTarget(kubeconfig=sim.kubeconfig),
                store,
                clock=lambda: datetime.now(UTC),
                on_change=recorder.observe,
            )
            stop = asyncio.Event()
            tasks = [asyncio.create_task(monitor.run(stop)), asyncio.create_task(recorder.run(stop))]
            try:
                loop = asyncio.get_running_loop()
                deadline = loop.time() + 15
                while (
                    monitor.state is None
                    or monitor.state.get("Deployment", "payments", "payments-api") is None
                ):
                    assert loop.time() < deadline, "the scenario's Deployment was never seen"
                    await asyncio.sleep(0.1)
                subprocess.run(
                    [
                        "kubectl",
                        "--kubeconfig",
                        str(sim.kubeconfig),
                        "-n",
                        "payments",
                        "set",
                        "image",
                        "deployment/payments-api",
                        "payments-api=ghcr.io/kubemedic/payments-api:3.2.2",
                    ],
                    check=True,
                    capture_output=True,
                    timeout=30,
                )
                entries = await _until_entries(
                    store,
                    lambda es: (
                        any(e.kind == "Deployment" and e.type == "rollout" for e in es)
                        and _pods(es, "deleted")
                        and _pods(es, "restart")
                        and _pods(es, "created")
                    ),
                )
            finally:
                stop.set()
                await asyncio.wait_for(asyncio.gather(*tasks), timeout=15)
    rollout = next(e for e in entries if e.kind == "Deployment" and e.type == "rollout")
    assert rollout.name == "payments-api"
    assert (
        "payments-api image ghcr.io/kubemedic/payments-api:3.2.1 -> ghcr.io/kubemedic/payments-api:3.2.2"
        in (rollout.text)
    )
    restart = _pods(entries, "restart")[0]
    assert re.fullmatch(
        r"container payments-api restarted \(restart #\d+\): last exit Error \(code 1\)", restart.text
    )
    assert restart.data["exit_code"] == 1 and restart.data["reason"] == "Error"
    events = _pods(entries, "event")
    assert any(e.name == restart.name and "BackOff" in e.text for e in events), "events land on their pod"
    assert any(e.text == "phase Pending -> Running" for e in _pods(entries, "status"))
    assert {e.text for e in _pods(entries, "deleted")} == {"Pod deleted"}, "the rollout replaced the pods"
    assert not [e for e in entries if e.kind == "Node" and e.type == "created"], (
        "objects that existed before the monitor started are not 'created'"
    )
    assert recorder.stats.flushes < recorder.stats.changes, "writes are batched"
    cache = monitor.logs_cache
    assert cache is not None and cache.stats.hits > 0, "crash-looping pods' logs come from the cache"
