"""The point test: how many robust standard deviations the new point lies from the baseline level.

    z = (y - level) / scale        (level = rolling median, scale = robust spread; see baseline.py)

It raises a candidate when |z| >= THRESHOLD and re-arms once |z| < THRESHOLD * REARM, so a level
shift (which keeps |z| high until the rolling median has caught up) raises one alarm, not one per point.
Catches: spikes, drops, and level shifts larger than the threshold.
"""

from __future__ import annotations

import numpy as np

from kubemedic.metrics.baseline import StepContext
from kubemedic.metrics.contract import CheckStep, DetectorSettings, hysteresis, no_eta, squash

THRESHOLD = 7.0
REARM = 0.5


class ZTest:
    name = "zscore"

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
