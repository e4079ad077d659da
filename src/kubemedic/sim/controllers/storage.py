"""The persistent-volume controller: binds claims it can provision, reports those it cannot."""

from __future__ import annotations

from kubemedic.sim.controllers.base import Context, Obj, Pace
from kubemedic.sim.recorder import WARNING, Source
from kubemedic.sim.store import Entry

SOURCE = Source("persistentvolume-controller")


class VolumeController:
    interval = 1.0

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.world = ctx.world
        self.pace = Pace(self.interval)

    def step(self, now: float) -> None:
        if not self.pace.due(now):
            return
        default_class = next(
            (
                sc.name
                for sc in self.world.store.items("storage.k8s.io/storageclasses")
                if (sc.obj["metadata"].get("annotations") or {}).get(
                    "storageclass.kubernetes.io/is-default-class"
                )
                == "true"
            ),
            None,
        )
        for pvc in self.world.store.values("/persistentvolumeclaims"):
            if (pvc.obj.get("status") or {}).get("phase") == "Pending":
                self.reconcile(pvc, default_class)

    def reconcile(self, pvc: Entry, default_class: str | None) -> None:
        spec = pvc.obj.get("spec") or {}
        cls = spec.get("storageClassName", default_class)
        if not cls:
            self.ctx.recorder.emit(
                pvc,
                "Normal",
                "FailedBinding",
                "no persistent volumes available for this claim and no storage class is set",
                SOURCE,
            )
            return
        sc = self.world.store.get("storage.k8s.io/storageclasses", "", cls)
        if sc is None:
            self.ctx.recorder.emit(
                pvc, WARNING, "ProvisioningFailed", f'storageclass.storage.k8s.io "{cls}" not found', SOURCE
            )
            return
        size = ((spec.get("resources") or {}).get("requests") or {}).get("storage", "1Gi")
        pv_name = f"pvc-{pvc.obj['metadata']['uid']}"
        modes = spec.get("accessModes") or ["ReadWriteOnce"]
        pv: Obj = {
            "apiVersion": "v1",
            "kind": "PersistentVolume",
            "metadata": {
                "name": pv_name,
                "annotations": {"pv.kubernetes.io/provisioned-by": str(sc.obj.get("provisioner", ""))},
            },
            "spec": {
                "capacity": {"storage": size},
                "accessModes": modes,
                "persistentVolumeReclaimPolicy": sc.obj.get("reclaimPolicy", "Delete"),
                "storageClassName": cls,
                "volumeMode": "Filesystem",
                "claimRef": {
                    "kind": "PersistentVolumeClaim",
                    "namespace": pvc.namespace,
                    "name": pvc.name,
                    "uid": pvc.obj["metadata"]["uid"],
                    "apiVersion": "v1",
                },
                "hostPath": {"path": f"/var/local-path-provisioner/{pv_name}", "type": ""},
            },
            "status": {"phase": "Bound"},
        }
        if self.world.store.get("/persistentvolumes", "", pv_name) is None:
            self.world.registry.create(self.world.kind("PersistentVolume"), "", pv)
        obj = pvc.copy()
        obj["spec"]["volumeName"] = pv_name
        obj["spec"].setdefault("storageClassName", cls)
        obj["status"] = {"phase": "Bound", "accessModes": modes, "capacity": {"storage": size}}
        self.world.save(obj)
