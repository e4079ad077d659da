"""Persistent volumes filling up: when a PersistentVolumeClaim will be full, before it is.

Detects: a PVC whose used bytes climb steadily and either reach its capacity within the horizon
(24 h by default) at the current rate, or already fill >= FULL_RATIO (90 %) of it. It reads the two
Prometheus queries of kubelet's volume stats (`pvc_used_bytes`, `pvc_capacity_bytes`: DEFAULT_QUERIES
in metrics/prometheus.py, one series per namespace and persistentvolumeclaim), pairs each PVC's used
series with its capacity, and feeds the used bytes to a streaming trend detector (detectors/trend.py)
whose limit is the capacity: the trend's robust slope (the median of the slopes between the means of
six parts of the last 240 points, so one step - a file written at once - is not a fill rate) gives the
time until the fitted line reaches the capacity.

"Climbing" is checked here, not left to the trend test's own alarm: the trend test alarms on a climb
that is unusual for the series, while a volume that has always filled at the same rate will still be
full at the same time. A climb counts when the fitted rise over the window is at least MIN_RISE
times the series' point-to-point noise (the mean absolute successive difference / 1.128, which a
steady fill does not inflate) - so a flat or falling series never alarms, nor does noise around a
flat level. Warm-up: nothing until the trend detector has its window (240 points: an hour at the
15 s step; the collector's first read reaches an hour back, so a volume is judged at once).
A capacity change (the volume was expanded) starts a new detector with the new capacity as its
limit, replayed over the kept window of used bytes (the fill rate did not change, the room did),
and drops the PVC's current finding: the next point judges it afresh.

The finding is an `anomaly` on the PersistentVolumeClaim: a warning, an error when full in less
than ERROR_ETA (1 h) or already >= ERROR_RATIO (95 %) full. Its title stays the same while the
volume fills (so the finding keeps its id); the ETA, the fill rate and the ratio are in the message
and the evidence, refreshed at every reading while it lasts. A new alarm is returned when a PVC
starts filling up and when its finding turns from warning into error; the finding is held
`hold_seconds` after its last reading that still alarmed. PVCs without points for `forget_s` are
dropped.
"""

from __future__ import annotations

import math
import re
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from kubemedic.domain import Evidence, EvidenceSource, Finding, ObjectRef, Severity
from kubemedic.metrics.contract import DetectorSettings
from kubemedic.metrics.detection import Detection, duration, iso
from kubemedic.metrics.detectors import trend
from kubemedic.metrics.engine import DetectorSpec, StreamingDetector
from kubemedic.metrics.findings import CATEGORY
from kubemedic.metrics.samples import PVC_CAPACITY_BYTES, PVC_USED_BYTES, Sample, SeriesId
from kubemedic.state import ClusterState

DISK_METRICS = (PVC_USED_BYTES, PVC_CAPACITY_BYTES)

HORIZON = 24 * 3600.0
FULL_RATIO = 0.90
ERROR_RATIO = 0.95
ERROR_ETA = 3600.0
MIN_RISE = 4.0
CAPACITY_CHANGE = 0.001  # relative: kubelet's capacity of one volume does not wobble

DISK_TREND = DetectorSpec(
    "disk-trend",
    "robust slope over 240 points, no seasonality; ETA to the volume's capacity",
    (trend.CHECK,),
    seasonal=False,
)

_PVC_LABEL = re.compile(r'[{,]persistentvolumeclaim="([^"]*)"')


@dataclass(frozen=True, slots=True, order=True)
class ClaimKey:
    namespace: str
    name: str


@dataclass(slots=True, eq=False)
class _Claim:
    capacity: float
    detector: StreamingDetector
    series: str  # the used series' name, for the evidence
    last_t: float = -math.inf
    window: deque[tuple[float, float]] = field(default_factory=deque)  # the trend's last points
    severity: Severity | None = None  # of the alarm in force, None when none
    fill: Fill | None = None  # the latest judged point


@dataclass(frozen=True, slots=True)
class Fill:
    """One judged point of a PVC: its usage, the trend's rate and ETA, and whether it alarms."""

    t: float
    used: float
    capacity: float
    slope: float  # bytes per second, the trend's robust slope
    noise: float  # bytes, sigma of the point-to-point noise
    eta: float | None  # seconds until full at `slope`, None when not climbing
    window_start: float
    window_end: float

    @property
    def ratio(self) -> float:
        return self.used / self.capacity

    @property
    def climbing(self) -> bool:
        span = self.window_end - self.window_start
        return self.slope > 0 and self.slope * span >= MIN_RISE * self.noise

    def severity(self, horizon: float) -> Severity | None:
        """The alarm this point raises (None: none)."""
        if not self.climbing:
            return None
        soon = self.eta is not None and self.eta <= horizon
        if not (soon or self.ratio >= FULL_RATIO):
            return None
        urgent = (self.eta is not None and self.eta < ERROR_ETA) or self.ratio >= ERROR_RATIO
        return Severity.ERROR if urgent else Severity.WARNING


