"""Pods, containers, container statuses and events, shaped like a real API server returns them."""

from __future__ import annotations

import hashlib
from typing import Any

from tests.factory.core import Obj, condition, meta, ts, uid_for


def container(
    name: str = "app",
    image: str = "registry.example.com/shop/app:1.4.2",
    *,
    ports: list[int] | None = None,
    port_names: dict[str, int] | None = None,
    env: list[Obj] | None = None,
    env_from: list[Obj] | None = None,
    readiness: Obj | None = None,
    liveness: Obj | None = None,
    requests: dict[str, str] | None = None,
    limits: dict[str, str] | None = None,
    volume_mounts: list[Obj] | None = None,
) -> Obj:
    c: Obj = {"name": name, "image": image, "imagePullPolicy": "IfNotPresent"}
    port_list = [{"containerPort": p, "protocol": "TCP"} for p in ports or []]
    port_list += [{"name": n, "containerPort": p, "protocol": "TCP"} for n, p in (port_names or {}).items()]
    if port_list:
        c["ports"] = port_list
    if env:
        c["env"] = env
    if env_from:
        c["envFrom"] = env_from
    if readiness:
        c["readinessProbe"] = readiness
    if liveness:
        c["livenessProbe"] = liveness
    resources: Obj = {}
    if requests:
        resources["requests"] = requests
    if limits:
        resources["limits"] = limits
    c["resources"] = resources
    if volume_mounts:
        c["volumeMounts"] = volume_mounts
    return c


def http_probe(port: int | str, path: str = "/healthz") -> Obj:
    return {
        "httpGet": {"path": path, "port": port, "scheme": "HTTP"},
        "periodSeconds": 10,
        "failureThreshold": 3,
    }


def env_from_configmap_key(var: str, name: str, key: str, optional: bool = False) -> Obj:
    ref: Obj = {"name": name, "key": key}
    if optional:
        ref["optional"] = True
    return {"name": var, "valueFrom": {"configMapKeyRef": ref}}


def env_from_secret_key(var: str, name: str, key: str) -> Obj:
    return {"name": var, "valueFrom": {"secretKeyRef": {"name": name, "key": key}}}


# ---- container states -----------------------------------------------------------------------------


def running(ago: float = 3600) -> Obj:
    return {"running": {"startedAt": ts(ago)}}


def waiting(reason: str, message: str = "") -> Obj:
    w: Obj = {"reason": reason}
    if message:
        w["message"] = message
    return {"waiting": w}


def terminated(reason: str = "Error", exit_code: int = 1, ago: float = 60, ran_for: float = 5) -> Obj:
    return {
        "terminated": {
            "exitCode": exit_code,
            "reason": reason,
            "startedAt": ts(ago + ran_for),
            "finishedAt": ts(ago),
            "containerID": "containerd://" + "ab" * 32,
        }
    }


def cstatus(
    name: str = "app",
    *,
    image: str = "registry.example.com/shop/app:1.4.2",
    ready: bool = True,
    restarts: int = 0,
    state: Obj | None = None,
    last_state: Obj | None = None,
) -> Obj:
    st = state if state is not None else running()
    status: Obj = {
        "name": name,
        "image": image,
        "imageID": "" if "waiting" in st else f"{image.split(':')[0]}@sha256:{'0' * 64}",
        "ready": ready,
        "started": "running" in st,
        "restartCount": restarts,
        "state": st,
        "lastState": last_state or {},
    }
    return status


# ---- pods -----------------------------------------------------------------------------------------


