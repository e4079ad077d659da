"""Keep CPython's cyclic garbage collector from stopping the simulated API server for long.

A 5,000-pod world is millions of long-lived objects (the objects, their watch history, the events).
Left to itself, the collector walks every one of them whenever its oldest generation trips: under
churn that stopped the sim's event loop for 300-390 ms every 25-30 s (measured with gc.callbacks,
2026-11-30), and every watch event, write and read in flight waited. A real API server's collector
runs alongside it; a watcher measured against the sim would be charged for the sim's pauses.

So the sim process (`server.run`, not `serve()` inside a test process: the collector is process-wide)
paces it: every `every_s` it collects and freezes what survived, so the automatic passes in between
walk only objects newer than the last freeze. Frozen objects are still freed by reference counting
as usual; only garbage in reference cycles among them waits for the next full pass, every
`full_every`-th round (0-48 objects per pass in the sim, measured), when everything is unfrozen and walked.
"""

from __future__ import annotations

import asyncio
import gc

EVERY_S = 10.0
FULL_EVERY = 180  # rounds: a full pass every half hour
# The automatic oldest-generation pass runs after this many middle-generation passes (CPython: 10),
# so the scheduled rounds are the ones that walk the old objects.
OLD_GENERATION_THRESHOLD = 1000


class Pacer:
    """One scheduled round at a time: `round()` collects and freezes; every `full_every`-th round,
    starting with the first, unfreezes first so that everything is walked."""

    def __init__(self, full_every: int = FULL_EVERY) -> None:
        if full_every < 1:
            raise ValueError(f"full_every must be at least 1, got {full_every}")
        self.full_every = full_every
        self.rounds = 0

    def round(self) -> None:
        if self.rounds % self.full_every == 0:
            gc.unfreeze()
        gc.collect()
        gc.freeze()
        self.rounds += 1


async def pace_collector(every_s: float = EVERY_S, full_every: int = FULL_EVERY) -> None:
    """Run until cancelled: a round now, then one every `every_s`."""
    if not every_s > 0:
        raise ValueError(f"every_s must be positive, got {every_s}")
    pacer = Pacer(full_every)
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, OLD_GENERATION_THRESHOLD)
    while True:
        pacer.round()
        await asyncio.sleep(every_s)
