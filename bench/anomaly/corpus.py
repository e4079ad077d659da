"""A labelled corpus of Kubernetes-like metric series with planted anomalies, from a fixed seed.

    python -m bench.anomaly.corpus --seed 2 --out bench/out/anomaly-corpus   # CSVs + labels.json

Each series is one metric of one container or service, 10,080 points (7 days at 1 min, or 35 days at
5 min): CPU %, memory bytes, latency ms, request rate, error rate %, restart counter. Shapes: a daily
business-hours curve (peak hour, width and amplitude per series), autocorrelated wander (AR(1)),
white or count noise (Poisson for rates, binomial for error ratios, log-normal for latency).

Anomalies (1-3 per anomalous series, placed after the first 20 %, >= 15 % apart): spikes or dips (1-4
points), level shifts (lasting), memory leaks (a ramp of 6-24 h ending in an OOM reset - two labels),
variance bursts (3-12 h of 3-5x noise), seasonal breaks (the daily curve flat or moved by 6-9 h for a
working day) and restart storms. 12 of the 72 series are clean: no anomaly at all.

Labels follow NAB: each anomaly gets a window centred on it, the windows of a series together covering
10 % of its length (divided equally among its anomalies); overlapping windows merge.
Tune detectors on one seed (development) and report on another (test): the runner does.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

LENGTH = 10_080
SERIES = 72
CLEAN_PER_METRIC = 2
METRICS = ("cpu", "memory", "latency", "requests", "errors", "restarts")
ANOMALY_KINDS: dict[str, tuple[str, ...]] = {
    "cpu": ("spike", "level_shift", "variance", "seasonal_break"),
    "memory": ("leak", "level_shift", "spike"),
    "latency": ("spike", "level_shift", "variance"),
    "requests": ("seasonal_break", "spike", "level_shift"),
    "errors": ("spike", "level_shift", "variance"),
    "restarts": ("storm",),
}
START = datetime(2026, 1, 5, tzinfo=UTC).timestamp()
WINDOW_FRACTION = 0.10
PROBATION_FRACTION = 0.15


@dataclass(frozen=True, slots=True)
class Anomaly:
    index: int
    kind: str


@dataclass(frozen=True, slots=True)
class LabelledSeries:
    name: str
    metric: str
    timestamps: FloatArray
    values: FloatArray
    anomalies: tuple[Anomaly, ...]
    windows: tuple[tuple[int, int], ...]

    @property
    def probation(self) -> int:
        return int(PROBATION_FRACTION * len(self.values))


def windows_for(length: int, indices: list[int]) -> tuple[tuple[int, int], ...]:
    """NAB-style windows (inclusive index ranges) centred on each anomaly, merged where they overlap."""
    if not indices:
        return ()
    size = int(WINDOW_FRACTION * length / len(indices))
    spans = sorted((max(0, i - size // 2), min(length - 1, i + size // 2)) for i in indices)
    merged: list[tuple[int, int]] = [spans[0]]
    for lo, hi in spans[1:]:
        if lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
        else:
            merged.append((lo, hi))
    return tuple(merged)


def generate(seed: int, series: int = SERIES, length: int = LENGTH) -> list[LabelledSeries]:
    rng = np.random.default_rng(seed)
    out: list[LabelledSeries] = []
    for i in range(series):
        metric = METRICS[i % len(METRICS)]
        clean = i < CLEAN_PER_METRIC * len(METRICS)
        out.append(_one(rng, f"{metric}-{i:02d}{'-clean' if clean else ''}", metric, length, clean))
    return out


def _one(rng: np.random.Generator, name: str, metric: str, length: int, clean: bool) -> LabelledSeries:
    step = 300.0 if rng.random() < 1 / 3 else 60.0
    t = START + rng.integers(0, 24) * 3600.0 + np.arange(length) * step
    hours = (t % 86_400.0) / 3600.0
    plan = [] if clean else _plan(rng, metric, length)
    shape = _Shape(rng, hours, step)
    for index, kind in plan:
        shape.apply_to_daily(kind, index, rng)
    values, anomalies = _render(rng, metric, shape, plan, step)
    return LabelledSeries(
        name, metric, t, values, anomalies, windows_for(length, [a.index for a in anomalies])
    )


def _plan(rng: np.random.Generator, metric: str, length: int) -> list[tuple[int, str]]:
    count = int(rng.integers(1, 4))
    kinds = ANOMALY_KINDS[metric]
    lo, hi, spacing = int(0.2 * length), int(0.88 * length), int(0.15 * length)
    chosen: list[int] = []
    for _ in range(200):
        if len(chosen) == count:
            break
        c = int(rng.integers(lo, hi))
        if all(abs(c - o) >= spacing for o in chosen):
            chosen.append(c)
    return [(i, str(rng.choice(kinds))) for i in sorted(chosen)]


class _Shape:
    """The daily curve of one series (0..1, a business-hours bump), editable for seasonal breaks."""

    def __init__(self, rng: np.random.Generator, hours: FloatArray, step: float) -> None:
        self.step = step
        self.hours = hours
        self.peak = rng.uniform(11, 17)
        self.width = rng.uniform(3, 6)
        self.daily = self._curve(hours, self.peak)
        self.rng = rng

    def _curve(self, hours: FloatArray, peak: float) -> FloatArray:
        d = np.abs(((hours - peak + 12) % 24) - 12)
        return np.asarray(np.exp(-0.5 * (d / self.width) ** 2) + 0.15 * np.exp(-0.5 * ((d - 9) / 2.0) ** 2))

    def apply_to_daily(self, kind: str, index: int, rng: np.random.Generator) -> None:
        if kind != "seasonal_break":
            return
        end = index + int(rng.uniform(8, 16) * 3600 / self.step)
        segment = slice(index, min(end, self.daily.size))
        if rng.random() < 0.5:
            self.daily[segment] = float(self.daily.mean()) * 0.6  # the daily peak does not come
        else:
            moved = self.peak + rng.uniform(6, 9) * rng.choice([-1, 1])
            self.daily[segment] = self._curve(self.hours[segment], moved)


def _ar(rng: np.random.Generator, n: int, phi: float, sd: float) -> FloatArray:
    """AR(1) with stationary standard deviation sd (vectorised via a linear filter)."""
    eps = rng.normal(0, sd * np.sqrt(1 - phi * phi), n)
    out = np.empty(n)
    acc = rng.normal(0, sd)
    for i in range(n):  # 10k points: a plain loop is fast enough for a generator
        acc = phi * acc + eps[i]
        out[i] = acc
    return out


def _episode(rng: np.random.Generator, step: float, lo_h: float, hi_h: float) -> int:
    return max(2, int(rng.uniform(lo_h, hi_h) * 3600 / step))


def _render(
    rng: np.random.Generator, metric: str, shape: _Shape, plan: list[tuple[int, str]], step: float
) -> tuple[FloatArray, tuple[Anomaly, ...]]:
    n = shape.daily.size
    d = shape.daily
    level = np.ones(n)  # multiplicative level (shifts)
    add = np.zeros(n)  # additive bumps in the metric's unit (fraction of base for memory)
    noise_gain = np.ones(n)
    anomalies: list[Anomaly] = []
    for index, kind in plan:
        anomalies.append(Anomaly(index, kind))
        if kind == "level_shift":
            factor = rng.uniform(1.4, 2.0) if rng.random() < 0.7 else rng.uniform(0.45, 0.65)
            level[index:] *= factor
        elif kind == "spike":
            width = int(rng.integers(1, 5))
            add[index : index + width] += rng.uniform(4, 8)
        elif kind == "variance":
            noise_gain[index : index + _episode(rng, step, 3, 12)] *= rng.uniform(3, 5)
        elif kind == "leak":
            span = _episode(rng, step, 6, 24)
            end = min(index + span, n - 1)
            add[index:end] += np.linspace(0, rng.uniform(0.4, 1.0), end - index)
            if end < n - 1:
                anomalies.append(Anomaly(end, "oom_reset"))
        elif kind == "storm":
            span = _episode(rng, step, 1, 3)
            every = max(1, int(rng.uniform(5, 10) * 60 / step))
            add[index : index + span : every] += 1
    return _metric(rng, metric, d, level, add, noise_gain, step), tuple(anomalies)


def _metric(
    rng: np.random.Generator,
    metric: str,
    d: FloatArray,
    level: FloatArray,
    add: FloatArray,
    gain: FloatArray,
    step: float,
) -> FloatArray:
    n = d.size
    if metric == "cpu":
        base, amp = rng.uniform(15, 40), rng.uniform(5, 25)
        noise = gain * (rng.normal(0, rng.uniform(1, 3), n) + _ar(rng, n, 0.97, 1.0))
        spike = add * rng.uniform(6, 10)  # spikes: 24-80 points of CPU
        return np.asarray(np.clip((base + amp * d) * level + noise + spike, 0, 100))
    if metric == "memory":
        base = rng.uniform(200, 1500) * 2**20
        wander = _ar(rng, n, 0.999, 0.01)
        noise = gain * rng.normal(0, 0.003, n)
        spike = np.where(add >= 4, add * 0.05, add)  # spikes +20-40 %, leaks ramp +40-100 %
        resident = base * (1 + 0.03 * d + wander + noise + spike) * level
        return np.asarray(np.round(resident / 4096) * 4096)
    if metric == "latency":
        base = rng.uniform(20, 200)
        sigma = rng.uniform(0.05, 0.12)
        noise = gain * (rng.normal(0, sigma, n) + _ar(rng, n, 0.95, sigma / 2))
        return np.asarray(base * (1 + 0.5 * d) * level * np.exp(noise) * (1 + add * 0.6))
    if metric == "requests":
        base = rng.uniform(30, 2000)
        rate = base * (0.3 + 0.7 * d) * level * (1 + _ar(rng, n, 0.98, 0.03))
        rate = rate * np.where(add > 0, rng.uniform(0.1, 0.4), 1.0)  # spikes are dips: an upstream outage
        counts = rng.poisson(np.maximum(rate, 0) * step)
        mean = rate * step
        counts = mean + (counts - mean) * gain
        return np.asarray(np.maximum(counts, 0) / step)
    if metric == "errors":
        requests = np.maximum(rng.uniform(300, 3000) * (step / 60) * (0.3 + 0.7 * d), 1).astype(np.int64)
        p = np.clip(rng.uniform(0.002, 0.01) * level * (1 + add * 1.5), 0, 1)
        errors = rng.binomial(requests, p)
        ratio = errors / requests
        ratio = p + (ratio - p) * gain
        return np.asarray(np.maximum(ratio, 0) * 100)
    if metric == "restarts":
        return np.asarray(float(rng.integers(0, 6)) + np.cumsum(add))
    raise ValueError(metric)


def write(corpus: list[LabelledSeries], directory: Path) -> None:
    """One `timestamp,value` CSV per series (ISO timestamps), combined_windows.json (NAB's layout:
    file -> windows) and labels.json (the windows plus each anomaly's time and kind)."""
    directory.mkdir(parents=True, exist_ok=True)
    labels: dict[str, object] = {}
    windows: dict[str, list[list[str]]] = {}
    for s in corpus:
        iso = [datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%d %H:%M:%S") for t in s.timestamps]
        lines = ["timestamp,value", *(f"{a},{v:.6g}" for a, v in zip(iso, s.values, strict=True))]
        (directory / f"{s.name}.csv").write_text("\n".join(lines) + "\n")
        windows[f"{s.name}.csv"] = [[iso[lo], iso[hi]] for lo, hi in s.windows]
        labels[f"{s.name}.csv"] = {
            "windows": [[iso[lo], iso[hi]] for lo, hi in s.windows],
            "anomalies": [{"timestamp": iso[a.index], "kind": a.kind} for a in s.anomalies],
        }
    (directory / "labels.json").write_text(json.dumps(labels, indent=1) + "\n")
    (directory / "combined_windows.json").write_text(json.dumps(windows, indent=1) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=2)
    parser.add_argument("--out", type=Path, default=Path("bench/out/anomaly-corpus"))
    args = parser.parse_args()
    corpus = generate(args.seed)
    write(corpus, args.out)
    print(f"wrote {len(corpus)} series to {args.out}")


if __name__ == "__main__":
    main()
