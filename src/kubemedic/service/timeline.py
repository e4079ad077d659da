"""The timeline recorder: every watched change in, the moments worth keeping out, written in batches.

The monitor hands each reflector Change to `observe` (cheap and synchronous, on the watch's path).
Per object the recorder keeps only a small digest of the fields it compares (timeline_rules.py), so
memory follows the number of live objects, not the number of changes, and deleted objects are
forgotten. Changes seen while a kind is still being listed for the first time only seed digests:
a (re)started monitor does not claim that everything already running was just created.

Entries are buffered and flushed every half second in one transaction, so a burst of a thousand
changes costs one write. If the database is unavailable the batch is kept and retried; past
`max_pending` entries the oldest are dropped and counted, rather than letting memory grow without bound.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from collections import deque
from dataclasses import dataclass

import structlog

from kubemedic.cluster.reflector import Change
from kubemedic.service.live import Clock
from kubemedic.service.timeline_rules import Digest, Rules, notes_for
from kubemedic.state.objects import as_map
from kubemedic.store import Store, TimelineEntry

ObjectKey = tuple[str, str, str, str]  # cluster, kind, namespace, name


@dataclass
class RecorderStats:
    changes: int = 0
    entries: int = 0  # entries written
    flushes: int = 0
    dropped: int = 0  # entries lost because the store stayed unavailable
    failed_flushes: int = 0


class TimelineRecorder:
    def __init__(
        self, store: Store, *, clock: Clock, flush_every_s: float = 0.5, max_pending: int = 50_000
    ) -> None:
        self.store = store
        self.clock = clock
        self.flush_every_s = flush_every_s
        self.max_pending = max_pending
        self.stats = RecorderStats()
        self._rules = Rules(secrets.token_bytes(32))  # Secret digests are meaningless outside this process
        self._digests: dict[ObjectKey, Digest] = {}
        self._pending: deque[TimelineEntry] = deque()
        self._log = structlog.get_logger("kubemedic.timeline")

    @property
    def tracked(self) -> int:
        """How many objects have a digest (the recorder's memory, in objects)."""
        return len(self._digests)

    def observe(self, cluster: str, change: Change, initial: bool = False) -> None:
        """Take one change; `initial` = part of the kind's first listing (seed, do not record)."""
        self.stats.changes += 1
        meta = as_map(change.object.get("metadata"))
        key = (cluster, change.kind, str(meta.get("namespace") or ""), str(meta.get("name") or ""))
        before = self._digests.get(key)
        if change.type == "DELETED":
            self._digests.pop(key, None)
            after = None
        else:
            after = self._rules.digest(change.kind, change.object, before)
            self._digests[key] = after
        if initial or (after is not None and after == before):
            return
        now = self.clock()
        notes = notes_for(
            change.type, change.kind, change.object, before, after, synthesized=change.synthesized
        )
        for note in notes:
            self._pending.append(
                TimelineEntry(
                    cluster, note.kind, note.namespace, note.name, now, note.type, note.text, dict(note.data)
                )
            )
        overflow = len(self._pending) - self.max_pending
        for _ in range(max(0, overflow)):
            self._pending.popleft()
            self.stats.dropped += 1

    def forget(self, cluster: str) -> None:
        """Drop the digests of one cluster (its watch ended: a later watch re-seeds from its listing)."""
        for key in [k for k in self._digests if k[0] == cluster]:
            del self._digests[key]

    @property
    def pending(self) -> int:
        return len(self._pending)

    def buffered(self) -> list[TimelineEntry]:
        """The entries waiting for the next flush, oldest first."""
        return list(self._pending)

    async def flush(self) -> int:
        """Write what is buffered in one transaction; returns how many entries were written."""
        if not self._pending:
            return 0
        batch = list(self._pending)
        self._pending.clear()
        try:
            await self.store.add_timeline(batch)
        except Exception as exc:  # boundary: keep the batch for the next try, never lose the loop
            self.stats.failed_flushes += 1
            self._pending.extendleft(reversed(batch))
            self._log.warning("timeline flush failed", error=str(exc), pending=len(self._pending))
            return 0
        self.stats.flushes += 1
        self.stats.entries += len(batch)
        return len(batch)

    async def run(self, stop: asyncio.Event) -> None:
        """Flush every `flush_every_s` until `stop` is set, then once more."""
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self.flush_every_s)
            await self.flush()
        await self.flush()
