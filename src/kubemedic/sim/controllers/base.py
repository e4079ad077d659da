"""What every controller shares: the world, the event recorder and change feeds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from kubemedic.sim.recorder import Recorder
from kubemedic.sim.store import Change, Entry, Watcher
from kubemedic.sim.world import World

Obj = dict[str, Any]


class Controller(Protocol):
    def step(self, now: float) -> None: ...


class Feed:
    """A change queue on one kind, drained by a controller each tick (an informer in miniature)."""

    def __init__(self, world: World, rkey: str) -> None:
        self._watcher: Watcher
        self._watcher, _ = world.store.watch(rkey, world.store.resource_version, lambda _e: True)

    def drain(self) -> list[Change]:
        q = self._watcher.queue
        out = []
        while not q.empty():
            out.append(q.get_nowait())
        return out


@dataclass
class Pace:
    """Lets a periodic controller act at most once every `interval` seconds of simulated time."""

    interval: float
    next: float = 0.0

    def due(self, now: float) -> bool:
        if now < self.next:
            return False
        self.next = now + self.interval
        return True


@dataclass
class Context:
    world: World
    recorder: Recorder


def owner_uid(entry: Entry | Obj, kind: str | None = None) -> str | None:
    obj = entry.obj if isinstance(entry, Entry) else entry
    for ref in obj["metadata"].get("ownerReferences") or ():
        if ref.get("controller") and (kind is None or ref.get("kind") == kind):
            return str(ref.get("uid"))
    return None


def condition(
    type_: str,
    status: bool | str,
    stamp: str,
    reason: str | None = None,
    message: str | None = None,
    probe: bool = False,
) -> Obj:
    out: Obj = {
        "type": type_,
        "status": status if isinstance(status, str) else ("True" if status else "False"),
    }
    if probe:
        out["lastProbeTime"] = None
    out["lastTransitionTime"] = stamp
    if reason:
        out["reason"] = reason
    if message:
        out["message"] = message
    return out


def set_condition(conds: list[Obj], new: Obj) -> list[Obj]:
    """Replace the condition of the same type, keeping lastTransitionTime when status did not change."""
    out = []
    replaced = False
    for c in conds:
        if c.get("type") == new["type"]:
            if c.get("status") == new["status"] and "lastTransitionTime" in c:
                new = {**new, "lastTransitionTime": c["lastTransitionTime"]}
            out.append(new)
            replaced = True
        else:
            out.append(c)
    if not replaced:
        out.append(new)
    return out


def is_pod_ready(pod: Obj) -> bool:
    return any(
        c.get("type") == "Ready" and c.get("status") == "True"
        for c in (pod.get("status") or {}).get("conditions") or []
    )


def is_active(pod: Obj) -> bool:
    phase = (pod.get("status") or {}).get("phase")
    return phase not in ("Succeeded", "Failed") and not pod["metadata"].get("deletionTimestamp")
