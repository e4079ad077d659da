"""Generate a synthetic snapshot: N pods with owners, services, events and logs, a few percent broken.

    python bench/gen_snapshot.py OUT --pods 10000 --events 50000 [--broken 0.03] [--seed 7]

Writes what `kubectl get <kind> -A -o json` prints (one List per kind), logs of the troubled pods
under logs/, and snapshot.yaml. Deterministic for a seed; fast (orjson).
"""

from __future__ import annotations

import argparse
import random
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson

CAPTURED = datetime(2026, 11, 24, 12, 0, 0, tzinfo=UTC)
PODS_PER_DEPLOYMENT = 10
PODS_PER_NODE = 50
NAMESPACES = 40
Obj = dict[str, Any]
BROKEN_KINDS = ("crash", "oom", "pull", "pending", "config", "probe")


@dataclass(frozen=True)
class GenStats:
    pods: int
    events: int
    broken_pods: int
    files: int


def ts(seconds_ago: float) -> str:
    return (CAPTURED - timedelta(seconds=seconds_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")


class Gen:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.kinds: dict[str, list[Obj]] = {}
        self.logs: dict[str, str] = {}
        self.broken: list[tuple[str, Obj]] = []

    def uid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def add(self, kind: str, obj: Obj) -> Obj:
        self.kinds.setdefault(kind, []).append(obj)
        return obj

    def meta(self, name: str, ns: str | None, age: float, **extra: Any) -> Obj:
        m: Obj = {
            "name": name,
            "uid": self.uid(),
            "resourceVersion": str(self.rng.randint(1000, 9_999_999)),
            "creationTimestamp": ts(age),
        }
        if ns:
            m["namespace"] = ns
        m.update(extra)
        return m


def _owner(obj: Obj) -> Obj:
    return {
        "apiVersion": obj["apiVersion"],
        "kind": obj["kind"],
        "name": obj["metadata"]["name"],
        "uid": obj["metadata"]["uid"],
        "controller": True,
        "blockOwnerDeletion": True,
    }


def _cond(type_: str, status: bool, age: float, reason: str = "", message: str = "") -> Obj:
    c: Obj = {"type": type_, "status": "True" if status else "False", "lastTransitionTime": ts(age)}
    if reason:
        c["reason"] = reason
    if message:
        c["message"] = message
    return c


def _container(app: str, cm: str, secret: str) -> Obj:
    return {
        "name": "app",
        "image": f"registry.example.com/{app}:1.{len(app) % 9}.0",
        "ports": [{"containerPort": 8080, "protocol": "TCP", "name": "http"}],
        "env": [
            {"name": "LOG_LEVEL", "valueFrom": {"configMapKeyRef": {"name": cm, "key": "log_level"}}},
            {"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": secret, "key": "password"}}},
        ],
        "envFrom": [{"configMapRef": {"name": cm}}],
        "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"memory": "256Mi"}},
        "readinessProbe": {"httpGet": {"path": "/ready", "port": 8080}, "periodSeconds": 10},
        "livenessProbe": {"httpGet": {"path": "/healthz", "port": 8080}, "periodSeconds": 10},
        "volumeMounts": [{"name": "config", "mountPath": "/etc/app"}],
    }


def _event(
    g: Gen,
    about: Obj,
    reason: str,
    message: str,
    *,
    warning: bool,
    count: int = 1,
    ago: float = 60,
    field_path: str = "",
    component: str = "kubelet",
) -> Obj:
    m = about["metadata"]
    inv: Obj = {
        "kind": about["kind"],
        "namespace": m.get("namespace", ""),
        "name": m["name"],
        "uid": m["uid"],
        "apiVersion": about["apiVersion"],
    }
    if field_path:
        inv["fieldPath"] = field_path
    name = f"{m['name']}.{g.rng.getrandbits(64):016x}"
    return {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": g.meta(name, m.get("namespace", "default"), ago + 600),
        "involvedObject": inv,
        "reason": reason,
        "message": message,
        "source": {"component": component},
        "firstTimestamp": ts(ago + 600),
        "lastTimestamp": ts(ago),
        "count": count,
        "type": "Warning" if warning else "Normal",
        "reportingComponent": component,
        "reportingInstance": "",
    }


