"""An alarm becomes a Finding in category `anomaly`, with the metric as evidence and a stable id."""

from __future__ import annotations

from dataclasses import replace

import pytest

from kubemedic.domain import EvidenceSource, ObjectRef, Severity
from kubemedic.metrics import Detection
from kubemedic.metrics.findings import anomaly_finding

POD = ObjectRef("Pod", "shop", "api-7d9f", cluster="prod")
SPIKE = Detection(
    timestamp=1_767_225_600.0,
    value=93.0,
    score=0.81,
    fired=True,
    detector="default",
    reason="zscore",
    expected=41.0,
    low=30.0,
    high=52.0,
    window_start=1_767_218_460.0,
    window_end=1_767_225_540.0,
)


def test_alarm_becomes_an_anomaly_warning_with_metric_evidence() -> None:
    finding = anomaly_finding(SPIKE, POD, "cpu %")
    assert finding.category == "anomaly" and finding.severity is Severity.WARNING
    assert finding.object == POD and finding.title == "cpu %: value far outside its usual range"
    (evidence,) = finding.evidence
    assert evidence.source is EvidenceSource.METRIC and evidence.location == "cpu %"
    assert "cpu % = 93 at 2026-01-01T00:00:00Z" in evidence.text and "range 30 .. 52" in evidence.text
    assert finding.analyzer == "anomaly/default"


def test_the_same_anomaly_seen_again_keeps_its_id() -> None:
    later = replace(SPIKE, timestamp=SPIKE.timestamp + 600, value=97.0, score=0.9)
    assert anomaly_finding(later, POD, "cpu %").id == anomaly_finding(SPIKE, POD, "cpu %").id
    assert anomaly_finding(SPIKE, POD, "memory").id != anomaly_finding(SPIKE, POD, "cpu %").id


def test_a_trend_near_its_limit_is_an_error_that_says_when() -> None:
    leak = replace(SPIKE, reason="trend", eta_seconds=2.5 * 3600)
    finding = anomaly_finding(leak, POD, "memory working set")
    assert finding.severity is Severity.ERROR
    assert finding.title == "memory working set: heading for its limit"
    assert "in 2.5 h" in finding.remediation


def test_a_point_that_did_not_fire_is_refused() -> None:
    with pytest.raises(ValueError, match="only an alarm"):
        anomaly_finding(replace(SPIKE, fired=False), POD, "cpu %")
