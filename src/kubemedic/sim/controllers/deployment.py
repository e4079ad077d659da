"""The Deployment controller: one ReplicaSet per pod template (pod-template-hash) and rolling updates."""

from __future__ import annotations

import hashlib
import math

import orjson

from kubemedic.sim.clock import parse_ts
from kubemedic.sim.controllers.base import Context, Feed, Obj, condition, owner_uid, set_condition
from kubemedic.sim.recorder import NORMAL, Source
from kubemedic.sim.registry import owner_reference
from kubemedic.sim.store import DELETED, Entry

SOURCE = Source("deployment-controller")
_ALNUM = "bcdfghjklmnpqrstvwxz2456789"


def template_hash(template: Obj) -> str:
    """A stable short hash of the pod template, spelled like the controller's safe-encoded hashes."""
    digest = hashlib.blake2b(orjson.dumps(template, option=orjson.OPT_SORT_KEYS), digest_size=8).digest()
    h = int.from_bytes(digest, "big")
    out = []
    for _ in range(10):
        out.append(_ALNUM[h % len(_ALNUM)])
        h //= len(_ALNUM)
    return "".join(out)


def _resolve(value: object, total: int, round_up: bool) -> int:
    if isinstance(value, str) and value.endswith("%"):
        frac = int(value[:-1]) * total / 100
        return math.ceil(frac) if round_up else math.floor(frac)
    return int(value) if isinstance(value, int | str) else 0