def _pod(
    g: Gen, rs: Obj, name: str, ns: str, node: str, labels: dict[str, str], container: Obj, broken: str
) -> Obj:
    age = g.rng.uniform(3600, 30 * 86400)
    ready = broken == ""
    status: Obj = {
        "phase": "Running",
        "hostIP": "10.0.0.1",
        "podIP": f"10.244.{g.rng.randint(0, 255)}.{g.rng.randint(1, 254)}",
        "startTime": ts(age),
        "qosClass": "Burstable",
    }
    cs: Obj = {
        "name": "app",
        "image": container["image"],
        "imageID": "",
        "ready": ready,
        "started": ready,
        "restartCount": 0,
        "state": {"running": {"startedAt": ts(age - 5)}},
        "lastState": {},
    }
    spec: Obj = {
        "containers": [container],
        "nodeName": node,
        "restartPolicy": "Always",
        "serviceAccountName": "default",
        "volumes": [
            {"name": "config", "configMap": {"name": container["envFrom"][0]["configMapRef"]["name"]}}
        ],
    }
    if broken == "crash":
        cs.update(
            restartCount=g.rng.randint(5, 40),
            started=False,
            state={
                "waiting": {
                    "reason": "CrashLoopBackOff",
                    "message": "back-off 5m0s restarting failed container=app",
                }
            },
            lastState={
                "terminated": {"exitCode": 1, "reason": "Error", "startedAt": ts(130), "finishedAt": ts(120)}
            },
        )
    elif broken == "oom":
        cs.update(
            restartCount=g.rng.randint(3, 20),
            started=False,
            state={
                "waiting": {
                    "reason": "CrashLoopBackOff",
                    "message": "back-off 2m40s restarting failed container=app",
                }
            },
            lastState={
                "terminated": {
                    "exitCode": 137,
                    "reason": "OOMKilled",
                    "startedAt": ts(200),
                    "finishedAt": ts(90),
                }
            },
        )
    elif broken == "pull":
        cs.update(
            state={
                "waiting": {
                    "reason": "ImagePullBackOff",
                    "message": f'Back-off pulling image "{container["image"]}"',
                }
            }
        )
    elif broken == "config":
        cs.update(
            state={
                "waiting": {
                    "reason": "CreateContainerConfigError",
                    "message": 'configmap "missing-config" not found',
                }
            }
        )
    elif broken == "pending":
        status = {"phase": "Pending", "qosClass": "Burstable"}
        spec.pop("nodeName")
        container["resources"]["requests"]["memory"] = "64Gi"
    elif broken == "probe":
        cs.update(state={"running": {"startedAt": ts(age - 5)}}, started=True)
    conds = [_cond("PodScheduled", broken != "pending", age, "Unschedulable" if broken == "pending" else "")]
    if broken != "pending":
        conds += [
            _cond("Initialized", True, age),
            _cond("ContainersReady", ready, age),
            _cond("Ready", ready, age),
        ]
        status["containerStatuses"] = [cs]
    status["conditions"] = conds
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": g.meta(name, ns, age, labels=labels, ownerReferences=[_owner(rs)]),
        "spec": spec,
        "status": status,
    }
    return g.add("Pod", pod)


def _broken_events(g: Gen, pod: Obj, kind: str) -> list[Obj]:
    fp = "spec.containers{app}"
    image = pod["spec"]["containers"][0]["image"]
    if kind == "crash":
        g.logs[f"{pod['metadata']['namespace']}/{pod['metadata']['name']}/app.previous.log"] = (
            "2026-11-24T11:58:00Z INFO starting server on :8080\n"
            "2026-11-24T11:58:01Z INFO connecting to database postgres:5432\n"
            "2026-11-24T11:58:02Z FATAL failed to connect: "
            "dial tcp 10.96.3.4:5432: connect: connection refused\n"
        )
        return [
            _event(
                g,
                pod,
                "BackOff",
                "Back-off restarting failed container app in pod",
                warning=True,
                count=g.rng.randint(10, 200),
                field_path=fp,
            )
        ]
    if kind == "oom":
        g.logs[f"{pod['metadata']['namespace']}/{pod['metadata']['name']}/app.previous.log"] = (
            "loading cache...\n"
        )
        return [
            _event(
                g,
                pod,
                "BackOff",
                "Back-off restarting failed container app in pod",
                warning=True,
                count=30,
                field_path=fp,
            )
        ]
    if kind == "pull":
        return [
            _event(
                g,
                pod,
                "Failed",
                f'Failed to pull image "{image}": rpc error: code = NotFound desc = failed to '
                f'pull and unpack image "{image}": failed to resolve reference "{image}": {image}: not found',
                warning=True,
                count=12,
                field_path=fp,
            ),
            _event(g, pod, "Failed", "Error: ImagePullBackOff", warning=True, count=40, field_path=fp),
        ]
    if kind == "config":
        return [
            _event(
                g,
                pod,
                "Failed",
                'Error: configmap "missing-config" not found',
                warning=True,
                count=25,
                field_path=fp,
            )
        ]
    if kind == "pending":
        return [
            _event(
                g,
                pod,
                "FailedScheduling",
                "0/200 nodes are available: 200 Insufficient memory. preemption: 0/200 "
                "nodes are available: 200 No preemption victims found for incoming pod.",
                warning=True,
                count=15,
                component="default-scheduler",
            )
        ]
    return [
        _event(
            g,
            pod,
            "Unhealthy",
            f'Readiness probe failed: Get "http://{pod["status"].get("podIP")}:8080/ready": '
            "dial tcp: connect: connection refused",
            warning=True,
            count=90,
            field_path=fp,
        )
    ]


