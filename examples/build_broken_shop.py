"""Write examples/broken-shop: a small, broken production cluster captured with kubectl.

    .venv/bin/python examples/build_broken_shop.py

The snapshot is plain data; this script is how it was written down (every object by hand, below),
so that uids, owner references, IPs and times agree across files. Self-contained on purpose: it
does not use the test factory, whose defaults may change. What is broken (see examples/README.md):

- postgres-0 (StatefulSet postgres) crash-loops: its data directory has the wrong owner. ROOT CAUSE.
- api (2 replicas) crash-loops on "dial tcp 10.96.45.10:5432: connect: connection refused" -
  10.96.45.10 is Service postgres; Job db-migrate failed (BackoffLimitExceeded) for the same reason.
- worker cannot pull ghcr.io/acme-shop/worker:3.9.9 (tag not found).
- checkout cannot start: ConfigMap checkout-config does not exist.
- report-generator is Pending: it requests 64Gi of memory, the workers have 16Gi.
- cache (redis) is OOMKilled at its 128Mi limit and restarts.
- Service payments selects no pod; ConfigMap old-feature-flags is used by nothing.
- web is healthy and reads ConfigMap web-env through envFrom (it is used).

Files: nodes.yaml (a kind: List), kube-system.yaml (multi-document YAML), shop.yaml (a kind: List),
events.json (an EventList as `kubectl get events -A -o json` prints it), logs/, snapshot.yaml.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import yaml

OUT = Path(__file__).resolve().parent / "broken-shop"
NOW = datetime(2026, 11, 24, 12, 0, 0, tzinfo=UTC)
Obj = dict[str, Any]

NODES = {"cp-1": "10.0.1.10", "worker-1": "10.0.1.11", "worker-2": "10.0.1.12"}
_rv = [4_180_000]


def at(hhmmss: str, day: int = 24) -> str:
    """A time on 2026-11-<day>, e.g. at("11:58:25")."""
    return f"2026-11-{day:02d}T{hhmmss}Z"


def ago(**kw: float) -> str:
    return (NOW - timedelta(**kw)).strftime("%Y-%m-%dT%H:%M:%SZ")


def uid(kind: str, ns: str, name: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"shop-prod/{kind}/{ns}/{name}"))


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def meta(kind: str, name: str, ns: str | None, created: str, **extra: Any) -> Obj:
    _rv[0] += 137
    m: Obj = {"name": name}
    if ns:
        m["namespace"] = ns
    m.update(uid=uid(kind, ns or "", name), resourceVersion=str(_rv[0]), creationTimestamp=created)
    m.update({k: v for k, v in extra.items() if v is not None})
    return m


def owner(obj: Obj) -> list[Obj]:
    return [
        {
            "apiVersion": obj["apiVersion"],
            "kind": obj["kind"],
            "name": obj["metadata"]["name"],
            "uid": obj["metadata"]["uid"],
            "controller": True,
            "blockOwnerDeletion": True,
        }
    ]


def cond(type_: str, status: bool, when: str, reason: str = "", message: str = "") -> Obj:
    c: Obj = {"type": type_, "status": "True" if status else "False", "lastProbeTime": None}
    c["lastTransitionTime"] = when
    if reason:
        c["reason"] = reason
    if message:
        c["message"] = message
    return c


# ---- containers and pods ---------------------------------------------------------------------------


def container(name: str, image: str, **kw: Any) -> Obj:
    c: Obj = {"name": name, "image": image, "imagePullPolicy": "IfNotPresent"}
    c.update(kw)
    c.setdefault("resources", {})
    c["terminationMessagePath"] = "/dev/termination-log"
    c["terminationMessagePolicy"] = "File"
    return c


def http_probe(path: str, port: int | str, period: int = 10, delay: int = 5) -> Obj:
    return {
        "httpGet": {"path": path, "port": port, "scheme": "HTTP"},
        "initialDelaySeconds": delay,
        "timeoutSeconds": 1,
        "periodSeconds": period,
        "successThreshold": 1,
        "failureThreshold": 3,
    }


def pod_spec(
    containers: list[Obj], *, sa: str = "default", volumes: list[Obj] | None = None, **kw: Any
) -> Obj:
    spec: Obj = {
        "containers": containers,
        "dnsPolicy": "ClusterFirst",
        "enableServiceLinks": True,
        "restartPolicy": "Always",
        "schedulerName": "default-scheduler",
        "securityContext": {},
        "serviceAccount": sa,
        "serviceAccountName": sa,
        "terminationGracePeriodSeconds": 30,
    }
    spec.update(kw)
    if volumes:
        spec["volumes"] = volumes
    return spec


def running(name: str, image: str, since: str) -> Obj:
    return {
        "containerID": f"containerd://{digest(name + image + since)}",
        "image": image,
        "imageID": f"{image.rsplit(':', 1)[0]}@sha256:{digest(image)}",
        "lastState": {},
        "name": name,
        "ready": True,
        "restartCount": 0,
        "started": True,
        "state": {"running": {"startedAt": since}},
    }


def crashing(name: str, image: str, *, restarts: int, back_off: str, last: Obj, pod_ref: str) -> Obj:
    status = running(name, image, "")
    del status["containerID"]
    status.update(
        ready=False,
        started=False,
        restartCount=restarts,
        state={
            "waiting": {
                "reason": "CrashLoopBackOff",
                "message": f"back-off {back_off} restarting failed container={name} pod={pod_ref}",
            }
        },
        lastState={"terminated": last},
    )
    return status


def terminated(reason: str, code: int, started: str, finished: str, cid: str) -> Obj:
    return {
        "containerID": f"containerd://{digest(cid)}",
        "exitCode": code,
        "finishedAt": finished,
        "reason": reason,
        "startedAt": started,
    }


def concrete(spec: Obj, node: str | None, token: str) -> Obj:
    """What the API server stores for a pod: the template plus token volume, tolerations, node."""
    spec = orjson.loads(orjson.dumps(spec))
    mount = {"name": token, "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "readOnly": True}
    for c in spec["containers"]:
        c["volumeMounts"] = [*c.get("volumeMounts", []), mount]
    spec["volumes"] = [
        *spec.get("volumes", []),
        {
            "name": token,
            "projected": {
                "defaultMode": 420,
                "sources": [
                    {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                    {
                        "configMap": {
                            "name": "kube-root-ca.crt",
                            "items": [{"key": "ca.crt", "path": "ca.crt"}],
                        }
                    },
                    {
                        "downwardAPI": {
                            "items": [
                                {
                                    "path": "namespace",
                                    "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"},
                                }
                            ]
                        }
                    },
                ],
            },
        },
    ]
    spec.setdefault("preemptionPolicy", "PreemptLowerPriority")
    spec.setdefault("priority", 0)
    spec["tolerations"] = [
        *spec.get("tolerations", []),
        {
            "key": "node.kubernetes.io/not-ready",
            "operator": "Exists",
            "effect": "NoExecute",
            "tolerationSeconds": 300,
        },
        {
            "key": "node.kubernetes.io/unreachable",
            "operator": "Exists",
            "effect": "NoExecute",
            "tolerationSeconds": 300,
        },
    ]
    if node:
        spec["nodeName"] = node
    return spec


def pod(
    name: str,
    ns: str,
    *,
    spec: Obj,
    created: str,
    node: str | None,
    ip: str | None,
    statuses: list[Obj],
    labels: dict[str, str],
    owner_obj: Obj | None = None,
    phase: str = "Running",
    generate_name: str | None = None,
    token: str = "kube-api-access-7xq2v",
    extra_conditions: list[Obj] | None = None,
) -> Obj:
    ready = bool(statuses) and all(s["ready"] for s in statuses)
    unready = [s["name"] for s in statuses if not s["ready"]]
    started = min(
        (s["state"]["running"]["startedAt"] for s in statuses if "running" in s["state"]), default=created
    )
    status: Obj = {"phase": phase}
    if node is None:
        status["conditions"] = extra_conditions or []
    else:
        finished = phase in ("Succeeded", "Failed")
        why = "PodFailed" if phase == "Failed" else "" if ready else "ContainersNotReady"
        msg = "" if ready or finished else f"containers with unready status: [{' '.join(unready)}]"
        ready_since = (
            started
            if ready
            else max(s["lastState"].get("terminated", {}).get("finishedAt", created) for s in statuses)
        )
        status["conditions"] = [
            cond("PodReadyToStartContainers", not finished, created),
            cond("Initialized", True, created),
            cond("Ready", ready, ready_since, why, msg),
            cond("ContainersReady", ready, ready_since, why, msg),
            cond("PodScheduled", True, created),
        ]
        status.update(
            containerStatuses=statuses,
            hostIP=NODES[node],
            hostIPs=[{"ip": NODES[node]}],
            podIP=ip,
            podIPs=[{"ip": ip}],
            startTime=created,
        )
    requests = [c.get("resources", {}).get("requests") for c in spec["containers"]]
    status["qosClass"] = "Burstable" if any(requests) else "BestEffort"
    m = meta(
        "Pod",
        name,
        ns,
        created,
        generateName=generate_name,
        labels=labels,
        ownerReferences=owner(owner_obj) if owner_obj else None,
    )
    if generate_name:
        m = {"generateName": generate_name, **{k: v for k, v in m.items() if k != "generateName"}}
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": m,
        "spec": concrete(spec, node, token),
        "status": status,
    }


def deployment(
    name: str,
    ns: str,
    *,
    replicas: int,
    spec: Obj,
    created: str,
    labels: dict[str, str],
    ready: int,
    rs_hash: str,
    revision: int = 1,
) -> tuple[Obj, Obj]:
    sel = {"app.kubernetes.io/name": name}
    template = {"metadata": {"creationTimestamp": None, "labels": dict(labels)}, "spec": spec}
    available = ready >= replicas - replicas // 4
    dep: Obj = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": meta(
            "Deployment",
            name,
            ns,
            created,
            annotations={"deployment.kubernetes.io/revision": str(revision)},
            generation=revision,
            labels=dict(labels),
        ),
        "spec": {
            "progressDeadlineSeconds": 600,
            "replicas": replicas,
            "revisionHistoryLimit": 10,
            "selector": {"matchLabels": sel},
            "strategy": {
                "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"},
                "type": "RollingUpdate",
            },
            "template": template,
        },
    }
    rs_name = f"{name}-{rs_hash}"
    rs_labels = {**labels, "pod-template-hash": rs_hash}
    rs: Obj = {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": meta(
            "ReplicaSet",
            rs_name,
            ns,
            created,
            annotations={
                "deployment.kubernetes.io/desired-replicas": str(replicas),
                "deployment.kubernetes.io/max-replicas": str(replicas + max(1, (replicas + 3) // 4)),
                "deployment.kubernetes.io/revision": str(revision),
            },
            generation=1,
            labels=rs_labels,
            ownerReferences=owner(dep),
        ),
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {**sel, "pod-template-hash": rs_hash}},
            "template": {"metadata": {"creationTimestamp": None, "labels": rs_labels}, "spec": spec},
        },
        "status": {
            "fullyLabeledReplicas": replicas,
            "observedGeneration": 1,
            "replicas": replicas,
            **({"availableReplicas": ready, "readyReplicas": ready} if ready else {}),
        },
    }
    progressing = (
        ("True", "NewReplicaSetAvailable", f'ReplicaSet "{rs_name}" has successfully progressed.')
        if available or created < at("11:00:00")
        else ("False", "ProgressDeadlineExceeded", f'ReplicaSet "{rs_name}" has timed out progressing.')
    )
    dep["status"] = {
        "conditions": [
            {
                "type": "Available",
                "status": "True" if available else "False",
                "lastUpdateTime": created if available else at("11:05:41"),
                "lastTransitionTime": created if available else at("11:05:41"),
                "reason": "MinimumReplicasAvailable" if available else "MinimumReplicasUnavailable",
                "message": "Deployment has minimum availability."
                if available
                else "Deployment does not have minimum availability.",
            },
            {
                "type": "Progressing",
                "status": progressing[0],
                "lastUpdateTime": created,
                "lastTransitionTime": created,
                "reason": progressing[1],
                "message": progressing[2],
            },
        ],
        "observedGeneration": revision,
        "replicas": replicas,
        "updatedReplicas": replicas,
        **({"availableReplicas": ready, "readyReplicas": ready} if ready else {}),
        **({"unavailableReplicas": replicas - ready} if ready < replicas else {}),
    }
    return dep, rs


def service(
    name: str, ns: str, ip: str, ports: list[Obj], selector: dict[str, str] | None, created: str, **kw: Any
) -> Obj:
    spec: Obj = {
        "clusterIP": ip,
        "clusterIPs": [ip],
        "internalTrafficPolicy": "Cluster",
        "ipFamilies": ["IPv4"],
        "ipFamilyPolicy": "SingleStack",
        "ports": ports,
    }
    if selector is not None:
        spec["selector"] = selector
    spec.update(sessionAffinity="None", type="ClusterIP")
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": meta("Service", name, ns, created, **kw),
        "spec": spec,
        "status": {"loadBalancer": {}},
    }


def endpoints(svc: Obj, pods: list[Obj], ports: list[Obj], changed: str) -> Obj:
    ready, not_ready = [], []
    for p in pods:
        ok = any(c["type"] == "Ready" and c["status"] == "True" for c in p["status"]["conditions"])
        addr = {
            "ip": p["status"]["podIP"],
            "nodeName": p["spec"]["nodeName"],
            "targetRef": {
                "kind": "Pod",
                "name": p["metadata"]["name"],
                "namespace": p["metadata"]["namespace"],
                "uid": p["metadata"]["uid"],
            },
        }
        (ready if ok else not_ready).append(addr)
    m = svc["metadata"]
    ep: Obj = {
        "apiVersion": "v1",
        "kind": "Endpoints",
        "metadata": meta(
            "Endpoints",
            m["name"],
            m["namespace"],
            m["creationTimestamp"],
            annotations={"endpoints.kubernetes.io/last-change-trigger-time": changed},
            labels=m.get("labels"),
        ),
    }
    if ready or not_ready:
        subset: Obj = {}
        if ready:
            subset["addresses"] = ready
        if not_ready:
            subset["notReadyAddresses"] = not_ready
        subset["ports"] = ports
        ep["subsets"] = [subset]
    return ep


def configmap(name: str, ns: str, created: str, data: dict[str, str], **kw: Any) -> Obj:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": meta("ConfigMap", name, ns, created, **kw),
        "data": data,
    }


def secret(name: str, ns: str, created: str, keys: list[str], type_: str = "Opaque", **kw: Any) -> Obj:
    """Values stripped, as `kubemedic snapshot` and careful users capture them: keys with empty values."""
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": meta("Secret", name, ns, created, **kw),
        "type": type_,
        "data": dict.fromkeys(keys, ""),
    }


def service_account(name: str, ns: str, created: str) -> Obj:
    return {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": meta("ServiceAccount", name, ns, created),
    }


def namespace(name: str, created: str) -> Obj:
    return {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": meta("Namespace", name, None, created, labels={"kubernetes.io/metadata.name": name}),
        "spec": {"finalizers": ["kubernetes"]},
        "status": {"phase": "Active"},
    }


CA = "-----BEGIN CERTIFICATE-----\nMIIDBTCCAe2gAwIBAgIIXk3n1n0pYlIwDQYJKoZIhvcNAQELBQAwFTETMBEGA1UE\nAxMKa3ViZXJuZXRlczAeFw0yNjA1MTAwOTU1MDFaFw0zNjA1MDgxMDAwMDFaMBUx\n-----END CERTIFICATE-----\n"

# ---- events ------------------------------------------------------------------------------------------

EVENTS: list[Obj] = []


def event(
    about: Obj,
    reason: str,
    message: str,
    *,
    first: str,
    last: str | None = None,
    count: int = 1,
    warning: bool = False,
    component: str = "kubelet",
    field_path: str = "",
) -> None:
    m = about["metadata"]
    ns = m.get("namespace", "default")
    host = about.get("spec", {}).get("nodeName", "") if component == "kubelet" else ""
    name = f"{m['name']}.{digest(m['name'] + reason + message)[:16]}"
    inv: Obj = {
        "kind": about["kind"],
        "namespace": ns,
        "name": m["name"],
        "uid": m["uid"],
        "apiVersion": about["apiVersion"],
        "resourceVersion": m["resourceVersion"],
    }
    if field_path:
        inv["fieldPath"] = field_path
    _rv[0] += 11
    EVENTS.append(
        {
            "apiVersion": "v1",
            "kind": "Event",
            "metadata": {
                "name": name,
                "namespace": ns,
                "uid": uid("Event", ns, name),
                "resourceVersion": str(_rv[0]),
                "creationTimestamp": first,
            },
            "involvedObject": inv,
            "reason": reason,
            "message": message,
            "source": {"component": component, **({"host": host} if host else {})},
            "firstTimestamp": first,
            "lastTimestamp": last or first,
            "count": count,
            "type": "Warning" if warning else "Normal",
            "eventTime": None,
            "reportingComponent": component,
            "reportingInstance": host,
        }
    )


# ---- the cluster ----------------------------------------------------------------------------------


def nodes() -> list[Obj]:
    out = []
    for i, (name, ip) in enumerate(NODES.items()):
        cp = name == "cp-1"
        labels = {
            "beta.kubernetes.io/arch": "amd64",
            "beta.kubernetes.io/os": "linux",
            "kubernetes.io/arch": "amd64",
            "kubernetes.io/hostname": name,
            "kubernetes.io/os": "linux",
            "node.kubernetes.io/instance-type": "n2-standard-2" if cp else "n2-standard-4",
            "topology.kubernetes.io/zone": f"europe-west1-{'bcd'[i]}",
        }
        if cp:
            labels["node-role.kubernetes.io/control-plane"] = ""
            labels["node.kubernetes.io/exclude-from-external-load-balancers"] = ""
        capacity = {
            "cpu": "2" if cp else "4",
            "ephemeral-storage": "101430960Ki",
            "hugepages-1Gi": "0",
            "hugepages-2Mi": "0",
            "memory": "8136884Ki" if cp else "16374584Ki",
            "pods": "110",
        }
        allocatable = dict(
            capacity, cpu="1930m" if cp else "3920m", memory="7010484Ki" if cp else "15223608Ki"
        )
        allocatable["ephemeral-storage"] = "93478772582"
        spec: Obj = {"podCIDR": f"10.244.{i}.0/24", "podCIDRs": [f"10.244.{i}.0/24"]}
        if cp:
            spec["taints"] = [{"effect": "NoSchedule", "key": "node-role.kubernetes.io/control-plane"}]
        beat = at(f"11:5{7 + i}:1{i}")
        conds = [
            {
                "type": t,
                "status": "False",
                "lastHeartbeatTime": beat,
                "lastTransitionTime": at("09:12:40", 10),
                "reason": r,
                "message": msg,
            }
            for t, r, msg in (
                ("MemoryPressure", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
                ("DiskPressure", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                ("PIDPressure", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
            )
        ]
        conds.append(
            {
                "type": "Ready",
                "status": "True",
                "lastHeartbeatTime": beat,
                "lastTransitionTime": at("09:13:05", 10),
                "reason": "KubeletReady",
                "message": "kubelet is posting ready status",
            }
        )
        out.append(
            {
                "apiVersion": "v1",
                "kind": "Node",
                "metadata": meta(
                    "Node",
                    name,
                    None,
                    at("09:12:31", 10),
                    annotations={
                        "node.alpha.kubernetes.io/ttl": "0",
                        "volumes.kubernetes.io/controller-managed-attach-detach": "true",
                    },
                    labels=labels,
                ),
                "spec": spec,
                "status": {
                    "addresses": [
                        {"address": ip, "type": "InternalIP"},
                        {"address": name, "type": "Hostname"},
                    ],
                    "allocatable": allocatable,
                    "capacity": capacity,
                    "conditions": conds,
                    "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
                    "nodeInfo": {
                        "architecture": "amd64",
                        "bootID": uid("boot", "", name),
                        "containerRuntimeVersion": "containerd://1.7.22",
                        "kernelVersion": "6.8.0-1015-gcp",
                        "kubeProxyVersion": "v1.32.4",
                        "kubeletVersion": "v1.32.4",
                        "machineID": digest(name)[:32],
                        "operatingSystem": "linux",
                        "osImage": "Ubuntu 24.04.1 LTS",
                        "systemUUID": uid("system", "", name),
                    },
                },
            }
        )
    return out


def kube_system() -> list[Obj]:
    ns, old = "kube-system", at("09:12:20", 10)
    objs: list[Obj] = [namespace("default", old), namespace(ns, old)]
    objs += [service_account(sa, ns, old) for sa in ("coredns", "kube-proxy", "cilium", "metrics-server")]
    objs.append(
        configmap(
            "kube-root-ca.crt",
            ns,
            old,
            {"ca.crt": CA},
            annotations={
                "kubernetes.io/description": "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters."
            },
        )
    )
    corefile = ".:53 {\n    errors\n    health {\n       lameduck 5s\n    }\n    ready\n    kubernetes cluster.local in-addr.arpa ip6.arpa {\n       pods insecure\n       fallthrough in-addr.arpa ip6.arpa\n       ttl 30\n    }\n    prometheus :9153\n    forward . /etc/resolv.conf {\n       max_concurrent 1000\n    }\n    cache 30\n    loop\n    reload\n    loadbalance\n}\n"
    objs.append(configmap("coredns", ns, old, {"Corefile": corefile}))
    objs.append(
        configmap(
            "kube-proxy",
            ns,
            old,
            {
                "config.conf": "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: iptables\nclusterCIDR: 10.244.0.0/16\n"
            },
            labels={"app": "kube-proxy"},
        )
    )
    objs.append(
        configmap(
            "cilium-config",
            ns,
            old,
            {
                "cluster-name": "shop-prod",
                "ipam": "kubernetes",
                "kube-proxy-replacement": "false",
                "tunnel-protocol": "vxlan",
            },
        )
    )

    # kubernetes Service in default
    api_svc = service(
        "kubernetes",
        "default",
        "10.96.0.1",
        [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": 6443}],
        None,
        old,
        labels={"component": "apiserver", "provider": "kubernetes"},
    )
    api_ep: Obj = {
        "apiVersion": "v1",
        "kind": "Endpoints",
        "metadata": meta(
            "Endpoints",
            "kubernetes",
            "default",
            old,
            labels={"endpointslice.kubernetes.io/skip-mirror": "true"},
        ),
        "subsets": [
            {
                "addresses": [{"ip": NODES["cp-1"]}],
                "ports": [{"name": "https", "port": 6443, "protocol": "TCP"}],
            }
        ],
    }
    objs += [api_svc, api_ep, configmap("kube-root-ca.crt", "default", old, {"ca.crt": CA})]

    # coredns
    dns_labels = {"k8s-app": "kube-dns"}
    dns_image = "registry.k8s.io/coredns/coredns:v1.11.3"
    dns_c = container(
        "coredns",
        dns_image,
        args=["-conf", "/etc/coredns/Corefile"],
        ports=[
            {"containerPort": 53, "name": "dns", "protocol": "UDP"},
            {"containerPort": 53, "name": "dns-tcp", "protocol": "TCP"},
            {"containerPort": 9153, "name": "metrics", "protocol": "TCP"},
        ],
        resources={"limits": {"memory": "170Mi"}, "requests": {"cpu": "100m", "memory": "70Mi"}},
        livenessProbe=http_probe("/health", 8080, 10, 60),
        readinessProbe=http_probe("/ready", 8181, 10, 0),
        volumeMounts=[{"mountPath": "/etc/coredns", "name": "config-volume", "readOnly": True}],
    )
    dns_spec = pod_spec(
        [dns_c],
        sa="coredns",
        dnsPolicy="Default",
        priorityClassName="system-cluster-critical",
        priority=2000000000,
        nodeSelector={"kubernetes.io/os": "linux"},
        tolerations=[
            {"key": "CriticalAddonsOnly", "operator": "Exists"},
            {"effect": "NoSchedule", "key": "node-role.kubernetes.io/control-plane"},
        ],
        volumes=[
            {
                "name": "config-volume",
                "configMap": {
                    "name": "coredns",
                    "defaultMode": 420,
                    "items": [{"key": "Corefile", "path": "Corefile"}],
                },
            }
        ],
    )
    dns_dep, dns_rs = deployment(
        "coredns",
        ns,
        replicas=2,
        spec=dns_spec,
        created=old,
        labels=dns_labels,
        ready=2,
        rs_hash="668d6bf9bc",
    )
    dns_dep["spec"]["selector"] = {"matchLabels": dns_labels}
    dns_rs["spec"]["selector"] = {"matchLabels": {**dns_labels, "pod-template-hash": "668d6bf9bc"}}
    dns_pods = [
        pod(
            f"coredns-668d6bf9bc-{s}",
            ns,
            spec=dns_spec,
            created=at("09:13:40", 10),
            node=n,
            ip=ip,
            statuses=[running("coredns", dns_image, at("09:13:44", 10))],
            labels={**dns_labels, "pod-template-hash": "668d6bf9bc"},
            owner_obj=dns_rs,
            generate_name="coredns-668d6bf9bc-",
            token=f"kube-api-access-{t}",
        )
        for s, n, ip, t in (
            ("r7zkq", "worker-1", "10.244.1.2", "fz8dq"),
            ("x4d9w", "worker-2", "10.244.2.2", "m2lkx"),
        )
    ]
    dns_ports = [
        {"name": "dns", "port": 53, "protocol": "UDP", "targetPort": 53},
        {"name": "dns-tcp", "port": 53, "protocol": "TCP", "targetPort": 53},
        {"name": "metrics", "port": 9153, "protocol": "TCP", "targetPort": 9153},
    ]
    kube_dns = service(
        "kube-dns",
        ns,
        "10.96.0.10",
        dns_ports,
        dns_labels,
        old,
        labels={
            "k8s-app": "kube-dns",
            "kubernetes.io/cluster-service": "true",
            "kubernetes.io/name": "CoreDNS",
        },
    )
    objs += [
        dns_dep,
        dns_rs,
        *dns_pods,
        kube_dns,
        endpoints(
            kube_dns,
            dns_pods,
            [{"name": p["name"], "port": p["port"], "protocol": p["protocol"]} for p in dns_ports],
            at("09:13:50", 10),
        ),
    ]

    # metrics-server
    ms_labels = {"k8s-app": "metrics-server"}
    ms_image = "registry.k8s.io/metrics-server/metrics-server:v0.7.2"
    ms_c = container(
        "metrics-server",
        ms_image,
        args=[
            "--cert-dir=/tmp",
            "--secure-port=10250",
            "--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname",
            "--kubelet-use-node-status-port",
            "--metric-resolution=15s",
        ],
        ports=[{"containerPort": 10250, "name": "https", "protocol": "TCP"}],
        resources={"requests": {"cpu": "100m", "memory": "200Mi"}},
        readinessProbe=http_probe("/readyz", "https", 10, 20),
        livenessProbe=http_probe("/livez", "https", 10, 0),
    )
    ms_c["readinessProbe"]["httpGet"]["scheme"] = ms_c["livenessProbe"]["httpGet"]["scheme"] = "HTTPS"
    ms_spec = pod_spec(
        [ms_c],
        sa="metrics-server",
        priorityClassName="system-cluster-critical",
        priority=2000000000,
        nodeSelector={"kubernetes.io/os": "linux"},
    )
    ms_dep, ms_rs = deployment(
        "metrics-server",
        ns,
        replicas=1,
        spec=ms_spec,
        created=old,
        labels=ms_labels,
        ready=1,
        rs_hash="5f9f776df5",
    )
    ms_dep["spec"]["selector"] = {"matchLabels": ms_labels}
    ms_rs["spec"]["selector"] = {"matchLabels": {**ms_labels, "pod-template-hash": "5f9f776df5"}}
    ms_pod = pod(
        "metrics-server-5f9f776df5-hq2bn",
        ns,
        spec=ms_spec,
        created=at("09:14:02", 10),
        node="worker-2",
        ip="10.244.2.3",
        statuses=[running("metrics-server", ms_image, at("09:14:09", 10))],
        labels={**ms_labels, "pod-template-hash": "5f9f776df5"},
        owner_obj=ms_rs,
        generate_name="metrics-server-5f9f776df5-",
        token="kube-api-access-9wv4c",
    )
    ms_svc = service(
        "metrics-server",
        ns,
        "10.96.151.20",
        [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": "https"}],
        ms_labels,
        old,
        labels=ms_labels,
    )
    objs += [
        ms_dep,
        ms_rs,
        ms_pod,
        ms_svc,
        endpoints(
            ms_svc, [ms_pod], [{"name": "https", "port": 10250, "protocol": "TCP"}], at("09:14:30", 10)
        ),
    ]

    # daemonsets: kube-proxy and the CNI (cilium), one pod per node, host network
    for ds_name, image, suffixes, hash_ in (
        ("kube-proxy", "registry.k8s.io/kube-proxy:v1.32.4", ("4xq2n", "8kd9w", "m2p7z"), "7d6f8c5b9"),
        ("cilium", "quay.io/cilium/cilium:v1.16.3", ("b5k7d", "t9v3c", "q6r8h"), "6c4b8d7f5"),
    ):
        labels = {"k8s-app": ds_name}
        c = container(
            ds_name,
            image,
            command=[
                "/usr/local/bin/kube-proxy",
                "--config=/var/lib/kube-proxy/config.conf",
                "--hostname-override=$(NODE_NAME)",
            ]
            if ds_name == "kube-proxy"
            else ["cilium-agent", "--config-dir=/tmp/cilium/config-map"],
            env=[
                {
                    "name": "NODE_NAME",
                    "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "spec.nodeName"}},
                }
            ],
            securityContext={"privileged": True},
            resources={"requests": {"cpu": "100m", "memory": "64Mi"}} if ds_name == "cilium" else {},
        )
        volumes = [{"name": "lib-modules", "hostPath": {"path": "/lib/modules", "type": ""}}]
        if ds_name == "kube-proxy":
            c["volumeMounts"] = [
                {"mountPath": "/var/lib/kube-proxy", "name": "kube-proxy"},
                {"mountPath": "/lib/modules", "name": "lib-modules", "readOnly": True},
            ]
            volumes.append({"name": "kube-proxy", "configMap": {"name": "kube-proxy", "defaultMode": 420}})
        else:
            c["volumeMounts"] = [
                {"mountPath": "/tmp/cilium/config-map", "name": "cilium-config-path", "readOnly": True},
                {"mountPath": "/lib/modules", "name": "lib-modules", "readOnly": True},
            ]
            volumes.append(
                {"name": "cilium-config-path", "configMap": {"name": "cilium-config", "defaultMode": 420}}
            )
        spec = pod_spec(
            [c],
            sa=ds_name,
            hostNetwork=True,
            dnsPolicy="ClusterFirstWithHostNet",
            priorityClassName="system-node-critical",
            priority=2000001000,
            nodeSelector={"kubernetes.io/os": "linux"},
            tolerations=[{"operator": "Exists"}],
            volumes=volumes,
        )
        ds: Obj = {
            "apiVersion": "apps/v1",
            "kind": "DaemonSet",
            "metadata": meta(
                "DaemonSet",
                ds_name,
                ns,
                old,
                annotations={"deprecated.daemonset.template.generation": "1"},
                generation=1,
                labels=labels,
            ),
            "spec": {
                "revisionHistoryLimit": 10,
                "selector": {"matchLabels": labels},
                "template": {"metadata": {"creationTimestamp": None, "labels": labels}, "spec": spec},
                "updateStrategy": {
                    "rollingUpdate": {"maxSurge": 0, "maxUnavailable": 1},
                    "type": "RollingUpdate",
                },
            },
            "status": {
                "currentNumberScheduled": 3,
                "desiredNumberScheduled": 3,
                "numberAvailable": 3,
                "numberMisscheduled": 0,
                "numberReady": 3,
                "observedGeneration": 1,
                "updatedNumberScheduled": 3,
            },
        }
        objs.append(ds)
        for (node, ip), s in zip(NODES.items(), suffixes, strict=True):
            objs.append(
                pod(
                    f"{ds_name}-{s}",
                    ns,
                    spec=dict(
                        spec,
                        affinity={
                            "nodeAffinity": {
                                "requiredDuringSchedulingIgnoredDuringExecution": {
                                    "nodeSelectorTerms": [
                                        {
                                            "matchFields": [
                                                {"key": "metadata.name", "operator": "In", "values": [node]}
                                            ]
                                        }
                                    ]
                                }
                            }
                        },
                    ),
                    created=at("09:13:05", 10),
                    node=node,
                    ip=ip,
                    statuses=[running(ds_name, image, at("09:13:09", 10))],
                    labels={**labels, "controller-revision-hash": hash_, "pod-template-generation": "1"},
                    owner_obj=ds,
                    generate_name=f"{ds_name}-",
                    token=f"kube-api-access-{s[::-1]}",
                )
            )
    return objs


def shop() -> tuple[list[Obj], dict[str, str]]:
    ns = "shop"
    created_ns = at("10:02:11", 12)
    logs: dict[str, str] = {}
    objs: list[Obj] = [
        namespace(ns, created_ns),
        service_account("default", ns, created_ns),
        configmap("kube-root-ca.crt", ns, created_ns, {"ca.crt": CA}),
    ]
    objs.append(secret("postgres-credentials", ns, created_ns, ["POSTGRES_PASSWORD", "POSTGRES_USER"]))
    objs.append(secret("ghcr-pull", ns, created_ns, [".dockerconfigjson"], "kubernetes.io/dockerconfigjson"))
    objs.append(
        secret(
            "shop-tls",
            ns,
            at("08:00:03", 20),
            ["tls.crt", "tls.key"],
            "kubernetes.io/tls",
            annotations={
                "cert-manager.io/certificate-name": "shop-tls",
                "cert-manager.io/issuer-name": "letsencrypt-prod",
            },
        )
    )

    # ---- postgres: the root cause -------------------------------------------------------------
    pg_labels = {"app.kubernetes.io/name": "postgres"}
    pg_image = "docker.io/library/postgres:16.4"
    pg_c = container(
        "postgres",
        pg_image,
        env=[
            {"name": "PGDATA", "value": "/var/lib/postgresql/data/pgdata"},
            {
                "name": "POSTGRES_USER",
                "valueFrom": {"secretKeyRef": {"name": "postgres-credentials", "key": "POSTGRES_USER"}},
            },
            {
                "name": "POSTGRES_PASSWORD",
                "valueFrom": {"secretKeyRef": {"name": "postgres-credentials", "key": "POSTGRES_PASSWORD"}},
            },
        ],
        ports=[{"containerPort": 5432, "name": "postgres", "protocol": "TCP"}],
        readinessProbe={
            "exec": {"command": ["pg_isready", "-U", "shop"]},
            "initialDelaySeconds": 5,
            "timeoutSeconds": 1,
            "periodSeconds": 10,
            "successThreshold": 1,
            "failureThreshold": 3,
        },
        resources={"limits": {"memory": "2Gi"}, "requests": {"cpu": "250m", "memory": "1Gi"}},
        securityContext={"runAsUser": 999, "runAsGroup": 999},
        volumeMounts=[{"mountPath": "/var/lib/postgresql/data", "name": "data"}],
    )
    pg_spec = pod_spec([pg_c])
    sts: Obj = {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": meta("StatefulSet", "postgres", ns, created_ns, generation=3, labels=pg_labels),
        "spec": {
            "persistentVolumeClaimRetentionPolicy": {"whenDeleted": "Retain", "whenScaled": "Retain"},
            "podManagementPolicy": "OrderedReady",
            "replicas": 1,
            "revisionHistoryLimit": 10,
            "selector": {"matchLabels": pg_labels},
            "serviceName": "postgres",
            "template": {"metadata": {"creationTimestamp": None, "labels": pg_labels}, "spec": pg_spec},
            "updateStrategy": {"rollingUpdate": {"partition": 0}, "type": "RollingUpdate"},
            "volumeClaimTemplates": [
                {
                    "apiVersion": "v1",
                    "kind": "PersistentVolumeClaim",
                    "metadata": {"creationTimestamp": None, "name": "data"},
                    "spec": {
                        "accessModes": ["ReadWriteOnce"],
                        "resources": {"requests": {"storage": "20Gi"}},
                        "storageClassName": "standard-rwo",
                        "volumeMode": "Filesystem",
                    },
                    "status": {"phase": "Pending"},
                }
            ],
        },
        "status": {
            "availableReplicas": 0,
            "collisionCount": 0,
            "currentReplicas": 1,
            "currentRevision": "postgres-6d5b9c7f48",
            "observedGeneration": 3,
            "replicas": 1,
            "updateRevision": "postgres-6d5b9c7f48",
            "updatedReplicas": 1,
        },
    }
    pvc: Obj = {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": meta(
            "PersistentVolumeClaim",
            "data-postgres-0",
            ns,
            created_ns,
            annotations={
                "pv.kubernetes.io/bind-completed": "yes",
                "pv.kubernetes.io/bound-by-controller": "yes",
                "volume.beta.kubernetes.io/storage-provisioner": "pd.csi.storage.gke.io",
                "volume.kubernetes.io/storage-provisioner": "pd.csi.storage.gke.io",
            },
            finalizers=["kubernetes.io/pvc-protection"],
            labels=pg_labels,
        ),
        "spec": {
            "accessModes": ["ReadWriteOnce"],
            "resources": {"requests": {"storage": "20Gi"}},
            "storageClassName": "standard-rwo",
            "volumeMode": "Filesystem",
        },
        "status": {"accessModes": ["ReadWriteOnce"], "capacity": {"storage": "20Gi"}, "phase": "Bound"},
    }
    pvc["spec"]["volumeName"] = f"pvc-{pvc['metadata']['uid']}"
    pg_pod_spec = dict(
        pg_spec,
        hostname="postgres-0",
        subdomain="postgres",
        volumes=[{"name": "data", "persistentVolumeClaim": {"claimName": "data-postgres-0"}}],
    )
    pg_uid = uid("Pod", ns, "postgres-0")
    pg_status = crashing(
        "postgres",
        pg_image,
        restarts=14,
        back_off="5m0s",
        last=terminated("Error", 1, at("11:58:24"), at("11:58:25"), "pg-14"),
        pod_ref=f"postgres-0_shop({pg_uid})",
    )
    pg_pod = pod(
        "postgres-0",
        ns,
        spec=pg_pod_spec,
        created=at("11:04:10"),
        node="worker-1",
        ip="10.244.1.31",
        statuses=[pg_status],
        labels={
            **pg_labels,
            "apps.kubernetes.io/pod-index": "0",
            "controller-revision-hash": "postgres-6d5b9c7f48",
            "statefulset.kubernetes.io/pod-name": "postgres-0",
        },
        owner_obj=sts,
        token="kube-api-access-hv6rm",
    )
    pg_svc = service(
        "postgres",
        ns,
        "10.96.45.10",
        [{"name": "postgres", "port": 5432, "protocol": "TCP", "targetPort": "postgres"}],
        pg_labels,
        created_ns,
        labels=pg_labels,
    )
    objs += [
        sts,
        pvc,
        pg_pod,
        pg_svc,
        endpoints(pg_svc, [pg_pod], [{"name": "postgres", "port": 5432, "protocol": "TCP"}], at("11:04:12")),
    ]
    fp = "spec.containers{postgres}"
    event(
        sts,
        "SuccessfulDelete",
        "delete Pod postgres-0 in StatefulSet postgres successful",
        first=at("11:04:02"),
        component="statefulset-controller",
    )
    event(
        sts,
        "SuccessfulCreate",
        "create Pod postgres-0 in StatefulSet postgres successful",
        first=at("11:04:10"),
        component="statefulset-controller",
    )
    event(
        pg_pod,
        "Pulled",
        f'Container image "{pg_image}" already present on machine',
        first=at("11:04:13"),
        last=at("11:58:23"),
        count=15,
        field_path=fp,
    )
    event(
        pg_pod,
        "Created",
        "Created container postgres",
        first=at("11:04:13"),
        last=at("11:58:23"),
        count=15,
        field_path=fp,
    )
    event(
        pg_pod,
        "Started",
        "Started container postgres",
        first=at("11:04:14"),
        last=at("11:58:24"),
        count=15,
        field_path=fp,
    )
    event(
        pg_pod,
        "BackOff",
        "Back-off restarting failed container postgres in pod postgres-0_shop(" + pg_uid + ")",
        first=at("11:04:31"),
        last=at("11:59:52"),
        count=243,
        warning=True,
        field_path=fp,
    )
    logs["postgres-0/postgres.previous.log"] = (
        "2026-11-24 11:58:25.114 UTC [1] LOG:  starting PostgreSQL 16.4 (Debian 16.4-1.pgdg120+2) on x86_64-pc-linux-gnu, compiled by gcc (Debian 12.2.0-14) 12.2.0, 64-bit\n"
        '2026-11-24 11:58:25.118 UTC [1] FATAL:  data directory "/var/lib/postgresql/data/pgdata" has wrong ownership\n'
        "2026-11-24 11:58:25.118 UTC [1] HINT:  The server must be started by the user that owns the data directory.\n"
    )

    # ---- api: crashes because postgres is down --------------------------------------------------
    api_labels = {"app.kubernetes.io/name": "api", "app.kubernetes.io/part-of": "shop"}
    api_image = "ghcr.io/acme-shop/api:2.3.1"
    api_c = container(
        "api",
        api_image,
        env=[
            {"name": "DATABASE_HOST", "value": "postgres"},
            {"name": "DATABASE_PORT", "value": "5432"},
            {
                "name": "DATABASE_USER",
                "valueFrom": {"secretKeyRef": {"name": "postgres-credentials", "key": "POSTGRES_USER"}},
            },
            {
                "name": "DATABASE_PASSWORD",
                "valueFrom": {"secretKeyRef": {"name": "postgres-credentials", "key": "POSTGRES_PASSWORD"}},
            },
        ],
        ports=[{"containerPort": 8080, "name": "http", "protocol": "TCP"}],
        readinessProbe=http_probe("/ready", "http"),
        livenessProbe=http_probe("/healthz", "http", 20, 15),
        resources={"limits": {"memory": "512Mi"}, "requests": {"cpu": "200m", "memory": "256Mi"}},
    )
    api_spec = pod_spec([api_c], imagePullSecrets=[{"name": "ghcr-pull"}])
    api_dep, api_rs = deployment(
        "api",
        ns,
        replicas=2,
        spec=api_spec,
        created=at("15:20:44", 21),
        labels=api_labels,
        ready=0,
        rs_hash="5b8d7c9f4d",
        revision=7,
    )
    api_rs_labels = {**api_labels, "pod-template-hash": "5b8d7c9f4d"}
    api_pods = []
    for suffix, node, ip, restarts, finished, token, back_off_last in (
        ("7xk2p", "worker-1", "10.244.1.40", 13, "11:58:50", "q8nfz", "11:59:41"),
        ("m4hzt", "worker-2", "10.244.2.41", 12, "11:57:31", "c2w7d", "11:59:48"),
    ):
        name = f"api-5b8d7c9f4d-{suffix}"
        pod_uid = uid("Pod", ns, name)
        h, m_, s_ = finished.split(":")
        started = f"{h}:{m_}:{int(s_) - 2:02d}"
        st = crashing(
            "api",
            api_image,
            restarts=restarts,
            back_off="5m0s",
            last=terminated("Error", 1, at(started), at(finished), name),
            pod_ref=f"{name}_shop({pod_uid})",
        )
        p = pod(
            name,
            ns,
            spec=api_spec,
            created=at("15:21:02", 21),
            node=node,
            ip=ip,
            statuses=[st],
            labels=api_rs_labels,
            owner_obj=api_rs,
            generate_name="api-5b8d7c9f4d-",
            token=f"kube-api-access-{token}",
        )
        api_pods.append(p)
        fp = "spec.containers{api}"
        event(
            p,
            "Pulled",
            f'Container image "{api_image}" already present on machine',
            first=at("11:05:20"),
            last=at(started),
            count=restarts,
            field_path=fp,
        )
        event(
            p,
            "Created",
            "Created container api",
            first=at("11:05:20"),
            last=at(started),
            count=restarts,
            field_path=fp,
        )
        event(
            p,
            "Started",
            "Started container api",
            first=at("11:05:21"),
            last=at(started),
            count=restarts,
            field_path=fp,
        )
        event(
            p,
            "Unhealthy",
            f'Readiness probe failed: Get "http://{ip}:8080/ready": dial tcp {ip}:8080: connect: connection refused',
            first=at("11:05:22"),
            last=at(finished),
            count=restarts,
            warning=True,
            field_path=fp,
        )
        event(
            p,
            "BackOff",
            f"Back-off restarting failed container api in pod {name}_shop({pod_uid})",
            first=at("11:05:37"),
            last=at(back_off_last),
            count=198 - restarts,
            warning=True,
            field_path=fp,
        )
        logs[f"{name}/api.previous.log"] = (
            f'{{"level":"info","ts":"2026-11-24T{started}.004Z","msg":"starting api","version":"2.3.1","commit":"9f1c2ab"}}\n'
            f'{{"level":"info","ts":"2026-11-24T{started}.010Z","msg":"connecting to database","host":"postgres","port":5432}}\n'
            f'{{"level":"error","ts":"2026-11-24T{finished}.013Z","msg":"database ping failed","attempt":3,"error":"dial tcp 10.96.45.10:5432: connect: connection refused"}}\n'
            f"2026-11-24T{finished}.015Z FATAL could not connect to database postgres:5432: dial tcp 10.96.45.10:5432: connect: connection refused\n"
        )
    api_svc = service(
        "api",
        ns,
        "10.96.112.40",
        [{"name": "http", "port": 80, "protocol": "TCP", "targetPort": "http"}],
        {"app.kubernetes.io/name": "api"},
        created_ns,
        labels=api_labels,
    )
    objs += [
        api_dep,
        api_rs,
        *api_pods,
        api_svc,
        endpoints(api_svc, api_pods, [{"name": "http", "port": 8080, "protocol": "TCP"}], at("11:05:23")),
    ]

    # ---- web: healthy; config via envFrom -----------------------------------------------------------
    web_labels = {"app.kubernetes.io/name": "web", "app.kubernetes.io/part-of": "shop"}
    web_image = "ghcr.io/acme-shop/web:5.0.2"
    web_c = container(
        "web",
        web_image,
        envFrom=[{"configMapRef": {"name": "web-env"}}],
        ports=[{"containerPort": 8080, "name": "http", "protocol": "TCP"}],
        readinessProbe=http_probe("/", "http"),
        resources={"limits": {"memory": "256Mi"}, "requests": {"cpu": "100m", "memory": "128Mi"}},
    )
    web_spec = pod_spec([web_c], imagePullSecrets=[{"name": "ghcr-pull"}])
    web_dep, web_rs = deployment(
        "web",
        ns,
        replicas=2,
        spec=web_spec,
        created=at("09:41:10", 18),
        labels=web_labels,
        ready=2,
        rs_hash="6c9f7d8b5c",
        revision=4,
    )
    web_pods = [
        pod(
            f"web-6c9f7d8b5c-{s}",
            ns,
            spec=web_spec,
            created=at("09:41:12", 18),
            node=n,
            ip=ip,
            statuses=[running("web", web_image, at("09:41:19", 18))],
            labels={**web_labels, "pod-template-hash": "6c9f7d8b5c"},
            owner_obj=web_rs,
            generate_name="web-6c9f7d8b5c-",
            token=f"kube-api-access-{t}",
        )
        for s, n, ip, t in (
            ("2q7vn", "worker-1", "10.244.1.50", "l5jxk"),
            ("8wzrd", "worker-2", "10.244.2.51", "p9tgh"),
        )
    ]
    web_svc = service(
        "web",
        ns,
        "10.96.80.12",
        [{"name": "http", "port": 80, "protocol": "TCP", "targetPort": "http"}],
        {"app.kubernetes.io/name": "web"},
        created_ns,
        labels=web_labels,
    )
    ing_class: Obj = {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "IngressClass",
        "metadata": meta(
            "IngressClass",
            "nginx",
            None,
            at("09:20:00", 10),
            annotations={"ingressclass.kubernetes.io/is-default-class": "true"},
            labels={"app.kubernetes.io/name": "ingress-nginx"},
        ),
        "spec": {"controller": "k8s.io/ingress-nginx"},
    }
    ingress: Obj = {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": meta(
            "Ingress",
            "shop",
            ns,
            created_ns,
            annotations={"cert-manager.io/cluster-issuer": "letsencrypt-prod"},
            generation=2,
        ),
        "spec": {
            "ingressClassName": "nginx",
            "rules": [
                {
                    "host": "shop.example.com",
                    "http": {
                        "paths": [
                            {
                                "backend": {"service": {"name": "api", "port": {"number": 80}}},
                                "path": "/api",
                                "pathType": "Prefix",
                            },
                            {
                                "backend": {"service": {"name": "web", "port": {"number": 80}}},
                                "path": "/",
                                "pathType": "Prefix",
                            },
                        ]
                    },
                }
            ],
            "tls": [{"hosts": ["shop.example.com"], "secretName": "shop-tls"}],
        },
        "status": {"loadBalancer": {"ingress": [{"ip": "34.76.118.42"}]}},
    }
    web_env = configmap(
        "web-env",
        ns,
        at("09:41:05", 18),
        {
            "API_URL": "http://api.shop.svc.cluster.local",
            "PUBLIC_URL": "https://shop.example.com",
            "CHECKOUT_ENABLED": "true",
        },
    )
    objs += [
        web_dep,
        web_rs,
        *web_pods,
        web_svc,
        endpoints(web_svc, web_pods, [{"name": "http", "port": 8080, "protocol": "TCP"}], at("09:41:25", 18)),
        web_env,
        ing_class,
        ingress,
    ]

    # ---- worker: image tag not found ------------------------------------------------------------
    w_labels = {"app.kubernetes.io/name": "worker", "app.kubernetes.io/part-of": "shop"}
    w_image = "ghcr.io/acme-shop/worker:3.9.9"
    w_c = container(
        "worker",
        w_image,
        args=["--queue=orders", "--concurrency=4"],
        env=[{"name": "DATABASE_HOST", "value": "postgres"}],
        resources={"limits": {"memory": "512Mi"}, "requests": {"cpu": "250m", "memory": "256Mi"}},
    )
    w_spec = pod_spec([w_c], imagePullSecrets=[{"name": "ghcr-pull"}])
    w_dep, w_rs = deployment(
        "worker",
        ns,
        replicas=1,
        spec=w_spec,
        created=at("11:40:05"),
        labels=w_labels,
        ready=0,
        rs_hash="74c6b9d8f7",
    )
    w_status = running("worker", w_image, "")
    for key in ("containerID",):
        del w_status[key]
    w_status.update(
        imageID="",
        ready=False,
        started=False,
        state={"waiting": {"reason": "ImagePullBackOff", "message": f'Back-off pulling image "{w_image}"'}},
    )
    w_pod = pod(
        "worker-74c6b9d8f7-9sd2k",
        ns,
        spec=w_spec,
        created=at("11:40:05"),
        node="worker-2",
        ip="10.244.2.60",
        statuses=[w_status],
        labels={**w_labels, "pod-template-hash": "74c6b9d8f7"},
        owner_obj=w_rs,
        phase="Pending",
        generate_name="worker-74c6b9d8f7-",
        token="kube-api-access-r4b8n",
    )
    objs += [w_dep, w_rs, w_pod]
    fp = "spec.containers{worker}"
    event(
        w_dep,
        "ScalingReplicaSet",
        "Scaled up replica set worker-74c6b9d8f7 to 1",
        first=at("11:40:05"),
        component="deployment-controller",
    )
    event(
        w_rs,
        "SuccessfulCreate",
        "Created pod: worker-74c6b9d8f7-9sd2k",
        first=at("11:40:05"),
        component="replicaset-controller",
    )
    event(
        w_pod,
        "Scheduled",
        "Successfully assigned shop/worker-74c6b9d8f7-9sd2k to worker-2",
        first=at("11:40:05"),
        component="default-scheduler",
    )
    event(
        w_pod,
        "Pulling",
        f'Pulling image "{w_image}"',
        first=at("11:40:07"),
        last=at("11:58:12"),
        count=7,
        field_path=fp,
    )
    event(
        w_pod,
        "Failed",
        f'Failed to pull image "{w_image}": rpc error: code = NotFound desc = failed to pull and unpack image "{w_image}": failed to resolve reference "{w_image}": {w_image}: not found',
        first=at("11:40:08"),
        last=at("11:58:13"),
        count=7,
        warning=True,
        field_path=fp,
    )
    event(
        w_pod,
        "Failed",
        "Error: ErrImagePull",
        first=at("11:40:08"),
        last=at("11:58:13"),
        count=7,
        warning=True,
        field_path=fp,
    )
    event(
        w_pod,
        "BackOff",
        f'Back-off pulling image "{w_image}"',
        first=at("11:40:09"),
        last=at("11:59:55"),
        count=83,
        field_path=fp,
    )
    event(
        w_pod,
        "Failed",
        "Error: ImagePullBackOff",
        first=at("11:40:09"),
        last=at("11:59:55"),
        count=83,
        warning=True,
        field_path=fp,
    )

    # ---- checkout: its ConfigMap does not exist ---------------------------------------------------------
    co_labels = {"app.kubernetes.io/name": "checkout", "app.kubernetes.io/part-of": "shop"}
    co_image = "ghcr.io/acme-shop/checkout:1.8.0"
    co_c = container(
        "checkout",
        co_image,
        env=[
            {
                "name": "PAYMENT_URL",
                "valueFrom": {"configMapKeyRef": {"name": "checkout-config", "key": "payment_url"}},
            },
            {"name": "DATABASE_HOST", "value": "postgres"},
        ],
        ports=[{"containerPort": 8080, "name": "http", "protocol": "TCP"}],
        readinessProbe=http_probe("/ready", "http"),
        resources={"limits": {"memory": "256Mi"}, "requests": {"cpu": "100m", "memory": "128Mi"}},
    )
    co_spec = pod_spec([co_c], imagePullSecrets=[{"name": "ghcr-pull"}])
    co_dep, co_rs = deployment(
        "checkout",
        ns,
        replicas=1,
        spec=co_spec,
        created=at("11:45:30"),
        labels=co_labels,
        ready=0,
        rs_hash="58f4d6c9b7",
    )
    co_status = running("checkout", co_image, "")
    del co_status["containerID"]
    co_status.update(
        ready=False,
        started=False,
        state={
            "waiting": {
                "reason": "CreateContainerConfigError",
                "message": 'configmap "checkout-config" not found',
            }
        },
    )
    co_pod = pod(
        "checkout-58f4d6c9b7-tx6wp",
        ns,
        spec=co_spec,
        created=at("11:45:30"),
        node="worker-1",
        ip="10.244.1.61",
        statuses=[co_status],
        labels={**co_labels, "pod-template-hash": "58f4d6c9b7"},
        owner_obj=co_rs,
        phase="Pending",
        generate_name="checkout-58f4d6c9b7-",
        token="kube-api-access-n7c5s",
    )
    objs += [co_dep, co_rs, co_pod]
    fp = "spec.containers{checkout}"
    event(
        co_dep,
        "ScalingReplicaSet",
        "Scaled up replica set checkout-58f4d6c9b7 to 1",
        first=at("11:45:30"),
        component="deployment-controller",
    )
    event(
        co_rs,
        "SuccessfulCreate",
        "Created pod: checkout-58f4d6c9b7-tx6wp",
        first=at("11:45:30"),
        component="replicaset-controller",
    )
    event(
        co_pod,
        "Scheduled",
        "Successfully assigned shop/checkout-58f4d6c9b7-tx6wp to worker-1",
        first=at("11:45:30"),
        component="default-scheduler",
    )
    event(
        co_pod,
        "Pulled",
        f'Container image "{co_image}" already present on machine',
        first=at("11:45:32"),
        last=at("11:59:48"),
        count=68,
        field_path=fp,
    )
    event(
        co_pod,
        "Failed",
        'Error: configmap "checkout-config" not found',
        first=at("11:45:32"),
        last=at("11:59:48"),
        count=68,
        warning=True,
        field_path=fp,
    )

    # ---- report-generator: asks for more memory than any node has -----------------------------------
    rg_c = container(
        "report",
        "ghcr.io/acme-shop/reports:0.9.1",
        args=["--month=2026-10"],
        resources={"limits": {"memory": "64Gi"}, "requests": {"cpu": "2", "memory": "64Gi"}},
    )
    rg_spec = pod_spec([rg_c], restartPolicy="Never")
    msg = "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient memory. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod."
    rg_pod = pod(
        "report-generator",
        ns,
        spec=rg_spec,
        created=at("11:50:00"),
        node=None,
        ip=None,
        statuses=[],
        labels={"app.kubernetes.io/name": "report-generator", "run": "report-generator"},
        phase="Pending",
        token="kube-api-access-g2w9m",
        extra_conditions=[cond("PodScheduled", False, at("11:50:00"), "Unschedulable", msg)],
    )
    objs.append(rg_pod)
    event(
        rg_pod,
        "FailedScheduling",
        msg,
        first=at("11:50:00"),
        last=at("11:55:02"),
        count=4,
        warning=True,
        component="default-scheduler",
    )

    # ---- cache: redis OOMKilled at 128Mi ----------------------------------------------------------------
    c_labels = {"app.kubernetes.io/name": "cache", "app.kubernetes.io/part-of": "shop"}
    c_image = "docker.io/library/redis:7.4.1"
    c_c = container(
        "redis",
        c_image,
        args=["--save", "60", "1", "--appendonly", "no"],
        ports=[{"containerPort": 6379, "name": "redis", "protocol": "TCP"}],
        resources={"limits": {"memory": "128Mi"}, "requests": {"cpu": "50m", "memory": "64Mi"}},
        volumeMounts=[{"mountPath": "/data", "name": "data"}],
    )
    c_spec = pod_spec([c_c], volumes=[{"name": "data", "emptyDir": {}}])
    c_dep, c_rs = deployment(
        "cache",
        ns,
        replicas=1,
        spec=c_spec,
        created=at("13:02:51", 21),
        labels=c_labels,
        ready=0,
        rs_hash="7f8b9c6d54",
        revision=2,
    )
    c_pod_name = "cache-7f8b9c6d54-wq5xj"
    c_uid = uid("Pod", ns, c_pod_name)
    c_status = crashing(
        "redis",
        c_image,
        restarts=5,
        back_off="2m40s",
        last=terminated("OOMKilled", 137, at("11:55:01"), at("11:59:10"), "redis-5"),
        pod_ref=f"{c_pod_name}_shop({c_uid})",
    )
    c_pod = pod(
        c_pod_name,
        ns,
        spec=c_spec,
        created=at("13:03:02", 21),
        node="worker-2",
        ip="10.244.2.70",
        statuses=[c_status],
        labels={**c_labels, "pod-template-hash": "7f8b9c6d54"},
        owner_obj=c_rs,
        generate_name="cache-7f8b9c6d54-",
        token="kube-api-access-x6h2t",
    )
    c_svc = service(
        "cache",
        ns,
        "10.96.33.101",
        [{"name": "redis", "port": 6379, "protocol": "TCP", "targetPort": "redis"}],
        {"app.kubernetes.io/name": "cache"},
        at("13:02:51", 21),
        labels=c_labels,
    )
    objs += [
        c_dep,
        c_rs,
        c_pod,
        c_svc,
        endpoints(c_svc, [c_pod], [{"name": "redis", "port": 6379, "protocol": "TCP"}], at("11:31:40")),
    ]
    fp = "spec.containers{redis}"
    event(
        c_pod,
        "Pulled",
        f'Container image "{c_image}" already present on machine',
        first=at("11:31:40"),
        last=at("11:55:00"),
        count=5,
        field_path=fp,
    )
    event(
        c_pod,
        "Created",
        "Created container redis",
        first=at("11:31:40"),
        last=at("11:55:00"),
        count=5,
        field_path=fp,
    )
    event(
        c_pod,
        "Started",
        "Started container redis",
        first=at("11:31:41"),
        last=at("11:55:01"),
        count=5,
        field_path=fp,
    )
    event(
        c_pod,
        "BackOff",
        f"Back-off restarting failed container redis in pod {c_pod_name}_shop({c_uid})",
        first=at("11:36:02"),
        last=at("11:59:50"),
        count=22,
        warning=True,
        field_path=fp,
    )
    logs[f"{c_pod_name}/redis.previous.log"] = (
        "1:C 24 Nov 2026 11:55:01.003 * oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo\n"
        "1:C 24 Nov 2026 11:55:01.003 * Redis version=7.4.1, bits=64, commit=00000000, modified=0, pid=1, just started\n"
        "1:M 24 Nov 2026 11:55:01.004 * Server initialized\n"
        "1:M 24 Nov 2026 11:55:01.004 * Loading RDB produced by version 7.4.1\n"
        "1:M 24 Nov 2026 11:55:04.871 * Done loading RDB, keys loaded: 1184211, keys expired: 0.\n"
        "1:M 24 Nov 2026 11:55:04.871 * DB loaded from disk: 3.867 seconds\n"
        "1:M 24 Nov 2026 11:55:04.871 * Ready to accept connections tcp\n"
    )

    # ---- payments: a Service whose selector matches no pod (the Deployment is called payments-api) ---
    pay_svc = service(
        "payments",
        ns,
        "10.96.201.7",
        [{"name": "http", "port": 80, "protocol": "TCP", "targetPort": 8080}],
        {"app.kubernetes.io/name": "payments"},
        at("16:12:09", 19),
        labels={"app.kubernetes.io/name": "payments"},
    )
    objs += [pay_svc, endpoints(pay_svc, [], [], at("16:12:09", 19))]

    # ---- db-migrate: a Job over its backoff limit (postgres is down) ----------------------------------
    job_uid = uid("Job", ns, "db-migrate")
    job_labels = {
        "batch.kubernetes.io/controller-uid": job_uid,
        "batch.kubernetes.io/job-name": "db-migrate",
        "controller-uid": job_uid,
        "job-name": "db-migrate",
    }
    mig_image = "ghcr.io/acme-shop/migrate:2.3.1"
    mig_c = container(
        "migrate",
        mig_image,
        args=["up"],
        env=[
            {"name": "DATABASE_HOST", "value": "postgres"},
            {
                "name": "DATABASE_PASSWORD",
                "valueFrom": {"secretKeyRef": {"name": "postgres-credentials", "key": "POSTGRES_PASSWORD"}},
            },
        ],
        resources={"requests": {"cpu": "100m", "memory": "128Mi"}},
    )
    mig_spec = pod_spec([mig_c], restartPolicy="Never", imagePullSecrets=[{"name": "ghcr-pull"}])
    job: Obj = {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": meta(
            "Job",
            "db-migrate",
            ns,
            at("11:05:00"),
            generation=1,
            labels={"app.kubernetes.io/name": "db-migrate", "app.kubernetes.io/part-of": "shop"},
        ),
        "spec": {
            "backoffLimit": 2,
            "completionMode": "NonIndexed",
            "completions": 1,
            "manualSelector": False,
            "parallelism": 1,
            "podReplacementPolicy": "TerminatingOrFailed",
            "selector": {"matchLabels": {"batch.kubernetes.io/controller-uid": job_uid}},
            "suspend": False,
            "template": {"metadata": {"creationTimestamp": None, "labels": job_labels}, "spec": mig_spec},
        },
        "status": {
            "conditions": [
                cond(
                    "FailureTarget",
                    True,
                    at("11:06:21"),
                    "BackoffLimitExceeded",
                    "Job has reached the specified backoff limit",
                ),
                cond(
                    "Failed",
                    True,
                    at("11:06:21"),
                    "BackoffLimitExceeded",
                    "Job has reached the specified backoff limit",
                ),
            ],
            "failed": 3,
            "ready": 0,
            "startTime": at("11:05:00"),
            "terminating": 0,
            "uncountedTerminatedPods": {},
        },
    }
    objs.append(job)
    for suffix, node, ip, start, end in (
        ("x7k2p", "worker-1", "10.244.1.80", "11:05:02", "11:05:05"),
        ("q9d4m", "worker-2", "10.244.2.81", "11:05:17", "11:05:20"),
        ("v2n8s", "worker-1", "10.244.1.82", "11:05:58", "11:06:01"),
    ):
        name = f"db-migrate-{suffix}"
        st = running("migrate", mig_image, "")
        st.update(
            ready=False, started=False, state={"terminated": terminated("Error", 1, at(start), at(end), name)}
        )
        del st["containerID"]
        st["state"]["terminated"]["containerID"] = f"containerd://{digest(name)}"
        p = pod(
            name,
            ns,
            spec=mig_spec,
            created=at(start[:-2] + f"{int(start[-2:]) - 2:02d}"),
            node=node,
            ip=ip,
            statuses=[st],
            labels=job_labels,
            owner_obj=job,
            phase="Failed",
            generate_name="db-migrate-",
            token=f"kube-api-access-{suffix[::-1]}",
        )
        for c in p["status"]["conditions"]:
            if c["type"] in ("Ready", "ContainersReady"):
                c["lastTransitionTime"] = at(end)
        p["metadata"]["labels"] = {**job_labels}
        objs.append(p)
        event(
            job,
            "SuccessfulCreate",
            f"Created pod: {name}",
            first=p["metadata"]["creationTimestamp"],
            component="job-controller",
        )
        logs[f"{name}/migrate.log"] = (
            f"{at(start)} INFO  migrate 2.3.1: 3 pending migrations (0041_orders_status, 0042_order_index, 0043_payments)\n"
            f"{at(end)} ERROR failed to connect to postgres:5432: dial tcp 10.96.45.10:5432: connect: connection refused\n"
            f"{at(end)} FATAL migrations not applied\n"
        )
    event(
        job,
        "BackoffLimitExceeded",
        "Job has reached the specified backoff limit",
        first=at("11:06:21"),
        warning=True,
        component="job-controller",
    )

    # ---- config nobody uses, and config that web uses only through envFrom ------------------------------
    objs.append(
        configmap(
            "old-feature-flags",
            ns,
            at("14:22:37", 15),
            {"new_checkout": "false", "holiday_banner": "true"},
            labels={"app.kubernetes.io/part-of": "shop"},
        )
    )
    return objs, logs


def write() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.rglob("*"):
        if old.is_file() and old.name != "snapshot.yaml":
            old.unlink()
    for empty in sorted((d for d in OUT.rglob("*") if d.is_dir()), reverse=True):
        if not any(empty.iterdir()):
            empty.rmdir()
    node_list = {"apiVersion": "v1", "items": nodes(), "kind": "List", "metadata": {"resourceVersion": ""}}
    system = kube_system()
    shop_objs, logs = shop()
    (OUT / "nodes.yaml").write_text(
        "# kubectl get nodes -o yaml\n" + yaml.safe_dump(node_list, sort_keys=False, width=200)
    )
    (OUT / "kube-system.yaml").write_text(
        "# kubectl get all,cm,sa,endpoints -n kube-system -o yaml (split into documents), and the kubernetes Service\n"
        + yaml.safe_dump_all(system, sort_keys=False, width=200, explicit_start=True)
    )
    shop_list = {"apiVersion": "v1", "items": shop_objs, "kind": "List", "metadata": {"resourceVersion": ""}}
    (OUT / "shop.yaml").write_text(
        "# kubectl get all,cm,secret,sa,pvc,ingress,endpoints -n shop -o yaml  (Secret values removed)\n"
        + yaml.safe_dump(shop_list, sort_keys=False, width=200)
    )
    events = sorted(EVENTS, key=lambda e: (e["lastTimestamp"], e["metadata"]["name"]))
    event_list = {"apiVersion": "v1", "items": events, "kind": "List", "metadata": {"resourceVersion": ""}}
    (OUT / "events.json").write_bytes(orjson.dumps(event_list, option=orjson.OPT_INDENT_2) + b"\n")
    for rel, text in logs.items():
        path = OUT / "logs" / "shop" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    (OUT / "snapshot.yaml").write_text(
        "# Captured with: kubectl get ... -o yaml/json > *.yaml, events.json; kubectl logs [--previous] > logs/<ns>/<pod>/<container>[.previous].log\n"
        'capturedAt: "2026-11-24T12:00:00Z"\n'
        "cluster: shop-prod\n"
    )


if __name__ == "__main__":
    write()
