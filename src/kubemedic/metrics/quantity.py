"""Kubernetes quantities as floats in base units (cores, bytes): what a metric series needs.

The grammar is the exact parser's in state/quantity.py; a series only needs the float.
"""

from __future__ import annotations

import math

from kubemedic.state import Pod
from kubemedic.state.quantity import parse_quantity

# The forms metrics-server writes, read without the exact parser: digits times a power of two, or
# digits over a power of ten (one IEEE division, correctly rounded: the same float as the exact value).
_TIMES = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30}
_OVER = {"n": 1e9, "u": 1e6, "m": 1e3}


def quantity(text: str) -> float:
    """`text` ("81401Ki", "250m", "1200000n", "2Gi", "1e3") in base units; ValueError naming it."""
    digits, suffix = text[:-2], text[-2:]
    if suffix in _TIMES and digits.isascii() and digits.isdigit() and len(digits) < 16:
        return float(int(digits) * _TIMES[suffix])
    digits, suffix = text[:-1], text[-1:]
    if suffix in _OVER and digits.isascii() and digits.isdigit() and len(digits) < 16:
        return int(digits) / _OVER[suffix]
    try:
        value = float(parse_quantity(text))
    except ValueError:
        raise ValueError(f"not a Kubernetes quantity: {text!r}") from None
    if not math.isfinite(value):
        raise ValueError(f"not a finite quantity: {text!r}")
    return value


def container_limit(pod: Pod, container: str, resource: str) -> float | None:
    """The container's limit for `resource` ("cpu", "memory") from the pod spec, in base units; None
    when unset, zero or unreadable."""
    spec = pod.container(container)
    limits = spec.resources.get("limits") if spec is not None else None
    text = limits.get(resource) if isinstance(limits, dict) else None
    if text is None:
        return None
    try:
        value = quantity(str(text))
    except ValueError:
        return None
    return value if value > 0 else None
