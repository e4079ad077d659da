"""Defaulting and validation on create, as the real API server does for the fields tools look at."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Any

from kubemedic.sim.errors import ApiError, invalid

Obj = dict[str, Any]

_NOT_READY_TOLERATIONS = (
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
)


@dataclass
class IpAllocator:
    """Hands out addresses from a CIDR in order."""

    cidr: str
    _next: int = field(default=10)

    def allocate(self) -> str:
        net = ipaddress.ip_network(self.cidr)
        self._next += 1
        return str(net.network_address + self._next)


def qos_class(spec: Obj) -> str:
    requests_any = False
    guaranteed = True
    for c in spec.get("containers") or []:
        res = c.get("resources") or {}
        req, lim = res.get("requests") or {}, res.get("limits") or {}
        if req or lim:
            requests_any = True
        for r in ("cpu", "memory"):
            if r not in lim or (r in req and req[r] != lim[r]):
                guaranteed = False
    if not requests_any:
        return "BestEffort"
    return "Guaranteed" if guaranteed else "Burstable"


def _default_pod(obj: Obj) -> None:
    spec = obj.setdefault("spec", {})
    spec.setdefault("restartPolicy", "Always")
    spec.setdefault("dnsPolicy", "ClusterFirst")
    spec.setdefault("schedulerName", "default-scheduler")
    spec.setdefault("terminationGracePeriodSeconds", 30)
    spec.setdefault("serviceAccountName", "default")
    spec.setdefault("priority", 0)
    spec.setdefault("enableServiceLinks", True)
    tolerations = spec.setdefault("tolerations", [])
    keys = {t.get("key") for t in tolerations}
    tolerations.extend(dict(t) for t in _NOT_READY_TOLERATIONS if t["key"] not in keys)
    for c in spec.get("containers") or []:
        c.setdefault(
            "imagePullPolicy", "Always" if str(c.get("image", "")).endswith(":latest") else "IfNotPresent"
        )
        c.setdefault("terminationMessagePath", "/dev/termination-log")
        c.setdefault("terminationMessagePolicy", "File")
        c.setdefault("resources", {})
        res = c["resources"]
        if res.get("limits") and not res.get("requests"):
            res["requests"] = dict(res["limits"])
        for p in c.get("ports") or []:
            p.setdefault("protocol", "TCP")
    status = obj.setdefault("status", {})
    status.setdefault("phase", "Pending")
    status["qosClass"] = qos_class(spec)


def _default_template(spec: Obj) -> None:
    template = spec.setdefault("template", {})
    pod_spec = template.setdefault("spec", {})
    pod_spec.setdefault("restartPolicy", "Always")
    pod_spec.setdefault("dnsPolicy", "ClusterFirst")
    pod_spec.setdefault("schedulerName", "default-scheduler")
    pod_spec.setdefault("terminationGracePeriodSeconds", 30)


def _validate_selector(obj: Obj, kind: str) -> None:
    name = obj["metadata"].get("name", "")
    spec = obj.get("spec") or {}
    if not spec.get("selector"):
        raise invalid(kind, name, "spec.selector", "Required value")
    labels = ((spec.get("template") or {}).get("metadata") or {}).get("labels") or {}
    match = (spec.get("selector") or {}).get("matchLabels") or {}
    if any(labels.get(k) != v for k, v in match.items()):
        raise invalid(
            kind,
            name,
            "spec.template.metadata.labels",
            f"Invalid value: {labels!r}: `selector` does not match template `labels`",
        )


def _default_service(obj: Obj, ips: IpAllocator) -> None:
    spec = obj.setdefault("spec", {})
    spec.setdefault("type", "ClusterIP")
    spec.setdefault("sessionAffinity", "None")
    if spec.get("clusterIP") != "None" and not spec.get("clusterIP"):
        spec["clusterIP"] = ips.allocate()
    spec.setdefault("clusterIPs", [spec["clusterIP"]])
    spec.setdefault("ipFamilies", ["IPv4"])
    for p in spec.get("ports") or []:
        p.setdefault("protocol", "TCP")
        p.setdefault("targetPort", p.get("port"))
        if spec["type"] in ("NodePort", "LoadBalancer") and "nodePort" not in p:
            p["nodePort"] = 30000 + (int(p.get("port", 0)) * 7 + len(obj["metadata"]["name"])) % 2767
    obj.setdefault("status", {"loadBalancer": {}})


def apply_defaults(kind: str, obj: Obj, ips: IpAllocator) -> None:
    """Fill in defaults and reject bodies a real server would reject."""
    spec = obj.get("spec")
    if kind == "Pod":
        if not (obj.get("spec") or {}).get("containers"):
            raise invalid("Pod", obj["metadata"].get("name", ""), "spec.containers", "Required value")
        _default_pod(obj)
    elif kind in ("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet"):
        _validate_selector(obj, kind)
        assert isinstance(spec, dict)
        _default_template(spec)
        if kind != "DaemonSet":
            spec.setdefault("replicas", 1)
        spec.setdefault("revisionHistoryLimit", 10)
        if kind == "Deployment":
            spec.setdefault("progressDeadlineSeconds", 600)
            spec.setdefault(
                "strategy",
                {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}},
            )
        if kind == "StatefulSet":
            spec.setdefault("podManagementPolicy", "OrderedReady")
            spec.setdefault("serviceName", "")
        obj.setdefault("status", {})
    elif kind == "Job":
        spec = obj.setdefault("spec", {})
        spec.setdefault("backoffLimit", 6)
        spec.setdefault("completions", 1)
        spec.setdefault("parallelism", 1)
        _default_template(spec)
        spec["template"]["spec"]["restartPolicy"] = spec["template"]["spec"].get("restartPolicy") or "Never"
        uid_label = {"batch.kubernetes.io/job-name": obj["metadata"].get("name", "")}
        spec.setdefault("selector", {"matchLabels": uid_label})
        tmeta = spec["template"].setdefault("metadata", {})
        tmeta.setdefault("labels", {}).update({**uid_label, "job-name": obj["metadata"].get("name", "")})
        obj.setdefault("status", {})
    elif kind == "CronJob":
        spec = obj.setdefault("spec", {})
        if not spec.get("schedule"):
            raise invalid("CronJob", obj["metadata"].get("name", ""), "spec.schedule", "Required value")
        spec.setdefault("concurrencyPolicy", "Allow")
        spec.setdefault("suspend", False)
        spec.setdefault("successfulJobsHistoryLimit", 3)
        spec.setdefault("failedJobsHistoryLimit", 1)
        obj.setdefault("status", {})
    elif kind == "Service":
        _default_service(obj, ips)
    elif kind == "Namespace":
        obj.setdefault("spec", {"finalizers": ["kubernetes"]})
        obj["status"] = {"phase": "Active"}
        obj["metadata"].setdefault("labels", {})["kubernetes.io/metadata.name"] = obj["metadata"]["name"]
    elif kind == "PersistentVolumeClaim":
        obj.setdefault("spec", {}).setdefault("volumeMode", "Filesystem")
        obj.setdefault("status", {"phase": "Pending"})
    elif kind == "Secret":
        obj.setdefault("type", "Opaque")


def check_kind(obj: Obj, api_version: str, kind: str) -> None:
    got_kind, got_version = obj.get("kind"), obj.get("apiVersion")
    if got_kind and got_kind != kind:
        raise ApiError(
            400,
            "BadRequest",
            f"the API version in the data ({got_version}) does not match the "
            f"expected API version ({api_version})"
            if got_version != api_version
            else f"kind {got_kind} does not match the expected kind {kind}",
        )
    if got_version and got_version != api_version:
        raise ApiError(
            400,
            "BadRequest",
            f"the API version in the data ({got_version}) does not match the "
            f"expected API version ({api_version})",
        )
