"""A time series as detectors read it, and the `timestamp,value` CSV format benchmarks use."""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from datetime import UTC, datetime

from kubemedic.domain import InputError


@dataclass(frozen=True, slots=True)
class Series:
    """Points of one series in time order: timestamps in seconds since the epoch, finite values."""

    name: str
    timestamps: tuple[float, ...]
    values: tuple[float, ...]

    def __post_init__(self) -> None:
        if len(self.timestamps) != len(self.values):
            raise ValueError("a series needs as many timestamps as values")

    def __len__(self) -> int:
        return len(self.values)


def parse_csv(text: str, name: str = "series") -> Series:
    """Read `timestamp,value` rows: a header row is optional, timestamps are ISO 8601 (naive = UTC) or
    epoch seconds. Rows are sorted by time (stable), as a stream would deliver them. A row that cannot be
    read raises InputError naming its line; so does an empty file."""
    stamps: list[float] = []
    values: list[float] = []
    for line_no, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not row or all(not cell.strip() for cell in row):
            continue
        if len(row) < 2:
            raise InputError(f"{name}:{line_no}: expected 'timestamp,value', got {','.join(row)!r}")
        ts_text, value_text = row[0].strip(), row[1].strip()
        if not stamps and line_no == _first_row(text) and _is_header(ts_text, value_text):
            continue
        ts = _timestamp(ts_text)
        if ts is None:
            raise InputError(f"{name}:{line_no}: {ts_text!r} is not an ISO 8601 timestamp or epoch seconds")
        value = _number(value_text)
        if value is None:
            raise InputError(f"{name}:{line_no}: value {value_text!r} is not a finite number")
        stamps.append(ts)
        values.append(value)
    if not values:
        raise InputError(f"{name}: no 'timestamp,value' rows")
    order = sorted(range(len(values)), key=stamps.__getitem__)
    return Series(name, tuple(stamps[i] for i in order), tuple(values[i] for i in order))


def _first_row(text: str) -> int:
    for i, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            return i
    return 0


def _is_header(ts_text: str, value_text: str) -> bool:
    return _timestamp(ts_text) is None and _number(value_text) is None


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def parse_timestamp(text: str) -> float:
    """Seconds since the epoch from ISO 8601 (naive = UTC) or epoch seconds; InputError otherwise."""
    ts = _timestamp(text.strip())
    if ts is None:
        raise InputError(f"{text!r} is not an ISO 8601 timestamp or epoch seconds")
    return ts


def _timestamp(text: str) -> float | None:
    number = _number(text)
    if number is not None:
        return number
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()
