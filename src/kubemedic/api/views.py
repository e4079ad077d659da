"""Read-only summaries of the live state for the API: cluster status, pods, events (pure functions)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from kubemedic.domain import InputError
from kubemedic.state import ClusterState, Event, LabelSelector, Pod
from kubemedic.state.selectors import Requirement


def parse_label_selector(text: str) -> LabelSelector:
    """`app=web,tier!=db,canary` - equality, inequality and existence terms."""
    equal: list[tuple[str, str]] = []
    reqs: list[Requirement] = []
    for term in (t.strip() for t in text.split(",") if t.strip()):
        if "!=" in term:
            key, value = term.split("!=", 1)
            reqs.append(Requirement(key.strip(), "NotIn", frozenset({value.strip()})))
        elif "=" in term:
            key, value = term.split("==", 1) if "==" in term else term.split("=", 1)
            equal.append((key.strip(), value.strip()))
        elif term.startswith("!"):
            reqs.append(Requirement(term[1:].strip(), "DoesNotExist", frozenset()))
        elif term.replace("-", "").replace(".", "").replace("/", "").replace("_", "").isalnum():
            reqs.append(Requirement(term, "Exists", frozenset()))
        else:
            raise InputError(f"label selector term {term!r} is not understood (use k=v, k!=v, k or !k)")
    return LabelSelector(tuple(sorted(equal)), tuple(reqs))


def pod_status_text(pod: Pod) -> str:
    """What `kubectl get pods` shows in STATUS."""
    if pod.deletion_timestamp is not None:
        return "Terminating"
    if pod.reason:
        return pod.reason
    for status in pod.container_statuses:
        if status.state.state == "waiting" and status.state.reason:
            return ("Init:" if status.init else "") + status.state.reason
        if status.state.state == "terminated" and status.state.reason and not status.init:
            return status.state.reason
    return pod.phase or "Unknown"


def pod_summary(pod: Pod) -> dict[str, Any]:
    apps = [s for s in pod.container_statuses if not s.init]
    return {
        "namespace": pod.namespace,
        "name": pod.name,
        "phase": pod.phase,
        "status": pod_status_text(pod),
        "ready": f"{sum(s.ready for s in apps)}/{len(pod.containers())}",
        "restarts": sum(s.restart_count for s in apps),
        "node": pod.node_name,
        "ip": pod.status.get("podIP", ""),
        "created": pod.metadata.get("creationTimestamp", ""),
    }


def pod_detail(state: ClusterState, pod: Pod) -> dict[str, Any]:
    return {
        **pod_summary(pod),
        "labels": dict(pod.labels),
        "owner": [o.ref.display() for o in state.owner_chain(pod)],
        "conditions": [
            {"type": c.type, "status": c.status, "reason": c.reason, "message": c.message}
            for c in pod.conditions()
        ],
        "containers": [
            {
                "name": s.name,
                "image": s.image,
                "ready": s.ready,
                "restarts": s.restart_count,
                "state": s.state.state,
                "reason": s.state.reason,
                "message": s.state.message,
                "last_exit_code": s.last_state.exit_code,
                "last_reason": s.last_state.reason,
                "init": s.init,
            }
            for s in pod.container_statuses
        ],
        "events": [event_summary(e) for e in state.events_for(pod)[-20:]],
    }


def event_summary(event: Event) -> dict[str, Any]:
    seen = event.last_seen
    inv = event.involved
    return {
        "type": event.type,
        "reason": event.reason,
        "message": event.message,
        "count": event.count,
        "last_seen": seen.isoformat() if seen else None,
        "object": {"kind": inv.kind, "namespace": inv.namespace, "name": inv.name},
        "source": event.source_component,
    }


def cluster_status(state: ClusterState) -> dict[str, Any]:
    """Nodes and pods by phase and readiness: computed once per analyzed state, then served as is."""
    return dict(state.memo("api.cluster_status", lambda: _cluster_status(state)))


def _cluster_status(state: ClusterState) -> dict[str, Any]:
    nodes = state.objects("Node")
    pods = state.pods()
    return {
        "cluster": state.cluster,
        "as_of": state.now.isoformat(),
        "nodes": {"total": len(nodes), "ready": sum(1 for n in nodes if n.condition_true("Ready"))},
        "pods": {
            "total": len(pods),
            "ready": sum(1 for p in pods if p.is_ready),
            "by_phase": dict(sorted(Counter(p.phase or "Unknown" for p in pods).items())),
        },
        "namespaces": len(state.namespaces()),
    }
