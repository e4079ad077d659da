"""The default detector: every test over one shared seasonal baseline.

A point is scored by the most alarmed test (scores are comparable: 0.5 at each test's threshold), and
an alarm is raised when any armed test crosses its threshold - spikes and large shifts by the z-score,
small or gradual shifts by CUSUM, noise bursts by the variance test, leaks by the trend test - with one
alarm per event thanks to the bank's quiet gap. The thresholds are set so that a clean series (noise,
daily and weekly patterns, slow wander) raises no alarm at all; raise `sensitivity` to trade that for
earlier detection.
"""

from __future__ import annotations

from kubemedic.metrics.detectors import cusum, robust_z, trend, variance
from kubemedic.metrics.engine import DetectorSpec

SPEC = DetectorSpec(
    name="default",
    summary="ensemble: seasonal z-score + CUSUM + variance + trend, one alarm per event (recommended)",
    checks=(robust_z.CHECK, cusum.CHECK, variance.CHECK, trend.CHECK),
    seasonal=True,
)
