"""Scale mode: many background pods spread over generated deployments, and churn that keeps them moving."""

from __future__ import annotations

import math
from typing import Any

from kubemedic.sim import kit
from kubemedic.sim.cluster import node
from kubemedic.sim.recorder import NORMAL, WARNING, Recorder, Source
from kubemedic.sim.store import Entry
from kubemedic.sim.world import World

Obj = dict[str, Any]

PODS_PER_DEPLOYMENT = 50
DEPLOYMENTS_PER_NAMESPACE = 10
PODS_PER_NODE = 100


def plant_background(world: World) -> None:
    """Create deployments totalling `config.pods` pods, and enough nodes to hold them."""
    total = world.config.pods
    if total <= 0:
        return
    extra_nodes = math.ceil(total / PODS_PER_NODE)
    base = world.config.nodes + 1
    for i in range(extra_nodes):
        world.ensure(node(f"kubemedic-pool-{i:03d}", base + i, cpu="16", memory="16Gi"))
    made = 0
    index = 0
    while made < total:
        ns = f"load-{index // DEPLOYMENTS_PER_NAMESPACE:03d}"
        world.ensure(kit.namespace(ns))
        replicas = min(PODS_PER_DEPLOYMENT, total - made)
        name = f"svc-{index:04d}"
        c = kit.container(
            "app", f"ghcr.io/kubemedic/load-{index % 7}:1.{index % 5}.0", cpu="10m", memory="16Mi"
        )
        world.ensure(kit.deployment(name, ns, kit.pod_spec(c), replicas=replicas))
        made += replicas
        index += 1


class Churn:
    """Mutates about `rate` pods per second: readiness flips, restarts and warning events."""

    def __init__(self, world: World, recorder: Recorder) -> None:
        self.world = world
        self.recorder = recorder
        self.rate = world.config.churn
        self.budget = 0.0
        self.last: float | None = None
        self.keys: list[tuple[str, str]] = []
        self.keys_at = 0.0

    def step(self, now: float) -> None:
        if self.rate <= 0:
            return
        if self.last is None:
            self.last = now
            return
        self.budget += (now - self.last) * self.rate
        self.last = now
        if now - self.keys_at > 5.0 or not self.keys:
            self.keys = [
                (e.namespace, e.name)
                for e in self.world.store.values("/pods")
                if e.namespace.startswith("load-")
            ]
            self.keys_at = now
        if not self.keys:
            self.budget = 0.0
            return
        n = int(self.budget)
        self.budget -= n
        rng = self.world.rng
        for _ in range(n):
            entry = self.world.store.get("/pods", *rng.choice(self.keys))
            if entry is None or (entry.obj.get("status") or {}).get("phase") != "Running":
                continue
            roll = rng.random()
            if roll < 0.75:
                self._flip(entry)
            elif roll < 0.95:
                self._restart(entry)
            else:
                self.recorder.emit(
                    entry,
                    WARNING,
                    "Unhealthy",
                    "Readiness probe failed: HTTP probe failed with statuscode: 503",
                    Source("kubelet", entry.obj["spec"].get("nodeName")),
                    field_path="spec.containers{app}",
                )

    def _flip(self, entry: Entry) -> None:
        obj = entry.copy()
        status = obj["status"]
        for cs in status.get("containerStatuses") or []:
            cs["ready"] = not cs.get("ready")
        ready = all(cs.get("ready") for cs in status.get("containerStatuses") or [])
        for c in status.get("conditions") or []:
            if c.get("type") in ("Ready", "ContainersReady"):
                c["status"] = "True" if ready else "False"
                c["lastTransitionTime"] = self.world.clock.stamp()
        self.world.save(obj)

    def _restart(self, entry: Entry) -> None:
        obj = entry.copy()
        stamp = self.world.clock.stamp()
        for cs in obj["status"].get("containerStatuses") or []:
            cs["restartCount"] = int(cs.get("restartCount", 0)) + 1
            cs["lastState"] = {
                "terminated": {"exitCode": 137, "reason": "Error", "startedAt": stamp, "finishedAt": stamp}
            }
            cs["state"] = {"running": {"startedAt": stamp}}
        self.world.save(obj)
        self.recorder.emit(
            entry,
            NORMAL,
            "Pulled",
            f'Container image "{entry.obj["spec"]["containers"][0]["image"]}" already present on machine',
            Source("kubelet", entry.obj["spec"].get("nodeName")),
            field_path="spec.containers{app}",
        )
