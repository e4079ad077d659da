"""The scheduler: binds pending pods to the least-loaded node that fits, or says why none does."""

from __future__ import annotations

from kubemedic.sim.controllers.base import Context, Feed, Obj, condition, set_condition
from kubemedic.sim.controllers.scheduler_fit import NodeUsage, failure_message, misfit, pod_requests
from kubemedic.sim.recorder import NORMAL, SCHEDULER, WARNING
from kubemedic.sim.store import DELETED


class Scheduler:
    retry_every = 10.0
    max_per_tick = 2000

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.world = ctx.world
        self.pods = Feed(ctx.world, "/pods")
        self.nodes = Feed(ctx.world, "/nodes")
        self.pending: dict[tuple[str, str], float] = {}

    def step(self, now: float) -> None:
        for change in self.pods.drain():
            obj = change.entry.obj
            key = (change.entry.namespace, change.entry.name)
            if change.type == DELETED or (obj.get("spec") or {}).get("nodeName"):
                self.pending.pop(key, None)
            elif not obj["metadata"].get("deletionTimestamp") and key not in self.pending:
                self.pending[key] = now
        if self.nodes.drain():
            self.pending = dict.fromkeys(self.pending, now)
        due = [k for k, t in self.pending.items() if t <= now][: self.max_per_tick]
        if not due:
            return
        nodes = [e.obj for e in self.world.store.items("/nodes")]
        usage = self._usage()
        for key in sorted(due):
            entry = self.world.store.get("/pods", *key)
            if entry is None or (entry.obj.get("spec") or {}).get("nodeName"):
                self.pending.pop(key, None)
                continue
            if self._schedule(entry.obj, nodes, usage):
                self.pending.pop(key, None)
            else:
                self.pending[key] = now + self.retry_every

    def _usage(self) -> dict[str, NodeUsage]:
        usage: dict[str, NodeUsage] = {}
        for e in self.world.store.values("/pods"):
            obj = e.obj
            node = (obj.get("spec") or {}).get("nodeName")
            if not node or (obj.get("status") or {}).get("phase") in ("Succeeded", "Failed"):
                continue
            u = usage.setdefault(node, NodeUsage())
            cpu, mem = pod_requests(obj)
            u.cpu_m += cpu
            u.memory += mem
            u.pods += 1
            u.labels_of_pods.append(e.labels)
        return usage

    def _pvc_problem(self, pod: Obj) -> str | None:
        ns = pod["metadata"].get("namespace", "")
        for vol in (pod.get("spec") or {}).get("volumes") or []:
            claim = (vol.get("persistentVolumeClaim") or {}).get("claimName")
            if not claim:
                continue
            pvc = self.world.store.get("/persistentvolumeclaims", ns, claim)
            if pvc is None:
                return f'persistentvolumeclaim "{claim}" not found'
            if (pvc.obj.get("status") or {}).get("phase") != "Bound":
                return "pod has unbound immediate PersistentVolumeClaims"
        return None

    def _schedule(self, pod: Obj, nodes: list[Obj], usage: dict[str, NodeUsage]) -> bool:
        total = len(nodes)
        pvc = self._pvc_problem(pod)
        if pvc is not None:
            msg = (
                f"0/{total} nodes are available: {pvc}. preemption: 0/{total} nodes are available: "
                f"{total} Preemption is not helpful for scheduling."
            )
            self._unschedulable(pod, msg)
            return False
        reasons: dict[str, int] = {}
        preempt: dict[str, int] = {}
        fits: list[tuple[float, str]] = []
        for node in nodes:
            name = node["metadata"]["name"]
            u = usage.get(name) or NodeUsage()
            reason, helpful = misfit(pod, node, u)
            if reason is None:
                fits.append((u.pods + u.cpu_m / 1000.0, name))
            else:
                reasons[reason] = reasons.get(reason, 0) + 1
                if helpful:
                    preempt[name] = 1
        if not fits:
            self._unschedulable(pod, failure_message(total, reasons, preempt))
            return False
        _, chosen = min(fits)
        self._bind(pod, chosen)
        u = usage.setdefault(chosen, NodeUsage())
        cpu, mem = pod_requests(pod)
        u.cpu_m += cpu
        u.memory += mem
        u.pods += 1
        u.labels_of_pods.append(pod["metadata"].get("labels") or {})
        return True

    def _bind(self, pod: Obj, node: str) -> None:
        entry = self.world.store.get("/pods", pod["metadata"]["namespace"], pod["metadata"]["name"])
        if entry is None:
            return
        obj = entry.copy()
        obj["spec"]["nodeName"] = node
        status = obj.setdefault("status", {})
        status["conditions"] = set_condition(
            status.get("conditions") or [],
            condition("PodScheduled", True, self.world.clock.stamp(), probe=True),
        )
        saved = self.world.save(obj)
        ns, name = saved.namespace, saved.name
        self.ctx.recorder.emit(
            saved, NORMAL, "Scheduled", f"Successfully assigned {ns}/{name} to {node}", SCHEDULER
        )

    def _unschedulable(self, pod: Obj, message: str) -> None:
        entry = self.world.store.get("/pods", pod["metadata"]["namespace"], pod["metadata"]["name"])
        if entry is None:
            return
        status = entry.obj.get("status") or {}
        cond = condition(
            "PodScheduled", False, self.world.clock.stamp(), "Unschedulable", message, probe=True
        )
        current = next((c for c in status.get("conditions") or [] if c.get("type") == "PodScheduled"), None)
        if current is None or current.get("message") != message:
            obj = entry.copy()
            obj["status"]["conditions"] = set_condition(obj["status"].get("conditions") or [], cond)
            entry = self.world.save(obj)
        self.ctx.recorder.emit(entry, WARNING, "FailedScheduling", message, SCHEDULER)
