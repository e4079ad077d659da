"""Collect cyclic garbage on our schedule, then freeze what survives.

A big cluster's copy is millions of long-lived objects. Left to itself, the cyclic collector walks all
of them whenever its thresholds trip - a 200+ ms pause on 5,000 pods that the API feels (measured).
Right after a new state is made, at most every `every_s`, collect once and freeze the survivors: the
automatic passes in between only walk what is newer. Views and objects are freed by reference counting
as usual, frozen or not (analyzers keep nothing on a view that points back at it: a reference cycle
there made ~1,000 objects of cyclic garbage per 10 s round under churn, now ~50). Only garbage in
reference cycles among frozen objects waits for a full round, every `full_every`-th one, which unfreezes
and walks everything: 390-550 ms with 5,000 pods in serve's watcher process (gc.callbacks, 2026-11-30),
so it is rare - with serve's 10 s rounds, every half hour. Between rounds the automatic collector
keeps to the young generations (see OLD_GENERATION_THRESHOLD). Off unless asked for (`serve` asks,
in each of its processes): the collector is process-wide, which a process running other event loops
(tests) should not have forced on it.
"""

from __future__ import annotations

import gc
import time

FULL_EVERY = 180  # refreshes between two that walk every object
# The automatic collector's oldest-generation threshold once the schedule runs: it walks the old
# generation after this many middle-generation passes instead of 10. After a freeze, CPython's own
# rule (a quarter more long-lived objects than at the last full pass) trips after a few seconds of a
# busy watch, and each such pass walked every object made since the freeze: stalls of 22-244 ms
# (median 141 ms) a median 2.9 s apart at 200 object changes/s (logged with gc.callbacks in serve's
# watcher process). The scheduled rounds collect those.
OLD_GENERATION_THRESHOLD = 1000


class CollectorSchedule:
    def __init__(self, every_s: float | None, *, full_every: int = FULL_EVERY) -> None:
        self.every_s = every_s
        self.full_every = full_every
        self.rounds = 0
        self._at = float("-inf")

    def after_new_state(self) -> None:
        """Call right after a new state replaced the old one (the old one's objects are now garbage)."""
        if self.every_s is None or time.monotonic() - self._at < self.every_s:
            return
        self.rounds += 1
        if self.rounds == 1:
            young, middle, _ = gc.get_threshold()
            gc.set_threshold(young, middle, OLD_GENERATION_THRESHOLD)
        if self.rounds % self.full_every == 1:
            gc.unfreeze()
        gc.collect()
        gc.freeze()
        self._at = time.monotonic()
