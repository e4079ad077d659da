"""kubectl's pod columns, including the STATUS reason logic of `printPod`."""

from __future__ import annotations

from kubemedic.sim.clock import age, human_duration, parse_ts
from kubemedic.sim.tables.base import Cells, Obj, TableSpec, cols, dig


def _init_reason(pod: Obj) -> tuple[str | None, int]:
    statuses = dig(pod, "status", "initContainerStatuses", default=[]) or []
    total = len(dig(pod, "spec", "initContainers", default=[]) or [])
    restarts = 0
    for i, cs in enumerate(statuses):
        restarts += int(cs.get("restartCount", 0))
        state = cs.get("state") or {}
        term, wait = state.get("terminated"), state.get("waiting")
        if term and term.get("exitCode") == 0:
            continue
        if term:
            return f"Init:{term.get('reason') or 'ExitCode:' + str(term.get('exitCode'))}", restarts
        if wait and wait.get("reason") and wait["reason"] != "PodInitializing":
            return f"Init:{wait['reason']}", restarts
        return f"Init:{i}/{total}", restarts
    return None, restarts


def pod_status_reason(pod: Obj) -> tuple[str, int, int, int, float | None]:
    """(reason, ready containers, total containers, restarts, last restart epoch) as kubectl shows them."""
    status = pod.get("status") or {}
    reason = str(status.get("reason") or status.get("phase") or "Unknown")
    total = len(dig(pod, "spec", "containers", default=[]) or [])
    init_reason, restarts = _init_reason(pod)
    ready = 0
    last_restart: float | None = None
    has_running = False
    statuses = status.get("containerStatuses") or []
    for cs in statuses:
        restarts += int(cs.get("restartCount", 0))
        finished = parse_ts(dig(cs, "lastState", "terminated", "finishedAt"))
        if finished is not None and (last_restart is None or finished > last_restart):
            last_restart = finished
    if init_reason is not None:
        reason = init_reason
    else:
        for cs in reversed(statuses):
            state = cs.get("state") or {}
            wait, term = state.get("waiting"), state.get("terminated")
            if wait and wait.get("reason"):
                reason = str(wait["reason"])
            elif term and term.get("reason"):
                reason = str(term["reason"])
            elif term:
                sig = term.get("signal")
                reason = f"Signal:{sig}" if sig else f"ExitCode:{term.get('exitCode', 0)}"
            elif cs.get("ready") and state.get("running") is not None:
                has_running = True
                ready += 1
        if reason == "Completed" and has_running:
            conds = status.get("conditions") or []
            is_ready = any(c.get("type") == "Ready" and c.get("status") == "True" for c in conds)
            reason = "Running" if is_ready else "NotReady"
    if dig(pod, "metadata", "deletionTimestamp"):
        reason = "Unknown" if status.get("reason") == "NodeLost" else "Terminating"
    return reason, ready, total, restarts, last_restart


def _cells(pod: Obj, now: float) -> Cells:
    reason, ready, total, restarts, last = pod_status_reason(pod)
    restarts_cell: object = restarts
    if last is not None and restarts:
        restarts_cell = f"{restarts} ({human_duration(now - last)} ago)"
    gates = dig(pod, "spec", "readinessGates", default=[]) or []
    gate_cell = "<none>"
    if gates:
        conds = {c.get("type"): c.get("status") for c in dig(pod, "status", "conditions", default=[]) or []}
        gate_cell = f"{sum(1 for g in gates if conds.get(g.get('conditionType')) == 'True')}/{len(gates)}"
    return [
        pod["metadata"]["name"],
        f"{ready}/{total}",
        reason,
        restarts_cell,
        age(pod["metadata"].get("creationTimestamp"), now),
        dig(pod, "status", "podIP", default="<none>") or "<none>",
        dig(pod, "spec", "nodeName", default="<none>") or "<none>",
        dig(pod, "status", "nominatedNodeName", default="<none>") or "<none>",
        gate_cell,
    ]


POD = TableSpec(
    cols(("Name", "Ready", "Status", "Restarts", "Age"), ("IP", "Node", "Nominated Node", "Readiness Gates")),
    _cells,
)
