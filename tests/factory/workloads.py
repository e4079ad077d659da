"""Deployments, ReplicaSets, StatefulSets, DaemonSets, Jobs and CronJobs with their pods."""

from __future__ import annotations

from typing import Any

from tests.factory.core import Obj, condition, meta, ts
from tests.factory.pods import container, pod


def template(labels: dict[str, str], containers: list[Obj] | None = None, **spec: Any) -> Obj:
    return {"metadata": {"labels": dict(labels)}, "spec": {"containers": containers or [container()], **spec}}


def deployment(
    name: str,
    namespace: str = "default",
    *,
    replicas: int = 2,
    ready: int | None = None,
    labels: dict[str, str] | None = None,
    containers: list[Obj] | None = None,
    conditions: list[Obj] | None = None,
    age: float = 86_400,
    pod_spec: Obj | None = None,
) -> Obj:
    labels = labels or {"app": name}
    ready = replicas if ready is None else ready
    status: Obj = {
        "observedGeneration": 3,
        "replicas": replicas,
        "updatedReplicas": replicas,
        "readyReplicas": ready,
        "availableReplicas": ready,
    }
    if ready < replicas:
        status["unavailableReplicas"] = replicas - ready
    if replicas == 0:
        status = {"observedGeneration": 3}
    status["conditions"] = conditions or [
        condition(
            "Available",
            ready >= replicas,
            "MinimumReplicasAvailable" if ready >= replicas else "MinimumReplicasUnavailable",
            "Deployment has minimum availability."
            if ready >= replicas
            else "Deployment does not have minimum availability.",
        ),
        condition(
            "Progressing",
            True,
            "NewReplicaSetAvailable",
            f'ReplicaSet "{name}-7d9f8b6c5" has successfully progressed.',
        ),
    ]
    tpl = template(labels, containers, **(pod_spec or {}))
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {**meta("Deployment", name, namespace, labels=labels, age=age), "generation": 3},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": dict(labels)},
            "template": tpl,
            "strategy": {
                "type": "RollingUpdate",
                "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"},
            },
            "progressDeadlineSeconds": 600,
        },
        "status": status,
    }


def replicaset(
    deploy: Obj, *, suffix: str = "7d9f8b6c5", replicas: int | None = None, ready: int | None = None
) -> Obj:
    name = f"{deploy['metadata']['name']}-{suffix}"
    ns = deploy["metadata"]["namespace"]
    replicas = deploy["spec"]["replicas"] if replicas is None else replicas
    ready = replicas if ready is None else ready
    labels = {**deploy["spec"]["template"]["metadata"]["labels"], "pod-template-hash": suffix}
    return {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": meta("ReplicaSet", name, ns, labels=labels, owner=deploy),
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": labels},
            "template": {**deploy["spec"]["template"], "metadata": {"labels": labels}},
        },
        "status": {
            "replicas": replicas,
            "readyReplicas": ready,
            "availableReplicas": ready,
            "fullyLabeledReplicas": replicas,
        },
    }


_SUFFIXES = ("x2k9p", "b7mq4", "r8tzw", "h5ncv", "d3fgl", "p9wjs", "k4vbn", "m6qzt")


def deployment_with_pods(
    name: str,
    namespace: str = "default",
    *,
    replicas: int = 2,
    pod_kw: dict[str, Any] | None = None,
    **kw: Any,
) -> list[Obj]:
    """A Deployment, its ReplicaSet and `replicas` pods built with `pod_kw` (all healthy by default)."""
    pod_kw = dict(pod_kw or {})
    ready = kw.pop("ready", None)
    dep = deployment(name, namespace, replicas=replicas, ready=ready, **kw)
    rs = replicaset(dep, ready=ready)
    labels = rs["spec"]["template"]["metadata"]["labels"]
    pod_kw.setdefault("containers", dep["spec"]["template"]["spec"]["containers"])
    pods = [
        pod(
            f"{rs['metadata']['name']}-{_SUFFIXES[i % len(_SUFFIXES)]}",
            namespace,
            owner=rs,
            labels=labels,
            **pod_kw,
        )
        for i in range(replicas)
    ]
    return [dep, rs, *pods]


