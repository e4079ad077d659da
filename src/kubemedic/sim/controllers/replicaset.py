"""The ReplicaSet controller: keeps `spec.replicas` pods alive and reports their readiness."""

from __future__ import annotations

from kubemedic.sim.controllers.base import Context, Feed, Obj, condition, is_active, is_pod_ready, owner_uid
from kubemedic.sim.controllers.podfactory import create_pod, pod_from_template
from kubemedic.sim.recorder import NORMAL, WARNING, Source
from kubemedic.sim.store import DELETED, Entry

SOURCE = Source("replicaset-controller")


class ReplicaSetController:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.world = ctx.world
        self.rs_feed = Feed(ctx.world, "apps/replicasets")
        self.pod_feed = Feed(ctx.world, "/pods")
        self.by_uid: dict[str, tuple[str, str]] = {}
        self.retry: dict[tuple[str, str], float] = {}

    def step(self, now: float) -> None:
        dirty: set[tuple[str, str]] = set()
        for change in self.rs_feed.drain():
            key = (change.entry.namespace, change.entry.name)
            uid = str(change.entry.obj["metadata"].get("uid"))
            if change.type == DELETED:
                self.by_uid.pop(uid, None)
                self.retry.pop(key, None)
            else:
                self.by_uid[uid] = key
                dirty.add(key)
        for change in self.pod_feed.drain():
            owner = owner_uid(change.entry, "ReplicaSet")
            if owner is not None and owner in self.by_uid:
                dirty.add(self.by_uid[owner])
        dirty.update(k for k, t in self.retry.items() if t <= now)
        for key in sorted(dirty):  # sorted: the same seed creates the same pods, whatever the hash seed
            entry = self.world.store.get("apps/replicasets", *key)
            if entry is not None:
                self.reconcile(entry, now)

    def reconcile(self, rs: Entry, now: float) -> None:
        spec = rs.obj.get("spec") or {}
        want = int(spec.get("replicas", 1))
        pods = [
            e for rkey, e in self.world.store.dependents(str(rs.obj["metadata"]["uid"])) if rkey == "/pods"
        ]
        active = [p for p in pods if is_active(p.obj)]
        key = (rs.namespace, rs.name)
        failure: str | None = None
        if len(active) < want:
            for _ in range(want - len(active)):
                pod = pod_from_template(rs, spec.get("template") or {})
                created, error = create_pod(self.world, pod)
                if created is None:
                    failure = f"Error creating: {error}"
                    self.ctx.recorder.emit(rs, WARNING, "FailedCreate", failure, SOURCE)
                    self.retry[key] = now + 10.0
                    break
                self.ctx.recorder.emit(rs, NORMAL, "SuccessfulCreate", f"Created pod: {created.name}", SOURCE)
                active.append(created)
            else:
                self.retry.pop(key, None)
        elif len(active) > want:
            victims = sorted(
                active, key=lambda p: (is_pod_ready(p.obj), p.obj["metadata"]["creationTimestamp"])
            )
            for p in victims[: len(active) - want]:
                self.world.registry.delete(self.world.kind("Pod"), p.namespace, p.name)
                self.ctx.recorder.emit(rs, NORMAL, "SuccessfulDelete", f"Deleted pod: {p.name}", SOURCE)
            active = victims[len(active) - want :]
        self._status(rs, active, failure, sticky=key in self.retry)

    def _status(self, rs: Entry, pods: list[Entry], failure: str | None, *, sticky: bool) -> None:
        fresh = self.world.store.get("apps/replicasets", rs.namespace, rs.name)
        if fresh is None:
            return
        ready = sum(1 for p in pods if is_pod_ready(p.obj))
        status: Obj = {
            "replicas": len(pods),
            "fullyLabeledReplicas": len(pods),
            "readyReplicas": ready,
            "availableReplicas": ready,
            "observedGeneration": fresh.obj["metadata"].get("generation", 1),
        }
        if failure:
            status["conditions"] = [
                condition(
                    "ReplicaFailure",
                    True,
                    self.world.clock.stamp(),
                    "FailedCreate",
                    failure.removeprefix("Error creating: "),
                )
            ]
        elif (fresh.obj.get("status") or {}).get("conditions") and sticky:
            status["conditions"] = fresh.obj["status"]["conditions"]
        elif (fresh.obj.get("status") or {}).get("conditions"):
            status["conditions"] = [
                c for c in fresh.obj["status"]["conditions"] if c.get("type") != "ReplicaFailure"
            ]
        for k in ("readyReplicas", "availableReplicas"):
            if not status[k]:
                del status[k]
        if status.get("conditions") == []:
            del status["conditions"]
        if fresh.obj.get("status") != status:
            obj = fresh.copy()
            obj["status"] = status
            self.world.save(obj)
