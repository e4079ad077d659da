"""Scheduler predicates: why a pod does or does not fit a node, in the scheduler's own words."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kubemedic.sim.quantity import millicores, parse_quantity
from kubemedic.sim.selectors import selector_from_object

Obj = dict[str, Any]


@dataclass
class NodeUsage:
    cpu_m: int = 0
    memory: float = 0.0
    pods: int = 0
    labels_of_pods: list[dict[str, str]] = field(default_factory=list)


def pod_requests(pod: Obj) -> tuple[int, float]:
    cpu, mem = 0, 0.0
    for c in (pod.get("spec") or {}).get("containers") or []:
        req = (c.get("resources") or {}).get("requests") or {}
        cpu += millicores(req.get("cpu", 0))
        mem += parse_quantity(req.get("memory", 0))
    return cpu, mem


def tolerates(tolerations: list[Obj], taint: Obj) -> bool:
    for t in tolerations:
        if t.get("effect") and t.get("effect") != taint.get("effect"):
            continue
        if not t.get("key") and t.get("operator") == "Exists":
            return True
        if t.get("key") != taint.get("key"):
            continue
        if t.get("operator") == "Exists" or t.get("value", "") == taint.get("value", ""):
            return True
    return False


def _affinity_matches(pod: Obj, node: Obj) -> bool:
    labels = node["metadata"].get("labels") or {}
    for k, v in ((pod.get("spec") or {}).get("nodeSelector") or {}).items():
        if labels.get(k) != v:
            return False
    required = (((pod.get("spec") or {}).get("affinity") or {}).get("nodeAffinity") or {}).get(
        "requiredDuringSchedulingIgnoredDuringExecution"
    ) or {}
    terms = required.get("nodeSelectorTerms") or []
    if not terms:
        return True
    for term in terms:
        exprs = term.get("matchExpressions") or []
        fields = term.get("matchFields") or []
        sel = selector_from_object({"matchExpressions": exprs})
        ok_fields = all(
            node["metadata"]["name"] in (f.get("values") or [])
            for f in fields
            if f.get("key") == "metadata.name"
        )
        if sel.matches(labels) and ok_fields:
            return True
    return False


def _anti_affinity_violated(pod: Obj, usage: NodeUsage) -> bool:
    anti = (((pod.get("spec") or {}).get("affinity") or {}).get("podAntiAffinity") or {}).get(
        "requiredDuringSchedulingIgnoredDuringExecution"
    ) or []
    for term in anti:
        sel = selector_from_object(term.get("labelSelector"))
        if term.get("topologyKey") == "kubernetes.io/hostname" and any(
            sel.matches(lbl) for lbl in usage.labels_of_pods
        ):
            return True
    return False


def misfit(pod: Obj, node: Obj, usage: NodeUsage) -> tuple[str | None, bool]:
    """(reason the pod does not fit, whether preemption could help) — reason None means it fits."""
    spec = node.get("spec") or {}
    tolerations = (pod.get("spec") or {}).get("tolerations") or []
    if spec.get("unschedulable") and not tolerates(
        tolerations, {"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}
    ):
        return "node(s) were unschedulable", False
    for taint in spec.get("taints") or []:
        if taint.get("effect") in ("NoSchedule", "NoExecute") and not tolerates(tolerations, taint):
            return f"node(s) had untolerated taint {{{taint.get('key')}: {taint.get('value', '')}}}", False
    if not _affinity_matches(pod, node):
        return "node(s) didn't match Pod's node affinity/selector", False
    if _anti_affinity_violated(pod, usage):
        return "node(s) didn't match pod anti-affinity rules", False
    alloc = (node.get("status") or {}).get("allocatable") or {}
    cpu, mem = pod_requests(pod)
    if usage.pods + 1 > int(parse_quantity(alloc.get("pods", 110))):
        return "Too many pods", True
    if cpu and usage.cpu_m + cpu > millicores(alloc.get("cpu", 0)):
        return "Insufficient cpu", True
    if mem and usage.memory + mem > parse_quantity(alloc.get("memory", 0)):
        return "Insufficient memory", True
    return None, False


def failure_message(total: int, reasons: dict[str, int], preempt: dict[str, int]) -> str:
    parts = sorted(f"{n} {r}" for r, n in reasons.items())
    helpful = sum(preempt.values())
    not_helpful = total - helpful
    pre: list[str] = []
    if not_helpful:
        pre.append(f"{not_helpful} Preemption is not helpful for scheduling")
    if helpful:
        pre.append(f"{helpful} No preemption victims found for incoming pod")
    return (
        f"0/{total} nodes are available: {', '.join(parts)}. "
        f"preemption: 0/{total} nodes are available: {', '.join(sorted(pre))}."
    )
