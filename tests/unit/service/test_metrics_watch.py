"""The metrics watch: reads only once the monitor has a state, a failed read is logged once and
retried, an alarm pokes the monitor, and its findings are the collector's."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import pytest
import structlog

from kubemedic.service.metrics_watch import MetricsWatch
from kubemedic.state import ClusterState
from kubemedic.state.usage import ContainerUsage, PodUsage

pytestmark = pytest.mark.anyio
T0 = 1_800_000_000.0
MI = 1024 * 1024


@pytest.fixture()
def anyio_backend() -> str:
    return "asyncio"


def _state() -> ClusterState:
    pod = {
        "kind": "Pod",
        "metadata": {"name": "cache-1", "namespace": "shop", "uid": "p1"},
        "spec": {"containers": [{"name": "c", "image": "i", "resources": {"limits": {"memory": "256Mi"}}}]},
        "status": {"phase": "Running"},
    }
    return ClusterState.build([pod], now=datetime.fromtimestamp(T0, UTC)).build_indexes()


class Feed:
    """A fake metrics API: a steady 80Mi for 300 readings, then +1Mi per reading; or an error."""

    def __init__(self, fail: Exception | None = None) -> None:
        self.calls = 0
        self.fail = fail

    async def __call__(self) -> Sequence[PodUsage]:
        self.calls += 1
        if self.fail is not None:
            raise self.fail
        mem = 80 * MI + max(0, self.calls - 300) * MI + (self.calls % 7) * 40_000
        return [PodUsage("shop", "cache-1", "", (ContainerUsage("c", f"{self.calls % 5 + 10}m", str(mem)),))]


async def test_nothing_is_read_until_the_monitor_has_a_state() -> None:
    feed = Feed()
    watch = MetricsWatch(feed, lambda: None, lambda: T0)
    await watch.read_once()
    assert feed.calls == 0 and watch.readings == 0


async def test_a_failing_metrics_api_is_logged_once_and_read_again() -> None:
    feed = Feed(fail=RuntimeError("404 the server could not find the requested resource"))
    state = _state()
    watch = MetricsWatch(feed, lambda: state, lambda: T0)
    with structlog.testing.capture_logs() as logs:
        for _ in range(3):
            await watch.read_once()
    assert feed.calls == 3 and watch.failures == 3 and watch.readings == 0
    (line,) = [e for e in logs if e["log_level"] == "warning"]
    assert line["event"] == "metrics read failed" and "404 the server could not find" in line["problem"]


async def test_a_leak_pokes_the_monitor_and_becomes_its_finding() -> None:
    feed = Feed()
    state = _state()
    clock = [T0]
    pokes: list[float] = []
    watch = MetricsWatch(feed, lambda: state, lambda: clock[0], on_alarm=lambda: pokes.append(clock[0]))
    for _ in range(420):
        clock[0] += 1.0
        await watch.read_once()
    assert pokes, "the alarm poked the monitor"
    (finding,) = watch.findings(clock[0])
    assert finding.category == "anomaly" and finding.title == "memory of cache-1/c: heading for its limit"


async def test_run_stops_when_asked_and_the_interval_is_checked() -> None:
    with pytest.raises(ValueError, match="interval"):
        MetricsWatch(Feed(), lambda: None, lambda: T0, interval_s=0)
    stop = asyncio.Event()
    state = _state()
    feed = Feed()
    watch = MetricsWatch(feed, lambda: state, lambda: T0, interval_s=0.01)
    task = asyncio.create_task(watch.run(stop))
    await asyncio.sleep(0.1)
    stop.set()
    await asyncio.wait_for(task, timeout=1)
    assert feed.calls >= 2


async def test_samples_of_pods_nodes_and_the_state_go_to_the_sink() -> None:
    from kubemedic.metrics.samples import CPU_CORES, MEMORY_BYTES, PENDING_PODS, RESTARTS, Sample, SeriesId
    from kubemedic.state.usage import NodeUsage

    got: list[Sequence[Sample]] = []

    async def sink(samples: Sequence[Sample]) -> None:
        got.append(samples)

    async def nodes() -> Sequence[NodeUsage]:
        return [NodeUsage("n1", "", "1", "1Gi")]

    state = _state()
    watch = MetricsWatch(Feed(), lambda: state, lambda: T0, read_nodes=nodes, sink=sink)
    await watch.read_once()
    (reading,) = got
    series = {s.series for s in reading}
    assert {
        SeriesId(MEMORY_BYTES, "Pod", "shop", "cache-1", "c"),
        SeriesId(CPU_CORES, "Pod", "shop", "cache-1", "c"),
        SeriesId(MEMORY_BYTES, "Node", "", "n1"),
        SeriesId(RESTARTS, "Pod", "shop", "cache-1"),
        SeriesId(PENDING_PODS, "Cluster", "", ""),
    } <= series
    assert all(s.timestamp == T0 for s in reading) and watch.samples == len(reading)


async def test_a_failing_sink_or_node_read_is_logged_and_collection_goes_on() -> None:
    from kubemedic.metrics.samples import Sample

    async def sink(samples: Sequence[Sample]) -> None:
        raise ConnectionError("store is down")

    async def nodes() -> Sequence[Any]:
        raise RuntimeError("404 nodes")

    feed = Feed()
    state = _state()
    clock = [T0]
    pokes: list[float] = []
    watch = MetricsWatch(
        feed, lambda: state, lambda: clock[0], read_nodes=nodes, sink=sink, on_alarm=lambda: pokes.append(1)
    )
    with structlog.testing.capture_logs() as logs:
        for _ in range(420):
            clock[0] += 1.0
            await watch.read_once()
    warnings = sorted(e["event"] for e in logs if e["log_level"] == "warning")
    assert warnings == ["metrics sink failed", "node metrics read failed"], "each logged once"
    assert watch.readings == 420 and watch.samples == 0 and pokes, "pods still read, the leak still found"


async def test_the_read_and_the_observe_step_each_wait_for_a_pause_in_the_analyses() -> None:
    from kubemedic.metrics.samples import Sample
    from kubemedic.service.foreground import Foreground

    fg = Foreground()
    steps: list[str] = []
    feed = Feed()

    async def read() -> Sequence[PodUsage]:
        steps.append("read")
        return await feed()

    async def sink(samples: Sequence[Sample]) -> None:
        steps.append("sink")

    state = _state()
    watch = MetricsWatch(read, lambda: state, lambda: T0, sink=sink, pause=fg.pause)
    with fg.running():
        task = asyncio.create_task(watch.read_once())
        await asyncio.sleep(0.05)
        assert steps == [], "read while an analysis ran"
    await asyncio.sleep(0)
    with fg.running():  # the next analysis starts before the observe step
        await asyncio.sleep(0.05)
        assert steps == ["read"], "observed (and stored) while an analysis ran"
    await asyncio.wait_for(task, timeout=1)
    assert steps == ["read", "sink"] and fg.waited == 2


async def test_each_part_of_the_observe_step_starts_after_its_own_pause() -> None:
    """The observe step is a few tens of ms of CPU per part: each part (collector, samples, every
    detector) waits for a pause between analyses on its own, not just the first."""
    from kubemedic.domain import Finding
    from kubemedic.metrics.samples import Sample

    order: list[str] = []

    class Detector:
        def __init__(self, name: str) -> None:
            self.name = name
            self.seen = 0

        def observe(self, samples: Sequence[Sample], state: ClusterState, now: float) -> list[Finding]:
            order.append(self.name)
            self.seen = len(samples)
            return []

        def findings(self, now: float) -> tuple[Finding, ...]:
            return ()

    async def pause() -> None:
        order.append("pause")

    feed = Feed()

    async def read() -> Sequence[PodUsage]:
        order.append("read")
        return await feed()

    state = _state()
    first, second = Detector("first"), Detector("second")
    watch = MetricsWatch(read, lambda: state, lambda: T0, detectors=(first, second), pause=pause)
    await watch.read_once()
    # read; collector; samples; one per detector
    assert order == ["pause", "read", "pause", "pause", "pause", "first", "pause", "second"]
    assert first.seen == second.seen > 0, "both detectors were given the whole reading's samples"
