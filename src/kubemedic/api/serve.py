"""`kubemedic serve`: the monitor, the store and the HTTP API in one process, stopped cleanly on a signal."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import structlog
import uvicorn

from kubemedic.api.app import create_app
from kubemedic.api.auth import Authenticator, JwtSettings
from kubemedic.api.limits import Limiter, RateLimiter, SharedRateLimiter
from kubemedic.api.read_cache import ReadCache
from kubemedic.cluster.client import ClusterTarget
from kubemedic.domain import InputError
from kubemedic.metrics.prometheus import PrometheusCollector
from kubemedic.report.schema import finding_dict
from kubemedic.service.broadcast import Broadcaster, Message
from kubemedic.service.cluster_access import ClusterAccess
from kubemedic.service.history import Retention, Summarizer
from kubemedic.service.incremental import DEFAULT_FULL_EVERY_S
from kubemedic.service.leadership import Leadership
from kubemedic.service.metrics_series import MetricsSeries, SeriesRetention
from kubemedic.service.monitor import ClusterMonitor, MonitorScan
from kubemedic.service.telemetry import Metrics
from kubemedic.service.timeline import TimelineRecorder
from kubemedic.state import ClusterState
from kubemedic.store import Store
from kubemedic.store.leases import Lease, LocalLease, PostgresLease

if TYPE_CHECKING:  # Redis is the optional [redis] extra: imported only when a Redis URL is set
    from redis.asyncio import Redis

    from kubemedic.store.redis_link import RedisBus


@dataclass(frozen=True, slots=True)
class ServeConfig:
    target: ClusterTarget
    database_url: str
    host: str = "127.0.0.1"
    port: int = 8080
    dev: bool = False  # anonymous viewers allowed (only on 127.0.0.1)
    debounce_s: float = 0.2
    cors_origins: tuple[str, ...] = ()
    jwt: JwtSettings | None = None
    redis_url: str = ""  # with PostgreSQL: several replicas share the watch, the stream and the rate limits
    replica_id: str = ""  # default: host-pid
    lease_poll_s: float = 2.0  # how often a standby replica tries to take over
    rate_limit: float = 20.0  # requests per second per API key (or client IP); 0 = no limit
    rate_burst: float = 40.0
    retention_hours: float = 24.0  # timeline, minute summaries and resolved findings older than this go
    summary_every_s: float = 60.0
    full_every_s: float = DEFAULT_FULL_EVERY_S  # a full analysis at least this often (else incremental)
    prometheus: PrometheusCollector | None = None  # Prometheus queries read with the pod metrics
    metrics_interval_s: float | None = 15.0  # pod usage read for anomaly detection; None = off
    series_retention: SeriesRetention = field(default_factory=SeriesRetention)  # metric series kept


class _Server(uvicorn.Server):
    """uvicorn, with the process's signals left to serve(): it stops the monitor and closes the store
    before exiting 0, instead of uvicorn re-raising the signal after its own shutdown."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield

    def request_exit(self) -> None:
        self.should_exit = True


Emit = Callable[[str, dict[str, Any]], Awaitable[object]]
# Rendered findings/incidents reads are kept this long (or until this replica's next analysis).
READ_CACHE_S = 1.0


