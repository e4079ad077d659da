"""`kubemedic serve`: the monitor, the store and the HTTP API in one process, stopped cleanly on a signal."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import structlog
import uvicorn

from kubemedic.api.app import create_app
from kubemedic.api.auth import Authenticator, JwtSettings
from kubemedic.api.limits import RateLimiter
from kubemedic.cluster.client import ClusterTarget
from kubemedic.report.schema import finding_dict
from kubemedic.service.broadcast import Broadcaster
from kubemedic.service.monitor import ClusterMonitor, MonitorScan
from kubemedic.service.telemetry import Metrics
from kubemedic.state import ClusterState
from kubemedic.store import Store


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


class _Server(uvicorn.Server):
    """uvicorn, with the process's signals left to serve(): it stops the monitor and closes the store
    before exiting 0, instead of uvicorn re-raising the signal after its own shutdown."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield

    def request_exit(self) -> None:
        self.should_exit = True


def publisher(hub: Broadcaster, metrics: Metrics | None = None) -> Callable[[MonitorScan], None]:
    """Turn each analysis into stream messages (what opened and what resolved) and metrics."""

    log = structlog.get_logger("kubemedic.serve")

    def publish(scan: MonitorScan) -> None:
        log.info(
            "analysis",
            cluster=scan.cluster,
            took_ms=round(scan.took_ms, 1),
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
        by_id = {f.id: f for f in scan.report.findings}
        for fid in scan.applied.opened:
            hub.publish("finding-opened", {"cluster": scan.cluster, **finding_dict(by_id[fid])})
        for fid in scan.applied.resolved:
            hub.publish("finding-resolved", {"cluster": scan.cluster, "id": fid})

    return publish


async def serve(config: ServeConfig, *, clock: Callable[[], datetime] | None = None) -> None:
    if config.dev and config.host not in ("127.0.0.1", "localhost", "::1"):
        from kubemedic.domain import InputError

        raise InputError("--dev (anonymous access) is only allowed on 127.0.0.1")
    now = clock or (lambda: datetime.now(UTC))
    log = structlog.get_logger("kubemedic.serve")
    log.info("starting", host=config.host, port=config.port, dev=config.dev, jwt=config.jwt is not None)
    hub = Broadcaster()
    metrics = Metrics.create()
    stop = asyncio.Event()
    async with Store.open(config.database_url) as store:
        monitor = ClusterMonitor(
            config.target, store, clock=now, debounce_s=config.debounce_s, on_scan=publisher(hub, metrics)
        )

        def states() -> dict[str, ClusterState]:
            return {monitor.cluster: monitor.state} if monitor.state is not None else {}

        async def logs(namespace: str, pod: str, container: str, previous: bool, tail: int) -> str:
            return await monitor.read_log(namespace, pod, container, previous=previous, tail=tail)

        authn = Authenticator(store, dev=config.dev, jwt=config.jwt, tokenreview=monitor.review_token)
        app = create_app(
            authn=authn,
            store=store,
            hub=hub,
            dev=config.dev,
            metrics=metrics,
            states=states,
            logs=logs,
            limiter=RateLimiter(),
            cors_origins=config.cors_origins,
        )
        server = _Server(
            uvicorn.Config(
                app, host=config.host, port=config.port, log_level="warning", timeout_graceful_shutdown=5
            )
        )
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, server.request_exit)
        watching = asyncio.create_task(monitor.run(stop))
        try:
            await server.serve()  # returns after a signal, once open requests are drained (5 s at most)
        finally:
            stop.set()
            await asyncio.wait_for(watching, timeout=30)
            log.info("stopped", analyses=monitor.scans)
