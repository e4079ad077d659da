"""Generate a synthetic snapshot of a big cluster: N pods with their owners, services, events and logs.

    python bench/gen_snapshot.py OUT --pods 10000 --events 50000 [--broken 0.03] [--seed 7]

It writes what `kubectl get <kind> -A -o json` prints, one List per kind (nodes.json, pods.json, ...),
the logs of the troubled pods under `logs/<ns>/<pod>/<container>[.previous].log` (a capture fetches
logs of troubled pods only) and `snapshot.yaml` with a fixed `capturedAt`. Objects carry what an API
server returns: uids, resourceVersions, owner references Pod -> ReplicaSet -> Deployment, defaulted
pod specs, container statuses with container and image ids, node conditions and addresses.

About `broken` of the pods fail the ways clusters fail: crash loops on a refused database connection,
OOM kills, missing image tags (a stuck rollout), missing ConfigMaps (also a stuck rollout), pods too
big to schedule, failing readiness probes; plus a Job over its backoff limit and a Service that
selects nothing. Their Warning events are always written; Normal events (scheduling, pulls, starts,
controller events of the last hour's rollouts) fill the rest up to `events`.

Deterministic for a seed. 10,000 pods and 50,000 events take a few seconds (orjson).
"""

from __future__ import annotations

import argparse
import math
import random
import time
import uuid
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

GENERATOR_VERSION = 3  # bump when the output changes; scan_bench.py regenerates older snapshots
CAPTURED_AT = "2026-11-24T12:00:00Z"
_CAPTURED_EPOCH = 1795521600  # CAPTURED_AT as a Unix time
PODS_PER_DEPLOYMENT = 10
PODS_PER_NODE = 50
NAMESPACES = 40
STUCK_OLD_PODS = 8  # a rollout stuck at maxSurge 25% of 10: the old ReplicaSet keeps 8
BROKEN_KINDS = ("crash", "pull", "oom", "config", "probe", "pending")
BROKEN_PODS_PER_DEPLOYMENT = {"crash": 10, "pull": 5, "oom": 2, "config": 5, "probe": 2, "pending": 5}
TEMPLATE_KINDS = frozenset({"pull", "config", "pending"})  # broken by a bad rollout of the template
DB_ADDRESS = "10.96.3.4:5432"
Obj = dict[str, Any]

_WORDS = (
    "api", "web", "worker", "gateway", "auth", "billing", "search", "catalog", "cart", "orders",
    "inventory", "notifications", "reports", "ingest", "scheduler", "frontend", "pricing", "shipping",
    "accounts", "recommendations", "media", "exporter", "sync", "webhooks", "ledger",
)  # fmt: skip
_TEAMS = (
    "shop", "payments", "identity", "logistics", "data", "growth", "search", "platform", "mobile",
    "support", "marketing", "risk", "media", "partners", "finance", "ml", "ads", "messaging", "infra",
    "catalog",
)  # fmt: skip
_ZONES = ("eu-west-1a", "eu-west-1b", "eu-west-1c")
_CA = (
    "-----BEGIN CERTIFICATE-----\n"
    + "MIIDBTCCAe2gAwIBAgIIU2y4bJ0WkRswDQYJKoZIhvcNAQELBQAwFTETMBEGA1UE\n" * 16
)
_CA += "-----END CERTIFICATE-----\n"


@dataclass(frozen=True)
class GenStats:
    pods: int
    events: int
    broken_pods: int
    files: int
    objects: int = 0
    logs: int = 0
    broken_by_kind: Mapping[str, int] = field(default_factory=dict)
    seconds: float = 0.0


_TS_CACHE: dict[int, str] = {}


def ts(seconds_ago: float) -> str:
    """RFC 3339 time `seconds_ago` before the capture."""
    key = int(seconds_ago)
    text = _TS_CACHE.get(key)
    if text is None:
        text = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(_CAPTURED_EPOCH - key))
        _TS_CACHE[key] = text
    return text


def micro_ts(seconds_ago: float) -> str:
    """A MicroTime (`eventTime` of events written through events.k8s.io)."""
    micros = int((seconds_ago % 1) * 1_000_000)
    return f"{ts(seconds_ago)[:-1]}.{(1_000_000 - micros) % 1_000_000:06d}Z"


def _owner(obj: Obj) -> Obj:
    return {
        "apiVersion": obj["apiVersion"],
        "kind": obj["kind"],
        "name": obj["metadata"]["name"],
        "uid": obj["metadata"]["uid"],
        "controller": True,
        "blockOwnerDeletion": True,
    }


def _cond(
    type_: str, status: bool, ago: float, reason: str = "", message: str = "", probe: bool = False
) -> Obj:
    c: Obj = {"type": type_, "status": "True" if status else "False"}
    if probe:
        c["lastProbeTime"] = None
    c["lastTransitionTime"] = ts(ago)
    if reason:
        c["reason"] = reason
    if message:
        c["message"] = message
    return c


def _is_ready(pod: Obj) -> bool:
    return any(c["type"] == "Ready" and c["status"] == "True" for c in pod["status"].get("conditions", ()))


def _rollout_cond(type_: str, status: bool, ago: float, reason: str, message: str) -> Obj:
    return {
        "type": type_,
        "status": "True" if status else "False",
        "lastUpdateTime": ts(ago),
        "lastTransitionTime": ts(ago),
        "reason": reason,
        "message": message,
    }


@dataclass
class App:
    """One Deployment being generated, and what is wrong with it."""

    name: str
    namespace: str
    index: int
    broken: str = ""
    broken_pods: int = 0
    recent: bool = False  # rolled out within the last hour (its controller events still exist)
    sidecar: bool = False
    rollout_ago: float = 0.0
    clusterip: str = ""


@dataclass
class PendingEvent:
    """An event to write, kept small until we know which Normal events are kept."""

    about: Obj
    reason: str
    message: str
    component: str
    ago: float
    warning: bool = False
    count: int = 1
    field_path: str = ""
    first_ago: float | None = None
    modern: bool = False  # written through events.k8s.io (eventTime, no first/lastTimestamp)


