"""What a detector says about one point of one series, in words a person can check."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True, slots=True)
class Detection:
    """One scored point. `fired` is True only where a new alarm is raised (the first point of an
    anomaly, not every point of it). `reason` names the test that scored highest; `low`..`high` is the
    range it expected; `window_start`..`window_end` the points its baseline came from; `eta_seconds`
    the trend test's time until the series reaches its limit (None without a limit or a climb)."""

    timestamp: float
    value: float
    score: float
    fired: bool
    detector: str
    reason: str
    expected: float
    low: float
    high: float
    window_start: float
    window_end: float
    eta_seconds: float | None = None

    def explain(self) -> str:
        when = iso(self.timestamp)
        text = (
            f"{self.detector}/{self.reason}: value {self.value:.6g} at {when}, expected "
            f"{self.expected:.6g} (range {self.low:.6g} .. {self.high:.6g}) from the points "
            f"{iso(self.window_start)} .. {iso(self.window_end)}; score {self.score:.3f}"
        )
        if self.eta_seconds is not None:
            text += f"; reaches the limit in {duration(self.eta_seconds)}"
        return text


def duration(seconds: float) -> str:
    """An ETA in words people read at a glance: `40 s`, `12 min`, `2.5 h`."""
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 2 * 3600:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def iso(ts: float) -> str:
    """ISO 8601 UTC with a Z, '-' for a missing time."""
    if not math.isfinite(ts):
        return "-"
    return datetime.fromtimestamp(ts, UTC).isoformat().replace("+00:00", "Z")
