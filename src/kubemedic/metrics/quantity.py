"""Kubernetes quantities as floats in base units (cores, bytes): what a metric series needs.

The grammar is the exact parser's in state/quantity.py; a series only needs the float.
"""

from __future__ import annotations

import math

from kubemedic.state.quantity import parse_quantity


def quantity(text: str) -> float:
    """`text` ("81401Ki", "250m", "1200000n", "2Gi", "1e3") in base units; ValueError naming it."""
    try:
        value = float(parse_quantity(text))
    except ValueError:
        raise ValueError(f"not a Kubernetes quantity: {text!r}") from None
    if not math.isfinite(value):
        raise ValueError(f"not a finite quantity: {text!r}")
    return value
