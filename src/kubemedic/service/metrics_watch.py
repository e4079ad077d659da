"""Metrics collection next to the monitor: read pod usage every `interval_s`, feed the detectors.

While a monitor watches a cluster, this task reads metrics.k8s.io PodMetrics on a timer and hands
each reading to a MetricsCollector, together with the monitor's latest ClusterState (for the
containers' limits and owners). When a reading raises an alarm it pokes the monitor (`on_alarm`),
which re-analyzes and adds `findings()` to the analyzers' findings before correlation - so anomalies
are stored, streamed and grouped into incidents like every other finding.

A cluster without a metrics API (no metrics-server: 404), or one that fails a read, is logged once
per kind of failure and read again next time; the collection never stops the monitor.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence

import structlog

from kubemedic.domain import Finding
from kubemedic.metrics.collect import MetricsCollector
from kubemedic.state import ClusterState
from kubemedic.state.usage import PodUsage

DEFAULT_INTERVAL_S = 15.0

ReadUsage = Callable[[], Awaitable[Sequence[PodUsage]]]


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
    ) -> None:
        if not interval_s > 0:
            raise ValueError(f"metrics interval must be positive, got {interval_s}")
        self._read = read
        self._state = state
        self._clock = clock
        self.interval_s = interval_s
        self.collector = collector or MetricsCollector()
        self._on_alarm = on_alarm
        self.readings = 0
        self.failures = 0
        self._last_failure = ""
        self._log = structlog.get_logger("kubemedic.metrics")

    def findings(self, now: float) -> tuple[Finding, ...]:
        """The anomaly findings current at `now` (epoch seconds)."""
        return self.collector.findings(now)

    async def run(self, stop: asyncio.Event) -> None:
        """Read, observe, wait `interval_s`; until `stop` is set."""
        while not stop.is_set():
            await self.read_once()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self.interval_s)

    async def read_once(self) -> None:
        """One reading (skipped until the monitor has a state to read limits and owners from)."""
        state = self._state()
        if state is None:
            return
        try:
            pods = await self._read()
        except Exception as exc:  # boundary: a failed read is logged and retried next time
            self.failures += 1
            problem = f"{type(exc).__name__}: {exc}"
            if problem != self._last_failure:
                self._last_failure = problem
                self._log.warning("metrics read failed", problem=problem, interval_s=self.interval_s)
            return
        self._last_failure = ""
        self.readings += 1
        # feeding thousands of series is CPU work: off the event loop, like the analysis
        observed = await asyncio.to_thread(self.collector.observe, pods, state, self._clock())
        if observed.alarms and self._on_alarm is not None:
            self._on_alarm()
