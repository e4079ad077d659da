"""The collector runs its series as rows of detector banks; a fleet of containers that skip readings,
come and go, and leak must raise exactly the alarms of one StreamingDetector per series fed the same
points - including rows set aside in a mature bank, moved out of a young one, and merged into the
main bank with a different count."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pytest
from numpy.typing import NDArray

from kubemedic.domain import Finding
from kubemedic.metrics import DetectorBank, DetectorSettings, StreamingDetector, bank_rows, detector
from kubemedic.metrics.collect import CONTAINER_TREND, MEMORY, CollectorSettings, MetricsCollector, SeriesKey
from kubemedic.metrics.findings import anomaly_finding
from kubemedic.state import ClusterState
from kubemedic.state.usage import ContainerUsage, PodUsage

MI = 1024 * 1024
T0 = 1_800_000_000.0


def _state(pods: list[tuple[str, int]]) -> ClusterState:
    """Pods (name, memory limit in Mi) of the Deployment shop/cache."""
    raws: list[dict[str, Any]] = [
        {"kind": "Deployment", "metadata": {"name": "cache", "namespace": "shop", "uid": "d1"}},
        {
            "kind": "ReplicaSet",
            "metadata": {
                "name": "cache-rs",
                "namespace": "shop",
                "uid": "r1",
                "ownerReferences": [{"kind": "Deployment", "name": "cache", "uid": "d1", "controller": True}],
            },
        },
    ]
    for name, limit in pods:
        raws.append(
            {
                "kind": "Pod",
                "metadata": {
                    "name": name,
                    "namespace": "shop",
                    "uid": f"u-{name}",
                    "ownerReferences": [
                        {"kind": "ReplicaSet", "name": "cache-rs", "uid": "r1", "controller": True}
                    ],
                },
                "spec": {"containers": [{"name": "c", "resources": {"limits": {"memory": f"{limit}Mi"}}}]},
                "status": {"phase": "Running"},
            }
        )
    return ClusterState.build(raws, now=datetime.fromtimestamp(T0, UTC)).build_indexes()


class _Pod:
    """One container's memory: steady, or leaking from `leak_at`; repeats its last value sometimes."""

    def __init__(self, name: str, rng: random.Random, born: int) -> None:
        self.name = name
        self.limit = rng.choice((256, 300, 512))
        self.level = rng.uniform(60, 120)
        self.leak_at = born + rng.randrange(200, 700) if rng.random() < 0.4 else None
        self.spike_at = born + rng.randrange(250, 700) if rng.random() < 0.3 else None
        self.rng = rng
        self.last = ""

    def reading(self, i: int) -> str:
        if self.last and self.rng.random() < 0.05:
            return self.last  # the same scrape read again
        mib = self.level + self.rng.gauss(0, 0.01 * self.level)
        if self.leak_at is not None and i > self.leak_at:
            mib += 0.4 * (i - self.leak_at)
        if self.spike_at is not None and self.spike_at <= i < self.spike_at + 3:
            mib *= 1.6
        self.last = f"{int(min(mib, self.limit) * 1024)}Ki"
        return self.last


def _reference(events: list[tuple[float, str, float, int]], state: ClusterState) -> list[Finding]:
    """One StreamingDetector per series over the points the collector should have fed it."""
    owner = state.get("Deployment", "shop", "cache")
    assert owner is not None
    streams: dict[str, StreamingDetector] = {}
    last: dict[str, float] = {}
    out: list[Finding] = []
    for t, name, value, limit in events:
        if last.get(name) == value:
            continue
        last[name] = value
        if name not in streams:
            streams[name] = StreamingDetector(CONTAINER_TREND, DetectorSettings(limit=float(limit * MI)))
        detection = streams[name].update(t, value)
        if detection.fired:
            out.append(anomaly_finding(detection, owner.ref, SeriesKey("shop", name, "c", MEMORY).label()))
    return out


