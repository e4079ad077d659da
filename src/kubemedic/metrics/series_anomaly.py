"""Anomalies on the derived and queried series: pending pods, unavailable replicas, Prometheus
queries (error rate, latency), each run through a streaming detector of its own.

Each SeriesId gets a StreamingDetector (its baseline and thresholds adapt to that series alone; no
alarm during its warm-up - 240 points, an hour at the 15 s interval). Counts get the point test and
the change-point test without a daily profile (`COUNTS`: robust z + CUSUM): a namespace where pods
suddenly stay Pending, a Deployment whose unavailable replicas jump and stay. Queried series get the
default ensemble (`detectors.ensemble`, with its daily profile): traffic and error rates follow the
day.

A count that is usually constant has no spread, so its first wiggle would be "far outside its range"
statistically while meaning nothing (one replica unavailable during a rollout). An alarm therefore
also needs the value to differ from what was expected by at least `min_delta` of its metric (3
pods or replicas by default). Series that stop appearing are dropped after `forget_s`.
The finding is a warning on the object of the series (the Deployment, the namespace, "the cluster",
or the query), like every anomaly finding (metrics.findings).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from kubemedic.domain import Finding, ObjectRef
from kubemedic.metrics.contract import DetectorSettings
from kubemedic.metrics.detectors import cusum, ensemble, robust_z
from kubemedic.metrics.engine import DetectorSpec, StreamingDetector
from kubemedic.metrics.findings import Held, anomaly_finding
from kubemedic.metrics.samples import (
    PENDING_PODS,
    PVC_CAPACITY_BYTES,
    PVC_USED_BYTES,
    RESTARTS,
    UNAVAILABLE_REPLICAS,
    Sample,
    SeriesId,
)
from kubemedic.state import ClusterState

COUNTS = DetectorSpec(
    "counts",
    "robust z-score + CUSUM, no seasonality - counts of pods or replicas",
    (robust_z.CHECK, cusum.CHECK),
    seasonal=False,
)
COUNT_METRICS = (PENDING_PODS, UNAVAILABLE_REPLICAS)
MIN_DELTA: Mapping[str, float] = {PENDING_PODS: 3.0, UNAVAILABLE_REPLICAS: 3.0}
# Series another sample detector reads: restarts (restart_storm), PVC usage (disk_fill).
SKIPPED = (RESTARTS, PVC_USED_BYTES, PVC_CAPACITY_BYTES)


@dataclass(slots=True)
class _Series:
    detector: StreamingDetector
    last_t: float


class SeriesAnomalies:
    """Feed samples (`observe`): counts go to COUNTS, other metrics (but the restart counter and the
    PVC usage, which the restart storm and disk fill detectors read) to `spec`; ask the current
    findings (`findings`)."""

    def __init__(
        self,
        *,
        spec: DetectorSpec = ensemble.SPEC,
        sensitivity: float = 1.0,
        min_delta: Mapping[str, float] = MIN_DELTA,
        hold_seconds: float = 3600.0,
        forget_s: float = 3600.0,
    ) -> None:
        self.spec = spec
        self.settings = DetectorSettings(sensitivity=sensitivity)
        self.min_delta = dict(min_delta)
        self.forget_s = forget_s
        self._series: dict[SeriesId, _Series] = {}
        self._held = Held(hold_seconds)

    @property
    def series(self) -> tuple[SeriesId, ...]:
        return tuple(self._series)

    def observe(self, samples: Sequence[Sample], state: ClusterState, now: float) -> list[Finding]:
        alarms: list[Finding] = []
        for sample in samples:
            sid = sample.series
            if sid.metric in SKIPPED or sid.kind == "Pod" or sid.kind == "Node":
                continue
            found = self._series.get(sid)
            if found is None:
                spec = COUNTS if sid.metric in COUNT_METRICS else self.spec
                found = self._series[sid] = _Series(StreamingDetector(spec, self.settings), -1.0)
            if sample.timestamp <= found.last_t:
                continue  # the same point again (a query range overlapping the last one)
            found.last_t = sample.timestamp
            detection = found.detector.update(sample.timestamp, sample.value)
            if not detection.fired:
                continue
            if abs(detection.value - detection.expected) < self.min_delta.get(sid.metric, 0.0):
                continue
            finding = anomaly_finding(detection, _object(sid, state), label(sid))
            self._held.put(sid, finding, sample.timestamp)
            alarms.append(finding)
        for gone in [k for k, s in self._series.items() if now - s.last_t > self.forget_s]:
            del self._series[gone]
        self._held.expire(now)
        return alarms

    def findings(self, now: float) -> tuple[Finding, ...]:
        return self._held.current(now)


def label(sid: SeriesId) -> str:
    """How findings name a series: `pending_pods of namespace shop`, `error_rate{job="api"}`."""
    if sid.kind == "Query":
        return sid.name
    if sid.kind == "Cluster":
        return f"{sid.metric} of the cluster"
    if sid.kind == "Namespace":
        return f"{sid.metric} of namespace {sid.name}"
    return f"{sid.metric} of {sid.kind} {sid.name}"


def _object(sid: SeriesId, state: ClusterState) -> ObjectRef:
    if sid.kind == "Query":
        return ObjectRef("Query", sid.namespace, sid.name)
    if sid.kind == "Cluster":
        return ObjectRef("Cluster", "", "cluster")
    obj = state.get(sid.kind, sid.namespace, sid.name)
    return obj.ref if obj is not None else ObjectRef(sid.kind, sid.namespace, sid.name)
