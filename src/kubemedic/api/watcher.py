"""The watching half of `kubemedic serve`, in a process of its own.

Python runs one thread at a time per process. When the API and the analysis shared a process, every
request waited its turn behind the analysis thread, several times per request (measured: REST p99
416-500 ms at 300 req/s while 200 changes/s were analyzed). So serve is two processes:

- the API process (api/serve.py): HTTP, auth, streams, and a mirror of the cluster for live views;
- this one: the cluster's lease, the watch, incremental analysis, the store's findings and incidents,
  the timeline, minute summaries, metric series, retention.

They talk over a socket pair the API process makes: it sends this process its WatcherConfig (pickled,
length-prefixed: the two are one program), then reads JSON lines (api/notice.py): every object
change, every applied analysis, and a status each second. When the API process closes its end - it
is stopping, or it died - this process stops too, releasing the lease, so a dead API never leaves a
watcher behind holding the cluster.

    python -m kubemedic.api.watcher_main FD      (started by serve, not by hand)
"""

from __future__ import annotations

import asyncio
import contextlib
import pickle
import signal
import socket
import struct
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import structlog

from kubemedic.api.notice import ScanNotice, WatcherStatus, change_line, scan_line, status_line
from kubemedic.cluster.client import ClusterTarget
from kubemedic.cluster.reflector import Change
from kubemedic.metrics.prometheus import PrometheusCollector
from kubemedic.service.history import Retention, Summarizer
from kubemedic.service.incremental import DEFAULT_FULL_EVERY_S
from kubemedic.service.leadership import Leadership
from kubemedic.service.metrics_series import MetricsSeries, SeriesRetention
from kubemedic.service.monitor import DEFAULT_DEBOUNCE_S, ClusterMonitor, MonitorScan
from kubemedic.service.timeline import TimelineRecorder
from kubemedic.state import ClusterState
from kubemedic.store import Store
from kubemedic.store.leases import choose_lease

STATUS_EVERY_S = 1.0
SWITCH_INTERVAL_S = 0.001  # see cli serve: threads hand the GIL over sooner
HEADER = struct.Struct("!Q")  # the config's length
Clock = Callable[[], datetime]


@dataclass(frozen=True, slots=True)
class WatcherConfig:
    target: ClusterTarget
    database_url: str
    cluster: str  # the lease's name: "cluster:<this>"
    replica: str
    redis_url: str = ""
    debounce_s: float = DEFAULT_DEBOUNCE_S
    lease_poll_s: float = 2.0
    retention_hours: float = 24.0
    summary_every_s: float = 60.0
    full_every_s: float = DEFAULT_FULL_EVERY_S
    metrics_interval_s: float | None = 15.0
    series_retention: SeriesRetention = field(default_factory=SeriesRetention)
    prometheus: bool = False  # read the Prometheus settings (KUBEMEDIC_PROMETHEUS_*) from the environment


def encode_config(config: WatcherConfig) -> bytes:
    body = pickle.dumps(config)
    return HEADER.pack(len(body)) + body


async def read_config(reader: asyncio.StreamReader) -> WatcherConfig:
    (size,) = HEADER.unpack(await reader.readexactly(HEADER.size))
    config = pickle.loads(await reader.readexactly(size))  # our own parent process wrote it
    if not isinstance(config, WatcherConfig):
        raise TypeError(f"expected a WatcherConfig, got {type(config).__name__}")
    return config


def _prometheus(enabled: bool) -> PrometheusCollector | None:
    if not enabled:
        return None
    from kubemedic.config import Settings

    return Settings().prometheus()


