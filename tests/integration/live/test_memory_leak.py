"""A leak seen coming: the monitor with metrics collection, against the sim's `memory-leak` scenario.

session-cache's memory holds for 25 s after its start, then climbs to its 256Mi limit, reached at
50 s: the OOM kill. The monitor reads pod metrics ~12 times a second (so the trend test's 240-point
warm-up fits in the steady phase); the anomaly finding - an error with an ETA to the limit, on the
Deployment - must be stored before the container's first OOMKilled, and once the kill is seen the
`oom` finding and the anomaly finding must share one incident.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kubemedic.cluster.client import ClusterTarget
from kubemedic.domain import Finding
from kubemedic.service.monitor import ClusterMonitor, MonitorScan
from kubemedic.sim.config import SimConfig
from kubemedic.sim.testing import running_sim
from kubemedic.state import Pod
from kubemedic.store import Store

pytestmark = [pytest.mark.integration, pytest.mark.anyio]
TIMEOUT_S = 80.0


@pytest.fixture()
def anyio_backend() -> str:
    return "asyncio"


def _leak(findings: tuple[Finding, ...]) -> Finding | None:
    return next(
        (f for f in findings if f.category == "anomaly" and f.title.startswith("memory of session-cache")),
        None,
    )


def _oom(findings: tuple[Finding, ...]) -> Finding | None:
    return next((f for f in findings if f.category == "oom" and f.object.namespace == "shop"), None)


def _killed(scan: MonitorScan) -> bool:
    """Has the container been OOM-killed yet, as the cluster state of this analysis shows it."""
    state = scan.report.state
    assert state is not None
    for pod in state.pods("shop"):
        if isinstance(pod, Pod) and pod.name.startswith("session-cache"):
            for status in pod.container_statuses:
                if status.restart_count > 0 or status.state.state == "terminated":
                    return True
    return False


async def test_leak_is_an_anomaly_with_an_eta_before_the_oom_kill_then_one_incident(tmp_path: Path) -> None:
    started = time.monotonic()
    url = f"sqlite+aiosqlite:///{tmp_path / 'kubemedic.db'}"
    scans: list[MonitorScan] = []
    first_alarm: tuple[float, Finding, bool] | None = None  # (seconds in, finding, killed already)
    joined: tuple[Finding, Finding] | None = None
    killed_at: float | None = None  # seconds in, the first analysis that saw the kill
    with running_sim(SimConfig(scenarios=("memory-leak",), fault_delay=0.5)) as sim:
        async with Store.open(url) as store:
            monitor = ClusterMonitor(
                ClusterTarget(kubeconfig=sim.kubeconfig),
                store,
                clock=lambda: datetime.now(UTC),
                on_scan=scans.append,
                with_logs=False,
                metrics_interval_s=0.08,
            )
            stop = asyncio.Event()
            task = asyncio.create_task(monitor.run(stop))
            try:
                seen = 0
                while time.monotonic() - started < TIMEOUT_S and joined is None:
                    await asyncio.sleep(0.2)
                    for scan in scans[seen:]:
                        leak, oom = _leak(scan.report.findings), _oom(scan.report.findings)
                        if killed_at is None and (_killed(scan) or oom is not None):
                            killed_at = time.monotonic() - started
                        if leak is not None and first_alarm is None:
                            first_alarm = (time.monotonic() - started, leak, _killed(scan) or oom is not None)
                        if leak is not None and oom is not None:
                            joined = (leak, oom)
                    seen = len(scans)
                stored = (await store.findings(category="anomaly", limit=100)).items
            finally:
                stop.set()
                await asyncio.wait_for(task, timeout=15)
    took = time.monotonic() - started
    assert first_alarm is not None, "no anomaly finding on session-cache"
    alarm_at, leak, killed_before = first_alarm
    assert not killed_before, "the anomaly must come before the first OOM kill"
    assert killed_at is not None and killed_at - alarm_at > 5, (alarm_at, killed_at)
    assert leak.severity.value == "error" and leak.object.kind == "Deployment"
    assert leak.title.startswith("memory of session-cache-") and leak.title.endswith("heading for its limit")
    assert "reaches the limit in" in leak.message and "reaches its limit in" in leak.remediation
    assert any(s.finding.id == leak.id for s in stored), "the anomaly was stored"
    assert joined is not None, "no scan had both the OOMKilled finding and the anomaly"
    anomaly, oom = joined
    assert anomaly.incident_id and anomaly.incident_id == oom.incident_id
    assert monitor.metrics is not None and monitor.metrics.failures == 0
    assert took < TIMEOUT_S
