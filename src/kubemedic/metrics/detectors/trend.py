"""The trend test: a steady climb (or fall) over the last WINDOW points, and when it reaches a limit.

The slope is a robust two-halves estimate: the median of (y[i + h] - y[i]) / (t[i + h] - t[i]) over the
h = WINDOW/2 pairs that are half a window apart - O(WINDOW), unmoved by a few spikes. The drift over the
window (slope x its time span) is compared with what this series normally does: the baseline's noise
scale and a slow average of its own past |drift| (so a series that always wanders needs to wander more
than usual). A candidate is raised when drift >= THRESHOLD of that yardstick, re-armed below half.

With a `limit` (a memory limit, a disk size) it forecasts when the fitted line reaches it: eta in
seconds (exposed on every point where the series climbs toward the limit), and raises a candidate as
soon as the trend is half significant and the limit is closer than the horizon (default 6 h) - a leak
is worth an alarm before it is statistically dramatic if the OOM kill is near.
Catches: memory leaks, disk fill, slow degradations.
"""

from __future__ import annotations

import numpy as np

from kubemedic.metrics.baseline import StepContext
from kubemedic.metrics.contract import TestSettings, TestStep, hysteresis, squash

WINDOW = 240
THRESHOLD = 6.0
WANDER_WEIGHT = 2.0
ALPHA = 1.0 / 1440.0


class TrendTest:
    name = "trend"

    def __init__(self, rows: int, settings: TestSettings) -> None:
        self.threshold = THRESHOLD / settings.sensitivity
        self.limit = settings.limit
        self.horizon = settings.horizon_seconds
        self._armed = np.ones(rows, dtype=bool)
        self._wander = np.full(rows, np.nan)

    def step(self, ctx: StepContext) -> TestStep:
        ty, tt = ctx.history_y.last(WINDOW), ctx.history_t.last(WINDOW)
        half = WINDOW // 2
        dt = tt[:, half:] - tt[:, :half]
        slopes = (ty[:, half:] - ty[:, :half]) / np.where(dt > 0, dt, np.nan)
        slope = np.nanmedian(slopes, axis=1) if np.isnan(slopes).any() else np.median(slopes, axis=1)
        slope = np.where(np.isfinite(slope), slope, 0.0)
        span = tt[:, -1] - tt[:, 0]
        drift = np.abs(slope * span)
        fresh = np.isnan(self._wander)
        if fresh.any():  # the warm-up is taken as normal: its drift is what this series usually does
            self._wander[fresh] = drift[fresh]
        yardstick = np.hypot(ctx.scale, WANDER_WEIGHT * self._wander)
        stat = drift / yardstick
        fit_now = np.median(ty - slope[:, None] * (tt - tt[:, -1:]), axis=1) + slope * (ctx.t - tt[:, -1])
        eta = np.full(ctx.y.size, np.nan)
        if self.limit is not None:
            now = fit_now + ctx.s
            with np.errstate(divide="ignore", invalid="ignore"):
                eta = (self.limit - now) / slope
            eta = np.where((slope != 0) & (eta >= 0), eta, np.where(now >= self.limit, 0.0, np.nan))
            near = (eta <= self.horizon) & (stat >= self.threshold / 2)
            stat = np.where(near, np.maximum(stat, self.threshold), stat)
        candidate = hysteresis(self._armed, stat, self.threshold, self.threshold / 2)
        quiet = self._armed & ~candidate
        self._wander = np.where(quiet, self._wander + ALPHA * (drift - self._wander), self._wander)
        reach = self.threshold * yardstick
        center = fit_now + ctx.s
        return TestStep(squash(stat, self.threshold), candidate, center - reach, center + reach, eta)
