"""The world: the API objects plus what sits behind them (container behaviour, logs, the clock)."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kubemedic.sim.behavior import BehaviorBook
from kubemedic.sim.clock import Clock
from kubemedic.sim.config import SimConfig
from kubemedic.sim.logbook import LogBook
from kubemedic.sim.registry import Registry
from kubemedic.sim.resources import ResourceIndex, ResourceType
from kubemedic.sim.store import Entry, Store

Obj = dict[str, Any]


@dataclass
class World:
    config: SimConfig
    clock: Clock
    index: ResourceIndex
    store: Store
    registry: Registry
    logs: LogBook = field(default_factory=LogBook)
    behaviors: BehaviorBook = field(default_factory=BehaviorBook)
    rng: random.Random = field(default_factory=random.Random)
    node_faults: dict[str, str] = field(default_factory=dict)
    timers: list[tuple[float, Callable[[World], None]]] = field(default_factory=list)

    @classmethod
    def create(cls, config: SimConfig, clock: Clock | None = None) -> World:
        clk = clock or Clock()
        index = ResourceIndex.build()
        # resourceVersions start from the clock, so a restarted sim never reuses the versions of an
        # earlier run (like etcd revisions, they only grow) and old clients get 410 and relist
        store = Store(history_window=config.history_window, start_rv=int(clk.now() * 1000))
        registry = Registry(store, clk, index, seed=config.seed)
        return cls(config, clk, index, store, registry, rng=random.Random(config.seed))

    @property
    def tokens(self) -> frozenset[str]:
        return frozenset({self.config.token}) if self.config.token else frozenset()

    def rt(self, api_version: str, kind: str) -> ResourceType:
        return self.registry.resource(api_version, kind)

    def kind(self, kind: str) -> ResourceType:
        """The resource for a kind name (core first)."""
        return self.index.by_name[kind]

    def items(self, kind: str, namespace: str | None = None) -> list[Entry]:
        return self.store.items(self.kind(kind).key, namespace)

    def find(self, kind: str, namespace: str, name: str) -> Entry | None:
        rt = self.kind(kind)
        return self.store.get(rt.key, namespace if rt.namespaced else "", name)

    def save(self, obj: Obj) -> Entry:
        return self.registry.save(self.kind(obj["kind"]), obj)

    def after(self, seconds: float, action: Callable[[World], None]) -> None:
        """Run `action` on the controller loop `seconds` from now (scenarios stage faults with it)."""
        self.timers.append((self.clock.now() + seconds, action))

    def due_timers(self, now: float) -> list[Callable[[World], None]]:
        ready = [a for t, a in self.timers if t <= now]
        self.timers = [(t, a) for t, a in self.timers if t > now]
        return ready

    def ensure(self, obj: Obj) -> Entry:
        """Create an object unless it exists (scenarios and bootstrap)."""
        rt = self.kind(obj["kind"])
        meta = obj["metadata"]
        existing = self.store.get(
            rt.key, str(meta.get("namespace") or "") if rt.namespaced else "", meta["name"]
        )
        if existing is not None:
            return existing
        created = self.registry.create(rt, str(meta.get("namespace") or ""), obj)
        backdate = meta.get("creationTimestamp")
        if isinstance(backdate, str) and backdate:
            # bootstrap objects that "have been there for weeks" (nodes): keep the age they were given
            aged = dict(created.obj)
            aged["metadata"] = {**created.obj["metadata"], "creationTimestamp": backdate}
            return self.registry.save(rt, aged)
        return created