def test_banked_collector_raises_the_alarms_of_one_stream_per_series() -> None:
    rng = random.Random(42)
    pods = [_Pod(f"cache-{k}", rng, 0) for k in range(24)]
    collector = MetricsCollector(CollectorSettings(imminent_factor=0))  # the detectors' own alarms
    events: list[tuple[float, str, float, int]] = []
    got: list[Finding] = []
    most_banks = 0
    state = _state([(p.name, p.limit) for p in pods])
    for i in range(900):
        if i == 60:  # a scale-up: new series in a young bank, merged into the main one when mature
            pods += [_Pod(f"cache-new-{k}", rng, i) for k in range(8)]
        if i == 400:  # a scale-down: their rows are freed
            pods = [p for p in pods if p.name not in {"cache-3", "cache-new-2"}]
        if i in (60, 400):
            state = _state([(p.name, p.limit) for p in pods])
        t = T0 + 15.0 * i
        reading = []
        for p in pods:
            text = p.reading(i)
            reading.append(PodUsage("shop", p.name, "", (ContainerUsage("c", "10m", text),)))
            events.append((t, p.name, float(int(text[:-2]) * 1024), p.limit))
        got += collector.observe(reading, state, t).alarms
        most_banks = max(most_banks, collector.banks)
    want = _reference(events, state)
    assert len(want) >= 5, "the fleet has leaks to alarm on"
    assert got == want
    assert most_banks >= 3, "young banks split off and were merged"
    assert collector.banks == 1


def test_rows_moved_between_mature_banks_keep_their_answers() -> None:
    """Rows of a bank 40 updates behind move into another (other ring position, other count): the
    default ensemble's answers stay those of one stream per series - including the quiet gap after
    an alarm, which is counted in the receiving bank's updates."""
    spec = detector("default")
    rng = np.random.default_rng(5)
    ahead = DetectorBank(spec, 3, limits=np.array([300.0, np.nan, 250.0]))
    behind = DetectorBank(spec, 2, limits=np.array([400.0, np.nan]))
    streams = [StreamingDetector(spec, DetectorSettings(limit=400.0)), StreamingDetector(spec)]

    def moved(i: int) -> NDArray[np.float64]:  # the rows that move: a slow climb and spikes
        x = 100 + rng.normal(0, 1, 2) + np.array([0.05, 0.0]) * i
        return x + (60.0 if i in (290, 375) else 0.0)

    for i in range(300):
        t = np.full(3, T0 + 10.0 * i)
        ahead.update(t, 100 + rng.normal(0, 1, 3))
        if i >= 40:
            x = moved(i)
            behind.update(t[:2], x)
            for s, v in zip(streams, x.tolist(), strict=True):
                s.update(t[0], v)
    assert bank_rows.mature(ahead) and bank_rows.mature(behind) and ahead.count == behind.count + 40
    bank_rows.put(ahead, np.array([2, 0]), bank_rows.take(behind, np.array([0, 1])))
    fired = 0
    for i in range(300, 420):
        t = T0 + 10.0 * i
        x = moved(i)
        step = ahead.update(np.full(3, t), np.array([x[1], 100 + rng.normal(0, 1), x[0]]))
        want = [streams[k].update(t, v) for k, v in ((1, x[1]), (0, x[0]))]
        # same arithmetic, same alarms; scores equal to rounding (the ensemble's sums are ordered
        # differently in numpy), as the bank-vs-stream test of the detectors holds them
        assert step.fired[[0, 2]].tolist() == [w.fired for w in want]
        assert step.score[[0, 2]].tolist() == pytest.approx([w.score for w in want], rel=1e-9)
        etas = [w.eta_seconds if w.eta_seconds is not None else np.nan for w in want]
        assert step.eta[[0, 2]].tolist() == pytest.approx(etas, rel=1e-9, nan_ok=True)
        fired += int(step.fired[[0, 2]].sum())
    assert fired == 0, "the spike at 375 falls in the quiet gap after the alarm at 290"


def test_rows_of_young_banks_move_only_at_the_same_count() -> None:
    a = DetectorBank(CONTAINER_TREND, 2, limits=np.array([1.0, 2.0]))
    b = DetectorBank(CONTAINER_TREND, 2, limits=np.array([1.0, 2.0]))
    a.update(np.full(2, T0), np.ones(2))
    with pytest.raises(ValueError, match="saw 1 updates cannot join a bank that saw 0"):
        bank_rows.put(b, np.array([0]), bank_rows.take(a, np.array([1])))
    plain = DetectorBank(CONTAINER_TREND, 2)
    plain.update(np.full(2, T0), np.ones(2))
    with pytest.raises(ValueError, match="another detector or other settings"):
        bank_rows.put(plain, np.array([0]), bank_rows.take(a, np.array([1])))
    with pytest.raises(ValueError, match="expected 2 limits"):
        DetectorBank(CONTAINER_TREND, 2, limits=np.array([1.0]))
