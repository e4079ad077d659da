"""Nodes, Services, networking, storage, config, policy and RBAC objects."""

from __future__ import annotations

from typing import Any

from tests.factory.core import Obj, condition, obj


def namespace(name: str) -> Obj:
    return obj("v1", "Namespace", name, None, status={"phase": "Active"})


def node(
    name: str = "node-1",
    *,
    ready: bool | str = True,
    pressure: dict[str, bool] | None = None,
    unschedulable: bool = False,
    taints: list[Obj] | None = None,
    labels: dict[str, str] | None = None,
    allocatable: dict[str, str] | None = None,
    ready_ago: float = 86_400,
    ready_reason: str = "",
    ready_message: str = "",
) -> Obj:
    pressure = pressure or {}
    conds = [
        condition(
            t, pressure.get(t, False), f"KubeletHas{'No' if not pressure.get(t) else ''}{t}", ago=ready_ago
        )
        for t in ("MemoryPressure", "DiskPressure", "PIDPressure")
    ]
    is_ready = ready if isinstance(ready, str) else ("True" if ready else "False")
    conds.append(
        condition(
            "Ready",
            is_ready,
            ready_reason or ("KubeletReady" if is_ready == "True" else "KubeletNotReady"),
            ready_message
            or ("kubelet is posting ready status" if is_ready == "True" else "container runtime is down"),
            ago=ready_ago,
        )
    )
    spec: Obj = {"podCIDR": "10.244.1.0/24"}
    if unschedulable:
        spec["unschedulable"] = True
    if taints:
        spec["taints"] = taints
    alloc = allocatable or {"cpu": "4", "memory": "16Gi", "pods": "110", "ephemeral-storage": "100Gi"}
    return obj(
        "v1",
        "Node",
        name,
        None,
        labels={"kubernetes.io/hostname": name, "kubernetes.io/os": "linux", **(labels or {})},
        spec=spec,
        status={
            "conditions": conds,
            "allocatable": alloc,
            "capacity": alloc,
            "addresses": [
                {"type": "InternalIP", "address": "10.0.0.11"},
                {"type": "Hostname", "address": name},
            ],
            "nodeInfo": {"kubeletVersion": "v1.32.4", "containerRuntimeVersion": "containerd://1.7.22"},
        },
    )


def service(
    name: str,
    namespace: str = "default",
    *,
    selector: dict[str, str] | None = None,
    ports: list[tuple[int, int | str]] | None = None,
    type_: str = "ClusterIP",
) -> Obj:
    spec: Obj = {
        "type": type_,
        "clusterIP": "10.96.12.34",
        "ports": [
            {"name": f"p{port}", "port": port, "targetPort": target, "protocol": "TCP"}
            for port, target in (ports or [(80, 8080)])
        ],
    }
    if selector is not None:
        spec["selector"] = selector
    return obj("v1", "Service", name, namespace, spec=spec, status={"loadBalancer": {}})


def endpoints(
    svc: Obj, ready_ips: list[str], not_ready_ips: list[str] | None = None, port: int = 8080
) -> Obj:
    subset: Obj = {"ports": [{"port": port, "protocol": "TCP"}]}
    if ready_ips:
        subset["addresses"] = [{"ip": ip} for ip in ready_ips]
    if not_ready_ips:
        subset["notReadyAddresses"] = [{"ip": ip} for ip in not_ready_ips]
    m = svc["metadata"]
    body = obj("v1", "Endpoints", m["name"], m["namespace"])
    body["subsets"] = [subset] if ready_ips or not_ready_ips else []
    return body


def configmap(name: str, namespace: str = "default", data: dict[str, str] | None = None, **kw: Any) -> Obj:
    return obj("v1", "ConfigMap", name, namespace, data=data or {"key": "value"}, **kw)


def secret(
    name: str, namespace: str = "default", keys: list[str] | None = None, type_: str = "Opaque"
) -> Obj:
    return obj(
        "v1", "Secret", name, namespace, type=type_, data=dict.fromkeys(keys or ["password"], "c2VjcmV0")
    )


def service_account(name: str = "default", namespace: str = "default") -> Obj:
    return obj("v1", "ServiceAccount", name, namespace)


def pvc(
    name: str,
    namespace: str = "default",
    *,
    phase: str = "Bound",
    storage_class: str | None = "standard",
    volume: str | None = None,
    age: float = 86_400,
) -> Obj:
    spec: Obj = {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "10Gi"}}}
    if storage_class is not None:
        spec["storageClassName"] = storage_class
    if phase == "Bound":
        spec["volumeName"] = volume or f"pvc-{name}"
    return obj("v1", "PersistentVolumeClaim", name, namespace, spec=spec, status={"phase": phase}, age=age)


def pv(
    name: str, *, phase: str = "Bound", claim: tuple[str, str] | None = None, storage_class: str = "standard"
) -> Obj:
    spec: Obj = {
        "capacity": {"storage": "10Gi"},
        "accessModes": ["ReadWriteOnce"],
        "storageClassName": storage_class,
        "persistentVolumeReclaimPolicy": "Delete",
    }
    if claim:
        spec["claimRef"] = {"kind": "PersistentVolumeClaim", "namespace": claim[0], "name": claim[1]}
    return obj("v1", "PersistentVolume", name, None, spec=spec, status={"phase": phase})


