"""The StatefulSet controller: ordinal pods name-0..N-1, created in order, with claims from templates."""

from __future__ import annotations

from kubemedic.sim.controllers.base import Context, Obj, Pace, is_active, is_pod_ready
from kubemedic.sim.controllers.deployment import template_hash
from kubemedic.sim.controllers.podfactory import create_pod, pod_from_template
from kubemedic.sim.errors import ApiError
from kubemedic.sim.recorder import NORMAL, WARNING, Source
from kubemedic.sim.store import Entry

SOURCE = Source("statefulset-controller")


class StatefulSetController:
    interval = 1.0

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.world = ctx.world
        self.pace = Pace(self.interval)

    def step(self, now: float) -> None:
        if not self.pace.due(now):
            return
        for sts in self.world.store.items("apps/statefulsets"):
            self.reconcile(sts)

    def _claims(self, sts: Entry, ordinal: int) -> list[Obj]:
        volumes = []
        for tpl in (sts.obj.get("spec") or {}).get("volumeClaimTemplates") or []:
            tname = tpl["metadata"]["name"]
            claim = f"{tname}-{sts.name}-{ordinal}"
            if self.world.store.get("/persistentvolumeclaims", sts.namespace, claim) is None:
                body = {
                    "apiVersion": "v1",
                    "kind": "PersistentVolumeClaim",
                    "metadata": {
                        "name": claim,
                        "namespace": sts.namespace,
                        "labels": dict((sts.obj["spec"].get("selector") or {}).get("matchLabels") or {}),
                    },
                    "spec": dict(tpl.get("spec") or {}),
                }
                try:
                    self.world.registry.create(self.world.kind("PersistentVolumeClaim"), sts.namespace, body)
                    self.ctx.recorder.emit(
                        sts,
                        NORMAL,
                        "SuccessfulCreate",
                        f"create Claim {claim} Pod {sts.name}-{ordinal} in StatefulSet {sts.name} success",
                        SOURCE,
                    )
                except ApiError as err:
                    self.ctx.recorder.emit(sts, WARNING, "FailedCreate", err.message, SOURCE)
            volumes.append({"name": tname, "persistentVolumeClaim": {"claimName": claim}})
        return volumes

    def reconcile(self, sts: Entry) -> None:
        spec = sts.obj.get("spec") or {}
        want = int(spec.get("replicas", 1))
        template = spec.get("template") or {}
        revision = f"{sts.name}-{template_hash(template)}"
        pods = {
            p.name: p
            for rkey, p in self.world.store.dependents(str(sts.obj["metadata"]["uid"]))
            if rkey == "/pods"
        }
        parallel = spec.get("podManagementPolicy") == "Parallel"
        for i in range(want):
            name = f"{sts.name}-{i}"
            existing = pods.get(name)
            if existing is not None:
                if not parallel and not is_pod_ready(existing.obj):
                    break
                continue
            pod = pod_from_template(
                sts,
                template,
                name=name,
                labels={
                    "statefulset.kubernetes.io/pod-name": name,
                    "apps.kubernetes.io/pod-index": str(i),
                    "controller-revision-hash": revision,
                },
            )
            pod["spec"]["hostname"] = name
            pod["spec"]["subdomain"] = spec.get("serviceName", "")
            claim_vols = self._claims(sts, i)
            if claim_vols:
                names = {v["name"] for v in claim_vols}
                pod["spec"]["volumes"] = [
                    v for v in pod["spec"].get("volumes") or [] if v["name"] not in names
                ]
                pod["spec"]["volumes"].extend(claim_vols)
            created, error = create_pod(self.world, pod)
            if created is None:
                self.ctx.recorder.emit(
                    sts,
                    WARNING,
                    "FailedCreate",
                    f"create Pod {name} in StatefulSet {sts.name} failed error: {error}",
                    SOURCE,
                )
                break
            self.ctx.recorder.emit(
                sts,
                NORMAL,
                "SuccessfulCreate",
                f"create Pod {name} in StatefulSet {sts.name} successful",
                SOURCE,
            )
            pods[name] = created
            if not parallel:
                break
        for name, p in list(pods.items()):
            ordinal = int(name.rsplit("-", 1)[1]) if name.rsplit("-", 1)[-1].isdigit() else 0
            if ordinal >= want and is_active(p.obj):
                self.world.registry.delete(self.world.kind("Pod"), p.namespace, p.name)
                self.ctx.recorder.emit(
                    sts,
                    NORMAL,
                    "SuccessfulDelete",
                    f"delete Pod {name} in StatefulSet {sts.name} successful",
                    SOURCE,
                )
                del pods[name]
        ready = sum(1 for p in pods.values() if is_pod_ready(p.obj))
        status: Obj = {
            "observedGeneration": sts.obj["metadata"].get("generation", 1),
            "replicas": len(pods),
            "readyReplicas": ready,
            "currentReplicas": len(pods),
            "updatedReplicas": len(pods),
            "availableReplicas": ready,
            "currentRevision": revision,
            "updateRevision": revision,
            "collisionCount": 0,
        }
        for k in ("readyReplicas", "availableReplicas"):
            if not status[k]:
                del status[k]
        fresh = self.world.store.get("apps/statefulsets", sts.namespace, sts.name)
        if fresh is not None and fresh.obj.get("status") != status:
            obj = fresh.copy()
            obj["status"] = status
            self.world.save(obj)
