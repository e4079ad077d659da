"""Every detector, by name, in the order `kubemedic anomaly detectors` lists them."""

from __future__ import annotations

from kubemedic.domain import InputError
from kubemedic.metrics.detectors import ensemble, seasonal
from kubemedic.metrics.detectors.cusum import CusumTest
from kubemedic.metrics.detectors.robust_z import ZTest
from kubemedic.metrics.detectors.trend import TrendTest
from kubemedic.metrics.detectors.variance import VarianceTest
from kubemedic.metrics.engine import DetectorSpec

DETECTORS: tuple[DetectorSpec, ...] = (
    ensemble.SPEC,
    DetectorSpec(
        "robust_z",
        "rolling median / robust-spread z-score, no seasonality - spikes, drops, large shifts",
        (ZTest,),
        False,
    ),
    seasonal.SPEC,
    DetectorSpec(
        "cusum", "two-sided CUSUM on standardized residuals - small or gradual level shifts", (CusumTest,)
    ),
    DetectorSpec(
        "variance", "spread of successive differences vs its usual value - noise bursts", (VarianceTest,)
    ),
    DetectorSpec(
        "trend",
        "robust slope over 240 points vs usual wander; ETA to --limit - leaks, fill-ups",
        (TrendTest,),
    ),
)

DEFAULT = ensemble.SPEC.name


def detector(name: str) -> DetectorSpec:
    """The detector called `name`; InputError listing the known names otherwise."""
    for spec in DETECTORS:
        if spec.name == name:
            return spec
    known = ", ".join(s.name for s in DETECTORS)
    raise InputError(f"unknown detector {name!r}; known detectors: {known}")
