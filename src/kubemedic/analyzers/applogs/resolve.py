"""Turn a host named in a log line into the Service (and pods) it means."""

from __future__ import annotations

from dataclasses import dataclass

from kubemedic.domain import ObjectRef
from kubemedic.state import ClusterState, KubeObject, LabelSelector, Pod, as_map


@dataclass(frozen=True, slots=True)
class Target:
    text: str  # how to name it to a human: `Service shop/postgres (postgres:5432)`
    service: KubeObject | None
    pods: tuple[Pod, ...]
    ready_pods: int

    @property
    def refs(self) -> tuple[ObjectRef, ...]:
        return (self.service.ref,) if self.service is not None else tuple(p.ref for p in self.pods[:1])

    def status_text(self) -> str:
        if self.service is None and not self.pods:
            return ""
        if self.service is not None and not as_map(self.service.spec.get("selector")):
            return f" {self.service.ref.display()} has no selector (manually managed endpoints)."
        if self.service is not None and not self.pods:
            return f" {self.service.ref.display()} exists but selects no pod."
        if self.ready_pods == 0:
            return f" {self.text} has no ready pod ({len(self.pods)} not ready)."
        return f" {self.text} has {self.ready_pods} ready pod(s)."


def resolve(state: ClusterState, host: str, port: str, namespace: str) -> Target:
    host = host.strip("[]").rstrip(".")
    label = f"{host}:{port}" if port else host
    service = _service_by_name(state, host, namespace) or _service_by_ip(state, host)
    if service is not None:
        selector = as_map(service.spec.get("selector"))
        pods = state.select_pods(service.namespace, LabelSelector.from_map(selector)) if selector else []
        ready = sum(1 for p in pods if p.is_ready)
        return Target(f"{service.ref.display()} ({label})", service, tuple(pods), ready)
    pod = _pod_by_ip(state, host)
    if pod is not None:
        return Target(f"{pod.ref.display()} ({label})", None, (pod,), int(pod.is_ready))
    return Target(label, None, (), 0)


def _service_by_name(state: ClusterState, host: str, namespace: str) -> KubeObject | None:
    parts = host.split(".")
    if len(parts) == 1:
        return state.get("Service", namespace, parts[0])
    if len(parts) == 2 or (len(parts) >= 3 and parts[2] == "svc"):
        return state.get("Service", parts[1], parts[0])
    return None


def _service_by_ip(state: ClusterState, host: str) -> KubeObject | None:
    if not host[:1].isdigit():
        return None
    return state.by_field("Service", ("spec", "clusterIP")).get(host)


def _pod_by_ip(state: ClusterState, host: str) -> Pod | None:
    if not host[:1].isdigit():
        return None
    found = state.by_field("Pod", ("status", "podIP")).get(host)
    return found if isinstance(found, Pod) else None
