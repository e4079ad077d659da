"""Test fixtures shaped exactly as a real API server returns objects.

Use `state(...)` to build a ClusterState from any mix of objects (lists are flattened) and logs.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kubemedic.state import ClusterState, LogKey
from tests.factory.core import NOW, Obj, condition, meta, obj, owner_ref, ts, uid_for
from tests.factory.pods import (
    container,
    cstatus,
    env_from_configmap_key,
    env_from_secret_key,
    event,
    http_probe,
    oom_crash_loop,
    pod,
    running,
    terminated,
    waiting,
)
from tests.factory.resources import (
    configmap,
    endpoints,
    hpa,
    ingress,
    ingress_class,
    namespace,
    network_policy,
    node,
    pdb,
    pv,
    pvc,
    quota,
    role_binding,
    secret,
    service,
    service_account,
    storage_class,
    webhook_config,
)
from tests.factory.workloads import (
    cronjob,
    daemonset,
    deployment,
    deployment_with_pods,
    job,
    job_complete,
    job_failed,
    replicaset,
    statefulset,
    template,
)  # fmt: skip


def state(
    *items: Obj | Iterable[Obj],
    logs: dict[tuple[str, str, str] | tuple[str, str, str, bool], str] | None = None,
    now: Any = NOW,
) -> ClusterState:
    """A ClusterState from objects or lists of them. Log keys: (namespace, pod, container[, previous])."""
    flat: list[Obj] = []
    for item in items:
        if isinstance(item, dict):
            flat.append(item)
        else:
            flat.extend(item)
    log_map = {LogKey(*key): text for key, text in (logs or {}).items()}
    return ClusterState.build(flat, now=now, logs=log_map)


__all__ = [
    "NOW", "Obj", "condition", "configmap", "container", "cronjob", "cstatus", "daemonset", "deployment",
    "deployment_with_pods", "endpoints", "env_from_configmap_key", "env_from_secret_key", "event", "hpa",
    "http_probe", "ingress", "ingress_class", "job", "job_complete", "job_failed", "meta", "namespace",
    "network_policy", "node", "obj", "oom_crash_loop", "owner_ref", "pdb", "pod", "pv", "pvc", "quota",
    "replicaset", "role_binding", "running", "secret", "service", "service_account", "state", "statefulset",
    "storage_class", "template", "terminated", "ts", "uid_for", "waiting", "webhook_config",
]  # fmt: skip