def build(pods: int, events: int, broken_fraction: float, seed: int) -> Gen:
    g = Gen(seed)
    nodes = [f"node-{i:03d}" for i in range(max(1, pods // PODS_PER_NODE))]
    for n in nodes:
        g.add(
            "Node",
            {
                "apiVersion": "v1",
                "kind": "Node",
                "metadata": g.meta(n, None, 90 * 86400, labels={"kubernetes.io/hostname": n}),
                "spec": {"podCIDR": "10.244.0.0/24"},
                "status": {
                    "allocatable": {"cpu": "16", "memory": "64Gi", "pods": "110"},
                    "capacity": {"cpu": "16", "memory": "64Gi", "pods": "110"},
                    "conditions": [
                        _cond(t, False, 86400, f"KubeletHasNo{t}")
                        for t in ("MemoryPressure", "DiskPressure", "PIDPressure")
                    ]
                    + [_cond("Ready", True, 86400, "KubeletReady", "kubelet is posting ready status")],
                    "nodeInfo": {"kubeletVersion": "v1.32.4"},
                },
            },
        )
    namespaces = [f"team-{i:02d}" for i in range(NAMESPACES)]
    for ns in namespaces:
        g.add(
            "Namespace",
            {
                "apiVersion": "v1",
                "kind": "Namespace",
                "metadata": g.meta(ns, None, 200 * 86400),
                "status": {"phase": "Active"},
            },
        )
    n_deploy = max(1, pods // PODS_PER_DEPLOYMENT)
    broken_budget = int(pods * broken_fraction)
    pod_count = 0
    normal_events: list[Obj] = []
    for d in range(n_deploy):
        ns = namespaces[d % len(namespaces)]
        app = f"svc-{d:04d}"
        labels = {"app": app}
        cm, secret = f"{app}-config", f"{app}-secret"
        g.add(
            "ConfigMap",
            {
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": g.meta(cm, ns, 86400 * 10),
                "data": {"log_level": "info"},
            },
        )
        g.add(
            "Secret",
            {
                "apiVersion": "v1",
                "kind": "Secret",
                "type": "Opaque",
                "metadata": g.meta(secret, ns, 86400 * 10),
                "data": {"password": ""},
            },
        )
        container = _container(app, cm, secret)
        dep = g.add(
            "Deployment",
            {
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "metadata": g.meta(app, ns, 86400 * 20, labels=labels, generation=4),
                "spec": {
                    "replicas": PODS_PER_DEPLOYMENT,
                    "selector": {"matchLabels": labels},
                    "template": {"metadata": {"labels": labels}, "spec": {"containers": [container]}},
                },
                "status": {},
            },
        )
        rs_labels = {**labels, "pod-template-hash": f"{d:06x}abc"}
        rs = g.add(
            "ReplicaSet",
            {
                "apiVersion": "apps/v1",
                "kind": "ReplicaSet",
                "metadata": g.meta(
                    f"{app}-{d:06x}abc", ns, 86400 * 20, labels=rs_labels, ownerReferences=[_owner(dep)]
                ),
                "spec": {
                    "replicas": PODS_PER_DEPLOYMENT,
                    "selector": {"matchLabels": rs_labels},
                    "template": {"metadata": {"labels": rs_labels}, "spec": {"containers": [container]}},
                },
                "status": {},
            },
        )
        broken_here = (
            BROKEN_KINDS[d % len(BROKEN_KINDS)]
            if broken_budget > 0 and d % max(1, n_deploy // max(1, broken_budget // 2)) == 0
            else ""
        )
        ready = 0
        for i in range(PODS_PER_DEPLOYMENT):
            if pod_count >= pods:
                break
            kind = broken_here if (broken_here and i < 2 and broken_budget > 0) else ""
            if kind:
                broken_budget -= 1
            pod = _pod(
                g,
                rs,
                f"{rs['metadata']['name']}-{g.rng.getrandbits(24):06x}",
                ns,
                nodes[pod_count % len(nodes)],
                rs_labels,
                dict(
                    container,
                    resources={
                        "requests": dict(container["resources"]["requests"]),
                        "limits": dict(container["resources"]["limits"]),
                    },
                ),
                kind,
            )
            pod_count += 1
            ready += kind == ""
            if kind:
                g.broken.append((kind, pod))
            for reason, msg in (
                (
                    "Scheduled",
                    f"Successfully assigned {ns}/{pod['metadata']['name']} to "
                    f"{pod['spec'].get('nodeName', '')}",
                ),
                ("Pulled", f'Container image "{container["image"]}" already present on machine'),
                ("Created", "Created container app"),
                ("Started", "Started container app"),
            ):
                normal_events.append(
                    _event(
                        g,
                        pod,
                        reason,
                        msg,
                        warning=False,
                        ago=g.rng.uniform(600, 86400),
                        component="default-scheduler" if reason == "Scheduled" else "kubelet",
                    )
                )
        total = PODS_PER_DEPLOYMENT
        dep["status"] = {
            "observedGeneration": 4,
            "replicas": total,
            "updatedReplicas": total,
            "readyReplicas": ready,
            "availableReplicas": ready,
            **({"unavailableReplicas": total - ready} if ready < total else {}),
            "conditions": [
                _cond("Available", ready >= total, 86400, "MinimumReplicasAvailable"),
                _cond("Progressing", True, 86400, "NewReplicaSetAvailable"),
            ],
        }
        rs["status"] = {
            "replicas": total,
            "readyReplicas": ready,
            "availableReplicas": ready,
            "observedGeneration": 1,
        }
        g.add(
            "Service",
            {
                "apiVersion": "v1",
                "kind": "Service",
                "metadata": g.meta(app, ns, 86400 * 20),
                "spec": {
                    "type": "ClusterIP",
                    "clusterIP": f"10.96.{d // 250}.{d % 250 + 1}",
                    "selector": labels,
                    "ports": [{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}],
                },
            },
        )
        if pod_count >= pods:
            break
    warnings: list[Obj] = []
    for kind, pod in g.broken:
        warnings.extend(_broken_events(g, pod, kind))
    keep_normal = max(0, events - len(warnings))
    g.rng.shuffle(normal_events)
    while len(normal_events) < keep_normal and normal_events:
        normal_events.extend(normal_events[: keep_normal - len(normal_events)])
    for ev in normal_events[:keep_normal] + warnings:
        g.add("Event", ev)
    return g


FILE_FOR_KIND = {
    "Node": "nodes",
    "Namespace": "namespaces",
    "ConfigMap": "configmaps",
    "Secret": "secrets",
    "Deployment": "deployments",
    "ReplicaSet": "replicasets",
    "Pod": "pods",
    "Service": "services",
    "Event": "events",
}


def generate(
    out_dir: Path, *, pods: int, events: int, broken_fraction: float = 0.03, seed: int = 7
) -> GenStats:
    g = build(pods, events, broken_fraction, seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    files = 0
    for kind, items in g.kinds.items():
        doc = {"apiVersion": "v1", "kind": "List", "items": items, "metadata": {"resourceVersion": ""}}
        (out_dir / f"{FILE_FOR_KIND[kind]}.json").write_bytes(orjson.dumps(doc))
        files += 1
    for rel, text in g.logs.items():
        path = out_dir / "logs" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    (out_dir / "snapshot.yaml").write_text(f"capturedAt: '{CAPTURED.strftime('%Y-%m-%dT%H:%M:%SZ')}'\n")
    return GenStats(len(g.kinds.get("Pod", [])), len(g.kinds.get("Event", [])), len(g.broken), files)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("out", type=Path)
    parser.add_argument("--pods", type=int, default=10_000)
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--broken", type=float, default=0.03)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    stats = generate(
        args.out, pods=args.pods, events=args.events, broken_fraction=args.broken, seed=args.seed
    )
    print(
        f"wrote {stats.pods} pods ({stats.broken_pods} broken), {stats.events} events "
        f"in {stats.files} files to {args.out}"
    )


if __name__ == "__main__":
    main()