async def run_watcher(
    config: WatcherConfig, writer: asyncio.StreamWriter, stop: asyncio.Event, *, clock: Clock | None = None
) -> None:
    """Hold the lease when possible and watch while holding it, reporting to `writer`, until `stop`."""
    now = clock or (lambda: datetime.now(UTC))
    log = structlog.get_logger("kubemedic.watcher").bind(replica=config.replica)
    redis = None
    if config.redis_url:
        from kubemedic.store.redis_link import connect

        redis = connect(config.redis_url)
    prometheus = _prometheus(config.prometheus)
    try:
        async with Store.open(config.database_url) as store:
            lease = choose_lease(store.engine, redis, f"cluster:{config.cluster}", config.replica)
            leadership = Leadership(lease, poll_s=config.lease_poll_s)
            timeline = TimelineRecorder(store, clock=now)
            series = MetricsSeries(store, clock=now, retention=config.series_retention)

            def on_change(cluster: str, change: Change, initial: bool) -> None:
                timeline.observe(cluster, change, initial)
                writer.write(change_line(change))

            async def on_scan(scan: MonitorScan) -> None:
                notice = ScanNotice.of(scan)
                log.info(
                    "analysis",
                    cluster=notice.cluster,
                    took_ms=notice.took_ms,
                    steps_ms=notice.steps_ms,
                    full=notice.full,
                    scope=notice.scope,
                    changes=notice.changes,
                    opened=len(notice.opened),
                    resolved=len(notice.resolved),
                    findings=notice.findings,
                )
                report_status()  # first: an analysis means the listing is complete (the mirror may build)
                writer.write(scan_line(notice))

            monitor = ClusterMonitor(
                config.target,
                store,
                clock=now,
                debounce_s=config.debounce_s,
                on_scan=on_scan,
                on_change=on_change,
                gc_refresh_s=10.0,  # this process is ours: schedule the garbage collector (monitor.py)
                metrics_interval_s=config.metrics_interval_s,
                full_every_s=config.full_every_s,
                metrics_sink=series.sink(lambda: monitor.cluster, pause=lambda: monitor.foreground.pause()),
                prometheus=prometheus,
            )

            def report_status() -> None:
                leading = leadership.leading
                writer.write(
                    status_line(
                        WatcherStatus(
                            leading=leading,
                            cluster=monitor.cluster,
                            synced=leading and monitor.scans > 0 and monitor.state is not None,
                            connection=monitor.connection() if leading else {},
                            scans=monitor.scans,
                            terms=leadership.terms,
                        )
                    )
                )

            async def watch(term: asyncio.Event) -> None:
                report_status()
                try:
                    await monitor.run(term)
                finally:
                    monitor.state = None
                    timeline.forget(monitor.cluster)  # objects deleted meanwhile must not linger
                    report_status()

            def states() -> dict[str, ClusterState]:
                state = monitor.state
                return {monitor.cluster: state} if leadership.leading and state is not None else {}

            async def heartbeat() -> None:
                while not stop.is_set():
                    report_status()
                    with contextlib.suppress(ConnectionError):
                        await writer.drain()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), STATUS_EVERY_S)

            tasks = [
                asyncio.create_task(leadership.run(stop, watch)),
                asyncio.create_task(heartbeat()),
                asyncio.create_task(timeline.run(stop)),
                asyncio.create_task(
                    Summarizer(store, states, clock=now, every_s=config.summary_every_s).run(stop)
                ),
                asyncio.create_task(
                    Retention(
                        store, clock=now, keep=timedelta(hours=config.retention_hours), series=series
                    ).run(stop)
                ),
            ]
            log.info("watcher-started", cluster=config.cluster)
            await stop.wait()
            await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), timeout=45)
            log.info("watcher-stopped", analyses=monitor.scans, terms=leadership.terms)
    finally:
        if prometheus is not None:
            await prometheus.aclose()
        if redis is not None:
            await redis.aclose()


async def _main(fd: int) -> None:
    sock = socket.socket(fileno=fd)
    reader, writer = await asyncio.open_connection(sock=sock)
    config = await read_config(reader)
    stop = asyncio.Event()
    # A terminal's Ctrl-C or a service manager's SIGTERM reaches the whole process group: the API
    # process handles it (drains its requests, then closes the link), and its closing stops us.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_IGN)

    async def until_closed() -> None:
        with contextlib.suppress(ConnectionError):
            while await reader.read(65536):
                pass  # the API process sends nothing more; its end closing means stop
        stop.set()

    closed = asyncio.create_task(until_closed())
    try:
        await run_watcher(config, writer, stop)
    finally:
        closed.cancel()
        with contextlib.suppress(ConnectionError):
            await writer.drain()
        writer.close()


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or not args[0].isdigit():
        sys.exit("usage: python -m kubemedic.api.watcher_main FD  (started by `kubemedic serve`)")
    from kubemedic.logging_setup import configure

    configure()
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    asyncio.run(_main(int(args[0])))
