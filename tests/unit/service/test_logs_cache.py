"""The monitor's logs cache: a previous log is read once per restart, a running container's log at most
every refresh interval, failed reads are not retried at once, and the cache is bounded."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from kubemedic.cluster.fetch import wanted_logs
from kubemedic.service.logs_cache import LogsCache
from kubemedic.state import LogKey
from tests.factory import NOW, cstatus, pod, running, state, terminated, waiting

pytestmark = pytest.mark.anyio


@pytest.fixture()
def anyio_backend() -> str:
    return "asyncio"


class Cluster:
    """Counts what is read from the 'cluster'; names in `missing` cannot be read."""

    def __init__(self, missing: frozenset[str] = frozenset()) -> None:
        self.reads: list[LogKey] = []
        self.missing = missing

    async def fetch(self, _client: Any, keys: Sequence[LogKey]) -> dict[LogKey, str]:
        self.reads.extend(keys)
        return {
            k: f"log of {k.pod}/{k.container} prev={k.previous}" for k in keys if k.pod not in self.missing
        }


class Ticks:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def crashing(restarts: int, *, name: str = "api-1", live: bool = False) -> dict[str, Any]:
    return pod(
        name,
        "shop",
        statuses=[
            cstatus(
                ready=False,
                restarts=restarts,
                state=running(5) if live else waiting("CrashLoopBackOff"),
                last_state=terminated("Error", 1),
            )
        ],
    )


async def test_previous_log_is_read_once_per_restart() -> None:
    cluster, ticks = Cluster(), Ticks()
    cache = LogsCache(fetch=cluster.fetch, ticks=ticks)
    for _ in range(5):
        s = state(crashing(3))
        logs = await cache.read(None, s, wanted_logs(s))
        assert logs == {LogKey("shop", "api-1", "app", True): "log of api-1/app prev=True"}
        ticks.now += 60
    assert len(cluster.reads) == 1
    s = state(crashing(4))  # it crashed again: a new previous instance
    await cache.read(None, s, wanted_logs(s))
    assert len(cluster.reads) == 2 and cache.stats.hits == 4


async def test_running_container_log_is_refreshed_at_most_every_interval() -> None:
    cluster, ticks = Cluster(), Ticks()
    cache = LogsCache(fetch=cluster.fetch, ticks=ticks, refresh_s=30)
    s = state(crashing(1, live=True))
    current = LogKey("shop", "api-1", "app")
    await cache.read(None, s, [current])
    ticks.now += 29
    await cache.read(None, s, [current])
    assert cluster.reads == [current]
    ticks.now += 2
    await cache.read(None, s, [current])
    assert cluster.reads == [current, current]


async def test_a_failed_read_waits_for_the_interval_and_unknown_pods_are_skipped() -> None:
    cluster, ticks = Cluster(missing=frozenset({"api-1"})), Ticks()
    cache = LogsCache(fetch=cluster.fetch, ticks=ticks, refresh_s=30)
    s = state(crashing(2))
    key = LogKey("shop", "api-1", "app", True)
    assert await cache.read(None, s, [key, LogKey("shop", "gone", "app", True)]) == {}
    assert await cache.read(None, s, [key]) == {}
    assert cluster.reads == [key], "not retried at once; the unknown pod is never asked for"
    cluster.missing = frozenset()
    ticks.now += 31
    assert await cache.read(None, s, [key]) == {key: "log of api-1/app prev=True"}


async def test_the_cache_is_bounded_least_recently_used_first() -> None:
    cluster = Cluster()
    cache = LogsCache(fetch=cluster.fetch, ticks=Ticks(), max_entries=3)
    pods = [crashing(1, name=f"p-{i}") for i in range(5)]
    s = state(*pods)
    for i in range(5):
        await cache.read(None, s, [LogKey("shop", f"p-{i}", "app", True)])
    assert len(cache) == 3 and cache.stats.evictions == 2
    await cache.read(None, s, [LogKey("shop", "p-0", "app", True)])
    assert len(cluster.reads) == 6, "p-0 was evicted, so it is read again"


def test_the_monitor_uses_the_cache_it_is_given_even_when_empty() -> None:
    from kubemedic.cluster.client import ClusterTarget
    from kubemedic.service.monitor import ClusterMonitor

    cache = LogsCache()
    store: Any = None  # never touched by the constructor
    monitor = ClusterMonitor(ClusterTarget(), store, clock=lambda: NOW, logs_cache=cache)
    assert monitor.logs_cache is cache
    off = ClusterMonitor(ClusterTarget(), store, clock=lambda: NOW, cache_logs=False)
    assert off.logs_cache is None


async def test_a_slow_read_does_not_hold_the_analysis_and_its_logs_come_next_time() -> None:
    import asyncio

    gate = asyncio.Event()
    reads: list[LogKey] = []

    async def slow(_client: Any, keys: Sequence[LogKey]) -> dict[LogKey, str]:
        reads.extend(keys)
        await gate.wait()
        return dict.fromkeys(keys, "panic: boom")

    late: list[bool] = []
    cache = LogsCache(ticks=Ticks(), fetch=slow, deadline_s=0.05, on_late=lambda: late.append(True))
    s = state(crashing(3))
    keys = wanted_logs(s)
    assert await cache.read(None, s, keys) == {}, "the analysis goes ahead without the slow logs"
    assert cache.stats.late == 1
    assert await cache.read(None, s, keys) == {}, "a read already running is not started twice"
    assert len(reads) == len(keys)
    gate.set()
    for _ in range(10):
        await asyncio.sleep(0.01)
        if late:
            break
    assert late == [True], "the monitor is told to analyze again"
    assert set(await cache.read(None, s, keys)) == set(keys), "now served from the cache"
    assert len(reads) == len(keys)
    await cache.aclose()