def storage_class(name: str = "standard", default: bool = True) -> Obj:
    annotations = {"storageclass.kubernetes.io/is-default-class": "true"} if default else None
    body = obj("storage.k8s.io/v1", "StorageClass", name, None, annotations=annotations)
    body.update(
        {
            "provisioner": "rancher.io/local-path",
            "reclaimPolicy": "Delete",
            "volumeBindingMode": "WaitForFirstConsumer",
        }
    )
    return body


def ingress_class(name: str = "nginx") -> Obj:
    return obj(
        "networking.k8s.io/v1", "IngressClass", name, None, spec={"controller": "k8s.io/ingress-nginx"}
    )


def ingress(
    name: str,
    namespace: str = "default",
    *,
    backend: tuple[str, int | str] = ("web", 80),
    ingress_class_name: str | None = "nginx",
    tls_secret: str | None = None,
    host: str = "shop.example.com",
) -> Obj:
    svc, port = backend
    port_ref: Obj = {"number": port} if isinstance(port, int) else {"name": port}
    spec: Obj = {
        "rules": [
            {
                "host": host,
                "http": {
                    "paths": [
                        {
                            "path": "/",
                            "pathType": "Prefix",
                            "backend": {"service": {"name": svc, "port": port_ref}},
                        }
                    ]
                },
            }
        ]
    }
    if ingress_class_name is not None:
        spec["ingressClassName"] = ingress_class_name
    if tls_secret:
        spec["tls"] = [{"hosts": [host], "secretName": tls_secret}]
    return obj("networking.k8s.io/v1", "Ingress", name, namespace, spec=spec, status={"loadBalancer": {}})


def hpa(
    name: str,
    namespace: str = "default",
    *,
    target: tuple[str, str] = ("Deployment", "web"),
    min_r: int = 2,
    max_r: int = 10,
    current: int = 2,
    desired: int = 2,
    conditions: list[Obj] | None = None,
) -> Obj:
    kind, tname = target
    return obj(
        "autoscaling/v2",
        "HorizontalPodAutoscaler",
        name,
        namespace,
        spec={
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": kind, "name": tname},
            "minReplicas": min_r,
            "maxReplicas": max_r,
            "metrics": [
                {
                    "type": "Resource",
                    "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}},
                }
            ],
        },
        status={"currentReplicas": current, "desiredReplicas": desired, "conditions": conditions or []},
    )


def pdb(
    name: str,
    namespace: str = "default",
    *,
    selector: dict[str, str] | None = None,
    min_available: int | str | None = None,
    max_unavailable: int | str | None = None,
    allowed: int = 1,
    current: int = 2,
    desired: int = 1,
    expected: int = 2,
) -> Obj:
    spec: Obj = {"selector": {"matchLabels": selector or {"app": name}}}
    if min_available is not None:
        spec["minAvailable"] = min_available
    if max_unavailable is not None:
        spec["maxUnavailable"] = max_unavailable
    return obj(
        "policy/v1",
        "PodDisruptionBudget",
        name,
        namespace,
        spec=spec,
        status={
            "disruptionsAllowed": allowed,
            "currentHealthy": current,
            "desiredHealthy": desired,
            "expectedPods": expected,
            "observedGeneration": 1,
        },
    )


def quota(name: str, namespace: str = "default", *, hard: dict[str, str], used: dict[str, str]) -> Obj:
    return obj(
        "v1", "ResourceQuota", name, namespace, spec={"hard": hard}, status={"hard": hard, "used": used}
    )


def network_policy(
    name: str,
    namespace: str = "default",
    *,
    pod_selector: dict[str, str] | None = None,
    ingress: list[Obj] | None = None,
    egress: list[Obj] | None = None,
    policy_types: list[str] | None = None,
) -> Obj:
    spec: Obj = {"podSelector": {"matchLabels": pod_selector} if pod_selector else {}}
    if ingress is not None:
        spec["ingress"] = ingress
    if egress is not None:
        spec["egress"] = egress
    spec["policyTypes"] = policy_types or (["Ingress"] + (["Egress"] if egress is not None else []))
    return obj("networking.k8s.io/v1", "NetworkPolicy", name, namespace, spec=spec)


def webhook_config(
    name: str,
    *,
    service: tuple[str, str],
    kind: str = "ValidatingWebhookConfiguration",
    failure_policy: str = "Fail",
) -> Obj:
    ns, svc = service
    return obj(
        "admissionregistration.k8s.io/v1",
        kind,
        name,
        None,
        webhooks=[
            {
                "name": f"{name}.example.com",
                "failurePolicy": failure_policy,
                "sideEffects": "None",
                "admissionReviewVersions": ["v1"],
                "clientConfig": {"service": {"namespace": ns, "name": svc, "path": "/validate", "port": 443}},
                "rules": [
                    {
                        "apiGroups": [""],
                        "apiVersions": ["v1"],
                        "operations": ["CREATE"],
                        "resources": ["pods"],
                    }
                ],
            }
        ],
    )


def role_binding(name: str, namespace: str, *, role: str, service_account: str) -> Obj:
    return obj(
        "rbac.authorization.k8s.io/v1",
        "RoleBinding",
        name,
        namespace,
        roleRef={"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": role},
        subjects=[{"kind": "ServiceAccount", "name": service_account, "namespace": namespace}],
    )
