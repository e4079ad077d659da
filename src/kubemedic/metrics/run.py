"""Run a detector over a whole series as a stream, in time order."""

from __future__ import annotations

from kubemedic.metrics.contract import DetectorSettings
from kubemedic.metrics.detection import Detection
from kubemedic.metrics.engine import DetectorSpec, StreamingDetector
from kubemedic.metrics.series import Series


def detect(series: Series, spec: DetectorSpec, settings: DetectorSettings | None = None) -> list[Detection]:
    """One Detection per point, computed point by point as a live stream would see them."""
    stream = StreamingDetector(spec, settings)
    return [stream.update(t, v) for t, v in zip(series.timestamps, series.values, strict=True)]
