"""A read-only copy of a cluster, fed change by change, for the API's live views.

`kubemedic serve` watches and analyzes in a separate process (api/watcher.py) so that the API's
requests never wait for the analysis's share of the GIL. That process forwards every object change
it sees; the mirror keeps the objects and, shortly after changes (`debounce_s`, counted from a
burst's first change), makes the next ClusterState from the previous one (state/evolve.py) in a
worker thread. Readers get the latest state without waiting: it trails the cluster by the debounce
plus one build (tens of milliseconds at 5,000 pods).

The first state is built once the watcher says its listing is complete (`synced()`); `reset()`
forgets everything (the watcher lost its lease, or restarted).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from kubemedic.service.gc_schedule import CollectorSchedule
from kubemedic.service.waiting import woken
from kubemedic.state import ClusterState, KubeObject
from kubemedic.state.cluster_state import make_view
from kubemedic.state.evolve import evolve

Key = tuple[str, str, str]  # (kind, namespace, name)
Clock = Callable[[], datetime]


class ClusterMirror:
    def __init__(
        self,
        *,
        clock: Clock,
        debounce_s: float = 0.3,
        prepare: Callable[[ClusterState], object] | None = None,
        gc_refresh_s: float | None = None,
    ) -> None:
        self.clock = clock
        self.debounce_s = debounce_s
        # run on each new state in the worker thread, before readers see it: what every reader would
        # otherwise compute on the event loop (the 5,000-pod status count was 8 % of the API
        # thread's busy samples in a py-spy profile at 300 req/s under churn)
        self.prepare = prepare
        self._gc = CollectorSchedule(gc_refresh_s)  # see service/gc_schedule.py
        self.cluster = ""
        self.state: ClusterState | None = None
        self.builds = 0
        self._objects: dict[Key, tuple[str, dict[str, Any]]] = {}  # key -> (kind, raw)
        self._delta: dict[Key, dict[str, Any] | None] = {}  # changed since the last build (None: deleted)
        self._synced = False
        self._first_change = 0.0
        self._dirty = asyncio.Event()
        self._generation = 0  # bumped by reset(): a build started before it is thrown away

    def apply(self, kind: str, type_: str, raw: dict[str, Any]) -> None:
        """One change, as the watch saw it (ADDED | MODIFIED | DELETED)."""
        meta = raw.get("metadata") or {}
        key = (kind, str(meta.get("namespace") or ""), str(meta.get("name") or ""))
        if type_ == "DELETED":
            self._objects.pop(key, None)
            self._delta[key] = None
        else:
            self._objects[key] = (kind, raw)
            self._delta[key] = raw
        if self._synced:
            self._mark()

    @property
    def empty(self) -> bool:
        return not self._objects and self.state is None

    def synced(self, cluster: str) -> None:
        """The watcher has listed everything: the first state can be built."""
        self.cluster = cluster
        if not self._synced:
            self._synced = True
            self._mark()

    def reset(self) -> None:
        self._objects.clear()
        self._delta.clear()
        self._synced = False
        self.state = None
        self._generation += 1
        self._dirty.clear()

    def _mark(self) -> None:
        if not self._dirty.is_set():
            self._first_change = time.monotonic()
            self._dirty.set()

    async def run(self, stop: asyncio.Event) -> None:
        """Build states after changes until `stop` is set."""
        while await woken(self._dirty, stop):
            await asyncio.sleep(max(0.0, self.debounce_s - (time.monotonic() - self._first_change)))
            await self.build()

    async def build(self) -> None:
        """Make the state for what has arrived so far (in a worker thread)."""
        self._dirty.clear()
        if not self._synced:
            return
        generation, previous, cluster, now = self._generation, self.state, self.cluster, self.clock()
        delta, self._delta = self._delta, {}
        if previous is None:
            objects: list[tuple[str, dict[str, Any]]] | None = list(self._objects.values())
        else:
            objects = None

        def make() -> ClusterState:
            if objects is not None:
                return ClusterState(
                    [make_view(raw, kind, cluster) for kind, raw in objects], now=now, cluster=cluster
                )
            assert previous is not None
            changed: list[KubeObject] = [
                make_view(raw, key[0], cluster) for key, raw in delta.items() if raw is not None
            ]
            gone = [key for key, raw in delta.items() if raw is None]
            return evolve(previous, changed, gone, now=now)

        def make_ready() -> ClusterState:
            state = make()
            if self.prepare is not None:
                self.prepare(state)
            return state

        state = await asyncio.to_thread(make_ready)
        if generation == self._generation:
            self.state = state
            self.builds += 1
            self._gc.after_new_state()
