"""Restart storms: a workload whose containers suddenly restart far more often than they usually do.

Detects: the restarts of a workload (the derived `restarts` series: the sum of its pods'
restartCount) within the last WINDOW (10 min) reaching the series' own threshold:

    threshold = max(MIN_RESTARTS, ceil(FACTOR x the usual count))

where the usual count is the 90th percentile of the same 10-minute count over the series' last
HISTORY (6 h) of readings - adaptive per workload: a batch worker that restarts twice every 10
minutes by design needs 6 to alarm, a web server that never restarts needs MIN_RESTARTS (3).
The series is a counter that drops when a pod is replaced (its count leaves with it), so only its
increases count. Warm-up: the first reading of a workload gives no increase (nothing to compare
with); until an hour of history exists the usual count is taken from what there is (at least 0).
Evidence: the restarts in the window, the threshold and the usual count it came from.

One alarm per storm: re-armed once the windowed count is back under half the threshold. The
finding is a warning on the workload, the object the crash-loop finding of its pods rolls up to.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field

from kubemedic.domain import Evidence, EvidenceSource, Finding, ObjectRef, Severity
from kubemedic.metrics.detection import duration, iso
from kubemedic.metrics.findings import CATEGORY, Held
from kubemedic.metrics.samples import RESTARTS, Sample, SeriesId
from kubemedic.state import ClusterState

WINDOW = 600.0
HISTORY = 6 * 3600.0
MIN_RESTARTS = 3
FACTOR = 3.0
QUANTILE = 0.9


@dataclass(slots=True)
class _Workload:
    last: float
    increases: deque[tuple[float, float]] = field(default_factory=deque)  # (t, restarts added)
    counts: deque[tuple[float, float]] = field(default_factory=deque)  # (t, windowed count) history
    armed: bool = True
    nonzero: int = 0  # entries of `counts` above 0: most workloads never restart, and need no sort


class RestartStormDetector:
    """Feed the derived `restarts` samples (`observe`); ask the current findings (`findings`)."""

    def __init__(
        self,
        *,
        window_s: float = WINDOW,
        history_s: float = HISTORY,
        min_restarts: int = MIN_RESTARTS,
        factor: float = FACTOR,
        hold_seconds: float = 3600.0,
    ) -> None:
        if not 0 < window_s < history_s:
            raise ValueError(f"need 0 < window ({window_s} s) < history ({history_s} s)")
        if min_restarts < 1 or not factor >= 1:
            raise ValueError(f"min_restarts must be >= 1 and factor >= 1, got {min_restarts}, {factor}")
        self.window_s, self.history_s = window_s, history_s
        self.min_restarts, self.factor = min_restarts, factor
        self._series: dict[SeriesId, _Workload] = {}
        self._held = Held(hold_seconds)

    def threshold(self, usual: float) -> int:
        return max(self.min_restarts, math.ceil(self.factor * usual))

    def observe(self, samples: Sequence[Sample], state: ClusterState, now: float) -> list[Finding]:
        """New alarms from this reading's `restarts` samples (others are ignored)."""
        alarms: list[Finding] = []
        seen: set[SeriesId] = set()
        for sample in samples:
            if sample.series.metric != RESTARTS:
                continue
            seen.add(sample.series)
            alarm = self._step(sample, state)
            if alarm is not None:
                alarms.append(alarm)
        for gone in [s for s in self._series if s not in seen]:
            del self._series[gone]
        self._held.expire(now)
        return alarms

    def findings(self, now: float) -> tuple[Finding, ...]:
        return self._held.current(now)

    def _step(self, sample: Sample, state: ClusterState) -> Finding | None:
        t = sample.timestamp
        w = self._series.get(sample.series)
        if w is None:
            self._series[sample.series] = _Workload(sample.value)
            return None
        added = max(0.0, sample.value - w.last)
        w.last = sample.value
        if added:
            w.increases.append((t, added))
        while w.increases and w.increases[0][0] <= t - self.window_s:
            w.increases.popleft()
        count = sum(a for _, a in w.increases)
        while w.counts and w.counts[0][0] <= t - self.history_s:
            w.nonzero -= w.counts.popleft()[1] > 0
        usual = _quantile([c for _, c in w.counts], QUANTILE) if w.nonzero else 0.0
        w.counts.append((t, count))
        w.nonzero += count > 0
        limit = self.threshold(usual)
        if count < limit / 2:
            w.armed = True
        if count < limit or not w.armed:
            return None
        w.armed = False
        finding = self._finding(sample.series, count, usual, limit, t, state)
        self._held.put(sample.series, finding, t)
        return finding

    def _finding(
        self, sid: SeriesId, count: float, usual: float, limit: int, t: float, state: ClusterState
    ) -> Finding:
        obj = state.get(sid.kind, sid.namespace, sid.name)
        ref = obj.ref if obj is not None else ObjectRef(sid.kind, sid.namespace, sid.name)
        window = duration(self.window_s)
        text = (
            f"restarts of {sid.kind} {sid.namespace}/{sid.name}: {count:.0f} in the last {window} up to "
            f"{iso(t)}; threshold {limit} (usual at most {usual:.0f} per {window} over the last "
            f"{duration(self.history_s)}, x{self.factor:g}, at least {self.min_restarts})"
        )
        return Finding(
            object=ref,
            severity=Severity.WARNING,
            category=CATEGORY,
            title=f"restarts of {sid.kind} {sid.name}: restart storm",
            message=(
                f"{ref.display()} restarted {count:.0f} containers in {window}, far more than its usual "
                f"{usual:.0f}."
            ),
            evidence=(
                Evidence(EvidenceSource.METRIC, text, location="restarts", object=ref, timestamp=iso(t)),
            ),
            remediation=(
                "Look at the last logs and exit reasons of its restarting containers and at what changed "
                "just before (a rollout, a config change, a dependency going down)."
            ),
            analyzer="anomaly/restart-storm",
        )


def _quantile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]
