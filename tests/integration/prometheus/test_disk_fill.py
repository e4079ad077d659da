"""Disk fill end to end: kubelet's volume stats read through the default Prometheus queries (a real
HTTP server speaking the Prometheus API, tests/support/fake_prometheus.py), fed by the metrics watch
to its default detectors: a filling PVC becomes an `anomaly` finding on the claim with its ETA, a
full but flat one does not, and the generic series anomalies stay out of it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from kubemedic.domain import Severity
from kubemedic.metrics.disk_fill import ClaimKey, DiskFillDetector
from kubemedic.metrics.prometheus import DEFAULT_QUERIES, PrometheusCollector
from kubemedic.metrics.samples import PVC_CAPACITY_BYTES, PVC_USED_BYTES
from kubemedic.service.metrics_watch import MetricsWatch
from kubemedic.state import ClusterState
from tests.support.fake_prometheus import FakePrometheus, running_fake_prometheus

pytestmark = [pytest.mark.integration, pytest.mark.anyio]
T0 = 1_800_000_000.0
GIB = 2.0**30
RATE = 1 * GIB / 3600  # bytes per second
PROMQL = {q.name: q.promql for q in DEFAULT_QUERIES}


@pytest.fixture()
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture()
def prom() -> Iterator[FakePrometheus]:
    with running_fake_prometheus() as server:
        yield server


def _used(t: float) -> float:
    return 5 * GIB + RATE * (t - (T0 - 3600))  # 6 GiB of 10 at T0: full around T0 + 4 h


async def test_a_filling_volume_read_from_prometheus_is_a_finding_with_its_eta(prom: FakePrometheus) -> None:
    data = {"namespace": "shop", "persistentvolumeclaim": "data-db-0"}
    logs = {"namespace": "shop", "persistentvolumeclaim": "logs"}
    prom.series[PROMQL[PVC_USED_BYTES]] = [(data, _used), (logs, lambda t: 9.6 * GIB)]
    prom.series[PROMQL[PVC_CAPACITY_BYTES]] = [(data, lambda t: 10 * GIB), (logs, lambda t: 10 * GIB)]
    claim = {
        "kind": "PersistentVolumeClaim",
        "metadata": {"name": "data-db-0", "namespace": "shop", "uid": "pvc-1"},
    }
    state = ClusterState.build([claim], now=datetime.fromtimestamp(T0, UTC)).build_indexes()
    clock = [T0]
    pokes: list[float] = []

    async def no_pods() -> list[object]:
        return []

    async with PrometheusCollector(prom.url, DEFAULT_QUERIES) as collector:
        watch = MetricsWatch(
            no_pods, lambda: state, lambda: clock[0], prometheus=collector,
            on_alarm=lambda: pokes.append(clock[0]),
        )  # fmt: skip
        await watch.read_once()  # the hour of backfill: the trend's window is full at once
        assert pokes == [T0], "judged on the first reading"
        for _ in range(4):
            clock[0] += 15.0
            await watch.read_once()
    assert pokes == [T0], "one alarm, refreshed (not raised again) at each reading"
    (finding,) = watch.findings(clock[0])
    assert (finding.object.kind, finding.object.name, finding.object.uid) == (
        "PersistentVolumeClaim",
        "data-db-0",
        "pvc-1",
    )
    assert finding.title == "data-db-0: disk filling up" and finding.severity is Severity.WARNING
    (disk,) = [d for d in watch.detectors if isinstance(d, DiskFillDetector)]
    fill = disk.fill(ClaimKey("shop", "data-db-0"))
    assert fill is not None and fill.eta is not None
    true_eta = (10 * GIB - _used(clock[0])) / RATE
    assert abs(fill.eta - true_eta) < 60, "within a minute of the true time to full"
    assert "full in ~4.0 h (around 2027-01-15T12:00:00Z)" in finding.message, "T0 is 08:00Z"
    flat = disk.fill(ClaimKey("shop", "logs"))
    assert flat is not None and flat.ratio == pytest.approx(0.96) and not flat.climbing
    requested = {r.params["query"] for r in prom.requests}
    assert {PROMQL[PVC_USED_BYTES], PROMQL[PVC_CAPACITY_BYTES]} <= requested
