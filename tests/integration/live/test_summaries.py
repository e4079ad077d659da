"""Minute summaries from the monitor's live state against the sim, kept across a restart of the
monitor and the store (the durable context buffer), with a fast interval in place of the minute."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kubemedic.cluster.client import ClusterTarget
from kubemedic.service.history import Summarizer
from kubemedic.service.monitor import ClusterMonitor
from kubemedic.sim.config import SimConfig
from kubemedic.sim.testing import SimHandle, running_sim
from kubemedic.state import ClusterState
from kubemedic.store import ClusterSummary, Store

pytestmark = [pytest.mark.integration, pytest.mark.anyio]


@pytest.fixture()
def anyio_backend() -> str:
    return "asyncio"


async def _serve_for(sim: SimHandle, url: str, want: int) -> None:
    """Monitor + summarizer (every 0.2 s) until `want` summaries were written, then stop."""
    async with Store.open(url) as store:
        monitor = ClusterMonitor(
            ClusterTarget(kubeconfig=sim.kubeconfig), store, clock=lambda: datetime.now(UTC)
        )

        def states() -> dict[str, ClusterState]:
            return {monitor.cluster: monitor.state} if monitor.state is not None else {}

        summarizer = Summarizer(store, states, clock=lambda: datetime.now(UTC), every_s=0.2)
        stop = asyncio.Event()
        tasks = [asyncio.create_task(monitor.run(stop)), asyncio.create_task(summarizer.run(stop))]
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 15
        while summarizer.written < want:
            assert loop.time() < deadline, "summaries were not written"
            await asyncio.sleep(0.1)
        stop.set()
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=15)


async def _all(url: str) -> list[ClusterSummary]:
    async with Store.open(url) as store:
        return list((await store.history.summaries(limit=1440)).items)


async def test_summaries_describe_the_cluster_and_survive_a_restart(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'kubemedic.db'}"
    with running_sim(SimConfig(scenarios=("node-not-ready", "missing-configmap"), fault_delay=0.2)) as sim:
        await _serve_for(sim, url, want=3)
        before = await _all(url)
        await _serve_for(sim, url, want=2)
        after = await _all(url)
    assert len(before) >= 3 and after[: len(before)] == before, "a restart keeps the earlier summaries"
    assert len(after) >= len(before) + 2
    last = after[-1]
    assert last.cluster == "kubemedic-sim" and last.nodes_total == 3
    assert last.nodes_ready == 2, "kubemedic-worker2 is NotReady"
    assert last.pods_total == sum(last.pods_by_phase.values()) > 0
    assert sum(last.findings_by_severity.values()) >= 1 and last.top_findings
    assert [s.at for s in after] == sorted(s.at for s in after)
