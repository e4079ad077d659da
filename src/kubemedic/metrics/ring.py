"""A window of the last L points of many series, kept as one numpy array.

Every series gets one point per update (the bank advances in lockstep), so the write position is one
integer shared by all rows. Each value is written twice (at j and j+L of a 2L buffer) so that the last
k points of every row are always one contiguous slice: reading a window costs no copy and no modulo.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]


class Ring:
    """The last `length` values of `rows` series; `last(k)` is the chronological (rows, k) view."""

    def __init__(self, rows: int, length: int) -> None:
        self.length = length
        self.count = 0
        self._buf: FloatArray = np.zeros((rows, 2 * length), dtype=np.float64)

    def push(self, values: FloatArray) -> None:
        j = self.count % self.length
        self._buf[:, j] = values
        self._buf[:, j + self.length] = values
        self.count += 1

    def rewrite(self, rows: NDArray[np.int64], values: FloatArray) -> None:
        """Overwrite the last values.shape[1] points of `rows` (both copies of each)."""
        k = values.shape[1]
        end = (self.count - 1) % self.length + self.length + 1
        cols = np.arange(end - k, end)
        self._buf[rows[:, None], cols[None, :]] = values
        twins = np.where(cols >= self.length, cols - self.length, cols + self.length)
        self._buf[rows[:, None], twins[None, :]] = values

    def last(self, k: int) -> FloatArray:
        """The last k pushed values of every row, oldest first (k <= min(count, length))."""
        if k > min(self.count, self.length) or k <= 0:
            raise ValueError(f"window of {k} points asked, {min(self.count, self.length)} held")
        end = (self.count - 1) % self.length + self.length + 1
        return self._buf[:, end - k : end]
