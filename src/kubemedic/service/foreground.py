"""Latency-critical work, and a way for background work to wait for a pause in it.

An analysis - from making the new state to its store write - is what stream clients wait for; a
metrics reading is not (nobody waits for its samples to be stored a second sooner). On two cores both
compete for one interpreter lock and, on SQLite, for one writer: in one profiled run (5,000 pods, 200
changes/s), analyses that overlapped a reading's observe step took a median 157 ms, the others 58 ms.
So the monitor marks its analyses (`running()`), and the reading's steps - the read, each part of the
observe step, each slice of the series write - start in a pause between analyses (`pause()`): on a
busy cluster analyses come a few times a second with a debounce window between them. A pause that does
not come within `max_wait_s` is not waited for any longer, so a cluster that keeps the monitor busy
without a break still gets its metrics.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator

MAX_WAIT_S = 0.25


class Foreground:
    def __init__(self) -> None:
        self._running = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self.waited = 0  # pauses waited for
        self.gave_up = 0  # pauses that did not come in time

    @property
    def busy(self) -> bool:
        return self._running > 0

    @contextlib.contextmanager
    def running(self) -> Iterator[None]:
        """Mark foreground work for the duration of the block (blocks may overlap)."""
        self._running += 1
        self._idle.clear()
        try:
            yield
        finally:
            self._running -= 1
            if self._running == 0:
                self._idle.set()

    async def pause(self, max_wait_s: float = MAX_WAIT_S) -> bool:
        """Return at once when no foreground work runs, else when it stops (True) or after
        `max_wait_s` (False)."""
        if self._running == 0:
            return True
        self.waited += 1
        try:
            await asyncio.wait_for(self._idle.wait(), max_wait_s)
        except TimeoutError:
            self.gave_up += 1
            return False
        return True
