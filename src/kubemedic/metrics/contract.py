"""What a statistical test over the baseline's residuals looks like to the detector bank.

A test reads one `StepContext` (every series' new point and baseline) and says, per series, how
anomalous the point is (`score` in [0, 1), 0.5 exactly at the test's threshold), whether it wants to
raise an alarm now (`candidate`: the threshold is crossed and the test is armed - each test re-arms
only once its statistic has fallen back, so one lasting change raises one alarm), and the range of
values it expected. Tests keep their state in numpy arrays of shape (rows,), so one call updates
thousands of series.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from kubemedic.metrics.baseline import PointContext, StepContext

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class DetectorSettings:
    """Per-detector knobs. sensitivity > 1 lowers every threshold (more alarms), < 1 raises them.
    `limit` (in the series' unit) turns on the trend test's time-to-limit forecast."""

    sensitivity: float = 1.0
    limit: float | None = None
    horizon_seconds: float = 6 * 3600.0

    def __post_init__(self) -> None:
        if not (self.sensitivity > 0 and math.isfinite(self.sensitivity)):
            raise ValueError(f"sensitivity must be a positive number, got {self.sensitivity}")
        if self.limit is not None and not math.isfinite(self.limit):
            raise ValueError(f"limit must be a finite number, got {self.limit}")
        if not self.horizon_seconds > 0:
            raise ValueError(f"horizon must be positive, got {self.horizon_seconds}")


@dataclass(frozen=True, slots=True)
class CheckStep:
    """One test's verdict on one update, arrays of shape (rows,). eta is NaN where not forecast."""

    score: FloatArray
    candidate: BoolArray
    low: FloatArray
    high: FloatArray
    eta: FloatArray


class Check(Protocol):
    """ROW_STATE names the attributes that hold per-series state and their row axis (the rest is
    shared by every row), so series can move between banks (metrics.bank_rows)."""

    name: str
    ROW_STATE: tuple[tuple[str, int], ...]

    def step(self, ctx: StepContext) -> CheckStep: ...


CheckFactory = Callable[[int, DetectorSettings], Check]


@dataclass(frozen=True, slots=True)
class PointStep:
    """One check's verdict on one point of one series (the scalar twin of CheckStep)."""

    score: float
    candidate: bool
    low: float
    high: float
    eta: float = math.nan


class PointCheck(Protocol):
    name: str

    def step(self, ctx: PointContext) -> PointStep: ...


PointFactory = Callable[[DetectorSettings], PointCheck]


@dataclass(frozen=True, slots=True)
class CheckKind:
    """A check in its two forms: over a bank of series (numpy arrays, `bank`) and over one series
    (plain floats, `point`). Both do the same arithmetic in the same order; tests hold them equal."""

    bank: CheckFactory
    point: PointFactory


def squash(stat: FloatArray, threshold: float) -> FloatArray:
    """Map a non-negative statistic to [0, 1): 0.5 at the threshold, -> 1 far above it."""
    stat = np.where(np.isfinite(stat), stat, 0.0)
    return stat / (stat + threshold)


def squash_one(stat: float, threshold: float) -> float:
    stat = stat if math.isfinite(stat) else 0.0
    return stat / (stat + threshold)


def clamp(x: FloatArray, low: FloatArray | float, high: FloatArray | float) -> FloatArray:
    """np.clip without its per-call overhead (it matters at one series per call)."""
    return np.minimum(np.maximum(x, low), high)


def no_eta(rows: int) -> FloatArray:
    return np.full(rows, np.nan)


def hysteresis(armed: BoolArray, stat: FloatArray, threshold: float, rearm: float) -> BoolArray:
    """Candidates where an armed test crosses `threshold`; updates `armed` in place: a test that
    raised a candidate is disarmed until its statistic falls below `rearm`."""
    candidate = armed & (stat >= threshold)
    armed[candidate] = False
    armed[stat < rearm] = True
    return candidate
