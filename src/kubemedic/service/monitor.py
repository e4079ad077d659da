"""The always-on monitor of one cluster: watch every kind, re-analyze shortly after changes, record.

One Reflector per kind keeps a live copy of the cluster; every change is noted (its key and new
object) and marks the monitor dirty. After a short debounce (50 ms by default, counted from a
burst's first change) the next state is made from the previous one and what changed
(ClusterState.evolve), the analyzers re-run for the workloads those changes can affect
(service/incremental.py; everything now and then), and the result is applied to the Store, which
opens, refreshes and resolves findings. Each analysis is reported to `on_scan` (for push to clients).
The first analysis, and any after a watch had to relist, build the state from the whole copy.
Logs and TokenReview for the API go through service/cluster_access.py, which every replica has,
watching or not.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

import structlog

from kubemedic.cluster.client import ClusterTarget, make_client
from kubemedic.cluster.fetch import fetch_logs, strip_secret, wanted_logs
from kubemedic.cluster.kinds import KINDS, KindInfo
from kubemedic.cluster.metrics_api import list_node_metrics, list_pod_metrics
from kubemedic.cluster.reflector import Change, Reflector
from kubemedic.domain import Evidence, Finding
from kubemedic.metrics.prometheus import PrometheusCollector
from kubemedic.service.anomaly_context import with_nearest_change
from kubemedic.service.foreground import Foreground
from kubemedic.service.gc_schedule import CollectorSchedule
from kubemedic.service.incremental import DEFAULT_FULL_EVERY_S, AnalysisRun, IncrementalAnalysis
from kubemedic.service.live import Clock
from kubemedic.service.logs_cache import LogsCache
from kubemedic.service.metrics_watch import MetricsWatch, Sink
from kubemedic.service.models import ScanReport
from kubemedic.service.scan import scan_state
from kubemedic.service.waiting import woken
from kubemedic.state import ClusterState, KubeObject
from kubemedic.state.cluster_state import LogKey, make_view
from kubemedic.state.evolve import evolve
from kubemedic.store import ApplyResult, Store

SYNC_TIMEOUT_S = 15.0
# Changes are folded into one analysis for this long, counted from the first. Longer windows save
# analyses on a busy cluster but every change waits for its window to close: at 200 object changes/s
# with 5,000 pods, 200 ms windows put event -> stream p50 at ~310 ms, 50 ms windows at ~200-225 ms
# (bench/serve_bench.py, docs/benchmarks.md). Changes that arrive during an analysis start their
# window then, so on a busy cluster analyses simply follow each other.
DEFAULT_DEBOUNCE_S = 0.05
MAX_WRITES_PENDING = 2  # store writes an analysis may leave behind it before it waits for the oldest
NEAREST_CHANGE_TTL_S = 300.0


@dataclass(frozen=True, slots=True)
class MonitorScan:
    cluster: str
    report: ScanReport
    applied: ApplyResult
    changes: int  # object changes folded into this analysis
    took_ms: float
    reconnects: int = 0  # watch reconnects since the monitor started (all kinds)
    relists: int = 0  # relists forced by 410 Gone since the monitor started
    full: bool = True  # every object analyzed (else only the workloads the changes affect)
    scope: int = 0  # objects whose findings were recomputed
    phases: tuple[tuple[str, float], ...] = ()  # (step, ms): state, logs, analysis, store


OnScan = Callable[[MonitorScan], Awaitable[None] | None]
# (cluster, change, initial): initial = part of the kind's first listing, not something that just happened
OnChange = Callable[[str, Change, bool], None]


class ClusterMonitor:
    def __init__(
        self,
        target: ClusterTarget,
        store: Store,
        *,
        clock: Clock,
        debounce_s: float = DEFAULT_DEBOUNCE_S,
        kinds: Sequence[KindInfo] = KINDS,
        on_scan: OnScan | None = None,
        with_logs: bool = True,
        watch_timeout_s: int = 300,
        on_change: OnChange | None = None,
        logs_cache: LogsCache | None = None,
        cache_logs: bool = True,
        logs_deadline_s: float | None = 0.1,
        gc_refresh_s: float | None = None,
        metrics_interval_s: float | None = None,
        resolve_after_s: float = 60.0,
        full_every_s: float = DEFAULT_FULL_EVERY_S,
        metrics_sink: Sink | None = None,
        prometheus: PrometheusCollector | None = None,
    ) -> None:
        self.target = target
        self.store = store
        self.clock = clock
        self.debounce_s = debounce_s
        self.kinds = kinds
        self.on_scan = on_scan
        self.with_logs = with_logs
        self.watch_timeout_s = (
            watch_timeout_s  # also bounds how long a silently dead connection goes unnoticed
        )
        self.cluster = ""
        self.scans = 0
        self.state: ClusterState | None = None  # the latest analyzed copy, for read-only views
        self._dirty = asyncio.Event()
        self._pending = 0
        self._reflectors: list[Reflector] = []
        self._views: dict[int, tuple[dict[str, Any], KubeObject]] = {}
        self._by_kind: dict[str, Reflector] = {}
        self.on_change = on_change
        # troubled pods' logs are read once per container instance, not once per analysis
        # (and an analysis waits `logs_deadline_s` at most for them; late ones trigger another analysis)
        if logs_cache is None and cache_logs:
            logs_cache = LogsCache(deadline_s=logs_deadline_s, on_late=self._dirty.set)
        self.logs_cache = logs_cache if cache_logs else None
        self._first_change = 0.0  # monotonic time of the first change not yet analyzed
        # A finding not reported again is resolved after this long (at once when its object is gone):
        # a crash loop runs for a while between crashes, and must not resolve and reopen each time.
        self.resolve_after_s = resolve_after_s
        self._gc = CollectorSchedule(gc_refresh_s)  # see service/gc_schedule.py
        # pod usage read every `metrics_interval_s` (None: not collected); anomalies join the analysis
        self.metrics_interval_s = metrics_interval_s
        self.metrics: MetricsWatch | None = None
        self.metrics_sink = metrics_sink  # where collected samples go (the series store)
        self.prometheus = prometheus  # configured Prometheus queries, read with the pod metrics
        # what changed since the last analysis: key -> the new object, or None when deleted
        self._delta: dict[tuple[str, str, str], dict[str, Any] | None] = {}
        self._lists = 0  # listings the reflectors had made at the last analysis
        self.analysis = IncrementalAnalysis(full_every_s=full_every_s)
        self._enriched: dict[str, tuple[float, tuple[Evidence, ...]]] = {}  # anomaly -> its nearest change
        self._enriching: asyncio.Task[None] | None = None
        # store writes not yet done, oldest first; each waits for the one before it (see _analyze)
        self._writes: deque[asyncio.Task[None]] = deque()
        # analyses and their writes, which a metrics reading's steps wait to pause (foreground.py)
        self.foreground = Foreground()

    def _changed(self, change: Change) -> None:
        if self._pending == 0:
            self._first_change = time.monotonic()
        self._pending += 1
        raw = change.object
        meta = raw.get("metadata") or {}
        key = (change.kind, str(meta.get("namespace") or ""), str(meta.get("name") or ""))
        self._delta[key] = None if change.type == "DELETED" else raw
        self._dirty.set()
        if self.on_change is not None:
            reflector = self._by_kind.get(change.kind)
            self.on_change(self.cluster, change, reflector is None or not reflector.synced.is_set())

    async def run(self, stop: asyncio.Event) -> None:
        """Watch and analyze until `stop` is set."""
        client, self.cluster = make_client(self.target)
        self.store.forget(self.cluster)  # another replica may have written since this process last did
        self._reflectors = [
            Reflector(client, info, self._changed, watch_timeout_s=self.watch_timeout_s)
            for info in self.kinds
        ]
        self._by_kind = {r.info.kind: r for r in self._reflectors}
        tasks = [asyncio.create_task(r.run(stop)) for r in self._reflectors]
        if self.metrics_interval_s is not None:
            self.metrics = MetricsWatch(
                lambda: list_pod_metrics(client), lambda: self.state, lambda: self.clock().timestamp(),
                interval_s=self.metrics_interval_s, on_alarm=self._dirty.set,
                read_nodes=lambda: list_node_metrics(client), prometheus=self.prometheus,
                sink=self.metrics_sink, pause=self.foreground.pause,
            )  # fmt: skip
            tasks.append(asyncio.create_task(self.metrics.run(stop)))
        try:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    asyncio.gather(*(r.synced.wait() for r in self._reflectors)), timeout=SYNC_TIMEOUT_S
                )
            while not stop.is_set():
                await self._analyze(client)
                if not await woken(self._dirty, stop):
                    break
                # Fold a burst of changes into one analysis - counting from the burst's first change,
                # so changes that piled up during a long analysis are not held back any longer.
                waited = time.monotonic() - self._first_change if self._pending else 0.0
                await asyncio.sleep(max(0.0, self.debounce_s - waited))
            await self._recorded()
        finally:
            if self._writes:  # ended by an error: the last writes still land if they can
                try:
                    await self._recorded()
                except Exception as exc:  # boundary: the error that ended the run is the one raised
                    structlog.get_logger("kubemedic.monitor").error("store write failed", error=repr(exc))
            if self._enriching is not None:
                tasks.append(self._enriching)
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            if self.logs_cache is not None:
                await self.logs_cache.aclose()
            await client.close()

    def _with_nearest_change(self, anomalies: Sequence[Finding], state: ClusterState) -> tuple[Finding, ...]:
        """Anomalies with the change that preceded them, as far as it is known. The timeline is read in
        the background (never holding up an analysis: a restart storm across a cluster is a hundred
        anomalies at once), once per anomaly and again every NEAREST_CHANGE_TTL_S at most; when the
        lookups are done, the next analysis adds what they found."""
        known, at = self._enriched, time.monotonic()
        stale = [f for f in anomalies if f.id not in known or at - known[f.id][0] > NEAREST_CHANGE_TTL_S]
        if stale and (self._enriching is None or self._enriching.done()):
            self._enriching = asyncio.create_task(self._look_up_changes(stale, state, at))
        self._enriched = {f.id: known[f.id] for f in anomalies if f.id in known}
        return tuple(
            replace(f, evidence=f.evidence + known[f.id][1]) if f.id in known else f for f in anomalies
        )

    async def _look_up_changes(self, anomalies: Sequence[Finding], state: ClusterState, at: float) -> None:
        try:
            found = await with_nearest_change(anomalies, self.store, state)
        except Exception as exc:  # boundary: evidence is a nicety; the anomaly is reported without it
            structlog.get_logger("kubemedic.monitor").warning("nearest change lookup failed", error=str(exc))
            return
        for before, after in zip(anomalies, found, strict=True):
            self._enriched[before.id] = (at, after.evidence[len(before.evidence) :])
        self._dirty.set()

    def connection(self) -> dict[str, Any]:
        """Is the watch healthy: every kind listed, and the kinds whose last attempt failed."""
        failing = {r.info.kind: r.stats.last_error for r in self._reflectors if r.stats.last_error}
        synced = bool(self._reflectors) and all(r.synced.is_set() for r in self._reflectors)
        return {"connected": synced and not failing, "synced": synced, "errors": failing}

    def _live(self) -> list[tuple[str, list[dict[str, Any]]]]:
        """The reflectors' objects at this moment (a quick copy of references, taken on the loop)."""
        return [(r.info.kind, list(r.store.values())) for r in self._reflectors]

    def views(self, live: list[tuple[str, list[dict[str, Any]]]] | None = None) -> list[KubeObject]:
        """The live copy as state views, made again only for objects that changed since last time.

        A reflector replaces an object's dict when it changes and never edits it in place, so a view
        made from the same dict (checked by identity) is still exact: on a busy cluster most of the
        analysis input is reused instead of re-parsed. Only one analysis runs at a time, so this may
        run in a worker thread on a copy taken with `_live()`.
        """
        fresh: dict[int, tuple[dict[str, Any], KubeObject]] = {}
        out: list[KubeObject] = []
        cached = self._views
        for kind, raws in live if live is not None else self._live():
            secret = kind == "Secret"
            for raw in raws:
                hit = cached.get(id(raw))
                if hit is not None and hit[0] is raw:
                    view = hit[1]
                else:
                    view = make_view(strip_secret(raw) if secret else raw, kind, self.cluster)
                fresh[id(raw)] = (raw, view)
                out.append(view)
        self._views = fresh
        return out

    async def _analyze(self, client: Any) -> None:
        with self.foreground.running():
            await self._analyze_now(client)

    async def _analyze_now(self, client: Any) -> None:
        started = time.perf_counter()
        self._dirty.clear()
        changes, self._pending = self._pending, 0
        delta, self._delta = self._delta, {}
        now = self.clock()
        lists = sum(r.stats.lists for r in self._reflectors)
        relisted = lists != self._lists
        self._lists = lists
        previous = self.state
        live = self._live() if previous is None or relisted else None

        # The CPU-heavy steps run in a worker thread so the API keeps answering meanwhile; states are
        # made from objects the watches never edit in place (they replace them), so the watches go on.
        def prepare() -> tuple[ClusterState, list[LogKey]]:
            if previous is None or live is not None:
                built = ClusterState(self.views(live), now=now, cluster=self.cluster)
            else:
                changed = [
                    make_view(strip_secret(raw) if key[0] == "Secret" else raw, key[0], self.cluster)
                    for key, raw in delta.items()
                    if raw is not None
                ]
                gone = [key for key, raw in delta.items() if raw is None]
                built = evolve(previous, changed, gone, now=now)
            return built, (wanted_logs(built) if self.with_logs else [])

        state, wanted = await asyncio.to_thread(prepare)
        marks = [("state", time.perf_counter())]
        dirty: set[tuple[str, str, str]] = set(delta)
        if self.with_logs:
            if self.logs_cache is not None:
                logs = await self.logs_cache.read(client, state, wanted)
            else:
                logs = await fetch_logs(client, wanted)
            dirty.update(_pods_with_new_logs(previous, logs))
            state = state.with_logs(logs)
        marks.append(("logs", time.perf_counter()))
        anomalies = self.metrics.findings(now.timestamp()) if self.metrics is not None else ()
        if anomalies:  # what changed just before: the rollout or config change an anomaly may follow
            anomalies = self._with_nearest_change(anomalies, state)
        why_full = "" if previous is not None and live is None else "state rebuilt from the whole copy"

        def analyze() -> tuple[ScanReport, AnalysisRun]:
            run = self.analysis.run(state, dirty, force_full=why_full)
            return scan_state(state, extra=anomalies, analyzed=run.findings), run

        report, run = await asyncio.to_thread(analyze)
        marks.append(("analysis", time.perf_counter()))
        self.state = state
        # The store write goes on while the next analyses are made. Writes (and so what clients are
        # told) keep the order of the analyses: each waits for the one before it. The next analysis
        # does not wait for this write, nor for a slow previous one (a write that waited behind a
        # series reading must not hold back the analysis of what changed meanwhile); only with
        # MAX_WRITES_PENDING writes not done does it wait - when the store is slower than analysis.
        while len(self._writes) >= MAX_WRITES_PENDING:
            await self._writes.popleft()  # raises what the write raised: the run ends with it
        recorded = _Analysis(state, report, run, now, changes, started, marks)
        after = self._writes[-1] if self._writes else None
        self._writes.append(asyncio.create_task(self._record(recorded, after)))

    async def _recorded(self) -> None:
        """Wait for the store writes not yet done, in order (raising what the first failing one raised)."""
        while self._writes:
            await self._writes.popleft()

    async def _record(self, done: _Analysis, after: asyncio.Task[None] | None) -> None:
        if after is not None:
            await asyncio.wait([after])  # not `await after`: cancelling this write must not cancel that one
            if after.cancelled() or after.exception() is not None:
                return  # the run ends with that write's error; this one is not applied out of order
        with self.foreground.running():
            await self._write(done)

    async def _write(self, done: _Analysis) -> None:
        state, report = done.state, done.report
        written = time.perf_counter()
        applied = await self.store.apply_scan(
            self.cluster,
            report.findings,
            report.incidents,
            done.now,
            resolve_after=timedelta(seconds=self.resolve_after_s),
            exists=lambda kind, namespace, name: state.get(kind, namespace, name) is not None,
        )
        marks = [*done.marks, ("store", time.perf_counter())]
        self.scans += 1
        steps, at = [], done.started
        for name, mark in marks:
            if name == "store":
                at = max(at, written)  # the wait for the previous write is not this write's time
            steps.append((name, round((mark - at) * 1000, 1)))
            at = mark
        if self.on_scan is not None:
            result = self.on_scan(
                MonitorScan(
                    self.cluster,
                    report,
                    applied,
                    done.changes,
                    (time.perf_counter() - done.started) * 1000,
                    reconnects=sum(r.stats.reconnects for r in self._reflectors),
                    relists=sum(r.stats.relists_410 for r in self._reflectors),
                    full=done.run.full,
                    scope=done.run.scope,
                    phases=tuple(steps),
                )
            )
            if result is not None:
                await result
        # after clients were told: a collection (a full one walks the whole heap) must not delay that
        self._gc.after_new_state()


@dataclass(frozen=True, slots=True)
class _Analysis:
    """An analysis made, waiting for its store write."""

    state: ClusterState
    report: ScanReport
    run: AnalysisRun
    now: datetime
    changes: int
    started: float  # perf_counter at its start
    marks: list[tuple[str, float]]  # (step, perf_counter at its end)


def _pods_with_new_logs(previous: ClusterState | None, logs: dict[LogKey, str]) -> set[tuple[str, str, str]]:
    """Pods whose logs differ from those the previous state had (a late read arrived, a container
    restarted): what their analyzers conclude may change even though the pod object did not."""
    before = previous.logs_by_key if previous is not None else {}
    keys = {k for k, text in logs.items() if before.get(k) != text}
    keys.update(k for k in before if k not in logs)
    return {("Pod", k.namespace, k.pod) for k in keys}
