"""Restart storms: restarts of a workload within 10 minutes reaching its own threshold (at least 3,
and 3x its usual 10-minute count over 6 h); a counter that drops when a pod is replaced is not a
storm, nor is a workload that always restarts this often."""

from __future__ import annotations

import pytest

from kubemedic.metrics.restart_storm import RestartStormDetector
from kubemedic.metrics.samples import RESTARTS, Sample, SeriesId
from tests.unit.metrics.workloads import T0, pod, state

WEB = SeriesId(RESTARTS, "Deployment", "shop", "web")
CLUSTER = state(pod("web-1"))


def _feed(detector: RestartStormDetector, counts: list[float], step: float = 60.0) -> list[int]:
    """The readings (indexes) where an alarm was raised."""
    fired = []
    for i, value in enumerate(counts):
        if detector.observe([Sample(WEB, T0 + step * i, value)], CLUSTER, T0 + step * i):
            fired.append(i)
    return fired


def test_a_burst_of_restarts_is_a_storm_on_the_workload() -> None:
    detector = RestartStormDetector()
    counts = [0.0] * 30 + [1, 2, 4, 6, 8, 8, 8]  # one reading a minute
    assert _feed(detector, counts) == [32], "the third restart within 10 minutes"
    (finding,) = detector.findings(T0 + 60 * 36)
    assert finding.title == "restarts of Deployment web: restart storm"
    assert (finding.object.kind, finding.object.name, finding.object.uid) == ("Deployment", "web", "d1")
    assert "4 in the last 10 min" in finding.evidence[0].text and "threshold 3" in finding.evidence[0].text


def test_no_alarm_on_quiet_occasional_or_replaced_pods() -> None:
    assert _feed(RestartStormDetector(), [0.0] * 100) == []
    occasional = [float(i // 8) for i in range(200)]  # one restart every 8 minutes: 1-2 per 10 min
    assert _feed(RestartStormDetector(), occasional) == []
    replaced = [5.0] * 10 + [0.0] * 5 + [1.0] * 5 + [5.0] * 5  # pods replaced: the sum drops, then climbs
    assert _feed(RestartStormDetector(), replaced) == [20], "only the climb back counts (4 restarts)"
    assert _feed(RestartStormDetector(), [40.0] + [40.0] * 10) == [], "the first reading is no increase"


def test_the_threshold_adapts_to_a_workload_that_usually_restarts() -> None:
    # a batch worker: 2 restarts every 5 minutes (4 per 10 min) for 6 hours, then 8 in 10 minutes
    usual = [2.0 * (i // 5) for i in range(360)]
    fired = _feed(RestartStormDetector(), usual + [usual[-1] + 2 * k for k in range(1, 6)])
    assert fired and fired[0] >= 360, "4 per 10 min is this workload's normal; its threshold is 12"
    assert RestartStormDetector().threshold(4.0) == 12 and RestartStormDetector().threshold(0.0) == 3
    assert fired == [364], "12 in 10 minutes: 5 x 2 now, and the usual 2 at 355"


def test_settings_are_checked() -> None:
    with pytest.raises(ValueError, match="window"):
        RestartStormDetector(window_s=7200, history_s=3600)
    with pytest.raises(ValueError, match="min_restarts"):
        RestartStormDetector(min_restarts=0)
