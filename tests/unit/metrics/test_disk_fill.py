"""Disk fill: a PVC whose used bytes climb toward its capacity gets an ETA to full before it is;
a flat, noisy-flat, falling or one-step series never alarms; >= 95 % full or < 1 h left is an error;
an expanded volume is judged afresh at once."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

import pytest

from kubemedic.domain import Severity
from kubemedic.metrics.disk_fill import ClaimKey, DiskFillDetector, claim_key, human_bytes, robust_slope
from kubemedic.metrics.prometheus import series_id
from kubemedic.metrics.samples import PVC_CAPACITY_BYTES, PVC_USED_BYTES, Sample
from kubemedic.metrics.series_anomaly import SeriesAnomalies
from tests.unit.metrics.workloads import T0, state

GIB = 2.0**30
STEP = 15.0
LABELS = {"namespace": "shop", "persistentvolumeclaim": "data-db-0"}
USED = series_id(PVC_USED_BYTES, LABELS)
CAPACITY = series_id(PVC_CAPACITY_BYTES, LABELS)
KEY = ClaimKey("shop", "data-db-0")
PVC = {
    "kind": "PersistentVolumeClaim",
    "metadata": {"name": "data-db-0", "namespace": "shop", "uid": "pvc-1"},
    "spec": {"resources": {"requests": {"storage": "10Gi"}}},
}
CLUSTER = state(extra=(PVC,))


def _feed(
    detector: DiskFillDetector,
    used: Callable[[int], float],
    points: int,
    capacity: Callable[[int], float] = lambda _: 10 * GIB,
    start: int = 0,
) -> list[tuple[int, Severity]]:
    """One reading per point (used and capacity); the points where an alarm was raised."""
    fired = []
    for i in range(start, start + points):
        t = T0 + STEP * i
        samples = [Sample(USED, t, used(i)), Sample(CAPACITY, t, capacity(i))]
        fired += [(i, f.severity) for f in detector.observe(samples, CLUSTER, t)]
    return fired


def test_a_steady_fill_warns_on_the_pvc_with_an_eta_close_to_the_true_one() -> None:
    rng = random.Random(7)
    rate = 0.5 * GIB / 3600  # bytes per second: from 2 GiB, full (10 GiB) after 16 h

    def used(i: int) -> float:
        return 2 * GIB + rate * STEP * i + rng.gauss(0, 5e6)

    detector = DiskFillDetector()
    fired = _feed(detector, used, 400)
    assert fired == [(240, Severity.WARNING)], "one alarm, as soon as the trend's window is full"
    fill = detector.fill(KEY)
    assert fill is not None and fill.eta is not None
    true_eta = (10 * GIB - (2 * GIB + rate * STEP * 399)) / rate
    assert abs(fill.eta - true_eta) < 0.03 * true_eta
    assert abs(fill.slope - rate) < 0.03 * rate
    (finding,) = detector.findings(T0 + STEP * 399)
    assert finding.title == "data-db-0: disk filling up" and finding.category == "anomaly"
    assert (finding.object.kind, finding.object.namespace, finding.object.name) == (
        "PersistentVolumeClaim",
        "shop",
        "data-db-0",
    )
    assert finding.object.uid == "pvc-1", "the claim from the cluster state"
    assert "(28%)" in finding.message and "full in ~14." in finding.message and "MiB/h" in finding.message
    (evidence,) = finding.evidence
    assert evidence.location == 'pvc_used_bytes{persistentvolumeclaim="data-db-0"}'
    for part in ("capacity 10 GiB", "slope 51", "expected full at 2027-", "noise"):
        assert part in evidence.text


def test_the_finding_keeps_its_id_while_the_eta_shrinks_and_turns_error_within_the_hour() -> None:
    rate = 8 * GIB / 3600  # from 1 GiB: 10 GiB full after ~67 min

    detector = DiskFillDetector()
    fired = _feed(detector, lambda i: 1 * GIB + rate * STEP * i, 260)
    assert fired == [(240, Severity.ERROR)], "already < 1 h left"
    detector = DiskFillDetector()
    slow = 0.2 * GIB / 3600  # from 4 GiB: 30 h left, then a faster fill from point 300

    def used(i: int) -> float:
        return 4 * GIB + slow * STEP * min(i, 300) + rate * STEP * max(0, i - 300)

    warned = _feed(detector, used, 400)
    (warning,) = detector.findings(T0 + STEP * 399)
    fired = warned + _feed(detector, used, 300, start=400)
    assert [severity for _, severity in fired] == [Severity.WARNING, Severity.ERROR], (
        "a new alarm when it turns error; not one per reading"
    )
    (error,) = detector.findings(T0 + STEP * 699)
    assert (warning.severity, error.severity) == (Severity.WARNING, Severity.ERROR)
    assert error.id == warning.id and error.title == warning.title, "the ETA is not in the title"
    assert warning.message != error.message


def test_a_flat_a_noisy_flat_a_falling_or_a_one_step_series_never_alarms() -> None:
    cases: dict[str, Callable[[random.Random], Callable[[int], float]]] = {
        "flat at 96 %": lambda _: lambda i: 9.6 * GIB,
        "noisy flat at 93 %": lambda r: lambda i: 9.3 * GIB + r.gauss(0, 0.03 * GIB),
        "falling from 97 %": lambda _: lambda i: 9.7 * GIB - 1e5 * i,
        "one 2 GiB file at 85 %": lambda _: lambda i: 6.5 * GIB + (2 * GIB if i >= 500 else 0.0),
    }
    for what, make in cases.items():
        for seed in range(3):
            detector = DiskFillDetector()
            assert _feed(detector, make(random.Random(seed)), 1000) == [], what
            assert detector.findings(T0 + STEP * 999) == (), what


def test_already_full_and_climbing_slowly_is_an_error() -> None:
    slow = 0.05 * GIB / 3600  # from 9.6 GiB of 10: 8 h left at this rate
    detector = DiskFillDetector(horizon_s=3600.0)  # even when the ETA is beyond the horizon
    fired = _feed(detector, lambda i: 9.6 * GIB + slow * STEP * i, 300)
    assert fired == [(240, Severity.ERROR)]
    (finding,) = detector.findings(T0 + STEP * 299)
    assert "(97%)" in finding.message and "full in ~6.8 h" in finding.message


def test_above_90_percent_and_climbing_warns_even_when_full_is_days_away() -> None:
    slow = 0.01 * GIB / 3600  # 9.1 GiB of 10: 90 h left
    fired = _feed(DiskFillDetector(), lambda i: 9.1 * GIB + slow * STEP * i, 300)
    assert fired == [(240, Severity.WARNING)]
    far = _feed(DiskFillDetector(), lambda i: 5 * GIB + slow * STEP * i, 300)
    assert far == [], "half full and days away: nothing"


def test_an_expanded_volume_is_judged_afresh_without_a_new_warm_up() -> None:
    rate = 0.2 * GIB / 3600
    detector = DiskFillDetector()

    def capacity(i: int) -> float:
        return 10 * GIB if i < 300 else 40 * GIB

    fired = _feed(detector, lambda i: 9.2 * GIB + rate * STEP * i, 320, capacity)
    assert fired == [(240, Severity.WARNING)]
    assert detector.findings(T0 + STEP * 319) == (), "dropped once the volume has room"
    fill = detector.fill(KEY)
    assert fill is not None and fill.capacity == 40 * GIB, "judged at once on the kept window"
    assert fill.eta is not None and 140 * 3600 < fill.eta < 160 * 3600


def test_points_without_capacity_other_series_and_overlapping_ranges() -> None:
    detector = DiskFillDetector()
    t = T0
    no_pvc = series_id(PVC_USED_BYTES, {"namespace": "shop"})
    assert claim_key(no_pvc) is None
    samples = [Sample(USED, t, 1.0), Sample(no_pvc, t, 5.0)]
    assert detector.observe(samples, CLUSTER, t) == [] and detector.claims == ()
    _feed(detector, lambda i: 9.5 * GIB + 1e6 * i, 250)
    before = detector.fill(KEY)
    detector.observe([Sample(USED, T0, 1.0), Sample(CAPACITY, T0, 10 * GIB)], CLUSTER, T0 + STEP * 249)
    assert detector.fill(KEY) == before, "a point already seen is not fed again"
    detector.observe([], CLUSTER, T0 + STEP * 249 + 3601)
    assert detector.claims == () and detector.findings(T0 + STEP * 249 + 3601) == ()


def test_the_capacity_of_an_earlier_reading_is_used_when_a_reading_lacks_it() -> None:
    detector = DiskFillDetector()
    rate = 1 * GIB / 3600
    for i in range(260):
        t = T0 + STEP * i
        samples = [Sample(USED, t, 8 * GIB + rate * STEP * i)]
        if i == 0:
            samples.append(Sample(CAPACITY, t, 10 * GIB))
        detector.observe(samples, CLUSTER, t)
    fill = detector.fill(KEY)
    assert fill is not None and fill.capacity == 10 * GIB and fill.eta is not None


def test_settings_are_checked_and_helpers_behave() -> None:
    with pytest.raises(ValueError, match="horizon"):
        DiskFillDetector(horizon_s=0)
    with pytest.raises(ValueError, match="hold_seconds"):
        DiskFillDetector(hold_seconds=-1)
    assert human_bytes(1.5 * GIB) == "1.5 GiB" and human_bytes(12) == "12 B"
    times: Sequence[float] = [float(i) for i in range(60)]
    assert robust_slope(times, [3.0 * t + 1 for t in times]) == pytest.approx(3.0)
    assert robust_slope([1.0], [1.0]) == 0.0


def test_the_generic_series_anomalies_leave_pvc_usage_to_the_disk_fill_detector() -> None:
    anomalies = SeriesAnomalies()
    anomalies.observe([Sample(USED, T0, 1.0), Sample(CAPACITY, T0, 2.0)], CLUSTER, T0)
    assert anomalies.series == ()


def test_a_fill_scraped_once_a_minute_and_read_every_15_s_is_still_a_fill() -> None:
    rate = 1 * GIB / 3600  # kubelet scraped each minute: Prometheus repeats each value 4 times
    detector = DiskFillDetector()
    fired = _feed(detector, lambda i: 3 * GIB + rate * 60 * (i // 4), 300)
    assert fired == [(240, Severity.WARNING)]
    fill = detector.fill(KEY)
    assert fill is not None and fill.eta is not None and abs(fill.slope - rate) < 0.05 * rate