class DiskFillDetector:
    """Feed the `pvc_used_bytes` and `pvc_capacity_bytes` samples (`observe`); ask the current
    findings (`findings`)."""

    def __init__(
        self,
        *,
        horizon_s: float = HORIZON,
        hold_seconds: float = 3600.0,
        forget_s: float = 3600.0,
        spec: DetectorSpec = DISK_TREND,
    ) -> None:
        if not (horizon_s > 0 and math.isfinite(horizon_s)):
            raise ValueError(f"horizon must be a positive number of seconds, got {horizon_s}")
        if not (hold_seconds > 0 and forget_s > 0):
            raise ValueError(f"hold_seconds and forget_s must be positive, got {hold_seconds}, {forget_s}")
        self.horizon_s, self.hold_seconds, self.forget_s = horizon_s, hold_seconds, forget_s
        self.spec = spec
        self._claims: dict[ClaimKey, _Claim] = {}
        self._capacity: dict[ClaimKey, float] = {}  # the latest known, from earlier readings too
        self._held: dict[ClaimKey, tuple[Finding, float]] = {}

    @property
    def claims(self) -> tuple[ClaimKey, ...]:
        return tuple(self._claims)

    def fill(self, key: ClaimKey) -> Fill | None:
        """The latest judged point of a PVC (None: unknown, or still warming up)."""
        claim = self._claims.get(key)
        return claim.fill if claim is not None else None

    def observe(self, samples: Sequence[Sample], state: ClusterState, now: float) -> list[Finding]:
        """New alarms from this reading's PVC samples (others are ignored)."""
        capacities: dict[ClaimKey, list[tuple[float, float]]] = {}
        used: dict[ClaimKey, list[tuple[float, float, SeriesId]]] = {}
        for sample in samples:
            sid = sample.series
            if sid.metric not in DISK_METRICS or sid.kind != "Query":
                continue
            key = claim_key(sid)
            if key is None:
                continue
            if sid.metric == PVC_CAPACITY_BYTES:
                if sample.value > 0:
                    capacities.setdefault(key, []).append((sample.timestamp, sample.value))
            else:
                used.setdefault(key, []).append((sample.timestamp, sample.value, sid))
        alarms: list[Finding] = []
        for key in sorted(used):
            points = sorted(used[key], key=lambda p: p[0])
            caps = sorted(capacities.get(key, []))
            k = 0
            for t, value, sid in points:
                while k < len(caps) and caps[k][0] <= t:
                    self._capacity[key] = caps[k][1]
                    k += 1
                capacity = self._capacity.get(key)
                if capacity is None:
                    capacity = caps[0][1] if caps else None  # the capacity is read just after
                if capacity is None:
                    continue  # no capacity, no forecast
                alarm = self._step(key, sid, t, value, capacity, state)
                if alarm is not None:
                    alarms.append(alarm)
            for _, cap in caps[k:]:
                self._capacity[key] = cap
        for gone in [k for k, c in self._claims.items() if now - c.last_t > self.forget_s]:
            del self._claims[gone]
            self._capacity.pop(gone, None)
        for old in [k for k, (_, at) in self._held.items() if now - at > self.hold_seconds]:
            del self._held[old]
        return alarms

    def findings(self, now: float) -> tuple[Finding, ...]:
        held = tuple(self._held.values())  # one copy: safe while a worker thread observes
        return tuple(f for f, at in held if now - at <= self.hold_seconds)

    def _step(
        self, key: ClaimKey, sid: SeriesId, t: float, value: float, capacity: float, state: ClusterState
    ) -> Finding | None:
        claim = self._claims.get(key)
        if claim is None:
            claim = self._claims[key] = _Claim(capacity, self._detector(capacity), sid.name)
        elif t <= claim.last_t:
            return None  # the same point again (a query range overlapping the last one)
        elif abs(capacity - claim.capacity) > CAPACITY_CHANGE * claim.capacity:
            self._resize(key, claim, capacity)
        claim.last_t = t
        claim.window.append((t, value))
        while len(claim.window) > trend.WINDOW:
            claim.window.popleft()
        detection = claim.detector.update(t, value)
        fill = claim.fill = self._judge(claim, detection)
        severity = fill.severity(self.horizon_s) if fill is not None else None
        if fill is None or severity is None:
            claim.severity = None
            return None
        finding = _finding(key, claim.series, fill, severity, state)
        self._held[key] = (finding, t)
        raised = claim.severity is None or (claim.severity, severity) == (Severity.WARNING, Severity.ERROR)
        claim.severity = severity
        return finding if raised else None

    def _detector(self, capacity: float) -> StreamingDetector:
        return StreamingDetector(self.spec, DetectorSettings(limit=capacity, horizon_seconds=self.horizon_s))

    def _resize(self, key: ClaimKey, claim: _Claim, capacity: float) -> None:
        """The volume was resized: a detector with the new limit, warmed on the kept points."""
        claim.capacity = capacity
        claim.detector = self._detector(capacity)
        for t, value in claim.window:
            claim.detector.update(t, value)
        claim.severity, claim.fill = None, None
        self._held.pop(key, None)

    def _judge(self, claim: _Claim, detection: Detection) -> Fill | None:
        """The point as a Fill, None during the warm-up."""
        if math.isnan(detection.window_start) or len(claim.window) < trend.WINDOW:
            return None
        times = [t for t, _ in claim.window]
        values = [v for _, v in claim.window]
        slope = robust_slope(times, values)
        diffs = [abs(b - a) for a, b in pairwise(values)]
        noise = sum(diffs) / len(diffs) / 1.128 if diffs else 0.0
        eta = detection.eta_seconds if slope > 0 else None
        return Fill(
            detection.timestamp, detection.value, claim.capacity, slope, noise, eta, times[0], times[-1]
        )


