"""Nodes that are down, under pressure, without network, or cordoned.

Detects: Ready=False/Unknown (how long, which pods it hosts), MemoryPressure / DiskPressure /
PIDPressure = True, NetworkUnavailable = True, spec.unschedulable (info, or a warning when pods
are Pending because nodes are cordoned), and a node the cloud provider never initialized.
Evidence: the node's conditions (status, reason, message, since when) and its taints.
Quiet: Ready nodes without pressure, a node joining the cluster (younger than two minutes).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from kubemedic.analyzers.workloads.fields import condition_since, condition_text, object_age
from kubemedic.domain import Evidence, Finding, Severity
from kubemedic.state import ClusterState, Condition, KubeObject, Pod, as_list, as_map

JOIN_GRACE_SECONDS = 120
MAX_RELATED_PODS = 10
DOWN_TAINTS = frozenset({"node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"})
UNINITIALIZED_TAINT = "node.cloudprovider.kubernetes.io/uninitialized"
CORDON_MARKERS = ("were unschedulable", "node.kubernetes.io/unschedulable")


@dataclass(frozen=True, slots=True)
class NodeProblem:
    """A node condition that is bad when True, and what it means."""

    condition: str
    severity: Severity
    root_cause: str
    remediation: str


CONDITION_PROBLEMS: tuple[NodeProblem, ...] = (
    NodeProblem(
        "MemoryPressure",
        Severity.WARNING,
        "The kubelet sees the node running out of memory: it evicts pods (BestEffort first) and the "
        "scheduler stops placing new pods there.",
        "Find the biggest consumers (`kubectl top pods -A --sort-by=memory`), set memory limits, "
        "or add capacity.",
    ),
    NodeProblem(
        "DiskPressure",
        Severity.WARNING,
        "The node's root or image filesystem is nearly full: the kubelet garbage-collects images and "
        "evicts pods, and no new pods are scheduled there.",
        "Free disk on the node (old images, container logs, emptyDir volumes); "
        "`kubectl describe node {name}` shows the eviction thresholds.",
    ),
    NodeProblem(
        "PIDPressure",
        Severity.WARNING,
        "The node is running out of process IDs: a pod is forking too many processes or threads; "
        "the kubelet evicts pods.",
        "Find the pod with the most processes and set a pod PID limit (kubelet podPidsLimit).",
    ),
    NodeProblem(
        "NetworkUnavailable",
        Severity.ERROR,
        "The node's pod network is not configured (the CNI plugin or the cloud route controller has not "
        "set it up), so pods on it cannot reach the rest of the cluster.",
        "Check the CNI pods on this node (`kubectl get pods -n kube-system -o wide "
        "--field-selector spec.nodeName={name}`).",
    ),
)


@dataclass(frozen=True, slots=True)
class NotReadyHint:
    """A phrase in the Ready condition's message and what it usually means."""

    phrase: str
    meaning: str


NOT_READY_HINTS: tuple[NotReadyHint, ...] = (
    NotReadyHint("PLEG is not healthy", "the container runtime is too slow to answer (overloaded or hung)"),
    NotReadyHint("network plugin", "the CNI plugin is not ready on this node"),
    NotReadyHint("cni", "the CNI plugin is not ready on this node"),
    NotReadyHint("container runtime", "the container runtime (containerd/CRI-O) is down"),
)
ROOT_UNKNOWN = (
    "The kubelet stopped posting status: the node is down, the kubelet crashed, or the node lost "
    "network to the API server. Its pods are evicted after the unreachable toleration (5 minutes)."
)
ROOT_FALSE = "The kubelet reports the node NotReady: {message}{hint}."
FIX_NOT_READY = (
    "Check the node itself: `kubectl describe node {name}`; on the node `systemctl status kubelet "
    "containerd` and `journalctl -u kubelet`. Drain it if it does not recover: `kubectl drain {name} "
    "--ignore-daemonsets --delete-emptydir-data`."
)
ROOT_CORDONED = "spec.unschedulable is true (kubectl cordon/drain): no new pods are scheduled on it."
ROOT_CORDONED_BLOCKING = (
    "spec.unschedulable is true (kubectl cordon/drain) and pods are Pending because cordoned nodes "
    "cannot take them: {pods}."
)
FIX_CORDONED = "When maintenance is done: `kubectl uncordon {name}`."
ROOT_UNINITIALIZED = (
    "The cloud controller manager never initialized this node (taint {taint} still present), so only "
    "pods that tolerate it run there."
)
FIX_UNINITIALIZED = "Check the cloud-controller-manager pods and logs in kube-system."

SEVERITY_DOWN_WITH_PODS = Severity.CRITICAL
SEVERITY_DOWN_EMPTY = Severity.ERROR