def publisher(emit: Emit, metrics: Metrics | None = None) -> Callable[[MonitorScan], Awaitable[None]]:
    """Turn each analysis into stream messages (what opened and what resolved) and metrics."""

    log = structlog.get_logger("kubemedic.serve")
    seen = {"reconnects": 0, "relists": 0}  # monitor totals already counted (a new term restarts them)

    async def publish(scan: MonitorScan) -> None:
        log.info(
            "analysis",
            cluster=scan.cluster,
            took_ms=round(scan.took_ms, 1),
            steps_ms=dict(scan.phases),
            full=scan.full,
            scope=scan.scope,
            changes=scan.changes,
            opened=len(scan.applied.opened),
            resolved=len(scan.applied.resolved),
            findings=len(scan.report.findings),
        )
        if metrics is not None:
            metrics.watch_events.labels(scan.cluster).inc(scan.changes)
            metrics.analyses.labels(scan.cluster).observe(scan.took_ms / 1000)
            for severity, count in scan.report.summary.by_severity.items():
                metrics.open_findings.labels(scan.cluster, severity).set(count)
            for name, counter, total in (
                ("reconnects", metrics.watch_reconnects, scan.reconnects),
                ("relists", metrics.watch_relists, scan.relists),
            ):
                counter.labels(scan.cluster).inc(total - seen[name] if total >= seen[name] else total)
                seen[name] = total
        by_id = {f.id: f for f in scan.report.findings}
        for fid in scan.applied.opened:
            await emit("finding-opened", {"cluster": scan.cluster, **finding_dict(by_id[fid])})
        for fid in scan.applied.resolved:
            await emit("finding-resolved", {"cluster": scan.cluster, "id": fid})

    return publish


def default_replica_id() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


def choose_lease(store: Store, redis: Redis | None, name: str, holder: str) -> Lease:
    """PostgreSQL: an advisory lock (freed the instant its holder dies). SQLite + Redis: a Redis lease.
    SQLite alone: one process, always the watcher."""
    if store.engine.dialect.name == "postgresql":
        return PostgresLease(store.engine, name, holder)
    if redis is not None:
        from kubemedic.store.redis_link import RedisLease

        return RedisLease(redis, name, holder)
    return LocalLease(name, holder)


async def relay(bus: RedisBus, hub: Broadcaster, ready: asyncio.Event, cache: ReadCache) -> None:
    """Every replica hands what the watching replica publishes to its own stream clients."""
    async for message in bus.listen(ready):
        if hub.deliver(Message(message.id, message.type, message.data)):
            cache.clear()  # a finding opened or resolved: cached reads are out of date


