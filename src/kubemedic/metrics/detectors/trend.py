"""The trend test: a steady climb (or fall) over the last WINDOW points, and when it reaches a limit.

The window is cut into SEGMENTS equal parts. The slope is the median of the slopes between the means
of consecutive parts: a steady climb makes them all agree, while a level shift (one step) moves at
most two of them and a spike of a few points moves one part's mean by little - so this test answers
"is it climbing?", not "did it jump?" (the z-score and CUSUM answer that). The part sums are running
sums, O(1) per point, recomputed from scratch every RESUM points so rounding cannot build up.

The drift over the window (slope x its time span) is compared with what this series normally does:
its point-to-point noise (the mean absolute successive difference over the window, which a trend does
not inflate) and a slow average of its own past |drift|, learnt only while nothing is going on (a
series that always wanders has to wander more than usual). A candidate is raised when drift >=
THRESHOLD of that yardstick, re-armed below half.

With a `limit` (a memory limit, a disk size) it forecasts when the fitted line reaches it: eta in
seconds (exposed on every point where the series heads toward the limit), and raises a candidate as
soon as the trend is half significant and the limit is closer than the horizon (default 6 h) - a leak
is worth an alarm before it is statistically dramatic if the OOM kill is near.
On a seasonal baseline the check stays silent until the first complete day has given the series its
daily profile: before that, every morning ramp is a "trend".
Catches: memory leaks, disk fill, slow degradations.
"""

from __future__ import annotations

import math

import numpy as np

from kubemedic.metrics.baseline import PointContext, StepContext
from kubemedic.metrics.contract import (
    CheckKind,
    CheckStep,
    DetectorSettings,
    FloatArray,
    PointStep,
    hysteresis,
    squash,
    squash_one,
)

WINDOW = 240
SEGMENTS = 6
PART = WINDOW // SEGMENTS
THRESHOLD = 6.0
WANDER_WEIGHT = 2.0
ALPHA = 1.0 / 1440.0
LEARN_BELOW = 1.0 / 3.0
RESUM = 1024
_EDGES = tuple(range(0, WINDOW, PART))


