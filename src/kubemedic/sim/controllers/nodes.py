"""Node heartbeats and node faults (NotReady, memory/disk pressure) with their taints."""

from __future__ import annotations

from kubemedic.sim.controllers.base import Context, Obj, condition, set_condition

_HEALTHY = (
    ("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
    ("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
    ("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
    ("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
)
_FAULTS: dict[str, tuple[tuple[str, str, str, str], ...]] = {
    "NotReady": (
        ("MemoryPressure", "Unknown", "NodeStatusUnknown", "Kubelet stopped posting node status."),
        ("DiskPressure", "Unknown", "NodeStatusUnknown", "Kubelet stopped posting node status."),
        ("PIDPressure", "Unknown", "NodeStatusUnknown", "Kubelet stopped posting node status."),
        ("Ready", "Unknown", "NodeStatusUnknown", "Kubelet stopped posting node status."),
    ),
    "MemoryPressure": (
        (
            "MemoryPressure",
            "True",
            "KubeletHasInsufficientMemory",
            "kubelet has insufficient memory available",
        ),
        ("DiskPressure", "True", "KubeletHasDiskPressure", "kubelet has disk pressure"),
        ("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
        (
            "Ready",
            "False",
            "KubeletNotReady",
            "container runtime network not ready: NetworkReady=false "
            "reason:NetworkPluginNotReady message:Network "
            "plugin returns error: cni plugin not initialized",
        ),
    ),
}
_FAULT_TAINTS: dict[str, tuple[Obj, ...]] = {
    "NotReady": (
        {"key": "node.kubernetes.io/unreachable", "effect": "NoSchedule"},
        {"key": "node.kubernetes.io/unreachable", "effect": "NoExecute"},
    ),
    "MemoryPressure": (
        {"key": "node.kubernetes.io/memory-pressure", "effect": "NoSchedule"},
        {"key": "node.kubernetes.io/disk-pressure", "effect": "NoSchedule"},
        {"key": "node.kubernetes.io/not-ready", "effect": "NoSchedule"},
        {"key": "node.kubernetes.io/not-ready", "effect": "NoExecute"},
    ),
}
_MANAGED = "node.kubernetes.io/"


class NodeController:
    heartbeat = 20.0

    def __init__(self, ctx: Context) -> None:
        self.world = ctx.world
        self.next_beat = 0.0
        self.applied: dict[str, str] = {}

    def step(self, now: float) -> None:
        faults = self.world.node_faults
        changed = {n for n in set(faults) | set(self.applied) if faults.get(n) != self.applied.get(n)}
        if now < self.next_beat and not changed:
            return
        beat = now >= self.next_beat
        if beat:
            self.next_beat = now + self.heartbeat
        stamp = self.world.clock.stamp()
        for entry in self.world.store.items("/nodes"):
            fault = faults.get(entry.name)
            if not beat and entry.name not in changed:
                continue
            if fault == "NotReady" and entry.name not in changed:
                continue
            obj = entry.copy()
            status = obj.setdefault("status", {})
            conds = status.get("conditions") or []
            for type_, st, reason, msg in _FAULTS.get(fault or "", _HEALTHY):
                c = condition(type_, st, stamp, reason, msg)
                c["lastHeartbeatTime"] = stamp
                conds = set_condition(conds, c)
            status["conditions"] = conds
            taints = [
                t
                for t in (obj.get("spec") or {}).get("taints") or []
                if not str(t.get("key", "")).startswith(_MANAGED)
            ]
            for t in _FAULT_TAINTS.get(fault or "", ()):
                taints.append({**t, "timeAdded": stamp})
            if taints:
                obj.setdefault("spec", {})["taints"] = taints
            else:
                obj.get("spec", {}).pop("taints", None)
            self.world.save(obj)
            if fault is None:
                self.applied.pop(entry.name, None)
            else:
                self.applied[entry.name] = fault
