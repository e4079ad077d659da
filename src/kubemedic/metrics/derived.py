"""Series computed from the cluster state at each reading, not read from a metrics API.

    restarts              per workload (kind = the pods' top owner kind: Deployment, StatefulSet, ...,
                          or Pod for a bare pod): the sum of its pods' container restartCount - a
                          counter, which drops when a pod is replaced (the restart storm detector
                          counts only its increases)
    pending_pods          per namespace (kind "Namespace") and for the cluster (kind "Cluster", name "")
    unavailable_replicas  per Deployment, StatefulSet and DaemonSet: desired minus available replicas

Every namespace with pods gets a pending_pods point (0 too: a count that drops to 0 is information),
every workload with pods a restarts point, every Deployment/StatefulSet/DaemonSet an unavailable one.
"""

from __future__ import annotations

from collections import Counter

from kubemedic.metrics.samples import PENDING_PODS, RESTARTS, UNAVAILABLE_REPLICAS, Sample, SeriesId
from kubemedic.state import ClusterState


def derived_samples(state: ClusterState, now: float) -> list[Sample]:
    """The derived series' points at `now` (epoch seconds)."""
    restarts: Counter[tuple[str, str, str]] = Counter()
    pending: Counter[str] = Counter()
    for pod in state.pods():
        owner = state.top_owner(pod)
        restarts[(owner.kind, owner.namespace, owner.name)] += sum(
            s.restart_count for s in pod.container_statuses
        )
        pending[pod.namespace] += 0
        if pod.phase == "Pending":
            pending[pod.namespace] += 1
    out = [
        Sample(SeriesId(RESTARTS, kind, ns, name), now, float(n)) for (kind, ns, name), n in restarts.items()
    ]
    out += [Sample(SeriesId(PENDING_PODS, "Namespace", "", ns), now, float(n)) for ns, n in pending.items()]
    out.append(Sample(SeriesId(PENDING_PODS, "Cluster", "", ""), now, float(sum(pending.values()))))
    for kind in ("Deployment", "StatefulSet", "DaemonSet"):
        for obj in state.objects(kind):
            missing = unavailable(kind, obj.spec, obj.status)
            out.append(Sample(SeriesId(UNAVAILABLE_REPLICAS, kind, obj.namespace, obj.name), now, missing))
    return out


def unavailable(kind: str, spec: object, status: object) -> float:
    """Desired minus available replicas of a workload (never below 0); its status fields as the
    controllers write them, missing ones read as 0 (a Deployment's spec.replicas defaults to 1)."""
    spec = spec if isinstance(spec, dict) else {}
    status = status if isinstance(status, dict) else {}
    if kind == "DaemonSet":
        desired, available = status.get("desiredNumberScheduled"), status.get("numberAvailable")
    else:
        desired = spec.get("replicas", 1)
        available = status.get("availableReplicas")
    return float(max(0, _int(desired) - _int(available)))


def _int(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0