class TrendTest:
    name = "trend"
    # Per-series state (attribute, row axis), for moving series between banks (metrics.bank_rows).
    ROW_STATE: tuple[tuple[str, int], ...] = (
        ("limit", 0),
        ("_armed", 0),
        ("_wander", 0),
        ("_calls", 0),
        ("_sums", 1),
        ("_edges", 1),
    )

    def __init__(self, rows: int, settings: DetectorSettings) -> None:
        self.threshold = THRESHOLD / settings.sensitivity
        # One limit per series (NaN: none); a bank may be given its rows' own limits (`limits`).
        self.limit: FloatArray | None = None if settings.limit is None else np.full(rows, settings.limit)
        self.horizon = settings.horizon_seconds
        self._armed = np.ones(rows, dtype=bool)
        self._wander = np.full(rows, np.nan)
        self._calls = np.zeros(rows, dtype=np.int64)  # per series: when each re-sums its window
        # Running sums: y of each part, t of each part, |successive difference| of y over the window;
        # and the previous window's values at the part edges, which the next move shifts across.
        self._sums = np.zeros((2 * SEGMENTS + 1, rows))
        self._edges = np.zeros((2 * SEGMENTS + 1, rows))

    def _window_means(self, ty: FloatArray, tt: FloatArray) -> FloatArray:
        due = self._calls % RESUM == 0
        if due.all():
            sums = _fresh_sums(ty, tt)
        else:  # the window moved by one point: at each part edge one value crosses into the next part
            e, n = self._edges, SEGMENTS
            moved = np.empty_like(self._sums)
            moved[0 : n - 1] = e[1:n] - e[0 : n - 1]
            moved[n - 1] = ty[:, -1] - e[n - 1]
            moved[n : 2 * n - 1] = e[n + 1 : 2 * n] - e[n : 2 * n - 1]
            moved[2 * n - 1] = tt[:, -1] - e[2 * n - 1]
            moved[2 * n] = np.abs(ty[:, -1] - ty[:, -2]) - e[2 * n]
            sums = self._sums + moved
            if due.any():  # series whose turn it is (or whose history changed) sum afresh
                sums[:, due] = _fresh_sums(ty[due], tt[due])
        self._sums = sums
        self._edges = np.stack(
            [ty[:, a] for a in _EDGES] + [tt[:, a] for a in _EDGES] + [np.abs(ty[:, 1] - ty[:, 0])]
        )
        self._calls += 1
        means = sums / PART
        means[2 * SEGMENTS] = sums[2 * SEGMENTS] / (WINDOW - 1)
        return means

    def step(self, ctx: StepContext) -> CheckStep:
        ty, tt = ctx.history_y.last(WINDOW), ctx.history_t.last(WINDOW)
        self._calls[ctx.rebased] = 0  # their history changed: sum their windows afresh
        means = self._window_means(ty, tt)
        qy, qt, mean_diff = means[:SEGMENTS], means[SEGMENTS : 2 * SEGMENTS], means[2 * SEGMENTS]
        noise = np.maximum(mean_diff / 1.128, 1e-9 + 1e-6 * np.abs(ctx.level))  # sigma of iid noise
        dt = np.diff(qt, axis=0)
        slopes = np.diff(qy, axis=0) / np.where(dt > 0, dt, np.inf)
        slope = np.partition(slopes, SEGMENTS // 2 - 1, axis=0)[SEGMENTS // 2 - 1]  # median of 5
        span = tt[:, -1] - tt[:, 0]
        drift = np.abs(slope * span)
        fresh = np.isnan(self._wander)
        if fresh.any():  # the warm-up is taken as normal: its drift is what this series usually does
            self._wander[fresh] = drift[fresh]
        yardstick = np.hypot(noise, WANDER_WEIGHT * self._wander)
        stat = drift / yardstick
        fit_now = qy[-1] + slope * (ctx.t - qt[-1])
        eta = np.full(ctx.y.size, np.nan)
        if self.limit is not None:
            now = fit_now + ctx.s
            with np.errstate(divide="ignore", invalid="ignore"):
                eta = (self.limit - now) / slope
            eta = np.where((slope != 0) & (eta >= 0), eta, np.where(now >= self.limit, 0.0, np.nan))
            near = (eta <= self.horizon) & (stat >= self.threshold / 2)
            stat = np.where(near, np.maximum(stat, self.threshold), stat)
        if ctx.seasonal:  # before the first daily profile, a morning ramp would look like a trend
            stat = np.where(ctx.seasonal_ready, stat, 0.0)
        candidate = hysteresis(self._armed, stat, self.threshold, self.threshold / 2)
        # Learn the usual drift only from quiet stretches, and cap what one point can teach: a slow
        # trend must not become "usual" while it builds up.
        quiet = self._armed & (stat < self.threshold * LEARN_BELOW)
        learnt = np.minimum(drift, 2.0 * self._wander + noise)
        self._wander = np.where(quiet, self._wander + ALPHA * (learnt - self._wander), self._wander)
        reach = self.threshold * yardstick
        center = fit_now + ctx.s
        return CheckStep(squash(stat, self.threshold), candidate, center - reach, center + reach, eta)


def _fresh_sums(ty: FloatArray, tt: FloatArray) -> FloatArray:
    """The running sums of `_window_means` computed from scratch, shape (2 * SEGMENTS + 1, rows)."""
    parts = [(ty[:, a : a + PART], tt[:, a : a + PART]) for a in _EDGES]
    return np.stack(
        [p.sum(axis=1) for p, _ in parts]
        + [p.sum(axis=1) for _, p in parts]
        + [np.abs(np.diff(ty, axis=1)).sum(axis=1)]
    )


class TrendPoint:
    """TrendTest for one series in plain floats."""

    name = "trend"

    def __init__(self, settings: DetectorSettings) -> None:
        self.threshold = THRESHOLD / settings.sensitivity
        self.limit = settings.limit
        self.horizon = settings.horizon_seconds
        self._armed = True
        self._wander = math.nan
        self._calls = 0
        self._sums = [0.0] * (2 * SEGMENTS + 1)
        self._edges = [0.0] * (2 * SEGMENTS + 1)

    def _window_means(self, ty: list[float], tt: list[float]) -> list[float]:
        n = SEGMENTS
        if self._calls % RESUM == 0:
            sums = (
                [float(np.sum(ty[a : a + PART])) for a in _EDGES]
                + [float(np.sum(tt[a : a + PART])) for a in _EDGES]
                + [float(np.sum(np.abs(np.diff(ty))))]
            )
        else:
            e = self._edges
            moved = [e[k + 1] - e[k] for k in range(n - 1)] + [ty[-1] - e[n - 1]]
            moved += [e[k + 1] - e[k] for k in range(n, 2 * n - 1)] + [tt[-1] - e[2 * n - 1]]
            moved.append(abs(ty[-1] - ty[-2]) - e[2 * n])
            sums = [a + b for a, b in zip(self._sums, moved, strict=True)]
        self._sums = sums
        self._edges = [ty[a] for a in _EDGES] + [tt[a] for a in _EDGES] + [abs(ty[1] - ty[0])]
        self._calls += 1
        means = [v / PART for v in sums]
        means[2 * n] = sums[2 * n] / (WINDOW - 1)
        return means

    def step(self, ctx: PointContext) -> PointStep:
        ty, tt = list(ctx.history_y)[-WINDOW:], list(ctx.history_t)[-WINDOW:]
        if ctx.rebased:
            self._calls = 0
        means = self._window_means(ty, tt)
        qy, qt, mean_diff = means[:SEGMENTS], means[SEGMENTS : 2 * SEGMENTS], means[2 * SEGMENTS]
        noise = max(mean_diff / 1.128, 1e-9 + 1e-6 * abs(ctx.level))
        slopes = []
        for k in range(SEGMENTS - 1):
            dt = qt[k + 1] - qt[k]
            slopes.append((qy[k + 1] - qy[k]) / (dt if dt > 0 else math.inf))
        slope = sorted(slopes)[SEGMENTS // 2 - 1]
        drift = abs(slope * (tt[-1] - tt[0]))
        if math.isnan(self._wander):
            self._wander = drift
        yardstick = float(np.hypot(noise, WANDER_WEIGHT * self._wander))
        stat = drift / yardstick
        fit_now = qy[-1] + slope * (ctx.t - qt[-1])
        eta = math.nan
        if self.limit is not None:
            now = fit_now + ctx.s
            ahead = (self.limit - now) / slope if slope != 0 else math.nan
            if slope != 0 and ahead >= 0:
                eta = ahead
            elif now >= self.limit:
                eta = 0.0
            if eta <= self.horizon and stat >= self.threshold / 2:
                stat = max(stat, self.threshold)
        if ctx.seasonal and not ctx.seasonal_ready:
            stat = 0.0
        candidate = self._armed and stat >= self.threshold
        if candidate:
            self._armed = False
        if stat < self.threshold / 2:
            self._armed = True
        if self._armed and stat < self.threshold * LEARN_BELOW:
            learnt = min(drift, 2.0 * self._wander + noise)
            self._wander = self._wander + ALPHA * (learnt - self._wander)
        reach = self.threshold * yardstick
        center = fit_now + ctx.s
        return PointStep(squash_one(stat, self.threshold), candidate, center - reach, center + reach, eta)


CHECK = CheckKind(TrendTest, TrendPoint)
