"""One line on how an object is doing, read from its status fields (replicas ready, phase, conditions)."""

from __future__ import annotations

from kubemedic.state import ClusterState, KubeObject, Pod


def _int(value: object) -> int:
    return value if isinstance(value, int) else 0


def status_line(state: ClusterState, obj: KubeObject) -> str:
    st = obj.status
    spec = obj.spec
    kind = obj.kind
    if kind in ("Deployment", "StatefulSet", "ReplicaSet"):
        want = spec.get("replicas")
        wanted = want if isinstance(want, int) else 1
        return f"{_int(st.get('readyReplicas'))}/{wanted} replicas ready"
    if kind == "DaemonSet":
        return f"{_int(st.get('numberReady'))}/{_int(st.get('desiredNumberScheduled'))} pods ready"
    if isinstance(obj, Pod):
        restarts = sum(s.restart_count for s in obj.container_statuses)
        waiting = [
            s.state.reason for s in obj.container_statuses if s.state.state == "waiting" and s.state.reason
        ]
        extra = f", waiting: {', '.join(waiting)}" if waiting else ""
        ready_text = "ready" if obj.is_ready else "not ready"
        return f"phase {obj.phase or 'Unknown'}, {ready_text}, {restarts} restarts{extra}"
    if kind == "Node":
        cond = obj.condition("Ready")
        return f"Ready={cond.status if cond else 'Unknown'}" + (
            ", unschedulable" if spec.get("unschedulable") else ""
        )
    if kind == "Service":
        from kubemedic.state import LabelSelector

        selector = spec.get("selector")
        if not isinstance(selector, dict) or not selector:
            return f"type {spec.get('type') or 'ClusterIP'}, no selector"
        pods = state.select_pods(obj.namespace, LabelSelector.from_spec({"matchLabels": selector}))
        ready = sum(1 for p in pods if p.is_ready)
        return f"type {spec.get('type') or 'ClusterIP'}, {ready}/{len(pods)} selected pods ready"
    if kind == "Job":
        done, failed, active = (_int(st.get(k)) for k in ("succeeded", "failed", "active"))
        return f"{done} succeeded, {failed} failed, {active} active"
    if kind in ("PersistentVolumeClaim", "PersistentVolume", "Namespace"):
        return f"phase {st.get('phase') or 'Unknown'}"
    if kind == "HorizontalPodAutoscaler":
        return (
            f"{_int(st.get('currentReplicas'))} current, {_int(st.get('desiredReplicas'))} desired replicas"
        )
    return "exists"


def pod_restarts(pod: Pod) -> int:
    return sum(s.restart_count for s in pod.container_statuses)
