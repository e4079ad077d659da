"""RFC 3339 timestamps as Kubernetes writes them, and human durations."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

_DURATION = re.compile(r"^(\d+)([smhd])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def parse_time(value: object) -> datetime | None:
    """Parse `2024-05-01T10:00:00Z` (or with fractions/offset); None for missing or malformed values."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def format_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def human_duration(delta: timedelta) -> str:
    """`45s`, `12m`, `3h5m`, `4d2h` - the way kubectl prints ages."""
    seconds = int(delta.total_seconds())
    if seconds < 0:
        seconds = 0
    if seconds < 120:
        return f"{seconds}s"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes}m"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours}h{minutes}m" if minutes and hours < 10 else f"{hours}h"
    days, hours = divmod(hours, 24)
    return f"{days}d{hours}h" if hours and days < 10 else f"{days}d"


def parse_instant(text: str, now: datetime) -> datetime:
    """What people type for "since"/"until": RFC 3339 (`2026-11-24T12:00:00Z`; no offset = UTC) or a
    duration back from `now` (`90s`, `15m`, `2h`, `1d`). ValueError saying which, else OverflowError
    for a duration that reaches back before year 1."""
    value = text.strip()
    relative = _DURATION.match(value)
    if relative:
        return now - timedelta(**{_UNITS[relative.group(2)]: int(relative.group(1))})
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise ValueError(
            "neither an RFC 3339 time (2026-11-24T12:00:00Z) nor a duration back from now (90s, 15m, 2h, 1d)"
        ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
