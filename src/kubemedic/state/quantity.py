"""Kubernetes resource quantities (`500m`, `1.5`, `2Gi`, `512Mi`, `1G`, `100k`, `1e3`) as exact Decimals."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

BINARY_SUFFIXES: dict[str, int] = {
    "Ki": 2**10,
    "Mi": 2**20,
    "Gi": 2**30,
    "Ti": 2**40,
    "Pi": 2**50,
    "Ei": 2**60,
}
DECIMAL_SUFFIXES: dict[str, Decimal] = {
    "n": Decimal("1e-9"),
    "u": Decimal("1e-6"),
    "m": Decimal("1e-3"),
    "": Decimal(1),
    "k": Decimal("1e3"),
    "M": Decimal("1e6"),
    "G": Decimal("1e9"),
    "T": Decimal("1e12"),
    "P": Decimal("1e15"),
    "E": Decimal("1e18"),
}

_QUANTITY = re.compile(
    r"^(?P<number>[+-]?(?:\d+\.?\d*|\.\d+))"
    r"(?:(?P<binary>Ki|Mi|Gi|Ti|Pi|Ei)|[eE](?P<exponent>[+-]?\d+)|(?P<decimal>[numkMGTPE]?))$"
)


def parse_quantity(text: str) -> Decimal:
    """The value of a quantity in base units (cores, bytes, count). Raises ValueError naming the text."""
    match = _QUANTITY.match(text.strip()) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f"invalid Kubernetes quantity {text!r}: expected a number with an optional suffix")
    try:
        number = Decimal(match["number"])
    except InvalidOperation:  # pragma: no cover - the regex only lets valid numbers through
        raise ValueError(f"invalid Kubernetes quantity {text!r}: bad number") from None
    if match["binary"]:
        return number * BINARY_SUFFIXES[match["binary"]]
    if match["exponent"] is not None:
        return number.scaleb(int(match["exponent"]))
    return number * DECIMAL_SUFFIXES[match["decimal"] or ""]


def try_parse_quantity(text: object) -> Decimal | None:
    """Like parse_quantity, but None for missing or malformed values (cluster data is not always clean)."""
    if isinstance(text, int | float):
        return Decimal(str(text))
    if not isinstance(text, str):
        return None
    try:
        return parse_quantity(text)
    except ValueError:
        return None
