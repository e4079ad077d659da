"""The metrics watch: reads only once the monitor has a state, a failed read is logged once and
retried, an alarm pokes the monitor, and its findings are the collector's."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime

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
