"""NAB scoring, written from the published description of the Numenta Anomaly Benchmark.

Per series, with labelled anomaly windows (inclusive index ranges) and the points where a detector
raised an alarm (detections inside the probationary first 15 % are ignored):

- the first detection inside a window is a true positive worth  A_TP * sigma(p) / sigma(-1), where
  p = -(end - i + 1) / (end - start + 1) is its relative position (-1 at the window's start, ~0 at its
  end) and sigma(y) = 2 / (1 + exp(5 y)) - 1 is the scaled sigmoid - earlier is better; later
  detections in the same window count nothing;
- a window without a detection costs A_FN;
- a detection outside every window is a false positive worth  A_FP * sigma(q), q = (i - end_prev) /
  (width_prev - 1) its distance past the preceding window (so an alarm just after a window costs
  almost nothing, one a window-width later nearly the full A_FP); before the first window (or in a
  series without windows) it costs the full A_FP; sigma(y) = -1 for y > 3.

The raw scores of all series are summed, as are those of the null detector (never fires: -A_FN per
window) and the perfect one (one detection at each window's start: +A_TP per window), and

    score = 100 * (raw - null) / (perfect - null)          (0 = never fires, 100 = perfect).

Profiles: standard (A_TP 1, A_FP 0.11, A_FN 1), reward_low_fp (A_FP 0.22), reward_low_fn (A_FN 2).
Unlike NAB's own runner no threshold is optimised per profile: each detector is scored as it fires at
its default sensitivity, which is how it would run in production.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Profile:
    name: str
    tp: float
    fp: float
    fn: float


PROFILES = (
    Profile("standard", 1.0, 0.11, 1.0),
    Profile("reward_low_fp", 1.0, 0.22, 1.0),
    Profile("reward_low_fn", 1.0, 0.11, 2.0),
)


def scaled_sigmoid(y: float) -> float:
    if y > 3.0:
        return -1.0
    return 2.0 / (1.0 + math.exp(5.0 * y)) - 1.0


@dataclass(frozen=True, slots=True)
class SeriesScore:
    """Raw NAB score of one series for one profile, and the counts behind it."""

    raw: float
    null: float
    perfect: float
    true_positives: int
    false_positives: int
    false_negatives: int
    delays: tuple[int, ...]  # first detection index - window centre, per detected window


def score_series(
    windows: Sequence[tuple[int, int]],
    detections: Sequence[int],
    profile: Profile,
    probation: int = 0,
    centres: Sequence[int] | None = None,
) -> SeriesScore:
    """Score detection indices against windows. `centres` (default: each window's midpoint) are the
    labelled anomaly points delays are measured from."""
    spans = sorted(windows)
    for lo, hi in spans:
        if hi < lo:
            raise ValueError(f"window ({lo}, {hi}) ends before it starts")
    mids = list(centres) if centres is not None else [(lo + hi) // 2 for lo, hi in spans]
    max_tp = scaled_sigmoid(-1.0)
    detected = [False] * len(spans)
    raw, tps, fps = 0.0, 0, 0
    delays: list[int] = []
    for i in sorted(set(detections)):
        if i < probation:
            continue
        inside = next((k for k, (lo, hi) in enumerate(spans) if lo <= i <= hi), None)
        if inside is not None:
            if detected[inside]:
                continue
            detected[inside] = True
            lo, hi = spans[inside]
            position = -(hi - i + 1) / (hi - lo + 1)
            raw += profile.tp * scaled_sigmoid(position) / max_tp
            tps += 1
            delays.append(i - _centre_in(mids, lo, hi))
            continue
        before = [(lo, hi) for lo, hi in spans if hi < i]
        if before:
            lo, hi = before[-1]
            past = (i - hi) / max(hi - lo, 1)
            raw += profile.fp * scaled_sigmoid(past)
        else:
            raw -= profile.fp
        fps += 1
    missed = detected.count(False)
    raw -= profile.fn * missed
    n = len(spans)
    return SeriesScore(raw, -profile.fn * n, profile.tp * n, tps, fps, missed, tuple(delays))


def _centre_in(centres: Sequence[int], lo: int, hi: int) -> int:
    inside = [c for c in centres if lo <= c <= hi]
    return inside[0] if inside else (lo + hi) // 2


def normalized(scores: Sequence[SeriesScore]) -> float:
    """The corpus score, 0 (never fires) .. 100 (perfect); 0 for a corpus without windows."""
    raw = sum(s.raw for s in scores)
    null = sum(s.null for s in scores)
    perfect = sum(s.perfect for s in scores)
    if perfect == null:
        return 0.0
    return 100.0 * (raw - null) / (perfect - null)
