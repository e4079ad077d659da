"""Builders for manifests, so scenarios and the healthy background read like YAML."""

from __future__ import annotations

from typing import Any

Obj = dict[str, Any]


def meta(
    name: str,
    namespace: str | None = None,
    labels: dict[str, str] | None = None,
    annotations: dict[str, str] | None = None,
) -> Obj:
    m: Obj = {"name": name}
    if namespace is not None:
        m["namespace"] = namespace
    if labels:
        m["labels"] = dict(labels)
    if annotations:
        m["annotations"] = dict(annotations)
    return m


def container(
    name: str,
    image: str,
    *,
    cpu: str | None = "50m",
    memory: str | None = "64Mi",
    limit_memory: str | None = None,
    limit_cpu: str | None = None,
    ports: tuple[int, ...] = (),
    port_names: tuple[str, ...] = (),
    env: list[Obj] | None = None,
    env_from: list[Obj] | None = None,
    readiness: Obj | None = None,
    liveness: Obj | None = None,
    args: list[str] | None = None,
    mounts: list[Obj] | None = None,
) -> Obj:
    c: Obj = {"name": name, "image": image}
    requests = {k: v for k, v in (("cpu", cpu), ("memory", memory)) if v}
    limits = {k: v for k, v in (("cpu", limit_cpu), ("memory", limit_memory)) if v}
    res: Obj = {}
    if requests:
        res["requests"] = requests
    if limits:
        res["limits"] = limits
    c["resources"] = res
    if ports:
        c["ports"] = [
            {
                "containerPort": p,
                "protocol": "TCP",
                **({"name": port_names[i]} if i < len(port_names) else {}),
            }
            for i, p in enumerate(ports)
        ]
    if env:
        c["env"] = env
    if env_from:
        c["envFrom"] = env_from
    if readiness:
        c["readinessProbe"] = readiness
    if liveness:
        c["livenessProbe"] = liveness
    if args:
        c["args"] = args
    if mounts:
        c["volumeMounts"] = mounts
    return c


def http_probe(path: str, port: int | str, period: int = 10) -> Obj:
    return {
        "httpGet": {"path": path, "port": port, "scheme": "HTTP"},
        "periodSeconds": period,
        "timeoutSeconds": 1,
        "successThreshold": 1,
        "failureThreshold": 3,
    }


def pod_spec(*containers: Obj, **extra: Any) -> Obj:
    spec: Obj = {"containers": list(containers)}
    spec.update({k: v for k, v in extra.items() if v is not None})
    return spec


def deployment(
    name: str,
    namespace: str,
    spec: Obj,
    *,
    replicas: int = 1,
    labels: dict[str, str] | None = None,
    **deploy_spec: Any,
) -> Obj:
    lbl = labels or {"app": name}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": meta(name, namespace, lbl),
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": dict(lbl)},
            "template": {"metadata": {"labels": dict(lbl)}, "spec": spec},
            **deploy_spec,
        },
    }


def statefulset(
    name: str,
    namespace: str,
    spec: Obj,
    *,
    replicas: int = 1,
    service: str | None = None,
    claims: list[Obj] | None = None,
) -> Obj:
    lbl = {"app": name}
    body: Obj = {
        "replicas": replicas,
        "selector": {"matchLabels": lbl},
        "serviceName": service or name,
        "template": {"metadata": {"labels": dict(lbl)}, "spec": spec},
    }
    if claims:
        body["volumeClaimTemplates"] = claims
    return {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": meta(name, namespace, lbl),
        "spec": body,
    }


def daemonset(name: str, namespace: str, spec: Obj, labels: dict[str, str] | None = None) -> Obj:
    lbl = labels or {"app": name}
    return {
        "apiVersion": "apps/v1",
        "kind": "DaemonSet",
        "metadata": meta(name, namespace, lbl),
        "spec": {
            "selector": {"matchLabels": dict(lbl)},
            "template": {"metadata": {"labels": dict(lbl)}, "spec": spec},
        },
    }


def service(
    name: str,
    namespace: str,
    selector: dict[str, str],
    port: int,
    target: int | str | None = None,
    type_: str = "ClusterIP",
) -> Obj:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": meta(name, namespace, {"app": name}),
        "spec": {
            "type": type_,
            "selector": dict(selector),
            "ports": [{"name": "http", "port": port, "targetPort": target or port, "protocol": "TCP"}],
        },
    }


def configmap(name: str, namespace: str, data: dict[str, str]) -> Obj:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta(name, namespace), "data": dict(data)}


def secret(name: str, namespace: str, data: dict[str, str]) -> Obj:
    import base64

    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": meta(name, namespace),
        "type": "Opaque",
        "data": {k: base64.b64encode(v.encode()).decode() for k, v in data.items()},
    }


def namespace(name: str) -> Obj:
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": meta(name)}


def job(name: str, namespace: str, spec: Obj, *, backoff_limit: int = 6, deadline: int | None = None) -> Obj:
    body: Obj = {"backoffLimit": backoff_limit, "template": {"spec": {**spec, "restartPolicy": "Never"}}}
    if deadline is not None:
        body["activeDeadlineSeconds"] = deadline
    return {"apiVersion": "batch/v1", "kind": "Job", "metadata": meta(name, namespace), "spec": body}