def pod(
    name: str,
    namespace: str = "default",
    *,
    containers: list[Obj] | None = None,
    init_containers: list[Obj] | None = None,
    statuses: list[Obj] | None = None,
    init_statuses: list[Obj] | None = None,
    phase: str = "Running",
    ready: bool | None = None,
    owner: Obj | None = None,
    labels: dict[str, str] | None = None,
    node: str | None = "node-1",
    age: float = 86_400,
    volumes: list[Obj] | None = None,
    service_account: str = "default",
    conditions: list[Obj] | None = None,
    reason: str = "",
    message: str = "",
    deleting: float | None = None,
    node_selector: dict[str, str] | None = None,
    spec_extra: Obj | None = None,
) -> Obj:
    """A pod. Without `statuses`, every container is Running and Ready."""
    containers = containers or [container()]
    if statuses is None and phase == "Running":
        statuses = [cstatus(c["name"], image=c["image"]) for c in containers]
    statuses = statuses or []
    all_ready = all(s.get("ready") for s in statuses) and bool(statuses)
    is_ready = all_ready if ready is None else ready
    spec: Obj = {
        "containers": containers,
        "restartPolicy": "Always",
        "serviceAccountName": service_account,
        "terminationGracePeriodSeconds": 30,
        "dnsPolicy": "ClusterFirst",
        "schedulerName": "default-scheduler",
    }
    if init_containers:
        spec["initContainers"] = init_containers
    if node:
        spec["nodeName"] = node
    if volumes:
        spec["volumes"] = volumes
    if node_selector:
        spec["nodeSelector"] = node_selector
    if spec_extra:
        spec.update(spec_extra)
    status: Obj = {"phase": phase, "qosClass": "Burstable"}
    if conditions is None:
        conditions = [
            condition("PodScheduled", node is not None, "" if node else "Unschedulable", ago=age),
        ]
        if node is not None:
            conditions += [
                condition("Initialized", True, ago=age),
                condition("ContainersReady", is_ready, "" if is_ready else "ContainersNotReady", ago=age),
                condition("Ready", is_ready, "" if is_ready else "ContainersNotReady", ago=age),
            ]
    status["conditions"] = conditions
    if node is not None:
        status["hostIP"] = "10.0.0.11"
        status["podIP"] = "10.244.1.17"
        status["startTime"] = ts(age)
    if statuses:
        status["containerStatuses"] = statuses
    if init_statuses:
        status["initContainerStatuses"] = init_statuses
    if reason:
        status["reason"] = reason
    if message:
        status["message"] = message
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": meta("Pod", name, namespace, labels=labels, owner=owner, age=age, deleting=deleting),
        "spec": spec,
        "status": status,
    }


def event(
    about: Obj,
    reason: str,
    message: str,
    *,
    type_: str = "Warning",
    count: int = 1,
    field_path: str = "",
    ago: float = 30,
    first_ago: float | None = None,
    component: str = "kubelet",
) -> Obj:
    """A core/v1 Event about `about`, as kubelet, the scheduler or a controller writes it."""
    m = about["metadata"]
    ns = m.get("namespace", "default")
    digest = hashlib.blake2b(f"{m['name']}|{reason}|{message}|{field_path}".encode(), digest_size=8)
    name = f"{m['name']}.{digest.hexdigest()}"
    involved: dict[str, Any] = {
        "kind": about["kind"],
        "namespace": m.get("namespace", ""),
        "name": m["name"],
        "uid": m["uid"],
        "apiVersion": about["apiVersion"],
        "resourceVersion": "1000",
    }
    if field_path:
        involved["fieldPath"] = field_path
    return {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {
            "name": name,
            "namespace": ns,
            "uid": uid_for("Event", ns, name),
            "resourceVersion": "2000",
            "creationTimestamp": ts(first_ago if first_ago is not None else ago),
        },
        "involvedObject": involved,
        "reason": reason,
        "message": message,
        "source": {"component": component, **({"host": "node-1"} if component == "kubelet" else {})},
        "firstTimestamp": ts(first_ago if first_ago is not None else ago),
        "lastTimestamp": ts(ago),
        "count": count,
        "type": type_,
        "reportingComponent": component,
        "reportingInstance": "node-1" if component == "kubelet" else "",
    }


def oom_crash_loop() -> dict[str, Any]:
    """`pod(...)` keywords for a pod whose one container is in CrashLoopBackOff after OOM kills."""
    return {
        "statuses": [
            cstatus(
                ready=False,
                restarts=7,
                state=waiting("CrashLoopBackOff", "back-off 5m0s restarting failed container"),
                last_state=terminated("OOMKilled", 137),
            )
        ]
    }
