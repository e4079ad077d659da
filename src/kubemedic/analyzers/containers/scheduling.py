"""Pods the scheduler cannot place on any node.

Detects: Pending pods with PodScheduled=False, parsing the scheduler's FailedScheduling message into
its reasons: insufficient cpu/memory/pods/extended resources (compared with the largest node),
untolerated taints, node selector/affinity mismatch (checked against the nodes' labels), pod
(anti-)affinity, unbound PersistentVolumeClaims, volume node affinity conflicts, cordoned nodes.
Evidence: the latest FailedScheduling event and the pod's requests, nodeSelector and claims.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

from kubemedic.domain import Evidence, EvidenceSource, Finding, ObjectRef, Severity
from kubemedic.state import ClusterState, KubeObject, Pod, as_map
from kubemedic.state.quantity import try_parse_quantity

GRACE_S = 60
_ITEM = re.compile(r"(\d+)\s+(.+)")


@dataclass(frozen=True, slots=True)
class Blocker:
    count: int
    text: str
    kind: str  # resources | taint | selector | affinity | volume | cordoned | ports | other


_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("resources", re.compile(r"Insufficient|Too many pods", re.I)),
    ("taint", re.compile(r"untolerated taint|had taint", re.I)),
    (
        "selector",
        re.compile(
            r"node affinity/selector|didn't match Pod's node affinity|node\(s\) didn't match node selector",
            re.I,
        ),
    ),
    ("affinity", re.compile(r"pod (anti-)?affinity", re.I)),
    ("volume", re.compile(r"PersistentVolumeClaim|volume node affinity|volume", re.I)),
    ("cordoned", re.compile(r"unschedulable", re.I)),
    ("ports", re.compile(r"free ports", re.I)),
)


def parse_scheduler_message(message: str) -> list[Blocker]:
    """`0/3 nodes are available: 1 node(s) had untolerated taint {...}, 2 Insufficient memory. "
    "preemption: ...`"""
    head = message.split(". preemption:", 1)[0]
    if ":" not in head:
        return []
    body = head.split(":", 1)[1]
    blockers = []
    for part in re.split(r",\s+(?=\d+\s)", body.strip().rstrip(".")):
        match = _ITEM.match(part.strip())
        if not match:
            continue
        text = match.group(2).strip()
        kind = next((k for k, rx in _KINDS if rx.search(text)), "other")
        blockers.append(Blocker(int(match.group(1)), text, kind))
    return blockers


def analyze(state: ClusterState) -> Iterator[Finding]:
    memo: dict[str, Decimal | None] = {}  # largest allocatable per resource, computed once per scan
    for pod in state.troubled_pods:
        if pod.phase != "Pending" or pod.node_name:
            continue
        cond = pod.condition("PodScheduled")
        event = state.latest_event(pod, reasons=("FailedScheduling",))
        if event is None and (cond is None or cond.is_true):
            continue
        age = state.age_seconds(pod.created)
        if age is not None and age < GRACE_S and event is None:
            continue
        message = event.message if event else (cond.message if cond else "")
        yield _finding(state, pod, message, event.evidence() if event else None, age, memo)


def _finding(
    state: ClusterState,
    pod: Pod,
    message: str,
    event: Evidence | None,
    age: float | None,
    memo: dict[str, Decimal | None],
) -> Finding:
    blockers = parse_scheduler_message(message)
    main = max(blockers, key=lambda b: b.count) if blockers else None
    causes = [_explain(state, pod, b, memo) for b in sorted(blockers, key=lambda b: -b.count)]
    evidence = [event] if event else []
    evidence += _pod_facts(pod)
    depends = (
        [ObjectRef("PersistentVolumeClaim", pod.namespace, c) for c in _claims(pod)]
        if any(b.kind == "volume" for b in blockers)
        else []
    )
    title_reason = main.text if main else "no node fits"
    subject = state.top_owner(pod)
    return Finding.for_object(
        subject,
        severity=Severity.WARNING if age is not None and age < GRACE_S else Severity.ERROR,
        category="scheduling",
        title=f"pod cannot be scheduled: {_stable(title_reason)}",
        message=f"Pod {pod.name} is Pending: {message or 'the scheduler found no node for it'}",
        root_cause=" ".join(causes) or "The scheduler found no node that satisfies the pod's constraints.",
        evidence=evidence,
        remediation=_remedy(main.kind if main else "other", pod),
        related=(pod.ref,) if subject is not pod else (),
        depends_on=depends,
    )


def _stable(text: str) -> str:
    return re.sub(r"\d+", "N", text)


def _pod_facts(pod: Pod) -> list[Evidence]:
    facts = []
    requests = _requests(pod)
    if requests:
        text = ", ".join(f"{k}={v}" for k, v in sorted(requests.items()))
        facts.append(
            Evidence(
                EvidenceSource.FIELD, f"requests: {text}", location="spec.containers[*].resources.requests"
            )
        )
    selector = as_map(pod.spec.get("nodeSelector"))
    if selector:
        facts.append(Evidence.field("spec.nodeSelector", ", ".join(f"{k}={v}" for k, v in selector.items())))
    return facts


def _requests(pod: Pod) -> dict[str, str]:
    total: dict[str, Decimal] = {}
    raw: dict[str, str] = {}
    for c in pod.containers():
        for name, value in as_map(c.resources.get("requests")).items():
            q = try_parse_quantity(value)
            if q is not None:
                total[name] = total.get(name, Decimal(0)) + q
                raw[name] = str(value) if name not in raw else f"{total[name]}"
    return raw


def _claims(pod: Pod) -> list[str]:
    return [
        str(as_map(v.get("persistentVolumeClaim")).get("claimName"))
        for v in pod.volumes
        if v.get("persistentVolumeClaim")
    ]


def _explain(state: ClusterState, pod: Pod, b: Blocker, memo: dict[str, Decimal | None]) -> str:
    if b.kind == "resources":
        resource = b.text.replace("Insufficient", "").strip() or "pods"
        largest = _largest_allocatable(state, resource, memo)
        wanted = _requests(pod).get(resource)
        extra = ""
        if wanted and largest is not None:
            fits = (try_parse_quantity(wanted) or Decimal(0)) <= largest
            extra = (
                f" The pod requests {resource}={wanted}; the largest node offers {_fmt(largest, resource)} "
                + ("in total, but not enough is free now." if fits else "in total, so it can never fit.")
            )
        return f"{b.count} node(s) lack enough free {resource}.{extra}"
    if b.kind == "selector":
        selector = as_map(pod.spec.get("nodeSelector"))
        if selector:
            matching = [
                n for n in state.objects("Node") if all(n.labels.get(k) == v for k, v in selector.items())
            ]
            wanted = ", ".join(f"{k}={v}" for k, v in selector.items())
            if not matching:
                return f"No node carries the labels the pod's nodeSelector asks for ({wanted})."
        return f"{b.count} node(s) do not match the pod's nodeSelector/node affinity."
    if b.kind == "taint":
        return f"{b.count} {b.text} that the pod does not tolerate."
    if b.kind == "volume":
        return f"{b.count}: {b.text} - the pod waits for its storage (see the PersistentVolumeClaim)."
    if b.kind == "cordoned":
        return f"{b.count} node(s) are cordoned (unschedulable)."
    if b.kind == "affinity":
        return f"{b.count} node(s) are excluded by the pod's (anti-)affinity rules."
    return f"{b.count} node(s): {b.text}."


def _largest_allocatable(
    state: ClusterState, resource: str, memo: dict[str, Decimal | None]
) -> Decimal | None:
    if resource not in memo:
        memo[resource] = _largest(state.objects("Node"), resource)
    return memo[resource]


def _largest(nodes: Sequence[KubeObject], resource: str) -> Decimal | None:
    best: Decimal | None = None
    for node in nodes:
        value = try_parse_quantity(as_map(node.status.get("allocatable")).get(resource))
        if value is not None and (best is None or value > best):
            best = value
    return best


def _fmt(value: Decimal, resource: str) -> str:
    if resource == "memory":
        return f"{value / (1024**3):.1f}Gi"
    if resource == "cpu":
        return f"{value.normalize()}"
    return str(value.normalize())


_REMEDIES = {
    "resources": "Lower the pod's requests to what it really uses, free capacity (scale down other "
    "workloads), "
    "or add nodes / enable the cluster autoscaler for this node shape.",
    "taint": "Add a matching toleration to the pod, or schedule it on nodes without that taint.",
    "selector": "Fix the nodeSelector/affinity, or label a node to match (`kubectl label node NODE "
    "key=value`).",
    "affinity": "Relax the (anti-)affinity rule (preferred instead of required), or add nodes/zones.",
    "volume": "Make the PersistentVolumeClaim bind (StorageClass, provisioner, zone) - see its events.",
    "cordoned": "Uncordon a node (`kubectl uncordon NODE`) or add capacity.",
    "ports": "Remove the hostPort or run fewer replicas than nodes.",
}


def _remedy(kind: str, pod: Pod) -> str:
    base = _REMEDIES.get(kind, "Read the scheduler's event and relax the constraint it names.")
    return f"{base} Check with `kubectl describe pod {pod.name} -n {pod.namespace}`."
