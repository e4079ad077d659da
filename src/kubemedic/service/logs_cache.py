"""Container logs for the monitor's analyses, read once per container instance instead of every window.

The monitor wants the logs of troubled pods at every analysis; most of them have not changed since the
last one. A log is keyed by (pod uid, container, restartCount, previous):

- a previous instance's log can never change (a new restart means a new restartCount, so a new key):
  read once, kept until evicted;
- the current log of a terminated container cannot grow either: read once;
- the current log of a running container can: re-read at most every `refresh_s` (30 s by default);
- a log that could not be read (container never started, pod gone) is not asked for again before
  `refresh_s` has passed.

The cache is bounded by entries (least recently used out first), so a cluster full of crash loops
cannot grow it without limit.

With `deadline_s`, an analysis waits that long at most for logs: reads still running go on in the
background and fill the cache for the next analysis, so a slow API server delays no finding.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from kubemedic.cluster.fetch import fetch_logs
from kubemedic.state import ClusterState, LogKey, Pod

CacheKey = tuple[str, str, int, bool]  # pod uid, container, restartCount, previous
Fetch = Callable[[Any, Sequence[LogKey]], Awaitable[dict[LogKey, str]]]


@dataclass
class LogsCacheStats:
    hits: int = 0
    reads: int = 0  # logs asked of the cluster
    evictions: int = 0
    late: int = 0  # analyses that went ahead before all their logs had arrived


@dataclass(frozen=True, slots=True)
class _Cached:
    text: str | None  # None: the read failed
    read_at: float
    final: bool  # the text can no longer change


class LogsCache:
    def __init__(
        self,
        *,
        refresh_s: float = 30.0,
        max_entries: int = 2000,
        ticks: Callable[[], float] = time.monotonic,
        fetch: Fetch | None = None,
        deadline_s: float | None = None,
        on_late: Callable[[], None] | None = None,
    ) -> None:
        self.refresh_s = refresh_s
        self.max_entries = max_entries
        self.ticks = ticks
        self.stats = LogsCacheStats()
        self._fetch: Fetch = fetch or (lambda client, keys: fetch_logs(client, keys))
        self._entries: OrderedDict[CacheKey, _Cached] = OrderedDict()
        self.deadline_s = deadline_s
        self.on_late = on_late  # called when logs that missed their analysis arrive (analyze again)
        self._in_flight: set[CacheKey] = set()
        self._background: set[asyncio.Task[None]] = set()

    def __len__(self) -> int:
        return len(self._entries)

    async def read(self, client: Any, state: ClusterState, keys: Sequence[LogKey]) -> dict[LogKey, str]:
        """The logs for `keys` (as fetch_logs returns them), asking the cluster only for what is stale."""
        now = self.ticks()
        out: dict[LogKey, str] = {}
        stale: dict[LogKey, tuple[CacheKey, bool]] = {}
        for key in keys:
            ident = _identity(state, key)
            if ident is None:
                continue
            cache_key, final = ident
            cached = self._entries.get(cache_key)
            if cached is not None and (
                (cached.final and cached.text is not None) or now - cached.read_at < self.refresh_s
            ):
                self._entries.move_to_end(cache_key)
                self.stats.hits += 1
                if cached.text is not None:
                    out[key] = cached.text
                continue
            if cache_key not in self._in_flight:  # else: a read still running fills it
                stale[key] = (cache_key, final)
        if stale:
            self.stats.reads += len(stale)
            self._in_flight.update(cache_key for cache_key, _ in stale.values())
            task = asyncio.create_task(self._fill(client, stale, now))
            done, _ = await asyncio.wait({task}, timeout=self.deadline_s)
            if not done:
                self.stats.late += 1
                self._background.add(task)
                task.add_done_callback(self._late_done)
            for key, (cache_key, _) in stale.items():
                entry = self._entries.get(cache_key)
                if entry is not None and entry.text is not None:
                    out[key] = entry.text
        return out

    async def _fill(self, client: Any, stale: dict[LogKey, tuple[CacheKey, bool]], now: float) -> None:
        try:
            fresh = await self._fetch(client, list(stale))
            for key, (cache_key, final) in stale.items():
                self._entries[cache_key] = _Cached(fresh.get(key), now, final)
                self._entries.move_to_end(cache_key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
                self.stats.evictions += 1
        finally:
            self._in_flight.difference_update(cache_key for cache_key, _ in stale.values())

    def _late_done(self, task: asyncio.Task[None]) -> None:
        self._background.discard(task)
        if not task.cancelled() and self.on_late is not None:
            self.on_late()

    async def aclose(self) -> None:
        """Cancel reads still running in the background."""
        for task in list(self._background):
            task.cancel()
        await asyncio.gather(*self._background, return_exceptions=True)


def _identity(state: ClusterState, key: LogKey) -> tuple[CacheKey, bool] | None:
    """The cache key of a log, and whether its text is final; None when the pod or container is unknown."""
    pod = state.get("Pod", key.namespace, key.pod)
    if not isinstance(pod, Pod):
        return None
    for status in pod.container_statuses:
        if status.name == key.container:
            final = key.previous or status.state.state == "terminated"
            return (pod.uid, key.container, status.restart_count, key.previous), final
    return None