def statefulset(
    name: str,
    namespace: str = "default",
    *,
    replicas: int = 1,
    service_name: str | None = None,
    ready: int | None = None,
    volume_claim_templates: list[Obj] | None = None,
    containers: list[Obj] | None = None,
) -> Obj:
    labels = {"app": name}
    ready = replicas if ready is None else ready
    spec: Obj = {
        "replicas": replicas,
        "serviceName": service_name if service_name is not None else name,
        "selector": {"matchLabels": labels},
        "template": template(labels, containers),
    }
    if volume_claim_templates:
        spec["volumeClaimTemplates"] = volume_claim_templates
    return {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {**meta("StatefulSet", name, namespace, labels=labels), "generation": 1},
        "spec": spec,
        "status": {
            "observedGeneration": 1,
            "replicas": replicas,
            "readyReplicas": ready,
            "availableReplicas": ready,
            "currentReplicas": replicas,
            "updatedReplicas": replicas,
        },
    }


def daemonset(
    name: str,
    namespace: str = "kube-system",
    *,
    desired: int = 3,
    ready: int | None = None,
    containers: list[Obj] | None = None,
) -> Obj:
    labels = {"app": name}
    ready = desired if ready is None else ready
    return {
        "apiVersion": "apps/v1",
        "kind": "DaemonSet",
        "metadata": {**meta("DaemonSet", name, namespace, labels=labels), "generation": 1},
        "spec": {"selector": {"matchLabels": labels}, "template": template(labels, containers)},
        "status": {
            "desiredNumberScheduled": desired,
            "currentNumberScheduled": desired,
            "numberReady": ready,
            "numberAvailable": ready,
            "numberUnavailable": desired - ready,
            "updatedNumberScheduled": desired,
            "numberMisscheduled": 0,
            "observedGeneration": 1,
        },
    }


def job(
    name: str,
    namespace: str = "default",
    *,
    succeeded: int = 0,
    failed: int = 0,
    active: int = 0,
    conditions: list[Obj] | None = None,
    owner: Obj | None = None,
    backoff_limit: int = 6,
    containers: list[Obj] | None = None,
    age: float = 3600,
) -> Obj:
    labels = {"job-name": name}
    status: Obj = {}
    if succeeded:
        status["succeeded"] = succeeded
    if failed:
        status["failed"] = failed
    if active:
        status["active"] = active
    if conditions:
        status["conditions"] = conditions
    status["startTime"] = ts(age)
    tpl = template(labels, containers, restartPolicy="Never")
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": meta("Job", name, namespace, labels=labels, owner=owner, age=age),
        "spec": {
            "backoffLimit": backoff_limit,
            "completions": 1,
            "parallelism": 1,
            "template": tpl,
            "selector": {"matchLabels": labels},
        },
        "status": status,
    }


def job_complete() -> list[Obj]:
    return [condition("Complete", True, ago=600), condition("SuccessCriteriaMet", True, ago=600)]


def job_failed(
    reason: str = "BackoffLimitExceeded", message: str = "Job has reached the specified backoff limit"
) -> list[Obj]:
    return [
        condition("FailureTarget", True, reason, message, ago=600),
        condition("Failed", True, reason, message, ago=600),
    ]


def cronjob(
    name: str,
    namespace: str = "default",
    *,
    schedule: str = "*/5 * * * *",
    containers: list[Obj] | None = None,
    pod_spec: Obj | None = None,
    last_schedule_ago: float | None = 120,
    last_success_ago: float | None = 120,
    suspend: bool = False,
) -> Obj:
    tpl = template({"app": name}, containers, restartPolicy="OnFailure", **(pod_spec or {}))
    status: Obj = {}
    if last_schedule_ago is not None:
        status["lastScheduleTime"] = ts(last_schedule_ago)
    if last_success_ago is not None:
        status["lastSuccessfulTime"] = ts(last_success_ago)
    return {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": meta("CronJob", name, namespace),
        "spec": {
            "schedule": schedule,
            "suspend": suspend,
            "concurrencyPolicy": "Allow",
            "jobTemplate": {"spec": {"backoffLimit": 2, "template": tpl}},
        },
        "status": status,
    }
