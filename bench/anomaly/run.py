"""Score every detector and three baselines on the labelled corpus with NAB's method.

    python -m bench.anomaly.run [--seed 2] [--dev] [--detector NAME ...] [--json]

`--detector isolation_forest` runs the optional [ml] detector (scikit-learn), one forest per series.
--seed picks the corpus (2 = the test seed the figures in docs/benchmarks.md are reported on;
--dev = seed 1, the one thresholds were tuned on). Every detector runs as a stream over all series at
once (a DetectorBank with one row per series), at its default sensitivity. Reported per detector: the
three NAB profile scores, window-level precision and recall (a window is found when an alarm falls in
it; precision = found windows / (found windows + alarms outside every window)), the mean delay from
the labelled anomaly to the first alarm in its window, and the false alarms on the clean series.

Baselines, scored the same way: never-fire (0 by construction), random (an alarm with probability
1/1000 per point, seeded), static threshold (mean +- 4 standard deviations of the probationary
period, an alarm on each entry into the out-of-range region).
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import asdict, dataclass

import numpy as np
from numpy.typing import NDArray

from bench.anomaly.corpus import LabelledSeries, generate
from bench.anomaly.nab import PROFILES, SeriesScore, normalized, score_series
from kubemedic.metrics import DETECTORS, DetectorBank, DetectorSettings, detector
from kubemedic.metrics.detectors import isolation

BoolArray = NDArray[np.bool_]
DEV_SEED, TEST_SEED = 1, 2


@dataclass(frozen=True, slots=True)
class Row:
    detector: str
    standard: float
    reward_low_fp: float
    reward_low_fn: float
    precision: float
    recall: float
    mean_delay_points: float
    false_alarms: int
    clean_series_with_alarm: int
    clean_series: int
    seconds: float


def run_detector(name: str, corpus: list[LabelledSeries], sensitivity: float = 1.0) -> BoolArray:
    """Alarm matrix (series, points) of one detector run as a stream over every series at once."""
    if name == isolation.NAME:  # the [ml] detector: one forest per series
        threshold = isolation.THRESHOLD / sensitivity
        return np.stack([isolation.detect(s.values, threshold=threshold)[0] for s in corpus])
    length = len(corpus[0].values)
    if any(len(s.values) != length for s in corpus):
        raise ValueError("the bank runs series in lockstep: every series needs the same length")
    bank = DetectorBank(detector(name), len(corpus), DetectorSettings(sensitivity=sensitivity))
    t = np.stack([s.timestamps for s in corpus])
    x = np.stack([s.values for s in corpus])
    fired = np.zeros(x.shape, dtype=bool)
    for i in range(length):
        fired[:, i] = bank.update(t[:, i], x[:, i]).fired
    return fired


def never(corpus: list[LabelledSeries]) -> BoolArray:
    return np.zeros((len(corpus), len(corpus[0].values)), dtype=bool)


def random_alarms(corpus: list[LabelledSeries], seed: int = 0) -> BoolArray:
    return np.random.default_rng(seed).random((len(corpus), len(corpus[0].values))) < 1e-3


def static_threshold(corpus: list[LabelledSeries]) -> BoolArray:
    out = never(corpus)
    for k, s in enumerate(corpus):
        head = s.values[: s.probation]
        mean, sd = float(head.mean()), float(head.std()) or 1e-9
        outside = np.abs(s.values - mean) > 4 * sd
        out[k, 1:] = outside[1:] & ~outside[:-1]
        out[k, 0] = outside[0]
    return out


def evaluate(name: str, corpus: list[LabelledSeries], fired: BoolArray, seconds: float) -> Row:
    per_profile: dict[str, list[SeriesScore]] = {p.name: [] for p in PROFILES}
    for k, s in enumerate(corpus):
        alarms = np.flatnonzero(fired[k]).tolist()
        centres = [a.index for a in s.anomalies]
        for p in PROFILES:
            per_profile[p.name].append(score_series(s.windows, alarms, p, s.probation, centres))
    std = per_profile["standard"]
    found = sum(x.true_positives for x in std)
    windows = sum(len(s.windows) for s in corpus)
    false_alarms = sum(x.false_positives for x in std)
    delays = [d for x in std for d in x.delays]
    clean = [k for k, s in enumerate(corpus) if not s.anomalies]
    noisy_clean = sum(1 for k in clean if std[k].false_positives)
    return Row(
        name,
        round(normalized(std), 1),
        round(normalized(per_profile["reward_low_fp"]), 1),
        round(normalized(per_profile["reward_low_fn"]), 1),
        round(found / (found + false_alarms), 3) if found + false_alarms else 0.0,
        round(found / windows, 3) if windows else 0.0,
        round(float(np.mean(delays)), 1) if delays else float("nan"),
        false_alarms,
        noisy_clean,
        len(clean),
        round(seconds, 2),
    )


def table(rows: list[Row]) -> str:
    head = (
        "| detector | standard | low FP | low FN | precision | recall | delay (pts) | false alarms "
        "| clean series alarmed | s |"
    )
    lines = [head, "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(
            f"| {r.detector} | {r.standard} | {r.reward_low_fp} | {r.reward_low_fn} | {r.precision} | "
            f"{r.recall} | {r.mean_delay_points} | {r.false_alarms} | "
            f"{r.clean_series_with_alarm}/{r.clean_series} | {r.seconds} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=TEST_SEED)
    parser.add_argument("--dev", action="store_true", help=f"use the development seed {DEV_SEED}")
    parser.add_argument("--detector", action="append", help="only these detectors (repeatable)")
    parser.add_argument("--sensitivity", type=float, default=1.0)
    parser.add_argument("--no-baselines", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    seed = DEV_SEED if args.dev else args.seed
    corpus = generate(seed)
    rows: list[Row] = []
    names = args.detector or [d.name for d in DETECTORS]
    for name in names:
        start = time.perf_counter()
        fired = run_detector(name, corpus, args.sensitivity)
        rows.append(evaluate(name, corpus, fired, time.perf_counter() - start))
    if not args.no_baselines:
        rows.append(evaluate("baseline: never fires", corpus, never(corpus), 0.0))
        rows.append(evaluate("baseline: random 1/1000", corpus, random_alarms(corpus), 0.0))
        rows.append(evaluate("baseline: static 4 sd", corpus, static_threshold(corpus), 0.0))
    if args.json:
        print(json.dumps({"seed": seed, "rows": [asdict(r) for r in rows]}, indent=1))
    else:
        windows = sum(len(s.windows) for s in corpus)
        print(f"corpus seed {seed}: {len(corpus)} series x {len(corpus[0].values)} points, {windows} windows")
        print(table(rows))


if __name__ == "__main__":
    main()