async def serve(config: ServeConfig, *, clock: Callable[[], datetime] | None = None) -> None:
    if config.dev and config.host not in ("127.0.0.1", "localhost", "::1"):
        raise InputError("--dev (anonymous access) is only allowed on 127.0.0.1")
    now = clock or (lambda: datetime.now(UTC))
    replica = config.replica_id or default_replica_id()
    log = structlog.get_logger("kubemedic.serve").bind(replica=replica)
    log.info(
        "starting",
        host=config.host,
        port=config.port,
        dev=config.dev,
        jwt=config.jwt is not None,
        redis=bool(config.redis_url),
    )
    hub = Broadcaster()
    metrics = Metrics.create()
    stop = asyncio.Event()
    redis: Redis | None = None
    if config.redis_url:
        from kubemedic.store.redis_link import connect

        redis = connect(config.redis_url)
    async with Store.open(config.database_url) as store, ClusterAccess(config.target) as access:
        lease = choose_lease(store, redis, f"cluster:{access.cluster}", replica)
        leadership = Leadership(lease, poll_s=config.lease_poll_s)
        bus: RedisBus | None = None
        if redis is not None:
            from kubemedic.store.redis_link import RedisBus

            bus = RedisBus(redis)

        async def emit_local(type_: str, data: dict[str, Any]) -> None:
            hub.publish(type_, data)

        timeline = TimelineRecorder(store, clock=now)
        read_cache = ReadCache(READ_CACHE_S)
        publish = publisher(bus.publish if bus is not None else emit_local, metrics)

        async def on_scan(scan: MonitorScan) -> None:
            read_cache.clear()  # the store just changed
            await publish(scan)

        # the collected samples' sink (MetricsWatch's `sink=`, handed over by the monitor)
        series = MetricsSeries(store, clock=now, retention=config.series_retention)
        monitor = ClusterMonitor(
            config.target,
            store,
            clock=now,
            debounce_s=config.debounce_s,
            on_scan=on_scan,
            on_change=timeline.observe,
            gc_refresh_s=60.0,  # this process is ours: schedule the garbage collector (see monitor.py)
            metrics_interval_s=config.metrics_interval_s,
            full_every_s=config.full_every_s,
            metrics_sink=series.sink(lambda: monitor.cluster),
            prometheus=config.prometheus,
        )

        async def watch(term: asyncio.Event) -> None:
            try:
                await monitor.run(term)
            finally:
                monitor.state = None  # a standby serves no stale live views
                timeline.forget(monitor.cluster)  # objects deleted meanwhile must not linger

        def states() -> dict[str, ClusterState]:
            state = monitor.state
            return {monitor.cluster: state} if leadership.leading and state is not None else {}

        async def logs(namespace: str, pod: str, container: str, previous: bool, tail: int) -> str:
            return await access.read_log(namespace, pod, container, previous=previous, tail=tail)

        async def readiness() -> dict[str, Any]:
            checks: dict[str, Any] = {}
            if redis is not None:
                try:
                    await redis.ping()
                    checks["redis"] = "ok"
                except Exception as exc:  # boundary: readiness reports, never raises
                    checks["redis"] = f"unavailable: {exc}"
            try:
                holder = await lease.current_holder()
            except Exception as exc:  # boundary: as above
                holder = f"unknown ({exc})"
            cluster: dict[str, Any] = {
                "role": "watcher" if leadership.leading else "standby",
                "watcher": holder,
                "replica": replica,
            }
            if leadership.leading:
                cluster.update(monitor.connection())
            checks["clusters"] = {access.cluster: cluster}
            return checks

        limiter: Limiter | None = None
        if config.rate_limit > 0:
            local = RateLimiter(rate=config.rate_limit, burst=max(1.0, config.rate_burst))
            limiter = local
            if redis is not None:
                from kubemedic.store.redis_link import RedisRateBuckets

                shared = RedisRateBuckets(redis, rate=local.rate, burst=local.burst)
                limiter = SharedRateLimiter(shared, local)
        authn = Authenticator(store, dev=config.dev, jwt=config.jwt, tokenreview=access.review_token)
        app = create_app(
            authn=authn,
            store=store,
            hub=hub,
            dev=config.dev,
            metrics=metrics,
            states=states,
            logs=logs,
            limiter=limiter,
            cors_origins=config.cors_origins,
            readiness=readiness,
            read_cache=read_cache,
            series=series,
        )
        server = _Server(
            uvicorn.Config(
                app, host=config.host, port=config.port, log_level="warning", timeout_graceful_shutdown=5
            )
        )
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, server.request_exit)
        background: list[asyncio.Task[None]] = []
        if bus is not None:
            subscribed = asyncio.Event()
            background.append(asyncio.create_task(relay(bus, hub, subscribed, read_cache)))
            with contextlib.suppress(TimeoutError):  # publish nothing before this replica hears its own
                await asyncio.wait_for(subscribed.wait(), timeout=5)
        watching = asyncio.create_task(leadership.run(stop, watch))
        keep = timedelta(hours=config.retention_hours)
        housekeeping = [  # the timeline's batched writes, a summary a minute, retention every 10 min
            asyncio.create_task(timeline.run(stop)),
            asyncio.create_task(
                Summarizer(store, states, clock=now, every_s=config.summary_every_s).run(stop)
            ),
            asyncio.create_task(Retention(store, clock=now, keep=keep, series=series).run(stop)),
        ]
        try:
            await server.serve()  # returns after a signal, once open requests are drained (5 s at most)
        finally:
            stop.set()
            await asyncio.wait_for(watching, timeout=40)
            await asyncio.wait_for(asyncio.gather(*housekeeping, return_exceptions=True), timeout=10)
            for task in background:
                task.cancel()
            await asyncio.gather(*background, return_exceptions=True)
            if redis is not None:
                await redis.aclose()
            log.info("stopped", analyses=monitor.scans, terms=leadership.terms)
