"""Metrics and anomaly detection: streaming detectors over time series (numpy, no ML framework).

    from kubemedic.metrics import detector, detect, parse_csv
    detections = detect(parse_csv(text), detector("default"))

`DetectorBank` runs one detector over thousands of series at once (one point each per update).
"""

from kubemedic.metrics import bank_rows
from kubemedic.metrics.contract import DetectorSettings
from kubemedic.metrics.detection import Detection
from kubemedic.metrics.detectors.registry import DEFAULT, DETECTORS, detector
from kubemedic.metrics.engine import BankStep, DetectorBank, DetectorSpec, StreamingDetector
from kubemedic.metrics.run import detect
from kubemedic.metrics.series import Series, parse_csv

__all__ = [
    "DEFAULT",
    "DETECTORS",
    "BankStep",
    "Detection",
    "DetectorBank",
    "DetectorSettings",
    "DetectorSpec",
    "Series",
    "StreamingDetector",
    "bank_rows",
    "detect",
    "detector",
    "parse_csv",
]
