"""`kubemedic serve`: the HTTP API in this process; the watch, the analysis and the store's
housekeeping in a watcher process (api/watcher.py) that this one starts, restarts and stops."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import structlog
import uvicorn

from kubemedic.api.app import create_app
from kubemedic.api.auth import Authenticator, JwtSettings
from kubemedic.api.limits import Limiter, RateLimiter, SharedRateLimiter
from kubemedic.api.notice import ScanNotice, WatcherStatus
from kubemedic.api.read_cache import ReadCache
from kubemedic.api.views import cluster_status
from kubemedic.api.watcher import WatcherConfig
from kubemedic.api.watcher_link import WatcherProcess
from kubemedic.cluster.client import ClusterTarget
from kubemedic.domain import InputError
from kubemedic.service.broadcast import Broadcaster, Message
from kubemedic.service.cluster_access import ClusterAccess
from kubemedic.service.incremental import DEFAULT_FULL_EVERY_S
from kubemedic.service.metrics_series import MetricsSeries, SeriesRetention
from kubemedic.service.mirror import ClusterMirror
from kubemedic.service.monitor import DEFAULT_DEBOUNCE_S
from kubemedic.service.telemetry import Metrics
from kubemedic.state import ClusterState
from kubemedic.store import Store
from kubemedic.store.leases import choose_lease

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
    debounce_s: float = DEFAULT_DEBOUNCE_S
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
    prometheus: bool = False  # read Prometheus queries with the pod metrics (KUBEMEDIC_PROMETHEUS_*)
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


def publisher(emit: Emit, metrics: Metrics | None = None) -> Callable[[ScanNotice], Awaitable[None]]:
    """Turn each analysis into stream messages (what opened and what resolved) and metrics."""

    seen = {"reconnects": 0, "relists": 0}  # watcher totals already counted (a new term restarts them)

    async def publish(scan: ScanNotice) -> None:
        if metrics is not None:
            metrics.watch_events.labels(scan.cluster).inc(scan.changes)
            metrics.analyses.labels(scan.cluster).observe(scan.took_ms / 1000)
            for severity, count in scan.by_severity.items():
                metrics.open_findings.labels(scan.cluster, severity).set(count)
            for name, counter, total in (
                ("reconnects", metrics.watch_reconnects, scan.reconnects),
                ("relists", metrics.watch_relists, scan.relists),
            ):
                counter.labels(scan.cluster).inc(total - seen[name] if total >= seen[name] else total)
                seen[name] = total
        for finding in scan.opened:
            await emit("finding-opened", finding)
        for fid in scan.resolved:
            await emit("finding-resolved", {"cluster": scan.cluster, "id": fid})

    return publish


def default_replica_id() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


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
        # read here only to say who watches; the watcher process takes and holds it
        lease = choose_lease(store.engine, redis, f"cluster:{access.cluster}", replica)
        bus: RedisBus | None = None
        if redis is not None:
            from kubemedic.store.redis_link import RedisBus

            bus = RedisBus(redis)

        async def emit_local(type_: str, data: dict[str, Any]) -> None:
            hub.publish(type_, data)

        read_cache = ReadCache(READ_CACHE_S)
        publish = publisher(bus.publish if bus is not None else emit_local, metrics)
        # this process is ours: schedule the garbage collector (service/gc_schedule.py)
        mirror = ClusterMirror(clock=now, prepare=cluster_status, gc_refresh_s=60.0)

        async def on_scan(scan: ScanNotice) -> None:
            if scan.opened or scan.resolved:  # else only last-seen times moved: cached reads stay (1 s)
                read_cache.clear()
            if mirror.state is None:  # the first analysis: live views from the same moment on
                await mirror.build()
            await publish(scan)

        def on_status(status: WatcherStatus) -> None:
            if not status.leading:
                if not mirror.empty:
                    mirror.reset()  # a standby serves no stale live views
            elif status.synced:
                mirror.synced(status.cluster)

        watcher = WatcherProcess(
            WatcherConfig(
                config.target,
                config.database_url,
                access.cluster,
                replica,
                redis_url=config.redis_url,
                debounce_s=config.debounce_s,
                lease_poll_s=config.lease_poll_s,
                retention_hours=config.retention_hours,
                summary_every_s=config.summary_every_s,
                full_every_s=config.full_every_s,
                metrics_interval_s=config.metrics_interval_s,
                series_retention=config.series_retention,
                prometheus=config.prometheus,
            ),
            on_change=mirror.apply,
            on_scan=on_scan,
            on_status=on_status,
        )
        series = MetricsSeries(store, clock=now, retention=config.series_retention)  # reads only here

        def states() -> dict[str, ClusterState]:
            state = mirror.state
            return {mirror.cluster: state} if watcher.status.leading and state is not None else {}

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
            status = watcher.status
            cluster: dict[str, Any] = {
                "role": "watcher" if status.leading else "standby",
                "watcher": holder,
                "replica": replica,
                "watcher_process": "running" if watcher.running else "restarting",
            }
            if status.leading:
                cluster.update(status.connection)
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
        watching = asyncio.create_task(watcher.run(stop))
        mirroring = asyncio.create_task(mirror.run(stop))
        try:
            await server.serve()  # returns after a signal, once open requests are drained (5 s at most)
        finally:
            stop.set()
            await asyncio.wait_for(asyncio.gather(watching, mirroring, return_exceptions=True), timeout=60)
            for task in background:
                task.cancel()
            await asyncio.gather(*background, return_exceptions=True)
            if redis is not None:
                await redis.aclose()
            log.info("stopped", watcher_starts=watcher.starts, status=asdict(watcher.status))
