"""Containers running at their CPU limit: the kernel throttles them, and requests slow down.

Detects: a container whose CPU usage stays at or above RATIO (90 %) of its CPU limit for READINGS
readings in a row (4: a minute at the 15 s metrics interval) - a sustained ceiling, not one busy
scrape. Above the limit the CFS quota pauses the container every period; metrics.k8s.io cannot show
the throttled time itself, but usage pinned at the limit is its footprint.
Evidence: the series (`cpu of pod/container`), the window of the readings at the ceiling, the limit,
and the mean and peak usage over that window.

One alarm per episode: re-armed once usage falls below REARM (80 %) of the limit. The finding is a
warning on the pod's top owner (the Deployment whose limit to raise), held while the episode lasts
and `hold_seconds` after.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from kubemedic.domain import Evidence, EvidenceSource, Finding, Severity
from kubemedic.metrics.detection import duration, iso
from kubemedic.metrics.findings import CATEGORY, Held
from kubemedic.metrics.quantity import container_limit
from kubemedic.metrics.samples import CPU_CORES, Sample, SeriesId
from kubemedic.state import ClusterState, KubeObject, Pod

RATIO = 0.9
REARM = 0.8
READINGS = 4


@dataclass(slots=True)
class _Episode:
    limit: float
    since: float = 0.0
    values: list[float] = field(default_factory=list)
    armed: bool = True


class ThrottlingDetector:
    """Feed pod CPU samples (`observe`); ask the current findings (`findings`)."""

    def __init__(
        self,
        *,
        ratio: float = RATIO,
        rearm: float = REARM,
        readings: int = READINGS,
        hold_seconds: float = 3600.0,
    ) -> None:
        if not 0 < rearm < ratio:
            raise ValueError(f"need 0 < rearm ({rearm}) < ratio ({ratio})")
        if readings < 1:
            raise ValueError(f"readings must be at least 1, got {readings}")
        self.ratio, self.rearm, self.readings = ratio, rearm, readings
        self._series: dict[SeriesId, _Episode] = {}
        # the pod view last seen without a CPU limit, per series: looked up again only when the pod
        # changes (a new view), not at every reading - most pods have no CPU limit
        self._unlimited: dict[SeriesId, KubeObject] = {}
        self._held = Held(hold_seconds)

    def observe(self, samples: Sequence[Sample], state: ClusterState, now: float) -> list[Finding]:
        """New alarms from this reading's `cpu_usage_cores` samples of pods (others are ignored)."""
        alarms: list[Finding] = []
        seen: set[SeriesId] = set()
        for sample in samples:
            sid = sample.series
            if sid.metric != CPU_CORES or sid.kind != "Pod":
                continue
            seen.add(sid)
            episode = self._series.get(sid)
            if episode is None:
                pod = state.get("Pod", sid.namespace, sid.name)
                if pod is not None and self._unlimited.get(sid) is pod:
                    continue
                limit = container_limit(pod, sid.container, "cpu") if isinstance(pod, Pod) else None
                if limit is None:
                    if pod is not None:
                        self._unlimited[sid] = pod
                    continue  # no limit, no throttling (looked up again when the pod changes)
                self._unlimited.pop(sid, None)
                episode = self._series[sid] = _Episode(limit)
            alarm = self._step(sid, episode, sample, state)
            if alarm is not None:
                alarms.append(alarm)
        for gone in [s for s in self._series if s not in seen]:
            del self._series[gone]
        for gone in [s for s in self._unlimited if s not in seen]:
            del self._unlimited[gone]
        self._held.expire(now)
        return alarms

    def findings(self, now: float) -> tuple[Finding, ...]:
        return self._held.current(now)

    def _step(self, sid: SeriesId, ep: _Episode, sample: Sample, state: ClusterState) -> Finding | None:
        share = sample.value / ep.limit
        if share < self.ratio:
            ep.values.clear()
            if share < self.rearm:
                ep.armed = True
            return None
        if not ep.values:
            ep.since = sample.timestamp
        ep.values.append(sample.value)
        if len(ep.values) < self.readings:
            return None
        finding = self._finding(sid, ep, sample.timestamp, state)
        if finding is None:
            return None
        self._held.put(sid, finding, sample.timestamp)  # held on while the episode lasts
        if not ep.armed:
            return None
        ep.armed = False
        return finding

    def _finding(self, sid: SeriesId, ep: _Episode, now: float, state: ClusterState) -> Finding | None:
        pod = state.get("Pod", sid.namespace, sid.name)
        if pod is None:
            return None
        owner = state.top_owner(pod).ref
        series = f"cpu of {sid.name}/{sid.container}"
        mean = sum(ep.values) / len(ep.values)
        text = (
            f"{series}: mean {mean:.3g} cores, peak {max(ep.values):.3g} over {len(ep.values)} readings "
            f"from {iso(ep.since)} .. {iso(now)}; CPU limit {ep.limit:.3g} cores "
            f"({mean / ep.limit:.0%} of it, alarm at {self.ratio:.0%})"
        )
        return Finding(
            object=owner,
            severity=Severity.WARNING,
            category=CATEGORY,
            title=f"{series}: throttled at its CPU limit",
            message=(
                f"Container {sid.container} of pod {sid.namespace}/{sid.name} has used {mean / ep.limit:.0%} "
                f"of its {ep.limit:.3g}-core CPU limit for {duration(max(now - ep.since, 0.0))}: the "
                "kernel throttles it, so its requests wait."
            ),
            evidence=(
                Evidence(EvidenceSource.METRIC, text, location=series, object=owner, timestamp=iso(now)),
            ),
            remediation=(
                "Raise the container's CPU limit (or remove it and keep the request), or find what keeps "
                "it busy: a hot loop, a traffic increase, too few replicas."
            ),
            analyzer="anomaly/cpu-throttling",
        )
