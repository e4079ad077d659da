"""Kubernetes quantities as floats in base units (cores, bytes): what a metric series needs.

The analyzers keep an exact (Decimal) parser for comparing requests with quotas; a metric series
only needs a float, and metrics/ must not import analyzers/.
"""

from __future__ import annotations

import math
import re

_SCALE: dict[str, float] = {
    "n": 1e-9, "u": 1e-6, "m": 1e-3, "": 1.0, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15, "E": 1e18,
    "Ki": 2.0**10, "Mi": 2.0**20, "Gi": 2.0**30, "Ti": 2.0**40, "Pi": 2.0**50, "Ei": 2.0**60,
}  # fmt: skip
_QUANTITY = re.compile(r"^([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]?)$")


def quantity(text: str) -> float:
    """`text` ("81401Ki", "250m", "1200000n", "2Gi", "1e3") in base units; ValueError naming it."""
    match = _QUANTITY.match(text.strip())
    if match is None:
        raise ValueError(f"not a Kubernetes quantity: {text!r}")
    value = float(match[1]) * _SCALE[match[2]]
    if not math.isfinite(value):
        raise ValueError(f"not a finite quantity: {text!r}")
    return value
