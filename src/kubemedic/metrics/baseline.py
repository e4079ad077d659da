"""The baseline every detector compares a point with: where the series should be, and how far it wanders.

For each series and each new point (t, x):

    s      = the daily profile's offset at t's time of day, scaled by level / the level of the days
             it was learnt on (0 until a complete day has been seen, always 0 for non-seasonal
             detectors)
    y      = x - s                       the deseasonalised value
    level  = median of the last `window` y     (robust: a spike does not move it)
    scale  = max(IQR / 1.349, 1.2533 * mean absolute deviation from the median, a tiny floor)

Both statistics come from the points *before* this one, read off a window kept sorted per series
(`SortedWindow`: O(window) per point, no re-sorting). The scale takes the larger of two robust
spreads because the interquartile range alone is 0 for a series that mostly repeats one value (an
error count that is usually 0), and a zero spread would turn every wiggle into an alarm. Both equal
the standard deviation for Gaussian noise. The seasonal profile learns from x
clipped to `level + s +- clip * scale`, so an anomaly bends tomorrow's expectation by at most a little.
"""

from __future__ import annotations

import bisect
import math
from collections import deque
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from kubemedic.metrics.profile import DailyProfile, PointProfile
from kubemedic.metrics.ring import Ring
from kubemedic.metrics.sorted_window import SortedWindow

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class BaselineConfig:
    """Window lengths are in points; `history` is how many points tests may look back (>= window)."""

    window: int = 120
    history: int = 240
    seasonal: bool = True
    buckets: int = 24
    days: int = 5
    clip: float = 4.0


@dataclass(frozen=True, slots=True)
class StepContext:
    """What a test sees for one update of every series: arrays of shape (rows,)."""

    n: int
    t: FloatArray
    x: FloatArray
    s: FloatArray
    y: FloatArray
    level: FloatArray
    scale: FloatArray
    seasonal_ready: BoolArray
    history_y: Ring
    history_t: Ring
    rebased: BoolArray  # series whose history was just re-expressed with a first daily profile
    seasonal: bool = False  # the baseline removes a daily profile (once `seasonal_ready`)

    @property
    def expected(self) -> FloatArray:
        return self.level + self.s


class Baseline:
    """Rolling level and scale (median, IQR / mean absolute deviation) of the deseasonalised series,
    plus the daily profile."""

    def __init__(self, rows: int, config: BaselineConfig) -> None:
        if config.window < 8 or config.history < config.window:
            raise ValueError("the baseline window needs >= 8 points and history >= window")
        self.config = config
        self.rows = rows
        self._y = Ring(rows, config.history)
        self._t = Ring(rows, config.history)
        self._profile = DailyProfile(rows, config.buckets, config.days) if config.seasonal else None
        self._sorted: SortedWindow | None = None
        self._seasoned = np.zeros(rows, dtype=bool)

    @property
    def count(self) -> int:
        return self._y.count

    def prepare(self, t: FloatArray, x: FloatArray) -> StepContext:
        if self._profile is not None:
            self._profile.roll(t)
            _, ready = self._profile.shape(t)
            rebased = ready & ~self._seasoned
            if rebased.any():
                self._rebase(np.flatnonzero(rebased))
        else:
            ready = np.zeros(self.rows, dtype=bool)
            rebased = ready
        if self._sorted is not None:
            level = self._sorted.quantile(0.5)
            iqr = self._sorted.quantile(0.75) - self._sorted.quantile(0.25)
            mean_abs = np.abs(self._sorted.sorted - level[:, None]).mean(axis=1)
            floor = 1e-9 + 1e-6 * np.abs(level)
            scale = np.maximum(np.maximum(iqr / 1.349, 1.2533 * mean_abs), floor)
            s = self._profile.shape(t, level)[0] if self._profile is not None else np.zeros(self.rows)
            y = x - s
        else:
            s = self._profile.shape(t)[0] if self._profile is not None else np.zeros(self.rows)
            y = x - s
            level, scale = y.copy(), np.full(self.rows, np.inf)
        return StepContext(
            self._y.count,
            t,
            x,
            s,
            y,
            level,
            scale,
            ready,
            self._y,
            self._t,
            rebased,
            self._profile is not None,
        )

    def _rebase(self, rows: NDArray[np.int64]) -> None:
        """A series just got its first daily profile: re-express its history as deseasonalised values
        (they were raw until now), so the window's level does not jump by the profile's offset."""
        assert self._profile is not None
        self._seasoned[rows] = True
        k = min(self._y.count, self._y.length)
        if k == 0:
            return
        offsets = self._profile.shape_at(rows, self._t.last(k)[rows])
        self._y.rewrite(rows, self._y.last(k)[rows] - offsets)
        if self._sorted is not None:
            self._sorted.sorted[rows] = np.sort(self._y.last(self.config.window)[rows], axis=1)

    def commit(self, ctx: StepContext) -> None:
        """Remember the point: push y into the window and teach the profile (clipped x)."""
        window = self.config.window
        if self._sorted is not None:
            self._sorted.replace(self._y.last(window)[:, 0], ctx.y)
        self._y.push(ctx.y)
        self._t.push(ctx.t)
        if self._sorted is None and self._y.count == window:
            self._sorted = SortedWindow(self._y.last(window))
        if self._profile is not None:
            reach = self.config.clip * ctx.scale
            self._profile.add(
                ctx.t, np.minimum(np.maximum(ctx.x, ctx.expected - reach), ctx.expected + reach)
            )


