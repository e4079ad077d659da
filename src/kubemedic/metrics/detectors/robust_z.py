"""The point test: how many robust standard deviations the new point lies from the baseline level.

    z = (y - level) / scale        (level = rolling median, scale = robust spread; see baseline.py)

It raises a candidate when |z| >= THRESHOLD and re-arms once |z| < THRESHOLD * REARM, so a level
shift (which keeps |z| high until the rolling median has caught up) raises one alarm, not one per point.
Catches: spikes, drops, and level shifts larger than the threshold.
"""

from __future__ import annotations

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

THRESHOLD = 7.0
REARM = 0.5


class ZTest:
    name = "zscore"
    ROW_STATE: tuple[tuple[str, int], ...] = (("_armed", 0),)

    def __init__(self, rows: int, settings: DetectorSettings) -> None:
        self.threshold = THRESHOLD / settings.sensitivity
        self._armed = np.ones(rows, dtype=bool)

    def step(self, ctx: StepContext) -> CheckStep:
        stat = np.abs(ctx.y - ctx.level) / ctx.scale
        candidate = hysteresis(self._armed, stat, self.threshold, self.threshold * REARM)
        reach = self.threshold * ctx.scale
        return CheckStep(
            squash(stat, self.threshold),
            candidate,
            ctx.expected - reach,
            ctx.expected + reach,
            no_eta(ctx.y.size),
        )


class ZPoint:
    """ZTest for one series in plain floats."""

    name = "zscore"

    def __init__(self, settings: DetectorSettings) -> None:
        self.threshold = THRESHOLD / settings.sensitivity
        self._armed = True

    def step(self, ctx: PointContext) -> PointStep:
        stat = abs(ctx.y - ctx.level) / ctx.scale
        candidate = self._armed and stat >= self.threshold
        if candidate:
            self._armed = False
        if stat < self.threshold * REARM:
            self._armed = True
        reach = self.threshold * ctx.scale
        expected = ctx.expected
        return PointStep(squash_one(stat, self.threshold), candidate, expected - reach, expected + reach)


CHECK = CheckKind(ZTest, ZPoint)
