"""Every detector, by name, in the order `kubemedic anomaly detectors` lists them."""

from __future__ import annotations

from kubemedic.domain import InputError
from kubemedic.metrics.detectors import cusum, ensemble, isolation, robust_z, seasonal, trend, variance
from kubemedic.metrics.engine import DetectorSpec

DETECTORS: tuple[DetectorSpec, ...] = (
    ensemble.SPEC,
    DetectorSpec(
        "robust_z",
        "rolling median / robust-spread z-score, no seasonality - spikes, drops, large shifts",
        (robust_z.CHECK,),
        False,
    ),
    seasonal.SPEC,
    DetectorSpec(
        "cusum", "two-sided CUSUM on standardized residuals - small or gradual level shifts", (cusum.CHECK,)
    ),
    DetectorSpec(
        "variance", "spread of successive differences vs its usual value - noise bursts", (variance.CHECK,)
    ),
    DetectorSpec(
        "trend",
        "robust slope over 240 points vs usual wander; ETA to --limit - leaks, fill-ups",
        (trend.CHECK,),
    ),
)

DEFAULT = ensemble.SPEC.name


def optional() -> tuple[tuple[str, str], ...]:
    """(name, summary) of the optional detectors that can run here: isolation_forest once
    scikit-learn is installed (the `[ml]` extra). They run over whole series, not as a stream."""
    return ((isolation.NAME, isolation.SUMMARY),) if isolation.available() else ()


def missing() -> tuple[str, ...]:
    """Why each optional detector that cannot run here cannot (what to install)."""
    return () if isolation.available() else (isolation.MISSING,)


def detector(name: str) -> DetectorSpec:
    """The streaming detector called `name`; InputError listing the known names otherwise."""
    for spec in DETECTORS:
        if spec.name == name:
            return spec
    if name == isolation.NAME:
        raise InputError(
            isolation.MISSING
            if not isolation.available()
            else f"{name} scores whole series in blocks, not point by point; run it with "
            "`python -m bench.anomaly.run --detector isolation_forest` or metrics.detectors.isolation.detect"
        )
    known = ", ".join(s.name for s in DETECTORS)
    raise InputError(f"unknown detector {name!r}; known detectors: {known}")
