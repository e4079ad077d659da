"""The longest gap between two runs of a simple cron schedule, to tell "late" from "not due yet".

Understands descriptors (@hourly, @daily, @every 90m, ...) and five-field schedules whose day,
month and weekday fields are `*`. Anything more complex returns None: better no opinion than a
wrong one.
"""

from __future__ import annotations

import itertools
import re

DESCRIPTORS: dict[str, int] = {
    "@yearly": 366 * 86_400,
    "@annually": 366 * 86_400,
    "@monthly": 31 * 86_400,
    "@weekly": 7 * 86_400,
    "@daily": 86_400,
    "@midnight": 86_400,
    "@hourly": 3_600,
}
_EVERY = re.compile(r"^@every\s+((?:\d+h)?(?:\d+m)?(?:\d+s)?)$")
_EVERY_PART = re.compile(r"(\d+)([hms])")
_UNIT_SECONDS = {"h": 3600, "m": 60, "s": 1}


def max_interval_seconds(schedule: str) -> int | None:
    """Seconds between runs at most (`*/5 * * * *` -> 300, `0 3 * * *` -> 86400); None if not simple."""
    text = re.sub(r"^(?:CRON_)?TZ=\S+\s+", "", schedule.strip())
    if text in DESCRIPTORS:
        return DESCRIPTORS[text]
    every = _EVERY.match(text)
    if every:
        total = sum(int(n) * _UNIT_SECONDS[unit] for n, unit in _EVERY_PART.findall(every.group(1)))
        return total or None
    fields = text.split()
    if len(fields) != 5 or any(f != "*" for f in fields[2:]):
        return None
    minute, hour = fields[0], fields[1]
    minute_gap = _max_gap(minute, 60)
    if minute_gap is None:
        return None
    if hour == "*":
        return minute_gap * 60
    hour_gap = _max_gap(hour, 24)
    # Runs inside one hour start at the same minutes, so the hour gap bounds every gap.
    return None if hour_gap is None else hour_gap * 3600


def _values(field: str, size: int) -> list[int] | None:
    """The values a field allows, or None if it uses syntax we do not read."""
    if field == "*":
        return list(range(size))
    step = re.fullmatch(r"\*/(\d+)", field)
    if step:
        n = int(step.group(1))
        return list(range(0, size, n)) if n > 0 else None
    values: list[int] = []
    for part in field.split(","):
        if not part.isdigit() or int(part) >= size:
            return None
        values.append(int(part))
    return sorted(set(values))


def _max_gap(field: str, size: int) -> int | None:
    values = _values(field, size)
    if not values:
        return None
    gaps = [b - a for a, b in itertools.pairwise(values)]
    gaps.append(values[0] + size - values[-1])
    return max(gaps)
