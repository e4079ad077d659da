"""The monitor against the sim: a planted fault is recorded within seconds; removing it resolves it;
a restarted monitor on the same database keeps the history and creates no duplicates."""

from __future__ import annotations

import asyncio
import contextlib
import subprocess
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kubemedic.cluster.client import ClusterTarget
from kubemedic.service.monitor import ClusterMonitor, MonitorScan
from kubemedic.sim.config import SimConfig
from kubemedic.sim.testing import SimHandle, running_sim
from kubemedic.store import Store

pytestmark = [pytest.mark.integration, pytest.mark.anyio]


@pytest.fixture()
def anyio_backend() -> str:
    return "asyncio"


async def _until(check: Callable[[], object], timeout: float = 20.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        assert loop.time() < deadline, "condition not reached in time"
        await asyncio.sleep(0.2)


@contextlib.asynccontextmanager
async def monitoring(
    sim: SimHandle, store: Store, on_scan: Callable[[MonitorScan], None]
) -> AsyncIterator[ClusterMonitor]:
    monitor = ClusterMonitor(
        ClusterTarget(kubeconfig=sim.kubeconfig), store, clock=lambda: datetime.now(UTC), on_scan=on_scan
    )
    stop = asyncio.Event()
    task = asyncio.create_task(monitor.run(stop))
    try:
        yield monitor
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=15)


async def _open_finding(store: Store, category: str, name: str) -> bool:
    page = await store.findings(category=category, status="open", limit=100)
    return any(s.finding.object.name == name for s in page.items)


async def test_fault_recorded_then_resolved_and_history_survives_a_restart(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'kubemedic.db'}"
    with running_sim(SimConfig(scenarios=("missing-configmap",), fault_delay=1.0)) as sim:
        scans: list[MonitorScan] = []
        async with Store.open(url) as store, monitoring(sim, store, scans.append):
            await _until(lambda: _open_finding(store, "config-reference", "notifier"))
            first = len(scans)
            subprocess.run(
                [
                    "kubectl",
                    "--kubeconfig",
                    str(sim.kubeconfig),
                    "delete",
                    "deployment",
                    "notifier",
                    "-n",
                    "comms",
                ],
                check=True,
                capture_output=True,
                timeout=30,
            )
            await _until(lambda: _resolved(store, "notifier"))
            assert len(scans) > first, "the delete was seen through the watch, not a poll"
        async with Store.open(url) as store:
            before = (await store.findings(limit=1000)).items
        async with Store.open(url) as store, monitoring(sim, store, lambda scan: None) as monitor:
            await _until(lambda: monitor.scans >= 1)
            after = (await store.findings(limit=1000)).items
    ids_before = sorted(s.finding.id for s in before)
    assert sorted(s.finding.id for s in after) == ids_before or set(ids_before) <= {
        s.finding.id for s in after
    }
    assert len({s.finding.id for s in after}) == len(after), "no duplicate rows"
    notifier = [s for s in after if s.finding.object.name == "notifier"]
    assert notifier and all(s.status == "resolved" for s in notifier), "history kept after the restart"


async def _resolved(store: Store, name: str) -> bool:
    page = await store.findings(limit=1000)
    rows = [s for s in page.items if s.finding.object.name == name]
    return bool(rows) and all(s.status == "resolved" for s in rows)


async def test_analyses_and_their_writes_are_marked_as_foreground_work(tmp_path: Path) -> None:
    """A metrics reading waits for a pause between analyses: the monitor must mark them, up to and
    including the write that stream clients wait for, and unmark them when they are done."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'kubemedic.db'}"
    busy_at_scan: list[bool] = []
    with running_sim(SimConfig(scenarios=("missing-configmap",))) as sim:
        async with (
            Store.open(url) as store,
            monitoring(sim, store, lambda scan: busy_at_scan.append(monitor.foreground.busy)) as monitor,
        ):
            await _until(lambda: monitor.scans >= 1)
            await _until(lambda: not monitor.foreground.busy, timeout=5)
    assert busy_at_scan and all(busy_at_scan)
    assert not monitor.foreground.busy


async def test_clients_are_told_of_an_analysis_before_the_garbage_collector_runs(tmp_path: Path) -> None:
    """A scheduled collection may walk the whole heap (hundreds of ms): it comes after on_scan."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'kubemedic.db'}"
    order: list[str] = []
    with running_sim(SimConfig(scenarios=("missing-configmap",))) as sim:
        async with (
            Store.open(url) as store,
            monitoring(sim, store, lambda scan: order.append("told")) as monitor,
        ):
            monitor._gc.after_new_state = lambda: order.append("collected")  # type: ignore[method-assign]
            await _until(lambda: monitor.scans >= 1 and len(order) >= 2)
    assert order[:2] == ["told", "collected"]
