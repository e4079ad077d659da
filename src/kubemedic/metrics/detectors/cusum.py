"""The change-point test: a two-sided CUSUM on standardized residuals, for level shifts too small
(or too gradual) for the point test.

    e   = clip((y - mu) / sigma, -CLIP, CLIP)     mu: a slow reference level
    S+  = max(0, S+ + e - DRIFT)                   S- = max(0, S- - e - DRIFT)

It raises a candidate when max(S+, S-) >= THRESHOLD (a run of residuals on one side of the reference
that noise would almost never produce), then restarts from the new level: the reference jumps to the
median of the last few points. Otherwise the reference follows the series slowly (ALPHA per point,
residuals clipped), so slow drift is forgiven while a lasting shift accumulates.

sigma is the long-run standard deviation of the residuals, the larger of two estimates: the
short-term spread (baseline scale or the residuals' running spread around mu) times
sqrt((1 + rho) / (1 - rho)) with rho their running lag-1 autocorrelation, and sqrt(BLOCK) times the
running spread of BLOCK-point means around mu. Real metrics wander (traffic drifts for an hour, then
back); a CUSUM standardized by point-to-point noise alone would mistake every slow excursion for a
shift, while one standardized this way sums residuals as if they were independent - the block-mean
estimate sees wander that a lag-1 autocorrelation diluted by white noise would miss. Clipping keeps
one spike from deciding the test.
"""

from __future__ import annotations

import itertools
import math

import numpy as np

from kubemedic.metrics.baseline import PointContext, StepContext
from kubemedic.metrics.contract import (
    CheckKind,
    CheckStep,
    DetectorSettings,
    PointStep,
    clamp,
    no_eta,
    squash,
    squash_one,
)

THRESHOLD = 20.0
DRIFT = 0.5
CLIP = 4.0
ALPHA = 1.0 / 120.0
SPREAD_ALPHA = 1.0 / 480.0
RHO_ALPHA = 1.0 / 480.0
RHO_MAX = 0.98
RESTART_POINTS = 9
BLOCK = 30


