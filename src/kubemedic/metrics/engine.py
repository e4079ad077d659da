"""Detector banks: one detector run over many series at once, and the single-series stream on top.

A detector is a baseline (seasonal or not) plus one or more checks (statistical tests) over its
residuals (`DetectorSpec`).
`DetectorBank` keeps the state of `rows` series in numpy arrays and advances all of them by one point
per `update` - the path a collector uses for thousands of series. `StreamingDetector` runs one series
with `update(timestamp, value) -> Detection` on the checks' point twins (plain floats, the same
arithmetic in the same order; the tests hold the two paths equal).

Warm-up: no test runs (score 0, no alarm) until `warmup` points have been seen, the longest window any
test needs. After an alarm the bank stays quiet for `gap` points: several tests noticing one event
(a shift is a z-score outlier, then a CUSUM run, ...) raise one alarm, not a burst.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from kubemedic.metrics.baseline import Baseline, BaselineConfig, PointBaseline, PointContext, StepContext
from kubemedic.metrics.contract import CheckKind, CheckStep, DetectorSettings
from kubemedic.metrics.detection import Detection

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class DetectorSpec:
    """A named detector: which baseline, which tests, and the one-line description users see."""

    name: str
    summary: str
    checks: tuple[CheckKind, ...]
    seasonal: bool = True
    window: int = 120
    warmup: int = 240
    gap: int = 120

    def baseline(self) -> BaselineConfig:
        return BaselineConfig(
            window=self.window, history=max(self.warmup, self.window), seasonal=self.seasonal
        )


@dataclass(frozen=True, slots=True)
class BankStep:
    """One update of every series, arrays of shape (rows,). `reason` indexes `reasons`."""

    score: FloatArray
    fired: BoolArray
    reason: IntArray
    reasons: tuple[str, ...]
    expected: FloatArray
    low: FloatArray
    high: FloatArray
    eta: FloatArray
    window_start: FloatArray
    window_end: FloatArray


class DetectorBank:
    """One detector over `rows` series; each `update` gives every series one new point.

    `limits` gives each series its own limit (NaN: none) instead of `settings.limit` for all."""

    def __init__(
        self,
        spec: DetectorSpec,
        rows: int,
        settings: DetectorSettings | None = None,
        limits: FloatArray | None = None,
    ) -> None:
        if rows < 1:
            raise ValueError("a bank needs at least one series")
        self.spec = spec
        self.rows = rows
        self.settings = settings or DetectorSettings()
        self._baseline = Baseline(rows, spec.baseline())
        self._checks = [kind.bank(rows, self.settings) for kind in spec.checks]
        if limits is not None:
            limits = np.asarray(limits, dtype=np.float64)
            if limits.shape != (rows,):
                raise ValueError(f"expected {rows} limits, got shape {limits.shape}")
            for check in self._checks:
                if hasattr(check, "limit"):
                    check.limit = limits.copy()
        self._names = tuple(t.name for t in self._checks)
        self._last_alarm = np.full(rows, -(10**9), dtype=np.int64)

    @property
    def count(self) -> int:
        """How many updates every series of the bank has had."""
        return self._baseline.count

    def update(self, t: FloatArray, x: FloatArray) -> BankStep:
        t = np.asarray(t, dtype=np.float64)
        x = np.asarray(x, dtype=np.float64)
        if t.shape != (self.rows,) or x.shape != (self.rows,):
            raise ValueError(f"expected {self.rows} timestamps and values, got {t.shape} and {x.shape}")
        ctx = self._baseline.prepare(t, x)
        n = ctx.n
        rows = self.rows
        nan = np.full(rows, np.nan)
        if n < self.spec.warmup:
            self._baseline.commit(ctx)
            return BankStep(
                np.zeros(rows), np.zeros(rows, dtype=bool), np.zeros(rows, dtype=np.int64),
                self._names, ctx.expected, nan, nan, nan, nan, nan,
            )  # fmt: skip
        steps = [check.step(ctx) for check in self._checks]
        if len(steps) == 1:
            return self._single(ctx, steps[0])
        scores = np.stack([s.score for s in steps])
        candidates = np.stack([s.candidate for s in steps])
        # The reason is the strongest test among those that want an alarm, else the strongest overall.
        ranked = np.where(candidates, scores + 1.0, scores)
        reason = np.argmax(ranked, axis=0)
        pick = np.arange(rows)
        score = scores[reason, pick]
        fired = self._alarm(n, np.asarray(candidates.any(axis=0), dtype=bool))
        eta_any = np.fmin.reduce(np.stack([s.eta for s in steps]), axis=0)  # NaN only where all are
        window = ctx.history_t.last(self.spec.window)
        self._baseline.commit(ctx)
        return BankStep(
            score,
            fired,
            reason.astype(np.int64),
            self._names,
            ctx.expected,
            np.stack([s.low for s in steps])[reason, pick],
            np.stack([s.high for s in steps])[reason, pick],
            eta_any,
            window[:, 0],
            window[:, -1],
        )

    def _alarm(self, n: int, candidate: BoolArray) -> BoolArray:
        fired = candidate & (n - self._last_alarm >= self.spec.gap)
        self._last_alarm[fired] = n
        return fired

    def _single(self, ctx: StepContext, step: CheckStep) -> BankStep:
        window = ctx.history_t.last(self.spec.window)
        fired = self._alarm(ctx.n, step.candidate)
        self._baseline.commit(ctx)
        zero = np.zeros(self.rows, dtype=np.int64)
        return BankStep(
            step.score, fired, zero, self._names, ctx.expected, step.low, step.high, step.eta, window[:, 0],
            window[:, -1],
        )  # fmt: skip


class StreamingDetector:
    """One series, one point at a time: `update(timestamp, value) -> Detection`.

    Runs the point twins of the bank's checks (`CheckKind.point`): the same arithmetic in plain
    floats, without numpy's per-call overhead on arrays of one. Timestamps are seconds since the
    epoch and must not go backwards; values must be finite.
    """

    def __init__(self, spec: DetectorSpec, settings: DetectorSettings | None = None) -> None:
        self.spec = spec
        self.settings = settings or DetectorSettings()
        self._baseline = PointBaseline(spec.baseline())
        self._checks = [kind.point(self.settings) for kind in spec.checks]
        self._last_alarm = -(10**9)
        self._last_t = -math.inf

    @property
    def name(self) -> str:
        return self.spec.name

    def update(self, timestamp: float, value: float) -> Detection:
        if not math.isfinite(value):
            raise ValueError(f"value {value!r} is not a finite number")
        if not math.isfinite(timestamp) or timestamp < self._last_t:
            raise ValueError(f"timestamp {timestamp!r} goes back in time (last {self._last_t!r})")
        self._last_t = timestamp
        ctx = self._baseline.prepare(timestamp, value)
        n = ctx.n
        if n < self.spec.warmup:
            self._baseline.commit(ctx)
            return self._detection(ctx, 0.0, False, 0, math.nan, math.nan, math.nan, math.nan, math.nan)
        steps = [check.step(ctx) for check in self._checks]
        ranked = [s.score + 1.0 if s.candidate else s.score for s in steps]
        reason = ranked.index(max(ranked))  # the first of equals, as numpy's argmax
        fired = any(s.candidate for s in steps) and n - self._last_alarm >= self.spec.gap
        if fired:
            self._last_alarm = n
        etas = [s.eta for s in steps if not math.isnan(s.eta)]
        window = len(ctx.history_t) - self.spec.window
        start, end = ctx.history_t[window], ctx.history_t[-1]
        self._baseline.commit(ctx)
        top = steps[reason]
        eta = min(etas) if etas else math.nan
        return self._detection(ctx, top.score, fired, reason, top.low, top.high, eta, start, end)

    def _detection(
        self,
        ctx: PointContext,
        score: float,
        fired: bool,
        reason: int,
        low: float,
        high: float,
        eta: float,
        start: float,
        end: float,
    ) -> Detection:
        return Detection(
            timestamp=ctx.t,
            value=ctx.x,
            score=score,
            fired=fired,
            detector=self.spec.name,
            reason=self._checks[reason].name,
            expected=ctx.expected,
            low=low,
            high=high,
            window_start=start,
            window_end=end,
            eta_seconds=eta if math.isfinite(eta) else None,
        )
