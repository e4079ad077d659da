"""Time as the simulator sees it: an injectable clock and Kubernetes timestamp formatting."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime


@dataclass(frozen=True)
class Clock:
    """Wall-clock seconds since the epoch; tests pass a fake `now`."""

    now: Callable[[], float] = field(default=time.time)

    def stamp(self, offset: float = 0.0) -> str:
        return format_ts(self.now() + offset)


def format_ts(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_ts(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value[:19]).replace(tzinfo=UTC).timestamp()
    except ValueError:
        return None


def human_duration(seconds: float) -> str:
    """kubectl's HumanDuration: 45s, 5m10s, 3h, 2d4h, 400d."""
    s = int(seconds)
    if s < 0:
        s = 0
    if s < 120:
        return f"{s}s"
    minutes = s // 60
    if minutes < 10:
        rem = s % 60
        return f"{minutes}m{rem}s" if rem else f"{minutes}m"
    if minutes < 180:
        return f"{minutes}m"
    hours = s // 3600
    if hours < 8:
        rem_m = minutes % 60
        return f"{hours}h{rem_m}m" if rem_m else f"{hours}h"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        rem_h = hours % 24
        return f"{hours // 24}d{rem_h}h" if rem_h else f"{hours // 24}d"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        days = hours // 24
        rem_d = days % 365
        return f"{days // 365}y{rem_d}d" if rem_d else f"{days // 365}y"
    return f"{hours // 24 // 365}y"


def age(created: str | None, now: float) -> str:
    t = parse_ts(created)
    return "<unknown>" if t is None else human_duration(now - t)
