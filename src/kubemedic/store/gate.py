"""One writing transaction at a time, in this process, on SQLite.

SQLite has a single writer: a second transaction that wants to write waits in SQLite's busy handler,
which sleeps in growing steps (up to 100 ms) and retries. With several writers in one process - scans,
timeline batches, metric series, summaries - those sleeps added up to half-second stalls of an
analysis. Taking turns on an asyncio lock instead hands the database over the moment it is free.
PostgreSQL locks rows, not the database: there the gate does nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator


class WriteGate:
    def __init__(self, dialect: str) -> None:
        self._lock = asyncio.Lock() if dialect == "sqlite" else None

    @contextlib.asynccontextmanager
    async def __call__(self) -> AsyncIterator[None]:
        if self._lock is None:
            yield
            return
        async with self._lock:
            yield