def robust_slope(times: Sequence[float], values: Sequence[float]) -> float:
    """The trend test's slope over these points: the median of the slopes between the means of
    SEGMENTS consecutive equal parts (0 when the points span no time)."""
    n = len(values) // trend.SEGMENTS
    if n == 0:
        return 0.0
    parts = [slice(k * n, (k + 1) * n) for k in range(trend.SEGMENTS)]
    my = [sum(values[p]) / n for p in parts]
    mt = [sum(times[p]) / n for p in parts]
    slopes = sorted(
        (my[k + 1] - my[k]) / (mt[k + 1] - mt[k]) for k in range(trend.SEGMENTS - 1) if mt[k + 1] > mt[k]
    )
    return slopes[(len(slopes) - 1) // 2] if slopes else 0.0


def claim_key(sid: SeriesId) -> ClaimKey | None:
    """The PVC a queried series is about: its namespace and `persistentvolumeclaim` label."""
    found = _PVC_LABEL.search(sid.name)
    return ClaimKey(sid.namespace, found.group(1)) if found and found.group(1) else None


def human_bytes(value: float) -> str:
    """Bytes in binary units people read on a volume: `512 MiB`, `9.5 GiB`."""
    for unit, size in (("TiB", 2.0**40), ("GiB", 2.0**30), ("MiB", 2.0**20), ("KiB", 2.0**10)):
        if abs(value) >= size:
            return f"{value / size:.3g} {unit}"
    return f"{value:.0f} B"


def _finding(key: ClaimKey, series: str, fill: Fill, severity: Severity, state: ClusterState) -> Finding:
    obj = state.get("PersistentVolumeClaim", key.namespace, key.name)
    ref = obj.ref if obj is not None else ObjectRef("PersistentVolumeClaim", key.namespace, key.name)
    rate = f"{human_bytes(fill.slope * 3600)}/h"
    full = iso(round(fill.t + fill.eta)) if fill.eta is not None else "-"
    when = (
        f"full in ~{duration(fill.eta)} (around {full})"
        if fill.eta is not None
        else "no forecast of when it is full"
    )
    usage = f"{human_bytes(fill.used)} of {human_bytes(fill.capacity)} ({fill.ratio:.0%})"
    text = (
        f"{series} = {usage} at {iso(fill.t)}; slope {rate} (robust, over {iso(fill.window_start)} .. "
        f"{iso(fill.window_end)}; point-to-point noise {human_bytes(fill.noise)}); capacity "
        f"{human_bytes(fill.capacity)}; expected full at {full}"
    )
    return Finding(
        object=ref,
        severity=severity,
        category=CATEGORY,
        title=f"{key.name}: disk filling up",
        message=(f"PersistentVolumeClaim {key.namespace}/{key.name} holds {usage} and grows {rate}: {when}."),
        evidence=(Evidence(EvidenceSource.METRIC, text, location=series, object=ref, timestamp=iso(fill.t)),),
        remediation=(
            "Expand the volume (edit the claim's storage request if its StorageClass allows volume "
            "expansion), or find what keeps writing - logs, a WAL, temporary files, a growing backlog - "
            "and clean up or bound its retention before it is full."
        ),
        analyzer="anomaly/disk-fill",
    )
