"""A small ClusterState for the sample detectors' tests: Deployment shop/web (ReplicaSet web-rs) with
pods, each pod's containers with CPU/memory limits, restart counts and phase as asked."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from kubemedic.state import ClusterState

T0 = 1_800_000_000.0


def pod(
    name: str,
    *,
    namespace: str = "shop",
    owner: str | None = "web-rs",
    restarts: int = 0,
    phase: str = "Running",
    cpu_limit: str | None = "500m",
) -> dict[str, Any]:
    limits = {"memory": "256Mi"} | ({"cpu": cpu_limit} if cpu_limit else {})
    meta: dict[str, Any] = {"name": name, "namespace": namespace, "uid": f"u-{name}"}
    if owner:
        meta["ownerReferences"] = [{"kind": "ReplicaSet", "name": owner, "uid": "r1", "controller": True}]
    return {
        "kind": "Pod",
        "metadata": meta,
        "spec": {"containers": [{"name": "app", "image": "web:1", "resources": {"limits": limits}}]},
        "status": {
            "phase": phase,
            "containerStatuses": [{"name": "app", "image": "web:1", "ready": True, "restartCount": restarts}],
        },
    }


def state(*pods: dict[str, Any], extra: tuple[dict[str, Any], ...] = ()) -> ClusterState:
    raws: list[dict[str, Any]] = [
        {
            "kind": "Deployment",
            "metadata": {"name": "web", "namespace": "shop", "uid": "d1"},
            "spec": {"replicas": 3},
            "status": {"availableReplicas": 3},
        },
        {
            "kind": "ReplicaSet",
            "metadata": {
                "name": "web-rs",
                "namespace": "shop",
                "uid": "r1",
                "ownerReferences": [{"kind": "Deployment", "name": "web", "uid": "d1", "controller": True}],
            },
        },
        *extra,
        *pods,
    ]
    return ClusterState.build(raws, now=datetime.fromtimestamp(T0, UTC)).build_indexes()