def analyze(state: ClusterState) -> Iterator[Finding]:
    nodes = state.objects("Node")
    if not nodes:
        return
    cordon_pending: list[Pod] | None = None
    for node in nodes:
        age = object_age(state, node)
        if age is not None and age < JOIN_GRACE_SECONDS:
            continue
        conditions = {c.type: c for c in node.conditions()}
        ready = conditions.get("Ready")
        if ready is not None and ready.status != "True":
            hosted = [p for p in state.pods_on(node.name) if not p.is_finished]
            yield _not_ready(state, node, ready, hosted)
        for problem in CONDITION_PROBLEMS:
            cond = conditions.get(problem.condition)
            if cond is not None and cond.is_true:
                yield _condition_finding(state, node, cond, problem)
        if node.spec.get("unschedulable") is True:
            if cordon_pending is None:
                cordon_pending = _pending_on_cordon(state)
            yield _cordoned(node, cordon_pending)
        taint = _taint(node, UNINITIALIZED_TAINT)
        if taint:
            yield Finding.for_object(
                node,
                severity=Severity.WARNING,
                category="node",
                title=f"{node.name}: not initialized by the cloud provider",
                message=f"Taint {taint} is still on the node.",
                root_cause=ROOT_UNINITIALIZED.format(taint=UNINITIALIZED_TAINT),
                evidence=[Evidence.field("spec.taints", taint, node.ref)],
                remediation=FIX_UNINITIALIZED,
            )


def _not_ready(state: ClusterState, node: KubeObject, ready: Condition, pods: list[Pod]) -> Finding:
    since = condition_since(state, ready)
    if ready.status == "Unknown":
        title, root = f"{node.name}: NotReady (kubelet stopped reporting)", ROOT_UNKNOWN
    else:
        hint = next((h.meaning for h in NOT_READY_HINTS if h.phrase.lower() in ready.message.lower()), "")
        title = f"{node.name}: NotReady"
        root = ROOT_FALSE.format(message=ready.message or ready.reason, hint=f" - {hint}" if hint else "")
    evidence = [Evidence.field("status.conditions[Ready]", condition_text(ready), node.ref)]
    taints = [t for key in sorted(DOWN_TAINTS) if (t := _taint(node, key))]
    if taints:
        evidence.append(Evidence.field("spec.taints", ", ".join(taints), node.ref))
    pods = sorted(pods, key=lambda p: (p.namespace, p.name))
    hosted = f"; it hosts {len(pods)} pod(s)" if pods else "; no pods run on it"
    return Finding.for_object(
        node,
        severity=SEVERITY_DOWN_WITH_PODS if pods else SEVERITY_DOWN_EMPTY,
        category="node",
        title=title,
        message=f"Node {node.name} has been NotReady{_space(since)}{hosted}.",
        root_cause=root,
        evidence=evidence,
        remediation=FIX_NOT_READY.format(name=node.name),
        related=[p.ref for p in pods[:MAX_RELATED_PODS]],
    )


def _condition_finding(
    state: ClusterState, node: KubeObject, cond: Condition, problem: NodeProblem
) -> Finding:
    since = condition_since(state, cond)
    return Finding.for_object(
        node,
        severity=problem.severity,
        category="node",
        title=f"{node.name}: {problem.condition}",
        message=f"{problem.condition}{_space(since)}: {cond.message or cond.reason}",
        root_cause=problem.root_cause,
        evidence=[Evidence.field(f"status.conditions[{problem.condition}]", condition_text(cond), node.ref)],
        remediation=problem.remediation.format(name=node.name),
    )


def _pending_on_cordon(state: ClusterState) -> list[Pod]:
    """Pending pods whose scheduling failure mentions unschedulable (cordoned) nodes."""
    out = []
    for pod in state.troubled_pods:
        if pod.phase != "Pending":
            continue
        cond = pod.condition("PodScheduled")
        if cond is not None and cond.status == "False" and any(m in cond.message for m in CORDON_MARKERS):
            out.append(pod)
    return out


def _cordoned(node: KubeObject, pending: list[Pod]) -> Finding:
    evidence = [Evidence.field("spec.unschedulable", "true", node.ref)]
    if pending:
        cond = pending[0].condition("PodScheduled")
        if cond is not None:
            evidence.append(Evidence.field("status.conditions[PodScheduled]", cond.message, pending[0].ref))
        names = ", ".join(p.name for p in pending[:3]) + (" ..." if len(pending) > 3 else "")
        root = ROOT_CORDONED_BLOCKING.format(pods=names)
        message = f"Node {node.name} is cordoned and {len(pending)} pod(s) are Pending partly because of it."
    else:
        root, message = ROOT_CORDONED, f"Node {node.name} is cordoned; no pod is waiting for it."
    return Finding.for_object(
        node,
        severity=Severity.WARNING if pending else Severity.INFO,
        category="node",
        title=f"{node.name}: cordoned",
        message=message,
        root_cause=root,
        evidence=evidence,
        remediation=FIX_CORDONED.format(name=node.name),
        related=[p.ref for p in pending[:MAX_RELATED_PODS]],
    )


def _taint(node: KubeObject, key: str) -> str:
    """`key:Effect` if the node carries a taint with this key, else ""."""
    for taint in as_list(node.spec.get("taints")):
        taint = as_map(taint)
        if taint.get("key") == key:
            value = f"={taint['value']}" if taint.get("value") else ""
            return f"{key}{value}:{taint.get('effect', '')}"
    return ""


def _space(text: str) -> str:
    return f" {text}" if text else ""
