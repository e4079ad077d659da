"""serve's housekeeping on both backends: a summary per cluster per minute (injected clock) that
survives a restart, and a retention round that deletes exactly what is older than the retention."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from kubemedic.domain import Finding, ObjectRef, Severity
from kubemedic.service.history import Retention, Summarizer
from kubemedic.state import ClusterState
from kubemedic.store import TimelineEntry
from tests.factory import cstatus, node, pod, state, terminated, waiting
from tests.integration.store.conftest import open_store

pytestmark = [pytest.mark.integration, pytest.mark.anyio]
T0 = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


def cluster(restarts: int) -> ClusterState:
    crashing = pod(
        "api-1",
        "shop",
        statuses=[
            cstatus(
                ready=False,
                restarts=restarts,
                state=waiting("CrashLoopBackOff"),
                last_state=terminated(),
            )
        ],
    )
    return state(node("n1"), pod("web-1"), crashing)


def crash_finding() -> Finding:
    return Finding(
        object=ObjectRef("Pod", "shop", "api-1"),
        severity=Severity.ERROR,
        category="crash-loop",
        title="api-1: crash loop",
        message="m",
        root_cause="r",
    )


async def test_a_summary_every_minute_that_survives_a_restart(store_url: str) -> None:
    clock = Clock()
    views = {"prod": cluster(restarts=1)}
    async with open_store(store_url) as store:
        await store.apply_scan("prod", [crash_finding()], [], T0)
        summarizer = Summarizer(store, lambda: views, clock=clock)
        for minute, restarts in enumerate((1, 3, 4)):
            clock.now = T0 + timedelta(minutes=minute)
            views["prod"] = cluster(restarts)
            await summarizer.tick()
    async with open_store(store_url) as store:  # a new serve process on the same database
        rows = (await store.history.summaries(cluster="prod")).items
    assert [r.at for r in rows] == [T0, T0 + timedelta(minutes=1), T0 + timedelta(minutes=2)]
    assert [r.restarts for r in rows[1:]] == [2, 1]
    first = rows[0]
    assert (first.nodes_ready, first.nodes_total, first.pods_total, first.pods_ready) == (1, 1, 2, 1)
    assert first.findings_by_severity == {"error": 1} and first.top_findings == ("api-1: crash loop",)


async def test_the_loops_run_on_their_interval_and_stop(store_url: str) -> None:
    views = {"prod": cluster(restarts=0)}
    async with open_store(store_url) as store:
        summarizer = Summarizer(
            store,
            lambda: views,
            clock=lambda: datetime.now(UTC),
            every_s=0.05,
        )
        retention = Retention(store, clock=lambda: datetime.now(UTC), every_s=0.05)
        stop = asyncio.Event()
        tasks = [asyncio.create_task(summarizer.run(stop)), asyncio.create_task(retention.run(stop))]
        await asyncio.sleep(0.4)
        stop.set()
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=5)
        written = len((await store.history.summaries(limit=100)).items)
    assert written >= 3 and written == summarizer.written


async def test_retention_round_keeps_the_last_24_hours(store_url: str) -> None:
    clock = Clock()
    clock.now = T0 + timedelta(hours=30)
    async with open_store(store_url) as store:
        summarizer = Summarizer(store, lambda: {"prod": cluster(0)}, clock=clock)
        await store.add_timeline(
            [
                TimelineEntry("prod", "Pod", "shop", "api-1", T0 + timedelta(hours=h), "event", f"h{h}")
                for h in (1, 5, 7, 29)
            ]
        )
        for h in (5, 7, 29):
            clock.now = T0 + timedelta(hours=h)
            await summarizer.tick()
        clock.now = T0 + timedelta(hours=30)
        result = await Retention(store, clock=clock, keep=timedelta(hours=24)).tick()
        assert (result.timeline, result.summaries) == (2, 1)
        left = await store.timeline("prod", "Pod", "shop", "api-1")
        assert [e.text for e in left] == ["h7", "h29"]
        assert [s.at.hour for s in (await store.history.summaries()).items] == [19, 17]


async def test_the_first_summary_comes_as_soon_as_a_cluster_was_analyzed(store_url: str) -> None:
    """Not a full interval after start: a restarted serve has a summary right after its first analysis."""
    views: dict[str, ClusterState] = {}
    async with open_store(store_url) as store:
        summarizer = Summarizer(store, lambda: views, clock=lambda: datetime.now(UTC), every_s=3600)
        stop = asyncio.Event()
        task = asyncio.create_task(summarizer.run(stop))
        await asyncio.sleep(0.3)
        assert summarizer.written == 0, "nothing analyzed yet, nothing to summarize"
        views["prod"] = cluster(restarts=1)
        for _ in range(40):
            if summarizer.written:
                break
            await asyncio.sleep(0.1)
        stop.set()
        await asyncio.wait_for(task, timeout=5)
    assert summarizer.written == 1
