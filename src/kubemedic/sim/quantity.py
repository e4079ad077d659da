"""Kubernetes resource quantities as numbers: CPU in millicores, everything else in base units."""

from __future__ import annotations

_BINARY = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60}
_DECIMAL = {
    "n": 1e-9,
    "u": 1e-6,
    "m": 1e-3,
    "": 1,
    "k": 1e3,
    "M": 1e6,
    "G": 1e9,
    "T": 1e12,
    "P": 1e15,
    "E": 1e18,
}


def parse_quantity(value: object) -> float:
    """'100m' -> 0.1, '1Gi' -> 1073741824, '2' -> 2. Unparseable values count as 0."""
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip()
    if not text:
        return 0.0
    for suffix, mult in _BINARY.items():
        if text.endswith(suffix):
            return _num(text[: -len(suffix)]) * mult
    if text[-1] in _DECIMAL and not text[-1].isdigit():
        return _num(text[:-1]) * _DECIMAL[text[-1]]
    return _num(text)


def _num(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return 0.0


def millicores(value: object) -> int:
    return round(parse_quantity(value) * 1000)


def format_memory(n_bytes: float) -> str:
    for suffix in ("Gi", "Mi", "Ki"):
        mult = _BINARY[suffix]
        if n_bytes >= mult and n_bytes % mult == 0:
            return f"{int(n_bytes // mult)}{suffix}"
    return str(int(n_bytes))


def format_cpu(millis: int) -> str:
    return str(millis // 1000) if millis % 1000 == 0 else f"{millis}m"
