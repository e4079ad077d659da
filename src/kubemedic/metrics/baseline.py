"""The baseline every detector compares a point with: where the series should be, and how far it wanders.

For each series and each new point (t, x):

    s      = the daily profile's offset at t's time of day (0 until a complete day has been seen,
             and always 0 for non-seasonal detectors)
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

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from kubemedic.metrics.profile import DailyProfile
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
            s, ready = self._profile.shape(t)
            rebased = ready & ~self._seasoned
            if rebased.any():
                self._rebase(np.flatnonzero(rebased))
        else:
            s, ready = np.zeros(self.rows), np.zeros(self.rows, dtype=bool)
            rebased = ready
        y = x - s
        if self._sorted is not None:
            level = self._sorted.quantile(0.5)
            iqr = self._sorted.quantile(0.75) - self._sorted.quantile(0.25)
            mean_abs = np.abs(self._sorted.sorted - level[:, None]).mean(axis=1)
            floor = 1e-9 + 1e-6 * np.abs(level)
            scale = np.maximum(np.maximum(iqr / 1.349, 1.2533 * mean_abs), floor)
        else:
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
