"""One writing transaction at a time, in this process, on SQLite; analyses first.

SQLite has a single writer: a second transaction that wants to write waits in SQLite's busy handler,
which sleeps in growing steps (up to 100 ms) and retries. With several writers in one process - scans,
timeline batches, metric series, summaries - those sleeps added up to half-second stalls of an
analysis. Taking turns on an asyncio lock instead hands the database over the moment it is free.

Writers that nobody waits for - a reading of metric series (thousands of samples, written in slices),
purges - say `background=True`: they queue only while no other writer is waiting, so an analysis's
write (what stream clients wait for) goes next instead of behind the rest of a series reading.
PostgreSQL locks rows, not the database: there the gate does nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator


class WriteGate:
    def __init__(self, dialect: str) -> None:
        self._lock = asyncio.Lock() if dialect == "sqlite" else None
        self._waiting = 0  # foreground writers waiting for the lock
        self._clear = asyncio.Event()  # set while none is waiting
        self._clear.set()

    @contextlib.asynccontextmanager
    async def __call__(self, *, background: bool = False) -> AsyncIterator[None]:
        if self._lock is None:
            yield
            return
        if background:
            while True:  # a foreground writer may arrive between the wait and the lock: check again
                await self._clear.wait()
                await self._lock.acquire()
                if self._waiting == 0:
                    break
                self._lock.release()
        else:
            self._waiting += 1
            self._clear.clear()
            try:
                await self._lock.acquire()
            finally:
                self._waiting -= 1
                if self._waiting == 0:
                    self._clear.set()
        try:
            yield
        finally:
            self._lock.release()
