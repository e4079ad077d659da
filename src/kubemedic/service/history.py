"""serve's housekeeping: a cluster-status summary every minute, and retention.

`Summarizer` writes one row per watched cluster per interval (a minute by default): nodes ready/total,
pods by phase, ready pods, container restarts during the interval, open findings by severity, open
incidents and the titles of the five most severe open findings. These rows are the durable "context
buffer": what each cluster looked like minute by minute, kept across restarts and queryable by time.

`Retention` deletes, every ten minutes by default, timeline entries, summaries and resolved
findings/incidents older than the retention (KUBEMEDIC_RETENTION_HOURS, 24 h by default), and, when
given the stored metric series, their points past each resolution's own retention (metrics_series.py).

Both take an injected clock and expose `tick()` (one round, for tests and callers) and
`run(stop)` (rounds until stop is set; a failed round is logged and the loop goes on).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from datetime import datetime, timedelta

import structlog

from kubemedic.domain import InputError
from kubemedic.service.live import Clock
from kubemedic.service.metrics_series import MetricsSeries
from kubemedic.state import ClusterState
from kubemedic.state.timeutil import parse_time
from kubemedic.store import ClusterSummary, OpenOverview, PurgeResult, Store

States = Callable[[], Mapping[str, ClusterState]]  # cluster name -> its latest analyzed state


def summarize(
    cluster: str, state: ClusterState, overview: OpenOverview, *, at: datetime, restarts: int
) -> ClusterSummary:
    """The summary row of one cluster (pure: the numbers come from the state and the store's overview)."""
    nodes = state.objects("Node")
    pods = state.pods()
    return ClusterSummary(
        cluster=cluster,
        at=at,
        nodes_ready=sum(1 for n in nodes if n.condition_true("Ready")),
        nodes_total=len(nodes),
        pods_ready=sum(1 for p in pods if p.is_ready),
        pods_total=len(pods),
        pods_by_phase=dict(sorted(Counter(p.phase or "Unknown" for p in pods).items())),
        restarts=restarts,
        findings_by_severity=dict(overview.findings_by_severity),
        incidents_open=overview.incidents_open,
        top_findings=overview.top_findings,
    )


class RestartCounter:
    """Container restarts between two looks at a cluster.

    Keeps the restart total of each live pod (by uid) from the previous look; a pod that appeared since
    then contributes all its restarts. The very first look has no baseline, so it counts containers
    whose last termination finished inside the interval.
    """

    def __init__(self) -> None:
        self._totals: dict[str, int] | None = None

    def count(self, state: ClusterState, *, at: datetime, interval: timedelta) -> int:
        totals = {p.uid: sum(s.restart_count for s in p.container_statuses) for p in state.pods() if p.uid}
        previous, self._totals = self._totals, totals
        if previous is not None:
            return sum(max(0, n - previous.get(uid, 0)) for uid, n in totals.items())
        since = at - interval
        recent = 0
        for pod in state.pods():
            for status in pod.container_statuses:
                finished = parse_time(status.last_state.finished_at) if status.restart_count else None
                if finished is not None and since <= finished <= at:
                    recent += 1
        return recent


class Summarizer:
    def __init__(self, store: Store, states: States, *, clock: Clock, every_s: float = 60.0) -> None:
        self.store = store
        self.states = states
        self.clock = clock
        self.every_s = every_s
        self.written = 0
        self._restarts: dict[str, RestartCounter] = {}
        self._log = structlog.get_logger("kubemedic.history")

    async def tick(self) -> list[ClusterSummary]:
        """Write one summary per cluster that has been read; returns what was written."""
        at = self.clock()
        written = []
        for cluster, state in dict(self.states()).items():
            counter = self._restarts.setdefault(cluster, RestartCounter())
            restarts = counter.count(state, at=at, interval=timedelta(seconds=self.every_s))
            overview = await self.store.history.open_overview(cluster)
            summary = summarize(cluster, state, overview, at=at, restarts=restarts)
            await self.store.history.add_summary(summary)
            written.append(summary)
        self.written += len(written)
        return written

    async def run(self, stop: asyncio.Event) -> None:
        """The first summary as soon as a cluster has been analyzed, then one every `every_s`."""
        while not stop.is_set() and not dict(self.states()):
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=0.5)
        await _every(self.every_s, stop, self.tick, self._log, "summary", first_now=True)


class Retention:
    def __init__(
        self,
        store: Store,
        *,
        clock: Clock,
        keep: timedelta = timedelta(hours=24),
        every_s: float = 600.0,
        series: MetricsSeries | None = None,
    ) -> None:
        if keep <= timedelta(0):
            raise InputError(f"the retention must be positive, got {keep}")
        self.store = store
        self.clock = clock
        self.keep = keep
        self.every_s = every_s
        self.series = series
        self._log = structlog.get_logger("kubemedic.history")

    async def tick(self) -> PurgeResult:
        """Delete what is older than the retention; returns what was deleted."""
        cutoff = self.clock() - self.keep
        result = await self.store.purge(cutoff)
        if self.series is not None:
            purged = await self.series.purge()
            points = purged.raw + purged.minute + purged.ten_minutes
            result = replace(result, series_points=points)
        if result.findings or result.incidents or result.timeline or result.summaries or result.series_points:
            self._log.info(
                "retention",
                cutoff=cutoff.isoformat(),
                findings=result.findings,
                incidents=result.incidents,
                timeline=result.timeline,
                summaries=result.summaries,
                series_points=result.series_points,
            )
        return result

    async def run(self, stop: asyncio.Event) -> None:
        await _every(self.every_s, stop, self.tick, self._log, "retention", first_now=True)


async def _every(
    every_s: float,
    stop: asyncio.Event,
    tick: Callable[[], Awaitable[object]],
    log: structlog.typing.FilteringBoundLogger,
    what: str,
    *,
    first_now: bool = False,
) -> None:
    """Call `tick` every `every_s` seconds until `stop` (first right away when `first_now`)."""
    wait = 0.0 if first_now else every_s
    while not stop.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=wait)
        if stop.is_set():
            return
        wait = every_s
        try:
            await tick()
        except Exception as exc:  # boundary: a failed round (database down) must not end the loop
            log.warning(f"{what} failed", error=str(exc))
