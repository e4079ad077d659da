"""Metrics collection next to the monitor: read usage every `interval_s`, feed the detectors, hand
the samples to the store.

While a monitor watches a cluster, this task reads metrics.k8s.io PodMetrics (and NodeMetrics when
given `read_nodes`) on a timer, and - when a Prometheus collector is configured - its queries. Each
reading becomes Samples: pod memory/CPU per container, node memory/CPU, the configured queries, and
the series derived from the monitor's latest ClusterState (restarts per workload, pending pods,
unavailable replicas; metrics.derived). The pod usage goes to the MetricsCollector (memory trend to
the limit, OOM ETA); the samples to the sample detectors (CPU throttling, restart storms, anomalies on
the derived and queried series, PVCs filling up); all of it in a worker thread, off the event loop.
When a reading raises an alarm it pokes the monitor (`on_alarm`), which re-analyzes and adds
`findings()` to the analyzers' findings before correlation - so anomalies are stored, streamed and
grouped into incidents like every other finding. Then the samples go to `sink` (the series store).

A cluster without a metrics API (no metrics-server: 404), a Prometheus that does not answer, a read
that fails, a sink that fails: each is logged once per kind of failure and tried again next time;
the collection never stops the monitor, and a failing source does not stop the others.

None of this is what stream clients wait for, so given `pause` (the monitor's Foreground.pause) the
read and each part of the observe step start in a pause between the monitor's analyses
(service/foreground.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import NamedTuple, TypeVar

import structlog

from kubemedic.domain import Finding
from kubemedic.metrics.collect import MetricsCollector
from kubemedic.metrics.derived import derived_samples
from kubemedic.metrics.disk_fill import DiskFillDetector
from kubemedic.metrics.prometheus import PrometheusCollector
from kubemedic.metrics.restart_storm import RestartStormDetector
from kubemedic.metrics.samples import Sample
from kubemedic.metrics.series_anomaly import SeriesAnomalies
from kubemedic.metrics.throttling import ThrottlingDetector
from kubemedic.metrics.usage_samples import node_samples, pod_samples
from kubemedic.metrics.watchers import SampleDetector
from kubemedic.state import ClusterState
from kubemedic.state.usage import NodeUsage, PodUsage

DEFAULT_INTERVAL_S = 15.0

ReadUsage = Callable[[], Awaitable[Sequence[PodUsage]]]
ReadNodes = Callable[[], Awaitable[Sequence[NodeUsage]]]
Sink = Callable[[Sequence[Sample]], Awaitable[None]]
T = TypeVar("T")


def default_detectors() -> tuple[SampleDetector, ...]:
    return (ThrottlingDetector(), RestartStormDetector(), SeriesAnomalies(), DiskFillDetector())


class MetricsWatch:
    def __init__(
        self,
        read: ReadUsage,
        state: Callable[[], ClusterState | None],
        clock: Callable[[], float],
        *,
        interval_s: float = DEFAULT_INTERVAL_S,
        collector: MetricsCollector | None = None,
        on_alarm: Callable[[], None] | None = None,
        read_nodes: ReadNodes | None = None,
        prometheus: PrometheusCollector | None = None,
        detectors: Sequence[SampleDetector] | None = None,
        sink: Sink | None = None,
        pause: Callable[[], Awaitable[object]] | None = None,
    ) -> None:
        if not interval_s > 0:
            raise ValueError(f"metrics interval must be positive, got {interval_s}")
        self._read = read
        self._read_nodes = read_nodes
        self._state = state
        self._clock = clock
        self.interval_s = interval_s
        self.collector = collector or MetricsCollector()
        self.prometheus = prometheus
        self.detectors = tuple(default_detectors() if detectors is None else detectors)
        self._sink = sink
        self._on_alarm = on_alarm
        self._pause = pause  # waited for before the read and before each part of the observe step
        self.readings = 0
        self.failures = 0
        self.samples = 0  # handed to the sink, all readings together
        self._last_failure: dict[str, str] = {}
        self._log = structlog.get_logger("kubemedic.metrics")

    def findings(self, now: float) -> tuple[Finding, ...]:
        """The anomaly findings current at `now` (epoch seconds)."""
        out = list(self.collector.findings(now))
        for detector in self.detectors:
            out.extend(detector.findings(now))
        return tuple(out)

    async def run(self, stop: asyncio.Event) -> None:
        """Read, observe, wait `interval_s`; until `stop` is set."""
        while not stop.is_set():
            await self.read_once()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self.interval_s)

    async def read_once(self) -> None:
        """One reading (skipped until the monitor has a state to read limits and owners from)."""
        if self._state() is None:
            return
        paused = await self._paused()
        now = self._clock()
        started = time.perf_counter()
        pods = await self._attempt("metrics read", self._read)
        if pods is None:
            self.failures += 1
        else:
            self.readings += 1
        nodes = await self._attempt("node metrics read", self._read_nodes) if self._read_nodes else None
        queried: Sequence[Sample] | None = None
        if self.prometheus is not None:
            prometheus = self.prometheus
            queried = await self._attempt("prometheus query", lambda: prometheus.collect(now))
        read = time.perf_counter()
        state = self._state()
        if state is None:  # the watch stopped meanwhile
            return
        # Feeding thousands of series is CPU work: off the event loop, like the analysis, and in steps
        # of a few tens of ms, each started in a pause between the monitor's analyses.
        samples: list[Sample] = []
        alarms = 0
        observe_s = 0.0
        for step in self._observe_steps(_Reading(state, now, pods, nodes, queried), samples):
            paused += await self._paused()
            began = time.perf_counter()
            alarms += await asyncio.to_thread(step)
            observe_s += time.perf_counter() - began
        observed = time.perf_counter()
        if alarms and self._on_alarm is not None:
            self._on_alarm()
        if self._sink is not None and samples:
            sink = self._sink
            if await self._attempt("metrics sink", lambda: _done(sink(samples))) is not None:
                self.samples += len(samples)
        stored = time.perf_counter()
        self._log.info(
            "metrics-reading",
            pods=len(pods) if pods is not None else None,
            samples=len(samples),
            alarms=alarms,
            steps_ms={
                "read": round((read - started) * 1000, 1),
                "observe": round(observe_s * 1000, 1),
                "store": round((stored - observed) * 1000, 1),
            },
            paused_ms=round(paused * 1000, 1),
        )

    async def _paused(self) -> float:
        """Wait for a pause in the monitor's analyses (when given one to wait for); the seconds waited."""
        if self._pause is None:
            return 0.0
        began = time.perf_counter()
        await self._pause()
        return time.perf_counter() - began

    def _observe(
        self,
        state: ClusterState,
        now: float,
        pods: Sequence[PodUsage] | None,
        nodes: Sequence[NodeUsage] | None,
        queried: Sequence[Sample] | None,
    ) -> tuple[list[Sample], int]:
        """The whole observe step at once, in this thread (bench/collector_bench.py): the samples and
        the alarms raised."""
        samples: list[Sample] = []
        reading = _Reading(state, now, pods, nodes, queried)
        alarms = sum(step() for step in self._observe_steps(reading, samples))
        return samples, alarms

    def _observe_steps(self, reading: _Reading, samples: list[Sample]) -> list[Callable[[], int]]:
        """The observe step in parts, run one after another (each returns the alarms it raised): the
        collector, then the samples (into `samples`), then each sample detector."""
        state, now, pods, nodes, queried = reading

        def collect() -> int:
            return len(self.collector.observe(pods, state, now).alarms) if pods is not None else 0

        def make_samples() -> int:
            if pods is not None:
                samples.extend(pod_samples(pods, now))
            if nodes is not None:
                samples.extend(node_samples(nodes, now))
            samples.extend(derived_samples(state, now))
            samples.extend(queried or ())
            return 0

        def detect(detector: SampleDetector) -> Callable[[], int]:
            return lambda: len(detector.observe(samples, state, now))

        return [collect, make_samples, *(detect(d) for d in self.detectors)]

    async def _attempt(self, what: str, call: Callable[[], Awaitable[T]]) -> T | None:
        """`call()`, or None when it failed: logged once per kind of failure, until it works again."""
        try:
            result = await call()
        except Exception as exc:  # boundary: a failed source is logged and tried again next time
            problem = f"{type(exc).__name__}: {exc}"
            if self._last_failure.get(what) != problem:
                self._last_failure[what] = problem
                self._log.warning(f"{what} failed", problem=problem, interval_s=self.interval_s)
            return None
        self._last_failure.pop(what, None)
        return result


class _Reading(NamedTuple):
    """What one reading observes."""

    state: ClusterState
    now: float
    pods: Sequence[PodUsage] | None
    nodes: Sequence[NodeUsage] | None
    queried: Sequence[Sample] | None


async def _done(pending: Awaitable[None]) -> bool:
    await pending
    return True
