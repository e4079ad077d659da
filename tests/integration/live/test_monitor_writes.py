"""The monitor's store writes against the sim: a slow write does not hold back the next analysis,
writes land (and clients are told) in the order of the analyses, and a failed write ends the run
without the writes queued behind it being applied out of order."""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from kubemedic.cluster.client import ClusterTarget
from kubemedic.service.monitor import MAX_WRITES_PENDING, ClusterMonitor, MonitorScan
from kubemedic.sim.config import SimConfig
from kubemedic.sim.testing import SimHandle, running_sim
from kubemedic.store import ApplyResult, Store

pytestmark = [pytest.mark.integration, pytest.mark.anyio]


@pytest.fixture()
def anyio_backend() -> str:
    return "asyncio"


class HeldWrites:
    """Holds the store's first write until `release` (and then fails it if told to); records the writes."""

    def __init__(self, store: Store) -> None:
        self.release = asyncio.Event()
        self.fail_first = False
        self.started: list[datetime] = []  # `now` of each write begun, in order
        self.applied: list[datetime] = []  # ... and of each write done
        self._apply = store.apply_scan
        store.apply_scan = self._held  # type: ignore[method-assign]

    async def _held(
        self, cluster: str, findings: Any, incidents: Any, now: datetime, **kw: Any
    ) -> ApplyResult:
        first = not self.started
        self.started.append(now)
        if first:
            await self.release.wait()
            if self.fail_first:
                raise RuntimeError("database is locked")
        result = await self._apply(cluster, findings, incidents, now, **kw)
        self.applied.append(now)
        return result


def _analyses(monitor: ClusterMonitor) -> int:
    return monitor.analysis.full_runs + monitor.analysis.scoped_runs


async def _until(check: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not check():
        assert asyncio.get_running_loop().time() < deadline, "condition not reached in time"
        await asyncio.sleep(0.05)


def _touch(sim: SimHandle, n: int) -> None:
    """A change the watch sees: an annotation on a namespace."""
    subprocess.run(
        [
            "kubectl",
            "--kubeconfig",
            str(sim.kubeconfig),
            "annotate",
            "namespace",
            "default",
            f"touch=n{n}",
            "--overwrite",
        ],
        check=True,
        capture_output=True,
        timeout=30,
    )


async def _held_run(
    sim: SimHandle, real: Store, held: HeldWrites, scans: list[MonitorScan]
) -> tuple[ClusterMonitor, asyncio.Event, asyncio.Task[None]]:
    monitor = ClusterMonitor(
        ClusterTarget(kubeconfig=sim.kubeconfig), real, clock=lambda: datetime.now(UTC), on_scan=scans.append
    )
    stop = asyncio.Event()
    task = asyncio.create_task(monitor.run(stop))
    await _until(lambda: len(held.started) == 1)  # the first analysis is being written, and held
    for n in range(MAX_WRITES_PENDING + 1):  # more changes than writes may wait
        _touch(sim, n)
        await asyncio.sleep(0.3)
    return monitor, stop, task


async def test_a_slow_write_does_not_hold_back_the_next_analyses(tmp_path: Path) -> None:
    with running_sim(SimConfig()) as sim:
        async with Store.open(f"sqlite+aiosqlite:///{tmp_path / 'k.db'}") as real:
            store, scans = HeldWrites(real), list[MonitorScan]()
            monitor, stop, task = await _held_run(sim, real, store, scans)
            # the first write held, the second waiting for it, and a third analysis made meanwhile
            await _until(lambda: _analyses(monitor) > MAX_WRITES_PENDING)
            assert not scans, "nobody is told of an analysis before it is stored"
            assert len(store.started) == 1, "the next write waits for the held one"
            held_at = _analyses(monitor)
            await asyncio.sleep(0.5)
            assert held_at == _analyses(monitor) == MAX_WRITES_PENDING + 1, (
                "then analysis waits for the store"
            )
            store.release.set()
            _touch(sim, 99)
            await _until(lambda: len(scans) > MAX_WRITES_PENDING and _analyses(monitor) > held_at)
            stop.set()
            await asyncio.wait_for(task, timeout=15)
    assert store.applied == sorted(store.applied) and store.applied[0] == store.started[0], (
        "in analysis order"
    )
    assert len(scans) == len(store.applied), "each stored analysis reported once"


async def test_a_failed_write_ends_the_run_and_the_writes_behind_it_are_not_applied(tmp_path: Path) -> None:
    with running_sim(SimConfig()) as sim:
        async with Store.open(f"sqlite+aiosqlite:///{tmp_path / 'k.db'}") as real:
            store, scans = HeldWrites(real), list[MonitorScan]()
            monitor, _stop, task = await _held_run(sim, real, store, scans)
            await _until(lambda: _analyses(monitor) >= MAX_WRITES_PENDING)
            store.fail_first = True
            store.release.set()
            with pytest.raises(RuntimeError, match="database is locked"):
                await asyncio.wait_for(task, timeout=15)
    assert store.applied == [] and scans == [], "nothing after the failed write was applied or told"
