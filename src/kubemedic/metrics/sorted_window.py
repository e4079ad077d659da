"""The last `width` values of many series, each row kept sorted, updated in O(width) per point.

A rolling median recomputed from scratch partitions every window on every point; for 10,000 series
that is most of the update budget. Keeping each row sorted instead, one update is: find the value that
leaves (it is in the row), find where the new one goes (count the smaller values), and move the row
through one computed index map - a handful of vectorised passes over (rows, width), no partitioning.
Quantiles are then plain column reads.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]


class SortedWindow:
    """Rows of `width` values in ascending order; `replace(old, new)` swaps one value per row."""

    def __init__(self, values: FloatArray) -> None:
        self.sorted: FloatArray = np.sort(values, axis=1)
        self.width = values.shape[1]
        self._cols = np.arange(self.width)[None, :]

    def replace(self, old: FloatArray, new: FloatArray) -> None:
        rows = self.sorted
        gone = np.argmax(rows == old[:, None], axis=1)[:, None]
        # Where `new` goes among the values that stay: count those smaller than it.
        smaller = (rows < new[:, None]).sum(axis=1)[:, None]
        smaller = smaller - (rows[np.arange(rows.shape[0]), gone[:, 0]] < new)[:, None]
        j = self._cols
        before = j < smaller
        src = np.where(before, j, j - 1)
        src = src + (src >= gone)
        merged = np.take_along_axis(rows, np.clip(src, 0, self.width - 1), axis=1)
        self.sorted = np.where(j == smaller, new[:, None], merged)

    def quantile(self, q: float) -> FloatArray:
        """The q-quantile by linear interpolation between order statistics (as numpy's default)."""
        pos = q * (self.width - 1)
        lo = int(np.floor(pos))
        hi = min(lo + 1, self.width - 1)
        frac = pos - lo
        value: FloatArray = self.sorted[:, lo] * (1.0 - frac) + self.sorted[:, hi] * frac
        return value
