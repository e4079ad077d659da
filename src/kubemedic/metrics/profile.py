"""Time-of-day profile: the daily shape of many series, cheap enough to update on every point.

A day is cut into `buckets` slots by the timestamp's time of day (UTC). For each of the last `days`
complete days the profile keeps each slot's mean; the shape of one day is its slot means minus that
day's mean, and the profile's shape at a slot is the median of those over the days held - when all
of them agree on its sign, else 0. The median over days means one odd day (an outage, a holiday, an
anomaly) does not bend tomorrow's expectation, the sign rule that a step in a counter does not invent
a daily pattern, and subtracting each day's own mean means a level shift does not either: the level is tracked
elsewhere (the baseline's rolling median); this only says "at 09:30 it is usually 12 above the day".

The offsets are scaled by the series' current level over the mean level of the days they were learnt
on (within 1/5..5, positive series only): traffic that doubles after a deploy has a daily swing that
doubles too, and yesterday's swing in absolute terms would then look like an anomaly every morning.

Between slot centres the shape is interpolated linearly, so a smooth daily curve is followed without
steps. No STL, no FFT: the shape is recomputed when a series enters a new day (O(days x buckets)),
and a point costs a lookup and one addition.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

DAY_SECONDS = 86_400.0
COMPLETE = 0.9
MAX_SCALING = 5.0


class DailyProfile:
    """Slot means of the last `days` days for `rows` series; `shape(t)` is the expected offset at t."""

    def __init__(self, rows: int, buckets: int = 24, days: int = 5) -> None:
        self.buckets = buckets
        self.days = days
        self.bucket_seconds = DAY_SECONDS / buckets
        self._sums: FloatArray = np.zeros((rows, days, buckets))
        self._counts: FloatArray = np.zeros((rows, days, buckets))
        self._slot_day: IntArray = np.full((rows, days), -(10**9), dtype=np.int64)
        self._day_mean: FloatArray = np.full((rows, days), np.nan)
        self._current_day: IntArray = np.full(rows, -(10**9), dtype=np.int64)
        self._shape: FloatArray = np.full((rows, buckets), np.nan)  # per slot; NaN: no complete day yet
        self._reference: FloatArray = np.full(rows, np.nan)  # mean level of the days the shape came from
        self._rows = np.arange(rows)

    def roll(self, t: FloatArray) -> None:
        """Close the day of every series whose timestamp t entered a new day (call before `shape`)."""
        day = np.floor(t / DAY_SECONDS).astype(np.int64)
        moved = day != self._current_day
        if not moved.any():
            return
        rows = self._rows[moved]
        self._close(rows)
        slot = day[moved] % self.days
        self._sums[rows, slot, :] = 0.0
        self._counts[rows, slot, :] = 0.0
        self._slot_day[rows, slot] = day[moved]
        self._day_mean[rows, slot] = np.nan
        self._current_day[rows] = day[moved]
        self._refresh(rows)

    def _close(self, rows: IntArray) -> None:
        """A day is usable when nearly all its slots (COMPLETE) saw a point: the mean of a partial day
        (a series that started at 10:00) is not the daily mean, and offsets from it would be wrong."""
        old = self._current_day[rows]
        started = old > -(10**9)
        rows, old = rows[started], old[started]
        if rows.size == 0:
            return
        slot = old % self.days
        counts = self._counts[rows, slot, :]
        seen = counts > 0
        means = np.where(seen, self._sums[rows, slot, :] / np.maximum(counts, 1.0), 0.0)
        n_seen = seen.sum(axis=1)
        day_mean = means.sum(axis=1) / np.maximum(n_seen, 1)
        self._day_mean[rows, slot] = np.where(n_seen >= COMPLETE * self.buckets, day_mean, np.nan)

    def add(self, t: FloatArray, x: FloatArray) -> None:
        """Count x (already clipped by the caller so one outlier cannot pull a slot) in t's slot."""
        day = np.floor(t / DAY_SECONDS)
        bucket = np.minimum(
            ((t - day * DAY_SECONDS) // self.bucket_seconds).astype(np.int64), self.buckets - 1
        )
        slot = day.astype(np.int64) % self.days
        self._sums[self._rows, slot, bucket] += x
        self._counts[self._rows, slot, bucket] += 1.0

    def shape(self, t: FloatArray, level: FloatArray | None = None) -> tuple[FloatArray, BoolArray]:
        """The expected offset from the day's mean at t, and whether any complete day backs it.
        With the series' current `level`, the offset is scaled by level / the level of the days it
        was learnt on (see `scaling`)."""
        day = np.floor(t / DAY_SECONDS)
        pos = (t - day * DAY_SECONDS) / self.bucket_seconds - 0.5
        left = np.floor(pos)
        weight = pos - left
        b0 = left.astype(np.int64) % self.buckets
        s0 = self._shape[self._rows, b0]
        s1 = self._shape[self._rows, (b0 + 1) % self.buckets]
        ok0, ok1 = s0 == s0, s1 == s1  # not NaN
        both = (1.0 - weight) * s0 + weight * s1
        value = np.where(ok0 & ok1, both, np.where(ok0, s0, np.where(ok1, s1, 0.0)))
        if level is not None:
            value = value * scaling(level, self._reference)
        return value, ok0 | ok1

    def shape_at(self, rows: IntArray, t: FloatArray) -> FloatArray:
        """The offsets of `rows` at the times t (rows, k) - to re-express a window in new terms."""
        day = np.floor(t / DAY_SECONDS)
        pos = (t - day * DAY_SECONDS) / self.bucket_seconds - 0.5
        left = np.floor(pos)
        weight = pos - left
        b0 = left.astype(np.int64) % self.buckets
        table = self._shape[rows]
        s0 = np.take_along_axis(table, b0, axis=1)
        s1 = np.take_along_axis(table, (b0 + 1) % self.buckets, axis=1)
        both = (1.0 - weight) * s0 + weight * s1
        value = np.where((s0 == s0) & (s1 == s1), both, np.where(s0 == s0, s0, np.where(s1 == s1, s1, 0.0)))
        return np.asarray(value)

    def _refresh(self, rows: IntArray) -> None:
        """Recompute the shape of `rows` from their complete days: once a day per series."""
        day = self._current_day[rows][:, None]
        slot_day = self._slot_day[rows]
        usable = np.isfinite(self._day_mean[rows]) & (slot_day < day) & (slot_day >= day - self.days)
        counts = self._counts[rows]
        offsets = self._sums[rows] / np.maximum(counts, 1.0) - self._day_mean[rows][:, :, None]
        offsets = np.where(usable[:, :, None] & (counts > 0), offsets, np.nan)  # (rows, days, buckets)
        ordered = np.sort(offsets, axis=1)
        n = np.isfinite(ordered).sum(axis=1)
        lo = np.maximum((n - 1) // 2, 0)
        hi = np.maximum(n // 2, 0)
        a = np.take_along_axis(ordered, lo[:, None, :], axis=1)[:, 0, :]
        b = np.take_along_axis(ordered, hi[:, None, :], axis=1)[:, 0, :]
        # An even number of days has two middle values: keep the smaller (same sign), so two odd days
        # of four cannot pull the profile. And a slot only gets an offset when every day agrees on its
        # sign: a real daily pattern does (09:30 is above the day's mean every day), a step that
        # happened at some hour of one day does not (the other days say 0), so no pattern is invented.
        middle = np.where(np.abs(a) < np.abs(b), a, b)
        missing = np.isnan(offsets)
        agree = np.all(missing | (offsets > 0), axis=1) | np.all(missing | (offsets < 0), axis=1)
        shape = np.where(agree, np.where(n % 2 == 0, middle, a), 0.0)
        self._shape[rows] = np.where(n > 0, shape, np.nan)
        n_days = usable.sum(axis=1)
        total = np.where(usable, self._day_mean[rows], 0.0).sum(axis=1)
        self._reference[rows] = np.where(n_days > 0, total / np.maximum(n_days, 1), np.nan)


def scaling(level: FloatArray, reference: FloatArray) -> FloatArray:
    """How much the daily swing grows with the level: level / reference for a positive series (traffic
    doubles, its daily swing doubles), kept within [1/MAX_SCALING, MAX_SCALING]; 1 otherwise."""
    ok = (level > 0) & (reference > 0)
    ratio = np.where(ok, level / np.where(ok, reference, 1.0), 1.0)
    return np.minimum(np.maximum(ratio, 1.0 / MAX_SCALING), MAX_SCALING)


def scaling_one(level: float, reference: float) -> float:
    ratio = level / reference if level > 0 and reference > 0 else 1.0
    return min(max(ratio, 1.0 / MAX_SCALING), MAX_SCALING)


class PointProfile:
    """`DailyProfile` for one series in plain Python (the scalar twin: same arithmetic, same order)."""

    def __init__(self, buckets: int = 24, days: int = 5) -> None:
        self.buckets = buckets
        self.days = days
        self.bucket_seconds = DAY_SECONDS / buckets
        self._sums = [[0.0] * buckets for _ in range(days)]
        self._counts = [[0.0] * buckets for _ in range(days)]
        self._slot_day = [-(10**9)] * days
        self._day_mean = [math.nan] * days
        self._current_day = -(10**9)
        self._shape = [math.nan] * buckets
        self._reference = math.nan

    def roll(self, t: float) -> None:
        day = math.floor(t / DAY_SECONDS)
        if day == self._current_day:
            return
        self._close()
        slot = day % self.days
        self._sums[slot] = [0.0] * self.buckets
        self._counts[slot] = [0.0] * self.buckets
        self._slot_day[slot] = day
        self._day_mean[slot] = math.nan
        self._current_day = day
        self._refresh()

    def _close(self) -> None:
        if self._current_day <= -(10**9):
            return
        slot = self._current_day % self.days
        counts, sums = self._counts[slot], self._sums[slot]
        means = [s / max(c, 1.0) if c > 0 else 0.0 for s, c in zip(sums, counts, strict=True)]
        n_seen = sum(1 for c in counts if c > 0)
        day_mean = sum(means) / max(n_seen, 1)
        self._day_mean[slot] = day_mean if n_seen >= COMPLETE * self.buckets else math.nan

    def add(self, t: float, x: float) -> None:
        day = math.floor(t / DAY_SECONDS)
        bucket = min(int((t - day * DAY_SECONDS) // self.bucket_seconds), self.buckets - 1)
        slot = day % self.days
        self._sums[slot][bucket] += x
        self._counts[slot][bucket] += 1.0

    def shape(self, t: float, level: float | None = None) -> tuple[float, bool]:
        value, ready = self._unscaled(t)
        if level is not None:
            value = value * scaling_one(level, self._reference)
        return value, ready

    def _unscaled(self, t: float) -> tuple[float, bool]:
        day = math.floor(t / DAY_SECONDS)
        pos = (t - day * DAY_SECONDS) / self.bucket_seconds - 0.5
        left = math.floor(pos)
        weight = pos - left
        b0 = left % self.buckets
        s0, s1 = self._shape[b0], self._shape[(b0 + 1) % self.buckets]
        ok0, ok1 = s0 == s0, s1 == s1
        if ok0 and ok1:
            return (1.0 - weight) * s0 + weight * s1, True
        if ok0:
            return s0, True
        if ok1:
            return s1, True
        return 0.0, False

    def shape_at(self, times: list[float]) -> list[float]:
        return [self._unscaled(t)[0] for t in times]

    def _refresh(self) -> None:
        day = self._current_day
        usable = [
            math.isfinite(self._day_mean[k]) and day - self.days <= self._slot_day[k] < day
            for k in range(self.days)
        ]
        for b in range(self.buckets):
            offsets = [
                self._sums[k][b] / max(self._counts[k][b], 1.0) - self._day_mean[k]
                for k in range(self.days)
                if usable[k] and self._counts[k][b] > 0
            ]
            n = len(offsets)
            if n == 0:
                self._shape[b] = math.nan
                continue
            ordered = sorted(offsets)
            a, c = ordered[(n - 1) // 2], ordered[n // 2]
            middle = a if abs(a) < abs(c) else c
            agree = all(v > 0 for v in offsets) or all(v < 0 for v in offsets)
            self._shape[b] = (middle if n % 2 == 0 else a) if agree else 0.0
        means = [self._day_mean[k] for k in range(self.days) if usable[k]]
        self._reference = sum(means) / len(means) if means else math.nan
