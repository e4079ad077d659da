"""Streaming cost of the detectors: many series at once, and one long series point by point.

    python -m bench.anomaly.stream_bench [--series 10000] [--updates 60] [--points 100000] [--json]

1. A DetectorBank of --series series (CPU-like values: level + daily curve + noise, timestamps one
   minute apart and aligned, the worst case for day boundaries) is warmed up past every window, then
   --updates updates of one new point per series are timed one by one: median, 95th percentile and max
   milliseconds per update, for the default detector and each single one. One update crosses midnight,
   where every series recomputes its daily profile at once (that is the max).
2. One StreamingDetector per detector is fed --points points one at a time (the CLI's path): the
   whole run's wall time and the mean microseconds per point.
Target (issue 7): <= 100 ms per update of 10,000 series.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time

import numpy as np

from kubemedic.metrics import DETECTORS, DetectorBank, StreamingDetector

DAY = 86_400.0
START = 1_767_225_600.0 - 300 * 60.0  # warm-up ends a little before midnight


def series_values(rng: np.random.Generator, rows: int, t: float) -> np.ndarray:
    phase = (t % DAY) / DAY
    base = 20 + 60 * (np.arange(rows) % 7) / 7
    return np.asarray(base + 10 * np.sin(2 * np.pi * phase) + rng.normal(0, 2, rows))


def bank_costs(name: str, rows: int, updates: int) -> dict[str, float]:
    rng = np.random.default_rng(1)
    spec = next(d for d in DETECTORS if d.name == name)
    bank = DetectorBank(spec, rows)
    warm = spec.warmup + 40
    for i in range(warm):
        t = START + 60.0 * i
        bank.update(np.full(rows, t), series_values(rng, rows, t))
    times: list[float] = []
    for i in range(warm, warm + updates):
        t = START + 60.0 * i
        x = series_values(rng, rows, t)
        ts = np.full(rows, t)
        began = time.perf_counter()
        bank.update(ts, x)
        times.append((time.perf_counter() - began) * 1000)
    times.sort()
    return {
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1),
        "max_ms": round(times[-1], 1),
    }


def stream_cost(name: str, points: int) -> dict[str, float]:
    rng = np.random.default_rng(2)
    spec = next(d for d in DETECTORS if d.name == name)
    stream = StreamingDetector(spec)
    t = START + 60.0 * np.arange(points)
    x = 50 + 10 * np.sin(2 * np.pi * (t % DAY) / DAY) + rng.normal(0, 2, points)
    began = time.perf_counter()
    for ts, v in zip(t.tolist(), x.tolist(), strict=True):
        stream.update(ts, v)
    wall = time.perf_counter() - began
    return {"seconds": round(wall, 2), "us_per_point": round(wall / points * 1e6, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--series", type=int, default=10_000)
    parser.add_argument("--updates", type=int, default=60)
    parser.add_argument("--points", type=int, default=100_000)
    parser.add_argument("--only", action="append", help="only these detectors")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    names = args.only or [d.name for d in DETECTORS]
    report: dict[str, object] = {
        "machine": f"{platform.machine()}, {platform.python_version()}",
        "series": args.series,
        "points": args.points,
        "bank": {n: bank_costs(n, args.series, args.updates) for n in names},
        "stream": {n: stream_cost(n, args.points) for n in names} if args.points else {},
    }
    if args.json:
        print(json.dumps(report, indent=1))
        return
    print(f"{args.series} series, one new point each ({args.updates} updates timed), ms per update:")
    for n, r in report["bank"].items():  # type: ignore[attr-defined]
        print(f"  {n:<10} median {r['median_ms']:>7}  p95 {r['p95_ms']:>7}  max {r['max_ms']:>7}")
    if args.points:
        print(f"one series, {args.points} points one at a time:")
        for n, r in report["stream"].items():  # type: ignore[attr-defined]
            print(f"  {n:<10} {r['seconds']:>7} s   {r['us_per_point']:>7} us/point")


if __name__ == "__main__":
    main()