class DeploymentController:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.world = ctx.world
        self.deploys = Feed(ctx.world, "apps/deployments")
        self.sets = Feed(ctx.world, "apps/replicasets")
        self.by_uid: dict[str, tuple[str, str]] = {}
        self.recheck: dict[tuple[str, str], float] = {}

    def step(self, now: float) -> None:
        dirty: set[tuple[str, str]] = set()
        for change in self.deploys.drain():
            key = (change.entry.namespace, change.entry.name)
            if change.type == DELETED:
                self.by_uid.pop(str(change.entry.obj["metadata"].get("uid")), None)
                continue
            self.by_uid[str(change.entry.obj["metadata"]["uid"])] = key
            dirty.add(key)
        for change in self.sets.drain():
            owner = owner_uid(change.entry, "Deployment")
            if owner in self.by_uid:
                dirty.add(self.by_uid[owner])
        dirty.update(k for k, t in self.recheck.items() if t <= now)
        for key in sorted(dirty):  # sorted: a seeded run must not depend on set order
            self.recheck.pop(key, None)
            entry = self.world.store.get("apps/deployments", *key)
            if entry is not None:
                self.reconcile(entry, now)

    def _sets(self, d: Entry) -> list[Entry]:
        return [
            e
            for rkey, e in self.world.store.dependents(str(d.obj["metadata"]["uid"]))
            if rkey == "apps/replicasets"
        ]

    def reconcile(self, d: Entry, now: float) -> None:
        spec = d.obj.get("spec") or {}
        desired = int(spec.get("replicas", 1))
        template = spec.get("template") or {}
        phash = template_hash(template)
        sets = self._sets(d)
        new = next((s for s in sets if s.labels.get("pod-template-hash") == phash), None)
        old = [s for s in sets if s is not new]
        revision = max(
            (
                int(
                    (s.obj["metadata"].get("annotations") or {}).get("deployment.kubernetes.io/revision", "0")
                )
                for s in sets
            ),
            default=0,
        )
        if new is None:
            new = self._create_rs(d, template, phash, revision + 1, 0)
        if spec.get("paused"):
            self._status(d, new, old, desired, now)
            return
        rolling = (spec.get("strategy") or {}).get("type", "RollingUpdate") == "RollingUpdate"
        old_total = sum(int((s.obj.get("spec") or {}).get("replicas", 0)) for s in old)
        new_replicas = int((new.obj.get("spec") or {}).get("replicas", 0))
        if not rolling:
            for s in old:
                self._scale(d, s, 0)
            if not any((s.obj.get("status") or {}).get("replicas") for s in old):
                self._scale(d, new, desired)
        elif not old_total:
            self._scale(d, new, desired)
        else:
            ru = (spec.get("strategy") or {}).get("rollingUpdate") or {}
            surge = _resolve(ru.get("maxSurge", "25%"), desired, True)
            unavail = _resolve(ru.get("maxUnavailable", "25%"), desired, False)
            if surge == 0 and unavail == 0:
                unavail = 1
            target = min(desired, max(new_replicas, desired + surge - old_total))
            if target != new_replicas:
                new = self._scale(d, new, target)
                new_replicas = target
            new_avail = int((new.obj.get("status") or {}).get("availableReplicas", 0))
            all_pods = old_total + new_replicas
            max_down = all_pods - (desired - unavail) - (new_replicas - new_avail)
            remove = max(0, min(old_total, max_down))
            for s in sorted(old, key=lambda s: s.obj["metadata"]["creationTimestamp"]):
                if remove <= 0:
                    break
                cur = int((s.obj.get("spec") or {}).get("replicas", 0))
                cut = min(cur, remove)
                if cut:
                    self._scale(d, s, cur - cut)
                    remove -= cut
            if old_total or new_avail < desired:
                self.recheck[(d.namespace, d.name)] = now + 1.0
        self._status(
            d,
            self.world.store.get("apps/replicasets", new.namespace, new.name) or new,
            [self.world.store.get("apps/replicasets", s.namespace, s.name) or s for s in old],
            desired,
            now,
        )

    def _create_rs(self, d: Entry, template: Obj, phash: str, revision: int, replicas: int) -> Entry:
        labels = {**((template.get("metadata") or {}).get("labels") or {}), "pod-template-hash": phash}
        tpl = orjson.loads(orjson.dumps(template))
        tpl.setdefault("metadata", {})["labels"] = labels
        selector = orjson.loads(orjson.dumps((d.obj.get("spec") or {}).get("selector") or {}))
        selector.setdefault("matchLabels", {})["pod-template-hash"] = phash
        rs: Obj = {
            "apiVersion": "apps/v1",
            "kind": "ReplicaSet",
            "metadata": {
                "name": f"{d.name}-{phash}",
                "namespace": d.namespace,
                "labels": labels,
                "annotations": {
                    "deployment.kubernetes.io/desired-replicas": str(
                        (d.obj.get("spec") or {}).get("replicas", 1)
                    ),
                    "deployment.kubernetes.io/max-replicas": str(
                        (d.obj.get("spec") or {}).get("replicas", 1) + 1
                    ),
                    "deployment.kubernetes.io/revision": str(revision),
                },
                "ownerReferences": [owner_reference(d)],
            },
            "spec": {"replicas": replicas, "selector": selector, "template": tpl},
        }
        return self.world.registry.create(self.world.kind("ReplicaSet"), d.namespace, rs)

    def _scale(self, d: Entry, rs: Entry, replicas: int) -> Entry:
        current = int((rs.obj.get("spec") or {}).get("replicas", 0))
        if current == replicas:
            return rs
        obj = rs.copy()
        obj["spec"]["replicas"] = replicas
        obj["metadata"].setdefault("annotations", {})["deployment.kubernetes.io/desired-replicas"] = str(
            (d.obj.get("spec") or {}).get("replicas", 1)
        )
        saved = self.world.save(obj)
        verb = "up" if replicas > current else "down"
        self.ctx.recorder.emit(
            d,
            NORMAL,
            "ScalingReplicaSet",
            f"Scaled {verb} replica set {rs.name} from {current} to {replicas}",
            SOURCE,
        )
        return saved

    def _status(self, d: Entry, new: Entry, old: list[Entry], desired: int, now: float) -> None:
        fresh = self.world.store.get("apps/deployments", d.namespace, d.name)
        if fresh is None:
            return
        sets = [new, *old]

        def total(field: str) -> int:
            return sum(int((s.obj.get("status") or {}).get(field, 0)) for s in sets)

        spec = fresh.obj.get("spec") or {}
        ru = (spec.get("strategy") or {}).get("rollingUpdate") or {}
        unavail_allowed = _resolve(ru.get("maxUnavailable", "25%"), desired, False)
        available = total("availableReplicas")
        replicas = total("replicas")
        updated = int((new.obj.get("status") or {}).get("replicas", 0))
        stamp = self.world.clock.stamp()
        old_status = fresh.obj.get("status") or {}
        conds = list(old_status.get("conditions") or [])
        ok = available >= desired - unavail_allowed
        conds = set_condition(
            conds,
            {
                **condition(
                    "Available",
                    ok,
                    stamp,
                    "MinimumReplicasAvailable" if ok else "MinimumReplicasUnavailable",
                    "Deployment has minimum availability."
                    if ok
                    else "Deployment does not have minimum availability.",
                ),
                "lastUpdateTime": stamp,
            },
        )
        done = (
            updated == desired
            and available >= desired
            and not any((s.obj.get("status") or {}).get("replicas") for s in old)
        )
        progressing = next((c for c in conds if c.get("type") == "Progressing"), None)
        deadline = int(spec.get("progressDeadlineSeconds", 600))
        started = parse_ts((progressing or {}).get("lastUpdateTime")) or now
        if done:
            prog = condition(
                "Progressing",
                True,
                stamp,
                "NewReplicaSetAvailable",
                f'ReplicaSet "{new.name}" has successfully progressed.',
            )
        elif (
            progressing and progressing.get("reason") == "ProgressDeadlineExceeded"
        ) or now - started > deadline:
            prog = condition(
                "Progressing",
                False,
                stamp,
                "ProgressDeadlineExceeded",
                f'ReplicaSet "{new.name}" has timed out progressing.',
            )
        else:
            prog = condition(
                "Progressing", True, stamp, "ReplicaSetUpdated", f'ReplicaSet "{new.name}" is progressing.'
            )
        prog["lastUpdateTime"] = (
            (progressing or {}).get("lastUpdateTime", stamp)
            if (progressing and progressing.get("reason") == prog.get("reason"))
            else stamp
        )
        conds = set_condition(conds, prog)
        conds.sort(key=lambda c: 0 if c.get("type") == "Available" else 1)
        status: Obj = {
            "observedGeneration": fresh.obj["metadata"].get("generation", 1),
            "replicas": replicas,
            "updatedReplicas": updated,
            "readyReplicas": total("readyReplicas"),
            "availableReplicas": available,
            "unavailableReplicas": max(replicas - available, 0),
            "conditions": conds,
        }
        for k in ("readyReplicas", "availableReplicas", "unavailableReplicas", "replicas", "updatedReplicas"):
            if not status[k]:
                del status[k]
        if not done and deadline:
            self.recheck.setdefault((d.namespace, d.name), now + 5.0)
        if _strip_times(old_status) != _strip_times(status):
            obj = fresh.copy()
            obj["status"] = status
            ann = obj["metadata"].setdefault("annotations", {})
            ann["deployment.kubernetes.io/revision"] = (new.obj["metadata"].get("annotations") or {}).get(
                "deployment.kubernetes.io/revision", "1"
            )
            self.world.save(obj)


def _strip_times(status: Obj) -> Obj:
    out = dict(status)
    out["conditions"] = [
        {k: v for k, v in c.items() if k not in ("lastUpdateTime", "lastTransitionTime")}
        for c in status.get("conditions") or []
    ]
    return out