class Gen:
    def __init__(self, seed: int, pods: int, events: int, broken_fraction: float) -> None:
        self.rng = random.Random(seed)
        self.target_pods = pods
        self.target_events = events
        self.broken_budget = round(pods * broken_fraction)
        self.kinds: dict[str, list[Obj]] = {}
        self.logs: dict[str, str] = {}
        self.broken: list[tuple[str, Obj]] = []
        self.special: list[PendingEvent] = []  # always written: warnings and what goes with them
        self.normal: list[PendingEvent] = []  # written as far as the event budget allows
        self.pod_count = 0
        self.workers: list[str] = []
        self.control_plane: list[str] = []
        self.node_ip: dict[str, str] = {}
        self._ip = 0
        self._svc_ip = 0

    # ---- small helpers ---------------------------------------------------------------------------

    def uid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def hexid(self, bits: int = 256) -> str:
        return f"{self.rng.getrandbits(bits):0{bits // 4}x}"

    def suffix(self, n: int = 5) -> str:
        alphabet = "bcdfghjklmnpqrstvwxz2456789"
        return "".join(self.rng.choice(alphabet) for _ in range(n))

    def pod_ip(self) -> str:
        self._ip += 1
        return f"10.244.{self._ip // 250}.{self._ip % 250 + 2}"

    def service_ip(self) -> str:
        self._svc_ip += 1
        return f"10.96.{10 + self._svc_ip // 250}.{self._svc_ip % 250 + 1}"

    def add(self, kind: str, obj: Obj) -> Obj:
        self.kinds.setdefault(kind, []).append(obj)
        return obj

    def meta(self, name: str, ns: str | None, age: float, **extra: Any) -> Obj:
        m: Obj = {
            "name": name,
            "uid": self.uid(),
            "resourceVersion": str(self.rng.randint(100_000, 99_999_999)),
            "creationTimestamp": ts(age),
        }
        if ns:
            m["namespace"] = ns
        m.update(extra)
        return m

    def next_node(self) -> str:
        node = self.workers[self.pod_count % len(self.workers)]
        return node

    # ---- events ----------------------------------------------------------------------------------

    def event(self, ev: PendingEvent) -> Obj:
        m = ev.about["metadata"]
        ns = m.get("namespace", "default")
        inv: Obj = {
            "kind": ev.about["kind"],
            "namespace": ns,
            "name": m["name"],
            "uid": m["uid"],
            "apiVersion": ev.about["apiVersion"],
            "resourceVersion": m["resourceVersion"],
        }
        if ev.field_path:
            inv["fieldPath"] = ev.field_path
        first = ev.first_ago if ev.first_ago is not None else ev.ago
        host = ev.about.get("spec", {}).get("nodeName", "") if ev.component == "kubelet" else ""
        out: Obj = {
            "apiVersion": "v1",
            "kind": "Event",
            "metadata": self.meta(f"{m['name']}.{self.hexid(64)}", ns, first),
            "involvedObject": inv,
            "reason": ev.reason,
            "message": ev.message,
        }
        if ev.modern:
            out.update(
                source={},
                firstTimestamp=None,
                lastTimestamp=None,
                type="Warning" if ev.warning else "Normal",
                eventTime=micro_ts(first),
                action="Binding" if ev.reason == "Scheduled" else "Scheduling",
                reportingComponent=ev.component,
                reportingInstance=f"{ev.component}-{self.control_plane[0]}",
            )
            if ev.count > 1:
                out["series"] = {"count": ev.count, "lastObservedTime": micro_ts(ev.ago)}
            return out
        out.update(
            source={"component": ev.component, **({"host": host} if host else {})},
            firstTimestamp=ts(first),
            lastTimestamp=ts(ev.ago),
            count=ev.count,
            type="Warning" if ev.warning else "Normal",
            eventTime=None,
            reportingComponent=ev.component,
            reportingInstance=host,
        )
        return out

    # ---- cluster scaffolding ---------------------------------------------------------------------

    def nodes(self) -> None:
        workers = max(3, round(self.target_pods / PODS_PER_NODE))
        cps = 3 if workers >= 10 else 1
        self.control_plane = [f"cp-{i + 1}" for i in range(cps)]
        self.workers = [
            f"ip-10-0-{i // 250}-{i % 250 + 10}.eu-west-1.compute.internal" for i in range(workers)
        ]
        for i, name in enumerate(self.control_plane + self.workers):
            cp = name in self.control_plane
            zone = _ZONES[i % len(_ZONES)]
            ip = f"10.1.0.{i + 10}" if cp else f"10.0.{(i - cps) // 250}.{(i - cps) % 250 + 10}"
            self.node_ip[name] = ip
            labels = {
                "beta.kubernetes.io/arch": "amd64",
                "beta.kubernetes.io/os": "linux",
                "kubernetes.io/arch": "amd64",
                "kubernetes.io/hostname": name,
                "kubernetes.io/os": "linux",
                "node.kubernetes.io/instance-type": "m6i.xlarge" if cp else "m6i.2xlarge",
                "topology.kubernetes.io/region": "eu-west-1",
                "topology.kubernetes.io/zone": zone,
            }
            if cp:
                labels["node-role.kubernetes.io/control-plane"] = ""
            spec: Obj = {"podCIDR": f"10.244.{i}.0/24", "podCIDRs": [f"10.244.{i}.0/24"]}
            spec["providerID"] = f"aws:///{zone}/i-0{self.hexid(64)[:16]}"
            if cp:
                spec["taints"] = [{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}]
            capacity = {
                "cpu": "4" if cp else "8",
                "ephemeral-storage": "104845292Ki",
                "hugepages-1Gi": "0",
                "hugepages-2Mi": "0",
                "memory": "16069340Ki" if cp else "32386180Ki",
                "pods": "110",
            }
            allocatable = dict(capacity, cpu="3920m" if cp else "7910m")
            allocatable["memory"] = "15352540Ki" if cp else "31235204Ki"
            allocatable["ephemeral-storage"] = "95551679124"
            beat = self.rng.randint(5, 50)
            conds = [
                {
                    "type": t,
                    "status": "False",
                    "lastHeartbeatTime": ts(beat),
                    "lastTransitionTime": ts(90 * 86400),
                    "reason": f"KubeletHasSufficient{word}",
                    "message": f"kubelet has sufficient {word.lower()} available",
                }
                for t, word in (
                    ("MemoryPressure", "Memory"),
                    ("DiskPressure", "Disk"),
                    ("PIDPressure", "PID"),
                )
            ]
            conds[1]["reason"], conds[1]["message"] = (
                "KubeletHasNoDiskPressure",
                "kubelet has no disk pressure",
            )
            conds.append(
                {
                    "type": "Ready",
                    "status": "True",
                    "lastHeartbeatTime": ts(beat),
                    "lastTransitionTime": ts(90 * 86400),
                    "reason": "KubeletReady",
                    "message": "kubelet is posting ready status",
                }
            )
            self.add(
                "Node",
                {
                    "apiVersion": "v1",
                    "kind": "Node",
                    "metadata": self.meta(
                        name,
                        None,
                        90 * 86400,
                        labels=labels,
                        annotations={
                            "node.alpha.kubernetes.io/ttl": "0",
                            "volumes.kubernetes.io/controller-managed-attach-detach": "true",
                        },
                    ),
                    "spec": spec,
                    "status": {
                        "addresses": [
                            {"type": "InternalIP", "address": ip},
                            {"type": "Hostname", "address": name},
                        ],
                        "allocatable": allocatable,
                        "capacity": capacity,
                        "conditions": conds,
                        "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
                        "nodeInfo": {
                            "architecture": "amd64",
                            "bootID": self.uid(),
                            "containerRuntimeVersion": "containerd://1.7.22",
                            "kernelVersion": "6.1.112-124.190.amzn2023.x86_64",
                            "kubeProxyVersion": "v1.32.4",
                            "kubeletVersion": "v1.32.4",
                            "machineID": self.hexid(128),
                            "operatingSystem": "linux",
                            "osImage": "Amazon Linux 2023.6.20241031",
                            "systemUUID": self.uid(),
                        },
                    },
                },
            )

    def namespace(self, name: str, age: float) -> None:
        self.add(
            "Namespace",
            {
                "apiVersion": "v1",
                "kind": "Namespace",
                "metadata": self.meta(name, None, age, labels={"kubernetes.io/metadata.name": name}),
                "spec": {"finalizers": ["kubernetes"]},
                "status": {"phase": "Active"},
            },
        )
        self.add(
            "ConfigMap",
            {
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": self.meta(
                    "kube-root-ca.crt",
                    name,
                    age,
                    annotations={"kubernetes.io/description": "Contains a CA bundle for the API server."},
                ),
                "data": {"ca.crt": _CA},
            },
        )

    # ---- pod specs -------------------------------------------------------------------------------

    def container(self, app: App, image: str, *, cm: str, secret: str, memory: str = "256Mi") -> Obj:
        return {
            "name": app.name,
            "image": image,
            "imagePullPolicy": "IfNotPresent",
            "ports": [{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
            "env": [
                {"name": "APP_ENV", "value": "production"},
                {"name": "LOG_LEVEL", "valueFrom": {"configMapKeyRef": {"name": cm, "key": "log_level"}}},
                {
                    "name": "DATABASE_URL",
                    "value": f"postgres://{app.name}@postgres.{app.namespace}.svc:5432/app",
                },
                {
                    "name": "DATABASE_PASSWORD",
                    "valueFrom": {"secretKeyRef": {"name": secret, "key": "password"}},
                },
                {
                    "name": "POD_NAME",
                    "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.name"}},
                },
            ],
            "envFrom": [{"configMapRef": {"name": cm}}],
            "resources": {
                "limits": {"memory": memory},
                "requests": {"cpu": "100m", "memory": "128Mi" if memory == "256Mi" else memory},
            },
            "readinessProbe": {
                "httpGet": {"path": "/ready", "port": "http", "scheme": "HTTP"},
                "initialDelaySeconds": 5,
                "timeoutSeconds": 1,
                "periodSeconds": 10,
                "successThreshold": 1,
                "failureThreshold": 3,
            },
            "livenessProbe": {
                "httpGet": {"path": "/healthz", "port": "http", "scheme": "HTTP"},
                "initialDelaySeconds": 15,
                "timeoutSeconds": 1,
                "periodSeconds": 20,
                "successThreshold": 1,
                "failureThreshold": 3,
            },
            "volumeMounts": [{"name": "config", "mountPath": "/etc/app", "readOnly": True}],
            "terminationMessagePath": "/dev/termination-log",
            "terminationMessagePolicy": "File",
        }

    def sidecar(self) -> Obj:
        return {
            "name": "log-shipper",
            "image": "cr.fluentbit.io/fluent/fluent-bit:3.1.9",
            "imagePullPolicy": "IfNotPresent",
            "resources": {"limits": {"memory": "64Mi"}, "requests": {"cpu": "10m", "memory": "32Mi"}},
            "volumeMounts": [{"name": "varlog", "mountPath": "/var/log/app"}],
            "terminationMessagePath": "/dev/termination-log",
            "terminationMessagePolicy": "File",
        }

    def pod_spec(self, containers: list[Obj], volumes: list[Obj], *, sa: str = "default") -> Obj:
        return {
            "containers": containers,
            "dnsPolicy": "ClusterFirst",
            "enableServiceLinks": True,
            "restartPolicy": "Always",
            "schedulerName": "default-scheduler",
            "securityContext": {},
            "serviceAccount": sa,
            "serviceAccountName": sa,
            "terminationGracePeriodSeconds": 30,
            "volumes": volumes,
        }

    def concrete_spec(self, template_spec: Obj, node: str | None) -> Obj:
        """What the API server stores for a pod made from a template: defaults, token volume, node."""
        spec = dict(template_spec)
        spec["containers"] = [dict(c) for c in template_spec["containers"]]
        token = f"kube-api-access-{self.suffix()}"
        for c in spec["containers"]:
            c["volumeMounts"] = [
                *c.get("volumeMounts", []),
                {
                    "name": token,
                    "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount",
                    "readOnly": True,
                },
            ]
        spec["volumes"] = [
            *template_spec.get("volumes", []),
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
        spec["preemptionPolicy"] = "PreemptLowerPriority"
        spec["priority"] = spec.get("priority", 0)
        spec["tolerations"] = [
            *template_spec.get("tolerations", []),
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

    # ---- pods ------------------------------------------------------------------------------------

    def pod(
        self,
        name: str,
        ns: str,
        owner: Obj,
        labels: Mapping[str, str],
        template_spec: Obj,
        *,
        age: float,
        broken: str = "",
        generate_name: str = "",
        phase: str = "Running",
    ) -> Obj:
        """A pod as the kubelet reports it; `broken` is one of BROKEN_KINDS, or `job` (a failed Job pod)."""
        node = None if broken == "pending" else self.next_node()
        spec = self.concrete_spec(template_spec, node)
        containers = spec["containers"]
        meta = self.meta(name, ns, age, labels=dict(labels), ownerReferences=[_owner(owner)])
        if generate_name:
            meta = {"generateName": generate_name, **meta}
        status: Obj = {"phase": phase, "qosClass": "Burstable"}
        self.pod_count += 1
        if broken == "pending":
            status["conditions"] = [
                _cond(
                    "PodScheduled",
                    False,
                    age,
                    "Unschedulable",
                    self.scheduling_message(),
                    probe=True,
                )
            ]
            return self.add(
                "Pod", {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec, "status": status}
            )
        assert node is not None
        ip = self.pod_ip()
        started = age - self.rng.uniform(2, 20)
        statuses = []
        for c in containers:
            main = c is containers[0]
            cs: Obj = {
                "containerID": f"containerd://{self.hexid()}",
                "image": c["image"],
                "imageID": c["image"].split(":")[0] + f"@sha256:{self.hexid()}",
                "lastState": {},
                "name": c["name"],
                "ready": True,
                "restartCount": 0,
                "started": True,
                "state": {"running": {"startedAt": ts(started)}},
            }
            if main and broken:
                self.break_status(cs, broken, c["image"])
            statuses.append(cs)
        ready = all(s["ready"] for s in statuses)
        unready = [s["name"] for s in statuses if not s["ready"]]
        why = "" if ready else "ContainersNotReady"
        msg = "" if ready else f"containers with unready status: [{' '.join(unready)}]"
        if phase in ("Succeeded", "Failed"):
            why, msg = ("PodCompleted" if phase == "Succeeded" else "PodFailed"), ""
        status.update(
            conditions=[
                _cond("PodReadyToStartContainers", phase not in ("Succeeded", "Failed"), started, probe=True),
                _cond("Initialized", True, age, "PodCompleted" if phase == "Succeeded" else "", probe=True),
                _cond("Ready", ready, started if ready else 120, why, msg, probe=True),
                _cond("ContainersReady", ready, started if ready else 120, why, msg, probe=True),
                _cond("PodScheduled", True, age, probe=True),
            ],
            containerStatuses=statuses,
            hostIP=self.node_ip[node],
            hostIPs=[{"ip": self.node_ip[node]}],
            podIP=ip,
            podIPs=[{"ip": ip}],
            startTime=ts(age),
        )
        return self.add(
            "Pod", {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec, "status": status}
        )

    def scheduling_message(self) -> str:
        total = len(self.workers) + len(self.control_plane)
        cps, workers = len(self.control_plane), len(self.workers)
        return (
            f"0/{total} nodes are available: {cps} node(s) had untolerated taint "
            f"{{node-role.kubernetes.io/control-plane: }}, {workers} Insufficient memory. preemption: "
            f"0/{total} nodes are available: {cps} Preemption is not helpful for scheduling, {workers} No "
            "preemption victims found for incoming pod."
        )

    def break_status(self, cs: Obj, broken: str, image: str) -> None:
        if broken in ("crash", "oom", "job"):
            restarts = self.rng.randint(5, 40) if broken == "crash" else self.rng.randint(3, 12)
            oom = broken == "oom"
            finished = self.rng.uniform(20, 280)
            terminated = {
                "containerID": f"containerd://{self.hexid()}",
                "exitCode": 137 if oom else 1,
                "finishedAt": ts(finished),
                "reason": "OOMKilled" if oom else "Error",
                "startedAt": ts(finished + (self.rng.uniform(30, 600) if oom else self.rng.uniform(1, 4))),
            }
            if broken == "job":
                cs.update(ready=False, started=False, restartCount=0, state={"terminated": terminated})
                return
            back_off = "5m0s" if restarts > 5 else "2m40s"
            cs.update(
                ready=False,
                started=False,
                restartCount=restarts,
                state={
                    "waiting": {
                        "reason": "CrashLoopBackOff",
                        "message": f"back-off {back_off} restarting failed container={cs['name']} pod=",
                    }
                },
                lastState={"terminated": terminated},
            )
            cs.pop("containerID")
        elif broken == "pull":
            cs.update(
                ready=False,
                started=False,
                imageID="",
                state={
                    "waiting": {"reason": "ImagePullBackOff", "message": f'Back-off pulling image "{image}"'}
                },
            )
            cs.pop("containerID")
        elif broken == "config":
            cs.update(
                ready=False,
                started=False,
                state={"waiting": {"reason": "CreateContainerConfigError", "message": ""}},
            )
            cs.pop("containerID")
        elif broken == "probe":
            cs.update(ready=False)

    def fix_waiting_messages(self, pod: Obj, broken: str, missing_cm: str) -> None:
        statuses = pod["status"].get("containerStatuses")
        waiting = statuses[0]["state"].get("waiting") if statuses else None
        if not waiting:
            return
        if broken == "config":
            waiting["message"] = f'configmap "{missing_cm}" not found'
        elif waiting["reason"] == "CrashLoopBackOff":
            waiting["message"] += (
                f"{pod['metadata']['name']}_{pod['metadata']['namespace']}({pod['metadata']['uid']})"
            )

    # ---- broken pods: events and logs ------------------------------------------------------------

    def troubles(self, pod: Obj, broken: str, missing_cm: str, pod_age: float) -> None:
        meta = pod["metadata"]
        ns, name = meta["namespace"], meta["name"]
        c = pod["spec"]["containers"][0]
        cname, image = c["name"], c["image"]
        fp = f"spec.containers{{{cname}}}"
        age = min(pod_age - 5, self.rng.uniform(1800, 3500))
        self.broken.append((broken, pod))

        def warn(reason: str, message: str, count: int, component: str = "kubelet", **kw: Any) -> None:
            field_path = "" if component != "kubelet" else fp
            self.special.append(
                PendingEvent(
                    pod,
                    reason,
                    message,
                    component,
                    self.rng.uniform(5, 90),
                    warning=True,
                    count=count,
                    field_path=field_path,
                    first_ago=age,
                    **kw,
                )
            )

        def log(text: str, previous: bool = False) -> None:
            self.logs[f"{ns}/{name}/{cname}{'.previous' if previous else ''}.log"] = text

        if broken == "crash":
            restarts = pod["status"]["containerStatuses"][0]["restartCount"]
            warn(
                "BackOff",
                f"Back-off restarting failed container {cname} in pod {name}_{ns}({meta['uid']})",
                restarts * 3,
            )
            lines = (
                f"2026-11-24T11:5{n}:0{n}.{n}12Z INFO  {cname} starting version={image.rsplit(':', 1)[-1]}\n"
                f"2026-11-24T11:5{n}:0{n}.{n}20Z INFO  connecting to database "
                f"host=postgres.{ns}.svc port=5432\n"
                f"2026-11-24T11:5{n}:0{n + 1}.{n}31Z ERROR db: "
                f"dial tcp {DB_ADDRESS}: connect: connection refused\n"
                f"2026-11-24T11:5{n}:0{n + 1}.{n}32Z FATAL could not connect to database: "
                f"dial tcp {DB_ADDRESS}: connect: connection refused\n"
                for n in (6, 8)
            )
            previous, current = lines
            log(previous, previous=True)
            log(current)
        elif broken == "oom":
            warn(
                "BackOff",
                f"Back-off restarting failed container {cname} in pod {name}_{ns}({meta['uid']})",
                14,
            )
            text = "".join(
                f"2026-11-24T11:5{n // 10}:{n % 10}0.000Z INFO  cache warmed entries={n * 120_000} "
                f"heap_mb={n * 24}\n"
                for n in range(1, 10)
            )
            log(text, previous=True)
            log(text[: text.index("\n", 200) + 1])
        elif broken == "pull":
            self.special.append(
                PendingEvent(
                    pod,
                    "Pulling",
                    f'Pulling image "{image}"',
                    "kubelet",
                    100,
                    count=6,
                    field_path=fp,
                    first_ago=age,
                )
            )
            warn(
                "Failed",
                f'Failed to pull image "{image}": rpc error: code = NotFound desc = failed to pull and '
                f'unpack image "{image}": failed to resolve reference "{image}": {image}: not found',
                6,
            )
            warn("Failed", "Error: ErrImagePull", 6)
            self.special.append(
                PendingEvent(
                    pod,
                    "BackOff",
                    f'Back-off pulling image "{image}"',
                    "kubelet",
                    20,
                    count=130,
                    field_path=fp,
                    first_ago=age,
                )
            )
            warn("Failed", "Error: ImagePullBackOff", 130)
        elif broken == "config":
            warn("Failed", f'Error: configmap "{missing_cm}" not found', 160)
        elif broken == "pending":
            warn("FailedScheduling", self.scheduling_message(), int(age // 60), component="default-scheduler")
        elif broken == "probe":
            ip = pod["status"]["podIP"]
            warn("Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 503", 340)
            log(
                f"2026-11-24T11:59:1{self.rng.randint(0, 9)}.004Z WARN  GET /ready 503 "
                f"upstream {ip} not ready: cache not warmed\n"
                "2026-11-24T11:59:20.118Z ERROR redis: dial tcp 10.96.7.21:6379: i/o timeout\n"
            )
        elif broken == "job":
            log(
                "2026-11-24T10:31:02.551Z INFO  applying migration 0042_add_order_index\n"
                'ERROR: relation "orders" does not exist (SQLSTATE 42P01)\n'
                "2026-11-24T10:31:02.560Z FATAL migration 0042_add_order_index failed\n"
            )

    # ---- workloads -------------------------------------------------------------------------------

    def plan_apps(self, remaining: int, namespaces: list[str]) -> list[App]:
        apps: list[App] = []
        used: Counter[tuple[str, str]] = Counter()
        # small clusters: fewer broken pods per app, so that every kind of failure still shows
        cap = max(1, self.broken_budget // len(BROKEN_KINDS))
        per_app = {kind: min(cap, n) for kind, n in BROKEN_PODS_PER_DEPLOYMENT.items()}
        stride_guess = sum(per_app.values()) / len(per_app)
        n_apps = max(1, math.ceil(remaining / PODS_PER_DEPLOYMENT))
        n_broken_apps = max(0, round(self.broken_budget / stride_guess)) if self.broken_budget else 0
        stride = max(1, n_apps // max(1, n_broken_apps)) if n_broken_apps else 0
        budget = self.broken_budget
        kinds = 0
        for i in range(n_apps):
            ns = namespaces[i % len(namespaces)]
            word = _WORDS[(i // len(namespaces)) % len(_WORDS)]
            used[(ns, word)] += 1
            name = word if used[(ns, word)] == 1 else f"{word}-{used[(ns, word)]}"
            app = App(name, ns, i, sidecar=i % 4 == 3, rollout_ago=self.rng.uniform(2 * 86400, 40 * 86400))
            if stride and budget > 0 and i % stride == stride // 2:
                app.broken = BROKEN_KINDS[kinds % len(BROKEN_KINDS)]
                kinds += 1
                app.broken_pods = min(budget, per_app[app.broken])
                budget -= app.broken_pods
                if app.broken in TEMPLATE_KINDS:
                    app.recent = True
                    app.rollout_ago = self.rng.uniform(1800, 3300)
            apps.append(app)
        return apps

    def deployment(self, app: App, pods: int) -> None:
        ns, name = app.namespace, app.name
        labels = {"app.kubernetes.io/name": name, "app.kubernetes.io/part-of": ns}
        cm, secret = f"{name}-config", f"{name}-secret"
        self.add(
            "ConfigMap",
            {
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": self.meta(cm, ns, app.rollout_ago + 86400, labels=labels),
                "data": {
                    "log_level": "info",
                    "FEATURE_FLAGS": "search_v2,fast_checkout",
                    "HTTP_PORT": "8080",
                },
            },
        )
        self.add(
            "Secret",
            {
                "apiVersion": "v1",
                "kind": "Secret",
                "type": "Opaque",
                "metadata": self.meta(secret, ns, app.rollout_ago + 86400, labels=labels),
                "data": {"password": "", "username": ""},
            },
        )
        version = f"{1 + app.index % 4}.{app.index % 17}.{app.index % 5}"
        registry = f"123456789012.dkr.ecr.eu-west-1.amazonaws.com/{ns}/{name}"

        def template(image: str, *, cm_name: str = cm, memory: str = "256Mi") -> Obj:
            containers = [
                self.container(app, f"{registry}:{image}", cm=cm_name, secret=secret, memory=memory)
            ]
            volumes: list[Obj] = [{"name": "config", "configMap": {"name": cm, "defaultMode": 420}}]
            if app.sidecar:
                containers.append(self.sidecar())
                volumes.append({"name": "varlog", "emptyDir": {}})
            return self.pod_spec(containers, volumes)

        good = template(version)
        stuck = app.broken in TEMPLATE_KINDS
        missing_cm = f"{name}-config-v2"
        if stuck:
            bad_version = f"{version.rsplit('.', 1)[0]}.{int(version.rsplit('.', 1)[1]) + 1}"
            if app.broken == "pull":
                bad = template(bad_version)
            elif app.broken == "config":
                bad = template(bad_version, cm_name=missing_cm)
            else:
                bad = template(bad_version, memory="64Gi")
            new = pods - STUCK_OLD_PODS
            revisions = [(good, STUCK_OLD_PODS, 0), (bad, new, new)]
        else:
            revisions = [(good, pods, app.broken_pods if app.broken else 0)]
        replicas = PODS_PER_DEPLOYMENT if stuck else pods
        dep = self.add(
            "Deployment",
            {
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "metadata": self.meta(
                    name,
                    ns,
                    app.rollout_ago + 86400 * 30,
                    labels=labels,
                    annotations={"deployment.kubernetes.io/revision": str(len(revisions) + 2)},
                    generation=len(revisions) + 2,
                ),
                "spec": {
                    "progressDeadlineSeconds": 600,
                    "replicas": replicas,
                    "revisionHistoryLimit": 10,
                    "selector": {"matchLabels": dict(labels)},
                    "strategy": {
                        "type": "RollingUpdate",
                        "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"},
                    },
                    "template": {
                        "metadata": {"creationTimestamp": None, "labels": dict(labels)},
                        "spec": revisions[-1][0],
                    },
                },
                "status": {},
            },
        )
        ready_total = 0
        newest_rs = ""
        for rev, (spec, count, broken_n) in enumerate(revisions):
            h = self.hexid(40)[:10].translate(str.maketrans("0123456789abcdef", "bcdfghjk45678xzq"))
            rs_labels = {**labels, "pod-template-hash": h}
            rs_name = f"{name}-{h}"
            newest_rs = rs_name
            revision = str(len(revisions) + 1 + rev)
            rs_age = app.rollout_ago if rev == len(revisions) - 1 else app.rollout_ago + 86400 * 7
            rs = self.add(
                "ReplicaSet",
                {
                    "apiVersion": "apps/v1",
                    "kind": "ReplicaSet",
                    "metadata": self.meta(
                        rs_name,
                        ns,
                        rs_age,
                        labels=rs_labels,
                        annotations={
                            "deployment.kubernetes.io/desired-replicas": str(replicas),
                            "deployment.kubernetes.io/max-replicas": str(replicas + 3),
                            "deployment.kubernetes.io/revision": revision,
                        },
                        ownerReferences=[_owner(dep)],
                        generation=2,
                    ),
                    "spec": {
                        "replicas": count,
                        "selector": {"matchLabels": dict(rs_labels)},
                        "template": {
                            "metadata": {"creationTimestamp": None, "labels": dict(rs_labels)},
                            "spec": spec,
                        },
                    },
                    "status": {},
                },
            )
            ready = 0
            for i in range(count):
                broken = app.broken if i < broken_n else ""
                pod_age = rs_age - self.rng.uniform(0, 30)
                pod = self.pod(
                    f"{rs_name}-{self.suffix()}",
                    ns,
                    rs,
                    rs_labels,
                    spec,
                    age=pod_age,
                    broken=broken,
                    generate_name=f"{rs_name}-",
                    phase="Pending"
                    if broken == "pending" or (broken in ("pull", "config") and not app.sidecar)
                    else "Running",
                )
                if broken:
                    self.fix_waiting_messages(pod, broken, missing_cm)
                    self.troubles(pod, broken, missing_cm, pod_age)
                ready += _is_ready(pod)
                if app.recent and rev == len(revisions) - 1:
                    self.pod_events(pod, rs, broken, pod_age)
            ready_total += ready
            rs["status"] = {
                "availableReplicas": ready,
                "fullyLabeledReplicas": count,
                "observedGeneration": 2,
                "readyReplicas": ready,
                "replicas": count,
            }
            if app.recent:
                verb = "down" if rev < len(revisions) - 1 else "up"
                self.normal.append(
                    PendingEvent(
                        dep,
                        "ScalingReplicaSet",
                        f"Scaled {verb} replica set {rs_name} from {replicas} to {count}"
                        if verb == "down"
                        else f"Scaled up replica set {rs_name} to {count}",
                        "deployment-controller",
                        app.rollout_ago - 2,
                    )
                )
        total = sum(r[1] for r in revisions)
        updated = revisions[-1][1]
        available = ready_total >= replicas - 2
        if stuck:
            progressing = _rollout_cond(
                "Progressing",
                False,
                app.rollout_ago - 600,
                "ProgressDeadlineExceeded",
                f'ReplicaSet "{newest_rs}" has timed out progressing.',
            )
        else:
            progressing = _rollout_cond(
                "Progressing",
                True,
                app.rollout_ago,
                "NewReplicaSetAvailable",
                f'ReplicaSet "{newest_rs}" has successfully progressed.',
            )
        dep["status"] = {
            "availableReplicas": ready_total,
            "conditions": [
                _rollout_cond(
                    "Available",
                    available,
                    app.rollout_ago if available else 3000,
                    "MinimumReplicasAvailable" if available else "MinimumReplicasUnavailable",
                    "Deployment has minimum availability."
                    if available
                    else "Deployment does not have minimum availability.",
                ),
                progressing,
            ],
            "observedGeneration": dep["metadata"]["generation"],
            "readyReplicas": ready_total,
            "replicas": total,
            "updatedReplicas": updated,
            **({"unavailableReplicas": total - ready_total} if ready_total < total else {}),
        }
        app.clusterip = self.service_ip()
        self.service(ns, name, labels, app.clusterip, self.kinds["Pod"][-total:])

    def pod_events(self, pod: Obj, rs: Obj, broken: str, age: float) -> None:
        """Normal events of a pod created `age` seconds ago, within the last hour (older ones are gone)."""
        meta = pod["metadata"]
        name, ns = meta["name"], meta["namespace"]
        ago = age - 1
        node = pod["spec"].get("nodeName", "")
        self.normal.append(
            PendingEvent(rs, "SuccessfulCreate", f"Created pod: {name}", "replicaset-controller", ago + 1)
        )
        if broken == "pending":
            return
        self.normal.append(
            PendingEvent(
                pod,
                "Scheduled",
                f"Successfully assigned {ns}/{name} to {node}",
                "default-scheduler",
                ago,
                modern=True,
            )
        )
        for c in pod["spec"]["containers"]:
            fp = f"spec.containers{{{c['name']}}}"
            if broken == "pull" and c is pod["spec"]["containers"][0]:
                continue
            self.normal.append(
                PendingEvent(
                    pod,
                    "Pulled",
                    f'Container image "{c["image"]}" already present on machine',
                    "kubelet",
                    ago - 1,
                    field_path=fp,
                )
            )
            if broken == "config" and c is pod["spec"]["containers"][0]:
                continue
            self.normal.append(
                PendingEvent(
                    pod, "Created", f"Created container {c['name']}", "kubelet", ago - 1, field_path=fp
                )
            )
            self.normal.append(
                PendingEvent(
                    pod, "Started", f"Started container {c['name']}", "kubelet", ago - 2, field_path=fp
                )
            )

    def service(
        self,
        ns: str,
        name: str,
        selector: Mapping[str, str],
        ip: str,
        pods: list[Obj],
        *,
        headless: bool = False,
        port: tuple[str, int, int] = ("http", 80, 8080),
    ) -> Obj:
        port_name, port_number, target = port
        svc = self.add(
            "Service",
            {
                "apiVersion": "v1",
                "kind": "Service",
                "metadata": self.meta(name, ns, 86400 * 60, labels={"app.kubernetes.io/name": name}),
                "spec": {
                    "clusterIP": "None" if headless else ip,
                    "clusterIPs": ["None" if headless else ip],
                    "internalTrafficPolicy": "Cluster",
                    "ipFamilies": ["IPv4"],
                    "ipFamilyPolicy": "SingleStack",
                    "ports": [
                        {"name": port_name, "port": port_number, "protocol": "TCP", "targetPort": port_name}
                    ],
                    "selector": dict(selector),
                    "sessionAffinity": "None",
                    "type": "ClusterIP",
                },
                "status": {"loadBalancer": {}},
            },
        )
        ready: list[Obj] = []
        not_ready: list[Obj] = []
        for p in pods:
            ip_ = p["status"].get("podIP")
            if not ip_:
                continue
            addr = {
                "ip": ip_,
                "nodeName": p["spec"]["nodeName"],
                "targetRef": {
                    "kind": "Pod",
                    "name": p["metadata"]["name"],
                    "namespace": ns,
                    "uid": p["metadata"]["uid"],
                },
            }
            (ready if _is_ready(p) else not_ready).append(addr)
        subset: Obj = {}
        if ready:
            subset["addresses"] = ready
        if not_ready:
            subset["notReadyAddresses"] = not_ready
        endpoints: Obj = {
            "apiVersion": "v1",
            "kind": "Endpoints",
            "metadata": self.meta(
                name,
                ns,
                86400 * 60,
                labels={"app.kubernetes.io/name": name},
                annotations={
                    "endpoints.kubernetes.io/last-change-trigger-time": ts(self.rng.uniform(60, 86400))
                },
            ),
        }
        if subset:
            subset["ports"] = [{"name": port_name, "port": target, "protocol": "TCP"}]
            endpoints["subsets"] = [subset]
        self.add("Endpoints", endpoints)
        return svc

    def daemonset(self, ns: str, name: str, image: str) -> None:
        labels = {"k8s-app": name}
        containers = [
            {
                "name": name,
                "image": image,
                "imagePullPolicy": "IfNotPresent",
                "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}},
                "securityContext": {"privileged": True},
                "terminationMessagePath": "/dev/termination-log",
                "terminationMessagePolicy": "File",
            }
        ]
        spec = self.pod_spec(
            containers, [{"name": "lib-modules", "hostPath": {"path": "/lib/modules", "type": ""}}], sa=name
        )
        spec.update(hostNetwork=True, priorityClassName="system-node-critical", priority=2000001000)
        spec["tolerations"] = [{"operator": "Exists"}]
        nodes = self.control_plane + self.workers
        ds = self.add(
            "DaemonSet",
            {
                "apiVersion": "apps/v1",
                "kind": "DaemonSet",
                "metadata": self.meta(
                    name,
                    ns,
                    90 * 86400,
                    labels=labels,
                    generation=1,
                    annotations={"deprecated.daemonset.template.generation": "1"},
                ),
                "spec": {
                    "revisionHistoryLimit": 10,
                    "selector": {"matchLabels": labels},
                    "template": {"metadata": {"creationTimestamp": None, "labels": labels}, "spec": spec},
                    "updateStrategy": {
                        "type": "RollingUpdate",
                        "rollingUpdate": {"maxSurge": 0, "maxUnavailable": 1},
                    },
                },
                "status": {
                    "currentNumberScheduled": len(nodes),
                    "desiredNumberScheduled": len(nodes),
                    "numberAvailable": len(nodes),
                    "numberMisscheduled": 0,
                    "numberReady": len(nodes),
                    "observedGeneration": 1,
                    "updatedNumberScheduled": len(nodes),
                },
            },
        )
        h = self.hexid(40)[:10]
        for node in nodes:
            saved = self.workers
            self.workers = [node]
            pod = self.pod(
                f"{name}-{self.suffix()}",
                ns,
                ds,
                {**labels, "controller-revision-hash": h},
                spec,
                age=89 * 86400,
                generate_name=f"{name}-",
            )
            self.workers = saved
            pod["status"]["podIP"] = pod["status"]["hostIP"]
            pod["status"]["podIPs"] = [{"ip": pod["status"]["hostIP"]}]

    def statefulset(self, ns: str, name: str, replicas: int) -> None:
        labels = {"app.kubernetes.io/name": name}
        image = "docker.io/library/postgres:16.4" if "postgres" in name else "docker.io/bitnami/redis:7.4.1"
        containers = [
            {
                "name": name.split("-")[0],
                "image": image,
                "imagePullPolicy": "IfNotPresent",
                "ports": [{"name": "tcp", "containerPort": 5432, "protocol": "TCP"}],
                "env": [{"name": "PGDATA", "value": "/var/lib/postgresql/data/pgdata"}],
                "resources": {"limits": {"memory": "2Gi"}, "requests": {"cpu": "500m", "memory": "2Gi"}},
                "volumeMounts": [{"name": "data", "mountPath": "/var/lib/postgresql/data"}],
                "terminationMessagePath": "/dev/termination-log",
                "terminationMessagePolicy": "File",
            }
        ]
        spec = self.pod_spec(containers, [])
        sts = self.add(
            "StatefulSet",
            {
                "apiVersion": "apps/v1",
                "kind": "StatefulSet",
                "metadata": self.meta(name, ns, 120 * 86400, labels=labels, generation=1),
                "spec": {
                    "replicas": replicas,
                    "serviceName": name,
                    "podManagementPolicy": "OrderedReady",
                    "selector": {"matchLabels": labels},
                    "template": {"metadata": {"creationTimestamp": None, "labels": labels}, "spec": spec},
                    "volumeClaimTemplates": [
                        {
                            "apiVersion": "v1",
                            "kind": "PersistentVolumeClaim",
                            "metadata": {"name": "data", "creationTimestamp": None},
                            "spec": {
                                "accessModes": ["ReadWriteOnce"],
                                "resources": {"requests": {"storage": "20Gi"}},
                                "storageClassName": "gp3",
                                "volumeMode": "Filesystem",
                            },
                        }
                    ],
                    "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}},
                    "persistentVolumeClaimRetentionPolicy": {"whenDeleted": "Retain", "whenScaled": "Retain"},
                },
                "status": {
                    "availableReplicas": replicas,
                    "collisionCount": 0,
                    "currentReplicas": replicas,
                    "currentRevision": f"{name}-{self.hexid(40)[:10]}",
                    "observedGeneration": 1,
                    "readyReplicas": replicas,
                    "replicas": replicas,
                    "updatedReplicas": replicas,
                },
            },
        )
        sts["status"]["updateRevision"] = sts["status"]["currentRevision"]
        pods = []
        for i in range(replicas):
            claim = f"data-{name}-{i}"
            pvc = self.add(
                "PersistentVolumeClaim",
                {
                    "apiVersion": "v1",
                    "kind": "PersistentVolumeClaim",
                    "metadata": self.meta(
                        claim,
                        ns,
                        120 * 86400,
                        labels=labels,
                        annotations={
                            "pv.kubernetes.io/bind-completed": "yes",
                            "pv.kubernetes.io/bound-by-controller": "yes",
                            "volume.kubernetes.io/storage-provisioner": "ebs.csi.aws.com",
                        },
                        finalizers=["kubernetes.io/pvc-protection"],
                    ),
                    "spec": {
                        "accessModes": ["ReadWriteOnce"],
                        "resources": {"requests": {"storage": "20Gi"}},
                        "storageClassName": "gp3",
                        "volumeMode": "Filesystem",
                    },
                    "status": {
                        "accessModes": ["ReadWriteOnce"],
                        "capacity": {"storage": "20Gi"},
                        "phase": "Bound",
                    },
                },
            )
            pvc["spec"]["volumeName"] = f"pvc-{pvc['metadata']['uid']}"
            pod_spec = dict(spec, hostname=f"{name}-{i}", subdomain=name)
            pod_spec["volumes"] = [{"name": "data", "persistentVolumeClaim": {"claimName": claim}}]
            pods.append(
                self.pod(
                    f"{name}-{i}",
                    ns,
                    sts,
                    {
                        **labels,
                        "apps.kubernetes.io/pod-index": str(i),
                        "statefulset.kubernetes.io/pod-name": f"{name}-{i}",
                    },
                    pod_spec,
                    age=30 * 86400 - i * 60,
                )
            )
        self.service(ns, name, labels, "", pods, headless=True, port=("tcp", 5432, 5432))

    def cronjob(self, ns: str, name: str, *, fail: bool) -> None:
        labels = {"app.kubernetes.io/name": name}
        container = {
            "name": name,
            "image": f"123456789012.dkr.ecr.eu-west-1.amazonaws.com/{ns}/{name}:1.4.0",
            "imagePullPolicy": "IfNotPresent",
            "args": ["--once"],
            "resources": {"requests": {"cpu": "200m", "memory": "256Mi"}, "limits": {"memory": "512Mi"}},
            "terminationMessagePath": "/dev/termination-log",
            "terminationMessagePolicy": "File",
        }
        spec = dict(self.pod_spec([container], []), restartPolicy="Never" if fail else "OnFailure")
        owner: Obj | None = None
        if not fail:
            owner = self.add(
                "CronJob",
                {
                    "apiVersion": "batch/v1",
                    "kind": "CronJob",
                    "metadata": self.meta(name, ns, 100 * 86400, labels=labels, generation=1),
                    "spec": {
                        "concurrencyPolicy": "Forbid",
                        "failedJobsHistoryLimit": 1,
                        "schedule": "30 * * * *",
                        "successfulJobsHistoryLimit": 3,
                        "suspend": False,
                        "jobTemplate": {
                            "metadata": {"creationTimestamp": None},
                            "spec": {
                                "backoffLimit": 6,
                                "template": {"metadata": {"labels": labels}, "spec": spec},
                            },
                        },
                    },
                    "status": {"lastScheduleTime": ts(1800), "lastSuccessfulTime": ts(1740)},
                },
            )
        job_name = f"{name}-29401290" if owner else name
        job_uid = self.uid()
        job_labels = {
            **labels,
            "batch.kubernetes.io/controller-uid": job_uid,
            "batch.kubernetes.io/job-name": job_name,
            "controller-uid": job_uid,
            "job-name": job_name,
        }
        job_age = 1800 if owner else 5400
        backoff = 6 if owner else 2
        meta = self.meta(job_name, ns, job_age, labels=labels, generation=1)
        meta["uid"] = job_uid
        if owner:
            meta["ownerReferences"] = [_owner(owner)]
        status: Obj
        if fail:
            status = {
                "conditions": [
                    _cond(
                        "FailureTarget",
                        True,
                        5220,
                        "BackoffLimitExceeded",
                        "Job has reached the specified backoff limit",
                        probe=True,
                    ),
                    _cond(
                        "Failed",
                        True,
                        5220,
                        "BackoffLimitExceeded",
                        "Job has reached the specified backoff limit",
                        probe=True,
                    ),
                ],
                "failed": backoff + 1,
                "ready": 0,
                "startTime": ts(job_age),
                "terminating": 0,
                "uncountedTerminatedPods": {},
            }
        else:
            status = {
                "completionTime": ts(1740),
                "conditions": [
                    _cond(
                        "SuccessCriteriaMet",
                        True,
                        1740,
                        "CompletionsReached",
                        "Reached expected number of succeeded pods",
                        probe=True,
                    ),
                    _cond(
                        "Complete",
                        True,
                        1740,
                        "CompletionsReached",
                        "Reached expected number of succeeded pods",
                        probe=True,
                    ),
                ],
                "ready": 0,
                "startTime": ts(job_age),
                "succeeded": 1,
                "terminating": 0,
                "uncountedTerminatedPods": {},
            }
        job = self.add(
            "Job",
            {
                "apiVersion": "batch/v1",
                "kind": "Job",
                "metadata": meta,
                "spec": {
                    "backoffLimit": backoff,
                    "completionMode": "NonIndexed",
                    "completions": 1,
                    "manualSelector": False,
                    "parallelism": 1,
                    "podReplacementPolicy": "TerminatingOrFailed",
                    "selector": {"matchLabels": {"batch.kubernetes.io/controller-uid": job_uid}},
                    "suspend": False,
                    "template": {"metadata": {"creationTimestamp": None, "labels": job_labels}, "spec": spec},
                },
                "status": status,
            },
        )
        for i in range(backoff + 1 if fail else 1):
            pod = self.pod(
                f"{job_name}-{self.suffix()}",
                ns,
                job,
                job_labels,
                spec,
                age=job_age - i * 30,
                broken="job" if fail else "",
                generate_name=f"{job_name}-",
                phase="Failed" if fail else "Succeeded",
            )
            cs = pod["status"]["containerStatuses"][0]
            if fail:
                self.troubles(pod, "job", "", job_age - i * 30)
            else:
                cs.update(
                    ready=False,
                    started=False,
                    state={
                        "terminated": {
                            "containerID": cs["containerID"],
                            "exitCode": 0,
                            "reason": "Completed",
                            "startedAt": ts(1790),
                            "finishedAt": ts(1745),
                        }
                    },
                )
            for cond in pod["status"]["conditions"]:
                if cond["type"] in ("Ready", "ContainersReady", "PodReadyToStartContainers"):
                    cond["status"] = "False"
            self.normal.append(
                PendingEvent(
                    job,
                    "SuccessfulCreate",
                    f"Created pod: {pod['metadata']['name']}",
                    "job-controller",
                    job_age - i * 30,
                )
            )
        if fail:
            self.special.append(
                PendingEvent(
                    job,
                    "BackoffLimitExceeded",
                    "Job has reached the specified backoff limit",
                    "job-controller",
                    5220,
                    warning=True,
                )
            )
        else:
            self.normal.append(PendingEvent(job, "Completed", "Job completed", "job-controller", 1740))
            assert owner is not None
            self.normal.append(
                PendingEvent(owner, "SuccessfulCreate", f"Created job {job_name}", "cronjob-controller", 1800)
            )
            self.normal.append(
                PendingEvent(
                    owner,
                    "SawCompletedJob",
                    f"Saw completed job: {job_name}, status: Complete",
                    "cronjob-controller",
                    1739,
                )
            )

    def extras(self, app: App) -> None:
        """Ingress, HPA and PDB for some apps (the healthy ones, as most are)."""
        ns, name = app.namespace, app.name
        if app.index % 10 == 0:
            tls = f"{name}-tls"
            self.add(
                "Secret",
                {
                    "apiVersion": "v1",
                    "kind": "Secret",
                    "type": "kubernetes.io/tls",
                    "metadata": self.meta(
                        tls, ns, 50 * 86400, annotations={"cert-manager.io/issuer-name": "letsencrypt"}
                    ),
                    "data": {"tls.crt": "", "tls.key": ""},
                },
            )
            host = f"{name}.{ns}.example.com"
            self.add(
                "Ingress",
                {
                    "apiVersion": "networking.k8s.io/v1",
                    "kind": "Ingress",
                    "metadata": self.meta(name, ns, 50 * 86400, generation=1),
                    "spec": {
                        "ingressClassName": "nginx",
                        "rules": [
                            {
                                "host": host,
                                "http": {
                                    "paths": [
                                        {
                                            "path": "/",
                                            "pathType": "Prefix",
                                            "backend": {"service": {"name": name, "port": {"number": 80}}},
                                        }
                                    ]
                                },
                            }
                        ],
                        "tls": [{"hosts": [host], "secretName": tls}],
                    },
                    "status": {
                        "loadBalancer": {
                            "ingress": [{"hostname": "k8s-ingress-5f1e2d3c4b.elb.eu-west-1.amazonaws.com"}]
                        }
                    },
                },
            )
        if app.index % 10 == 5 and not app.broken:
            self.add(
                "HorizontalPodAutoscaler",
                {
                    "apiVersion": "autoscaling/v2",
                    "kind": "HorizontalPodAutoscaler",
                    "metadata": self.meta(name, ns, 50 * 86400),
                    "spec": {
                        "maxReplicas": 20,
                        "minReplicas": 3,
                        "metrics": [
                            {
                                "type": "Resource",
                                "resource": {
                                    "name": "cpu",
                                    "target": {"type": "Utilization", "averageUtilization": 70},
                                },
                            }
                        ],
                        "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": name},
                    },
                    "status": {
                        "conditions": [
                            _cond(
                                "AbleToScale",
                                True,
                                3600,
                                "ReadyForNewScale",
                                "recommended size matches current size",
                            ),
                            _cond(
                                "ScalingActive",
                                True,
                                50 * 86400,
                                "ValidMetricFound",
                                "the HPA was able to successfully calculate a replica count from cpu "
                                "resource utilization (percentage of request)",
                            ),
                            _cond(
                                "ScalingLimited",
                                False,
                                50 * 86400,
                                "DesiredWithinRange",
                                "the desired count is within the acceptable range",
                            ),
                        ],
                        "currentMetrics": [
                            {
                                "type": "Resource",
                                "resource": {
                                    "name": "cpu",
                                    "current": {"averageUtilization": 41, "averageValue": "41m"},
                                },
                            }
                        ],
                        "currentReplicas": PODS_PER_DEPLOYMENT,
                        "desiredReplicas": PODS_PER_DEPLOYMENT,
                        "lastScaleTime": ts(7 * 86400),
                    },
                },
            )
        if app.index % 10 == 7 and not app.broken:
            self.add(
                "PodDisruptionBudget",
                {
                    "apiVersion": "policy/v1",
                    "kind": "PodDisruptionBudget",
                    "metadata": self.meta(name, ns, 50 * 86400, generation=1),
                    "spec": {
                        "maxUnavailable": 1,
                        "selector": {"matchLabels": {"app.kubernetes.io/name": name}},
                    },
                    "status": {
                        "conditions": [_cond("DisruptionAllowed", True, 86400, "SufficientPods")],
                        "currentHealthy": PODS_PER_DEPLOYMENT,
                        "desiredHealthy": PODS_PER_DEPLOYMENT - 1,
                        "disruptionsAllowed": 1,
                        "expectedPods": PODS_PER_DEPLOYMENT,
                        "observedGeneration": 1,
                    },
                },
            )

    # ---- the whole cluster -----------------------------------------------------------------------

    def build(self) -> None:
        self.nodes()
        self.namespace("default", 400 * 86400)
        self.namespace("kube-system", 400 * 86400)
        small = self.target_pods < 100
        n_ns = NAMESPACES if not small else max(1, self.target_pods // 10)
        envs = ("prod", "staging")
        namespaces = [f"{_TEAMS[i % len(_TEAMS)]}-{envs[(i // len(_TEAMS)) % 2]}" for i in range(n_ns)]
        for ns in namespaces:
            self.namespace(ns, 300 * 86400)
        if not small:
            self.daemonset("kube-system", "kube-proxy", "registry.k8s.io/kube-proxy:v1.32.4")
            self.daemonset("kube-system", "cilium", "quay.io/cilium/cilium:v1.16.3")
            for i in range(max(1, self.target_pods // 1000)):
                self.statefulset(namespaces[(i * 7) % len(namespaces)], "postgres", 3)
            for i in range(max(1, self.target_pods // 2000)):
                self.cronjob(namespaces[(i * 3 + 1) % len(namespaces)], "report-export", fail=False)
            self.cronjob(namespaces[len(namespaces) // 2], "db-migrate", fail=True)
            self.add(
                "IngressClass",
                {
                    "apiVersion": "networking.k8s.io/v1",
                    "kind": "IngressClass",
                    "metadata": self.meta(
                        "nginx",
                        None,
                        300 * 86400,
                        annotations={"ingressclass.kubernetes.io/is-default-class": "true"},
                    ),
                    "spec": {"controller": "k8s.io/ingress-nginx"},
                },
            )
        self.broken_budget = max(0, self.broken_budget - len(self.broken))
        apps = self.plan_apps(self.target_pods - self.pod_count, namespaces)
        recent_needed = self.target_events - len(self.special)
        for app in apps:
            remaining = self.target_pods - self.pod_count
            if remaining <= 0:
                break
            stuck = app.broken in TEMPLATE_KINDS
            want = STUCK_OLD_PODS + app.broken_pods if stuck else PODS_PER_DEPLOYMENT
            if remaining < want or app is apps[-1]:
                want = remaining
                if stuck and want <= STUCK_OLD_PODS:  # no room left for a stuck rollout
                    app.broken, app.broken_pods, app.recent = "", 0, False
            if (
                len(self.normal) < recent_needed
                and not app.recent
                and not app.broken
                and self.rng.random() < 0.8
            ):
                app.recent, app.rollout_ago = True, self.rng.uniform(900, 3400)
            self.deployment(app, want)
            self.extras(app)
        # a Service whose selector matches no pod (its Deployment was renamed)
        ns = namespaces[0]
        self.service(ns, "legacy-frontend", {"app.kubernetes.io/name": "frontend-v1"}, self.service_ip(), [])
        self.pad_events()

    def pad_events(self) -> None:
        """Events of pods the last hour's rollouts deleted, while the budget calls for more."""
        needed = self.target_events - len(self.special) - len(self.normal)
        rss = self.kinds.get("ReplicaSet", [])
        i = 0
        while needed > 0 and rss:
            rs = rss[i % len(rss)]
            i += 1
            gone: Obj = {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {
                    "name": f"{rs['metadata']['name']}-{self.suffix()}",
                    "namespace": rs["metadata"]["namespace"],
                    "uid": self.uid(),
                    "resourceVersion": str(self.rng.randint(100_000, 99_999_999)),
                },
                "spec": {"nodeName": self.workers[i % len(self.workers)]},
            }
            cname = rs["spec"]["template"]["spec"]["containers"][0]["name"]
            ago = self.rng.uniform(60, 3500)
            self.normal.append(
                PendingEvent(
                    gone,
                    "Killing",
                    f"Stopping container {cname}",
                    "kubelet",
                    ago,
                    field_path=f"spec.containers{{{cname}}}",
                )
            )
            self.normal.append(
                PendingEvent(
                    rs,
                    "SuccessfulDelete",
                    f"Deleted pod: {gone['metadata']['name']}",
                    "replicaset-controller",
                    ago + 1,
                )
            )
            needed -= 2

    def events(self) -> Iterator[Obj]:
        keep = max(0, self.target_events - len(self.special))
        normal = self.normal
        if len(normal) > keep:
            picked = sorted(self.rng.sample(range(len(normal)), keep))
            normal = [normal[i] for i in picked]
        for ev in normal:
            yield self.event(ev)
        for ev in self.special:
            yield self.event(ev)


FILE_FOR_KIND = {
    "Node": "nodes",
    "Namespace": "namespaces",
    "ConfigMap": "configmaps",
    "Secret": "secrets",
    "Deployment": "deployments",
    "ReplicaSet": "replicasets",
    "StatefulSet": "statefulsets",
    "DaemonSet": "daemonsets",
    "Job": "jobs",
    "CronJob": "cronjobs",
    "Pod": "pods",
    "Service": "services",
    "Endpoints": "endpoints",
    "PersistentVolumeClaim": "persistentvolumeclaims",
    "Ingress": "ingresses",
    "IngressClass": "ingressclasses",
    "HorizontalPodAutoscaler": "horizontalpodautoscalers",
    "PodDisruptionBudget": "poddisruptionbudgets",
    "Event": "events",
}


def generate(
    out_dir: Path, *, pods: int, events: int, broken_fraction: float = 0.03, seed: int = 7
) -> GenStats:
    """Write `pods` pods and `events` events (at least the broken pods' warnings) to `out_dir`."""
    started = time.perf_counter()
    g = Gen(seed, pods, events, broken_fraction)
    g.build()
    g.kinds["Event"] = list(g.events())
    out_dir.mkdir(parents=True, exist_ok=True)
    files = 0
    for kind, items in g.kinds.items():
        doc = {"apiVersion": "v1", "items": items, "kind": "List", "metadata": {"resourceVersion": ""}}
        (out_dir / f"{FILE_FOR_KIND[kind]}.json").write_bytes(orjson.dumps(doc))
        files += 1
    for rel, text in g.logs.items():
        path = out_dir / "logs" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    (out_dir / "snapshot.yaml").write_text(
        f"# generated by bench/gen_snapshot.py --pods {pods} --events {events} --seed {seed}\n"
        f"# generator: {GENERATOR_VERSION}\n"
        f'capturedAt: "{CAPTURED_AT}"\ncluster: bench\n'
    )
    return GenStats(
        pods=len(g.kinds.get("Pod", [])),
        events=len(g.kinds["Event"]),
        broken_pods=len(g.broken),
        files=files,
        objects=sum(len(v) for v in g.kinds.values()),
        logs=len(g.logs),
        broken_by_kind=dict(Counter(kind for kind, _ in g.broken)),
        seconds=time.perf_counter() - started,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("out", type=Path, help="directory to write (created if missing)")
    parser.add_argument("--pods", type=int, default=10_000)
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--broken", type=float, default=0.03, help="fraction of pods to break (default 0.03)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    stats = generate(
        args.out, pods=args.pods, events=args.events, broken_fraction=args.broken, seed=args.seed
    )
    kinds = ", ".join(f"{k} {n}" for k, n in sorted(stats.broken_by_kind.items()))
    print(
        f"wrote {stats.objects} objects ({stats.pods} pods, {stats.broken_pods} broken: {kinds}; "
        f"{stats.events} events), {stats.logs} logs in {stats.files} files to {args.out} "
        f"in {stats.seconds:.1f} s"
    )


if __name__ == "__main__":
    main()
