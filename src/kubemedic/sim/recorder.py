"""Writing core/v1 Events the way kubelet, scheduler and controllers do, with count aggregation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kubemedic.sim.store import Entry
from kubemedic.sim.world import World

Obj = dict[str, Any]

NORMAL = "Normal"
WARNING = "Warning"


@dataclass(frozen=True)
class Source:
    component: str
    host: str | None = None


KUBELET = "kubelet"
SCHEDULER = Source("default-scheduler")


class Recorder:
    """Emits events; a repeat of the same (object, reason, message, fieldPath) bumps `count`."""

    def __init__(self, world: World) -> None:
        self.world = world
        self._seen: dict[tuple[str, str, str, str, str], tuple[str, str]] = {}

    def emit(
        self,
        involved: Entry | Obj,
        type_: str,
        reason: str,
        message: str,
        source: Source,
        *,
        field_path: str | None = None,
    ) -> Entry | None:
        obj = involved.obj if isinstance(involved, Entry) else involved
        meta = obj["metadata"]
        namespace = str(meta.get("namespace") or "default")
        if self.world.store.get("/namespaces", "", namespace) is None:
            return None
        key = (str(meta.get("uid")), reason, message, field_path or "", source.component)
        now = self.world.clock.stamp()
        known = self._seen.get(key)
        if known is not None:
            existing = self.world.store.get("/events", *known)
            if existing is not None:
                ev = existing.copy()
                ev["count"] = int(ev.get("count", 1)) + 1
                ev["lastTimestamp"] = now
                return self.world.store.put("/events", ev)
        name = f"{meta['name']}.{self.world.rng.getrandbits(64):016x}"
        ref: Obj = {
            "kind": obj.get("kind"),
            "namespace": meta.get("namespace"),
            "name": meta["name"],
            "uid": meta.get("uid"),
            "apiVersion": obj.get("apiVersion"),
            "resourceVersion": meta.get("resourceVersion"),
        }
        if not meta.get("namespace"):
            ref.pop("namespace")
        if field_path:
            ref["fieldPath"] = field_path
        src: Obj = {"component": source.component}
        if source.host:
            src["host"] = source.host
        event: Obj = {
            "apiVersion": "v1",
            "kind": "Event",
            "metadata": {
                "name": name,
                "namespace": namespace,
                "uid": self.world.registry.uid(),
                "creationTimestamp": now,
            },
            "involvedObject": ref,
            "reason": reason,
            "message": message,
            "source": src,
            "firstTimestamp": now,
            "lastTimestamp": now,
            "count": 1,
            "type": type_,
            "eventTime": None,
            "reportingComponent": source.component,
            "reportingInstance": source.host or "",
        }
        self._seen[key] = (namespace, name)
        return self.world.store.put("/events", event)
