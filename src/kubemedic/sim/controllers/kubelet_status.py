"""Building a pod's `status` from the kubelet's view of its containers."""

from __future__ import annotations

from typing import Any

from kubemedic.sim.controllers.base import condition, set_condition
from kubemedic.sim.controllers.kubelet_state import ContainerRun, PodRun

Obj = dict[str, Any]


def _container_status(c: ContainerRun, uid: str) -> Obj:
    image = str(c.spec.get("image", ""))
    out: Obj = {
        "name": c.spec["name"],
        "state": c.state,
        "lastState": c.last_state,
        "ready": c.ready,
        "restartCount": c.restarts,
        "image": image,
        "imageID": ""
        if not c.started
        else f"{image.split(':')[0]}@sha256:{uid.replace('-', '')[:32]}{'0' * 32}",
        "started": "running" in c.state,
    }
    if c.started:
        out["containerID"] = f"containerd://{uid.replace('-', '')}{c.restarts:04d}"
    return out


def _phase(run: PodRun, restart_policy: str) -> str:
    states = [c.state for c in run.containers]
    if any("running" in s for s in states):
        return "Running"
    if states and all("terminated" in s for s in states) and restart_policy != "Always":
        codes = [int(s["terminated"].get("exitCode", 0)) for s in states]
        if all(code == 0 for code in codes):
            return "Succeeded"
        if restart_policy == "Never":
            return "Failed"
    if any(c.started for c in run.containers):
        return "Running"
    return "Pending"


def pod_status(pod: Obj, run: PodRun, stamp: str, host_ip: str) -> Obj:
    old: Obj = pod.get("status") or {}
    phase = _phase(run, str(pod["spec"].get("restartPolicy", "Always")))
    all_ready = bool(run.containers) and all(c.ready for c in run.containers)
    conds: list[Obj] = list(old.get("conditions") or [])
    created = any(c.started for c in run.containers)
    not_ready = [c.spec["name"] for c in run.containers if not c.ready]
    msg = f"containers with unready status: [{' '.join(not_ready)}]" if not_ready else None
    reason = None
    if phase in ("Succeeded", "Failed"):
        reason = "PodCompleted"
    elif not_ready:
        reason = "ContainersNotReady"
    conds = set_condition(
        conds, condition("PodReadyToStartContainers", created or phase != "Pending", stamp, probe=True)
    )
    conds = set_condition(conds, condition("Initialized", True, stamp, probe=True))
    conds = set_condition(conds, condition("Ready", all_ready, stamp, reason, msg, probe=True))
    conds = set_condition(conds, condition("ContainersReady", all_ready, stamp, reason, msg, probe=True))
    conds = set_condition(conds, condition("PodScheduled", True, stamp, probe=True))
    order = {
        "PodReadyToStartContainers": 0,
        "Initialized": 1,
        "Ready": 2,
        "ContainersReady": 3,
        "PodScheduled": 4,
    }
    conds.sort(key=lambda c: order.get(str(c.get("type")), 9))
    return {
        **old,
        "phase": phase,
        "conditions": conds,
        "hostIP": host_ip,
        "hostIPs": [{"ip": host_ip}],
        "podIP": run.ip,
        "podIPs": [{"ip": run.ip}],
        "startTime": old.get("startTime") or stamp,
        "containerStatuses": [_container_status(c, run.uid) for c in run.containers],
        "qosClass": old.get("qosClass", "BestEffort"),
    }
