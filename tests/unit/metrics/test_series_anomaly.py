"""Anomalies on derived and queried series: after its warm-up, a pending-pods count that jumps and
stays is a warning on the namespace; constant counts, a one-replica wiggle and the warm-up are not;
queried series are named by their labels."""

from __future__ import annotations

import random

from kubemedic.metrics.prometheus import series_id
from kubemedic.metrics.samples import PENDING_PODS, RESTARTS, UNAVAILABLE_REPLICAS, Sample, SeriesId
from kubemedic.metrics.series_anomaly import SeriesAnomalies
from tests.unit.metrics.workloads import T0, pod, state

PENDING = SeriesId(PENDING_PODS, "Namespace", "", "shop")
CLUSTER = state(pod("web-1"))


def _feed(detector: SeriesAnomalies, sid: SeriesId, values: list[float]) -> list[int]:
    fired = []
    for i, value in enumerate(values):
        now = T0 + 15 * i
        if detector.observe([Sample(sid, now, value)], CLUSTER, now):
            fired.append(i)
    return fired


def test_pending_pods_that_jump_and_stay_are_an_anomaly_of_the_namespace() -> None:
    rng = random.Random(1)
    quiet = [float(rng.choice((0, 0, 0, 1))) for _ in range(400)]
    detector = SeriesAnomalies()
    fired = _feed(detector, PENDING, [*quiet, *[12.0] * 20])
    assert fired == [400]
    (finding,) = detector.findings(T0 + 15 * 420)
    assert finding.title == "pending_pods of namespace shop: value far outside its usual range"
    assert (finding.object.kind, finding.object.name) == ("Namespace", "shop")
    assert (
        finding.severity.value == "warning"
        and "pending_pods of namespace shop = 12" in finding.evidence[0].text
    )


def test_no_alarm_in_the_warm_up_on_constant_counts_or_small_wiggles() -> None:
    assert _feed(SeriesAnomalies(), PENDING, [0.0] * 100 + [30.0] * 20) == [], "warm-up: 240 points"
    assert _feed(SeriesAnomalies(), PENDING, [2.0] * 600) == []
    web = SeriesId(UNAVAILABLE_REPLICAS, "Deployment", "shop", "web")
    rollouts = [1.0 if 300 <= i < 306 or 500 <= i < 502 else 0.0 for i in range(600)]
    assert _feed(SeriesAnomalies(), web, rollouts) == [], "one replica down in a rollout: under min_delta"
    restarts = SeriesId(RESTARTS, "Deployment", "shop", "web")
    assert _feed(SeriesAnomalies(), restarts, [0.0] * 300 + [50.0] * 10) == [], (
        "restarts: the storm detector's"
    )


def test_queried_series_are_named_by_their_labels_and_a_point_is_fed_once() -> None:
    sid = series_id("error_rate", {"namespace": "shop", "service": "cart", "job": "api"})
    assert sid == SeriesId("error_rate", "Query", "shop", 'error_rate{job="api",service="cart"}')
    assert series_id("up", {}) == SeriesId("up", "Query", "", "up")
    rng = random.Random(2)
    detector = SeriesAnomalies()
    values = [0.01 + rng.gauss(0, 0.001) for _ in range(300)] + [0.3] * 5
    fired = []
    for i, value in enumerate(values):
        now = T0 + 15 * i
        sample = Sample(sid, now, value)
        if detector.observe([sample, sample], CLUSTER, now):  # overlapping ranges: the same point twice
            fired.append(i)
    assert fired == [300]
    (finding,) = detector.findings(T0 + 15 * 305)
    assert finding.object.kind == "Query" and finding.title.startswith(
        'error_rate{job="api",service="cart"}: '
    )
