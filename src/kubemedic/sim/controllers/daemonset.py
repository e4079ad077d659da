"""The DaemonSet controller: one pod on every node the template tolerates and selects."""

from __future__ import annotations

from kubemedic.sim.controllers.base import Context, Obj, Pace, is_active, is_pod_ready
from kubemedic.sim.controllers.podfactory import create_pod, pod_from_template
from kubemedic.sim.controllers.scheduler_fit import tolerates
from kubemedic.sim.recorder import NORMAL, WARNING, Source
from kubemedic.sim.store import Entry

SOURCE = Source("daemonset-controller")
_AUTO_TOLERATIONS = (
    {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute"},
    {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute"},
    {"key": "node.kubernetes.io/disk-pressure", "operator": "Exists", "effect": "NoSchedule"},
    {"key": "node.kubernetes.io/memory-pressure", "operator": "Exists", "effect": "NoSchedule"},
    {"key": "node.kubernetes.io/pid-pressure", "operator": "Exists", "effect": "NoSchedule"},
    {"key": "node.kubernetes.io/unschedulable", "operator": "Exists", "effect": "NoSchedule"},
)


def eligible(template_spec: Obj, node: Obj) -> bool:
    labels = node["metadata"].get("labels") or {}
    if any(labels.get(k) != v for k, v in (template_spec.get("nodeSelector") or {}).items()):
        return False
    tolerations = [*(template_spec.get("tolerations") or []), *_AUTO_TOLERATIONS]
    return all(
        tolerates(tolerations, t)
        for t in (node.get("spec") or {}).get("taints") or []
        if t.get("effect") in ("NoSchedule", "NoExecute")
    )


class DaemonSetController:
    interval = 1.0

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.world = ctx.world
        self.pace = Pace(self.interval)

    def step(self, now: float) -> None:
        if not self.pace.due(now):
            return
        nodes = [n.obj for n in self.world.store.items("/nodes")]
        for ds in self.world.store.items("apps/daemonsets"):
            self.reconcile(ds, nodes)

    def reconcile(self, ds: Entry, nodes: list[Obj]) -> None:
        spec = ds.obj.get("spec") or {}
        template = spec.get("template") or {}
        tspec = template.get("spec") or {}
        pods = [
            e for rkey, e in self.world.store.dependents(str(ds.obj["metadata"]["uid"])) if rkey == "/pods"
        ]
        by_node: dict[str, list[Entry]] = {}
        for p in pods:
            if is_active(p.obj):
                by_node.setdefault(str(p.obj["spec"].get("nodeName")), []).append(p)
        wanted = [n["metadata"]["name"] for n in nodes if eligible(tspec, n)]
        for node in wanted:
            if node in by_node:
                continue
            pod = pod_from_template(ds, template, node=node)
            pod["spec"]["tolerations"] = [*(tspec.get("tolerations") or []), *map(dict, _AUTO_TOLERATIONS)]
            created, error = create_pod(self.world, pod)
            if created is None:
                self.ctx.recorder.emit(ds, WARNING, "FailedCreate", f"Error creating: {error}", SOURCE)
            else:
                self.ctx.recorder.emit(ds, NORMAL, "SuccessfulCreate", f"Created pod: {created.name}", SOURCE)
                by_node[node] = [created]
        for node, node_pods in by_node.items():
            if node not in wanted:
                for p in node_pods:
                    self.world.registry.delete(self.world.kind("Pod"), p.namespace, p.name)
                    self.ctx.recorder.emit(ds, NORMAL, "SuccessfulDelete", f"Deleted pod: {p.name}", SOURCE)
        current = [p for n, ps in by_node.items() if n in wanted for p in ps]
        ready = sum(1 for p in current if is_pod_ready(p.obj))
        status: Obj = {
            "currentNumberScheduled": len(current),
            "desiredNumberScheduled": len(wanted),
            "numberMisscheduled": 0,
            "numberReady": ready,
            "numberAvailable": ready,
            "updatedNumberScheduled": len(current),
            "observedGeneration": ds.obj["metadata"].get("generation", 1),
        }
        if len(wanted) - ready:
            status["numberUnavailable"] = len(wanted) - ready
        if not ready:
            del status["numberAvailable"]
        fresh = self.world.store.get("apps/daemonsets", ds.namespace, ds.name)
        if fresh is not None and fresh.obj.get("status") != status:
            obj = fresh.copy()
            obj["status"] = status
            self.world.save(obj)