class CusumTest:
    name = "cusum"
    ROW_STATE: tuple[tuple[str, int], ...] = tuple(
        (a, 0) for a in ("_mu", "_spread", "_c0", "_c1", "_prev", "_block", "_pos", "_neg")
    )

    def __init__(self, rows: int, settings: DetectorSettings) -> None:
        self.threshold = THRESHOLD / settings.sensitivity
        self._mu = np.full(rows, np.nan)
        self._spread = np.full(rows, np.nan)
        self._c0 = np.ones(rows)  # running E[r_t^2] and E[r_t r_(t-1)] of the residual r = y - mu
        self._c1 = np.zeros(rows)
        self._prev = np.zeros(rows)
        self._block = np.zeros(rows)  # running mean square of (mean of the last BLOCK y) - mu
        self._pos = np.zeros(rows)
        self._neg = np.zeros(rows)

    def step(self, ctx: StepContext) -> CheckStep:
        if ctx.rebased.any():  # their history is now deseasonalised: restart from its level, keep
            moved = ctx.rebased  # the spread statistics (slow, and only ever too wide from the raw days)
            self._mu[moved] = ctx.level[moved]
            self._pos[moved] = 0.0
            self._neg[moved] = 0.0
        fresh = np.isnan(self._mu)
        if fresh.any():
            self._mu[fresh] = ctx.level[fresh]
            self._spread[fresh] = ctx.scale[fresh]
            hist = ctx.history_y.last(ctx.history_y.length)[fresh]
            r = hist - ctx.level[fresh][:, None]
            self._c0[fresh] = np.mean(r * r, axis=1)
            self._c1[fresh] = np.mean(r[:, 1:] * r[:, :-1], axis=1)
            self._prev[fresh] = r[:, -1]
            blocks = r[:, : (r.shape[1] // BLOCK) * BLOCK].reshape(r.shape[0], -1, BLOCK).mean(axis=2)
            self._block[fresh] = np.mean(blocks * blocks, axis=1)
        mu = self._mu
        rho = clamp(self._c1 / np.maximum(self._c0, 1e-300), 0.0, RHO_MAX)
        short = np.maximum(self._spread, ctx.scale)
        sigma = np.maximum(short * np.sqrt((1.0 + rho) / (1.0 - rho)), np.sqrt(self._block * BLOCK))
        e = clamp((ctx.y - mu) / sigma, -CLIP, CLIP)
        r = clamp(ctx.y - mu, -CLIP * short, CLIP * short)
        self._c0 = self._c0 + RHO_ALPHA * (r * r - self._c0)
        self._c1 = self._c1 + RHO_ALPHA * (r * self._prev - self._c1)
        self._prev = r
        recent_mean = (ctx.history_y.last(BLOCK - 1).sum(axis=1) + ctx.y) / BLOCK - mu
        reach = CLIP * sigma / np.sqrt(BLOCK)  # CLIP standard deviations of a block mean
        b = clamp(recent_mean, -reach, reach)
        self._block = self._block + RHO_ALPHA * (b * b - self._block)
        self._pos = np.maximum(0.0, self._pos + e - DRIFT)
        self._neg = np.maximum(0.0, self._neg - e - DRIFT)
        stat = np.maximum(self._pos, self._neg)
        candidate = stat >= self.threshold
        low, high = mu + ctx.s - DRIFT * sigma, mu + ctx.s + DRIFT * sigma
        self._mu = mu + ALPHA * (clamp(ctx.y, mu - CLIP * sigma, mu + CLIP * sigma) - mu)
        self._spread = self._spread + SPREAD_ALPHA * (1.2533 * np.abs(r) - self._spread)
        if candidate.any():
            recent = np.concatenate([ctx.history_y.last(RESTART_POINTS - 1), ctx.y[:, None]], axis=1)
            self._mu[candidate] = np.median(recent[candidate], axis=1)
            self._pos[candidate] = 0.0
            self._neg[candidate] = 0.0
        return CheckStep(squash(stat, self.threshold), candidate, low, high, no_eta(ctx.y.size))


class CusumPoint:
    """CusumTest for one series in plain floats."""

    name = "cusum"

    def __init__(self, settings: DetectorSettings) -> None:
        self.threshold = THRESHOLD / settings.sensitivity
        self._mu = math.nan
        self._spread = math.nan
        self._c0, self._c1, self._prev, self._block = 1.0, 0.0, 0.0, 0.0
        self._pos = self._neg = 0.0

    def step(self, ctx: PointContext) -> PointStep:
        if ctx.rebased:
            self._mu, self._pos, self._neg = ctx.level, 0.0, 0.0
        if math.isnan(self._mu):
            self._mu, self._spread = ctx.level, ctx.scale
            r_hist = [v - ctx.level for v in ctx.history_y]
            self._c0 = sum(v * v for v in r_hist) / len(r_hist)
            self._c1 = sum(a * b for a, b in zip(r_hist[1:], r_hist[:-1], strict=True)) / (len(r_hist) - 1)
            self._prev = r_hist[-1]
            whole = (len(r_hist) // BLOCK) * BLOCK
            blocks = [sum(r_hist[i : i + BLOCK]) / BLOCK for i in range(0, whole, BLOCK)]
            self._block = sum(b * b for b in blocks) / len(blocks)
        mu = self._mu
        rho = min(max(self._c1 / max(self._c0, 1e-300), 0.0), RHO_MAX)
        short = max(self._spread, ctx.scale)
        sigma = max(short * math.sqrt((1.0 + rho) / (1.0 - rho)), math.sqrt(self._block * BLOCK))
        e = min(max((ctx.y - mu) / sigma, -CLIP), CLIP)
        r = min(max(ctx.y - mu, -CLIP * short), CLIP * short)
        self._c0 = self._c0 + RHO_ALPHA * (r * r - self._c0)
        self._c1 = self._c1 + RHO_ALPHA * (r * self._prev - self._c1)
        self._prev = r
        hist = ctx.history_y
        recent_mean = (sum(itertools.islice(hist, len(hist) - (BLOCK - 1), None)) + ctx.y) / BLOCK - mu
        reach = CLIP * sigma / math.sqrt(BLOCK)
        b = min(max(recent_mean, -reach), reach)
        self._block = self._block + RHO_ALPHA * (b * b - self._block)
        self._pos = max(0.0, self._pos + e - DRIFT)
        self._neg = max(0.0, self._neg - e - DRIFT)
        stat = max(self._pos, self._neg)
        candidate = stat >= self.threshold
        low, high = mu + ctx.s - DRIFT * sigma, mu + ctx.s + DRIFT * sigma
        self._mu = mu + ALPHA * (min(max(ctx.y, mu - CLIP * sigma), mu + CLIP * sigma) - mu)
        self._spread = self._spread + SPREAD_ALPHA * (1.2533 * abs(r) - self._spread)
        if candidate:
            recent = sorted([*itertools.islice(hist, len(hist) - (RESTART_POINTS - 1), None), ctx.y])
            self._mu = recent[RESTART_POINTS // 2]
            self._pos = self._neg = 0.0
        return PointStep(squash_one(stat, self.threshold), candidate, low, high)


CHECK = CheckKind(CusumTest, CusumPoint)
