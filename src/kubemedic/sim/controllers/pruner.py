"""Event retention: the API server expires events after an hour; the simulator also caps their number."""

from __future__ import annotations

from kubemedic.sim.clock import parse_ts
from kubemedic.sim.controllers.base import Obj, Pace
from kubemedic.sim.world import World


def _last_seen(obj: Obj) -> float:
    return parse_ts(obj.get("lastTimestamp")) or parse_ts(obj["metadata"].get("creationTimestamp")) or 0.0


class EventPruner:
    interval = 10.0
    ttl = 3600.0
    cap = 20_000

    def __init__(self, world: World) -> None:
        self.world = world
        self.pace = Pace(self.interval)

    def step(self, now: float) -> None:
        if not self.pace.due(now):
            return
        events = list(self.world.store.values("/events"))
        expired = [e for e in events if now - _last_seen(e.obj) > self.ttl]
        if len(events) - len(expired) > self.cap:
            rest = sorted((e for e in events if now - _last_seen(e.obj) <= self.ttl), key=lambda e: e.rv)
            expired.extend(rest[: len(rest) - self.cap])
        for e in expired:
            self.world.store.remove("/events", e.namespace, e.name)
