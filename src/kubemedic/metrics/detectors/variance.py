"""The variance test: the series got noisier than it usually is.

Spread is measured on successive differences, |y[i] - y[i-1]|, whose median ignores the level (a shift
is one large difference among many) and a lone spike (two large differences): only a lasting change in
noise moves it. The recent spread is that median over the last SHORT points; the usual spread is a slow
average of it (ALPHA per point). A candidate is raised when recent / usual >= RATIO, re-armed when the
ratio is back under the midpoint.
Catches: variance changes (a flapping dependency, a noisy neighbour, retries).
"""

from __future__ import annotations

import itertools
import math
import statistics

import numpy as np

from kubemedic.metrics.baseline import PointContext, StepContext
from kubemedic.metrics.contract import (
    CheckKind,
    CheckStep,
    DetectorSettings,
    PointStep,
    hysteresis,
    no_eta,
    squash,
    squash_one,
)

SHORT = 31  # odd: the median is one order statistic
RATIO = 3.0
ALPHA = 1.0 / 240.0
# Added to both spreads, as a fraction of the baseline scale: a quantized series whose differences are
# mostly 0 must not look infinitely noisier when one of them is not.
FLOOR = 0.1


class VarianceTest:
    name = "variance"
    ROW_STATE: tuple[tuple[str, int], ...] = (("_usual", 0), ("_armed", 0))

    def __init__(self, rows: int, settings: DetectorSettings) -> None:
        self.threshold = 1.0 + (RATIO - 1.0) / settings.sensitivity
        self._usual = np.full(rows, np.nan)
        self._armed = np.ones(rows, dtype=bool)

    def step(self, ctx: StepContext) -> CheckStep:
        hist = ctx.history_y.last(SHORT)
        diffs = np.empty_like(hist)
        diffs[:, :-1] = np.abs(np.diff(hist, axis=1))
        diffs[:, -1] = np.abs(ctx.y - hist[:, -1])
        spread = np.partition(diffs, SHORT // 2, axis=1)[:, SHORT // 2]
        fresh = np.isnan(self._usual) | ctx.rebased
        if fresh.any():
            wide = ctx.history_y.last(ctx.history_y.length if ctx.n >= ctx.history_y.length else SHORT)
            self._usual[fresh] = np.median(np.abs(np.diff(wide[fresh], axis=1)), axis=1)
        floor = FLOOR * ctx.scale
        ratio = (spread + floor) / (self._usual + floor)
        candidate = hysteresis(self._armed, ratio, self.threshold, (1.0 + self.threshold) / 2.0)
        self._usual = self._usual + ALPHA * (spread - self._usual)
        # Expected range: +- 3 sigma around the level at the noisiest this check tolerates (threshold x the
        # usual sigma; for Gaussian noise the median |difference| is 0.954 sigma).
        band = 3.0 * self.threshold * (self._usual / 0.954 + floor)
        score = squash(np.maximum(ratio - 1.0, 0.0), self.threshold - 1.0)
        return CheckStep(score, candidate, ctx.expected - band, ctx.expected + band, no_eta(ctx.y.size))


class VariancePoint:
    """VarianceTest for one series in plain floats."""

    name = "variance"

    def __init__(self, settings: DetectorSettings) -> None:
        self.threshold = 1.0 + (RATIO - 1.0) / settings.sensitivity
        self._usual = math.nan
        self._armed = True

    def step(self, ctx: PointContext) -> PointStep:
        hist = ctx.history_y
        recent = [*itertools.islice(hist, len(hist) - SHORT, None), ctx.y]
        diffs = sorted(abs(b - a) for a, b in itertools.pairwise(recent))
        spread = diffs[SHORT // 2]
        if math.isnan(self._usual) or ctx.rebased:
            wide = list(hist) if ctx.n >= len(hist) else list(hist)[-SHORT:]
            self._usual = statistics.median(abs(b - a) for a, b in itertools.pairwise(wide))
        floor = FLOOR * ctx.scale
        ratio = (spread + floor) / (self._usual + floor)
        candidate = self._armed and ratio >= self.threshold
        if candidate:
            self._armed = False
        if ratio < (1.0 + self.threshold) / 2.0:
            self._armed = True
        self._usual = self._usual + ALPHA * (spread - self._usual)
        band = 3.0 * self.threshold * (self._usual / 0.954 + floor)
        score = squash_one(max(ratio - 1.0, 0.0), self.threshold - 1.0)
        return PointStep(score, candidate, ctx.expected - band, ctx.expected + band)


CHECK = CheckKind(VarianceTest, VariancePoint)