@dataclass(frozen=True, slots=True)
class PointContext:
    """What a check sees for one point of one series (the scalar twin of StepContext); the
    histories are the last `history` values, oldest first (the current point not included)."""

    n: int
    t: float
    x: float
    s: float
    y: float
    level: float
    scale: float
    seasonal_ready: bool
    history_y: deque[float]
    history_t: deque[float]
    rebased: bool
    seasonal: bool

    @property
    def expected(self) -> float:
        return self.level + self.s


class PointBaseline:
    """`Baseline` for one series in plain Python floats: a bank of one row pays numpy's per-call
    overhead a hundred times per point; this pays none. Same arithmetic, same order."""

    def __init__(self, config: BaselineConfig) -> None:
        if config.window < 8 or config.history < config.window:
            raise ValueError("the baseline window needs >= 8 points and history >= window")
        self.config = config
        self._y: deque[float] = deque(maxlen=config.history)
        self._t: deque[float] = deque(maxlen=config.history)
        self._count = 0
        self._profile = PointProfile(config.buckets, config.days) if config.seasonal else None
        self._sorted: list[float] | None = None
        self._seasoned = False

    def prepare(self, t: float, x: float) -> PointContext:
        ready = rebased = False
        profile = self._profile
        if profile is not None:
            profile.roll(t)
            ready = profile.shape(t)[1]
            rebased = ready and not self._seasoned
            if rebased:
                self._rebase()
        rows = self._sorted
        if rows is not None:
            level = _quantile(rows, 0.5)
            iqr = _quantile(rows, 0.75) - _quantile(rows, 0.25)
            mean_abs = sum(abs(v - level) for v in rows) / len(rows)
            floor = 1e-9 + 1e-6 * abs(level)
            scale = max(max(iqr / 1.349, 1.2533 * mean_abs), floor)
            s = profile.shape(t, level)[0] if profile is not None else 0.0
            y = x - s
        else:
            s = profile.shape(t)[0] if profile is not None else 0.0
            y = x - s
            level, scale = y, math.inf
        return PointContext(
            self._count, t, x, s, y, level, scale, ready, self._y, self._t, rebased, self._profile is not None
        )

    def _rebase(self) -> None:
        assert self._profile is not None
        self._seasoned = True
        offsets = self._profile.shape_at(list(self._t))
        shifted = [v - o for v, o in zip(self._y, offsets, strict=True)]
        self._y.clear()
        self._y.extend(shifted)
        if self._sorted is not None:
            self._sorted = sorted(shifted[-self.config.window :])

    def commit(self, ctx: PointContext) -> None:
        window = self.config.window
        if self._sorted is not None:
            rows = self._sorted
            del rows[bisect.bisect_left(rows, self._y[-window])]
            bisect.insort(rows, ctx.y)
        self._y.append(ctx.y)
        self._t.append(ctx.t)
        self._count += 1
        if self._sorted is None and self._count == window:
            self._sorted = sorted(list(self._y)[-window:])
        if self._profile is not None:
            reach = self.config.clip * ctx.scale
            expected = ctx.expected
            self._profile.add(ctx.t, min(max(ctx.x, expected - reach), expected + reach))


def _quantile(rows: list[float], q: float) -> float:
    pos = q * (len(rows) - 1)
    lo = math.floor(pos)
    hi = min(lo + 1, len(rows) - 1)
    frac = pos - lo
    return rows[lo] * (1.0 - frac) + rows[hi] * frac
