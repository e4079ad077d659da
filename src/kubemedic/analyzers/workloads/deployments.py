"""Deployments without the replicas they want, and rollouts that are stuck.

Detects: a Deployment whose available/ready replicas are below spec.replicas (summarizing what its
pods are doing: "3/3 pods CrashLoopBackOff"); a rollout that exceeded its progress deadline
(Progressing=False, ProgressDeadlineExceeded); a rollout where the new ReplicaSet's pods fail while
the old ReplicaSet still serves.
Evidence: the Available/Progressing conditions, the failing pods' container states, and the
ReplicaSet's FailedCreate event when no pod could be created at all.
Quiet: scaled to 0, fully available, paused, or young and still rolling out.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from kubemedic.analyzers.workloads.fields import (
    condition_since,
    condition_text,
    int_field,
    kubectl_ns,
    object_age,
)
from kubemedic.analyzers.workloads.pod_summary import STARTUP_GRACE_SECONDS, summarize
from kubemedic.domain import Evidence, Finding, Severity
from kubemedic.state import ClusterState, KubeObject

REVISION_ANNOTATION = "deployment.kubernetes.io/revision"
DEADLINE_REASON = "ProgressDeadlineExceeded"

TITLE_UNAVAILABLE = "{name}: unavailable - pods {state}"
TITLE_NO_PODS = "{name}: unavailable - no pods created"
TITLE_DEADLINE = "{name}: rollout exceeded its progress deadline"
TITLE_STUCK = "{name}: rollout stuck - new pods {state}"

SEVERITY_NONE_READY = Severity.CRITICAL
SEVERITY_UNAVAILABLE = Severity.ERROR
SEVERITY_DEGRADED = Severity.WARNING
SEVERITY_DEADLINE = Severity.ERROR
SEVERITY_STUCK = Severity.ERROR

ROOT_UNAVAILABLE = (
    "Its pods are not becoming ready: {summary}. The Deployment cannot be available until they are."
)
ROOT_NO_PODS = (
    "ReplicaSet {rs} has created no pod, and no FailedCreate event is left to say why "
    "(events expire after an hour)."
)
ROOT_NO_REPLICASET = (
    "No ReplicaSet exists for this Deployment: the deployment controller (kube-controller-manager) "
    "is not acting on it."
)
ROOT_DEADLINE = (
    "The new ReplicaSet {rs} made no progress for {deadline}s (progressDeadlineSeconds): {summary}."
)
ROOT_STUCK = (
    "The new ReplicaSet {rs} cannot bring up healthy pods ({summary}); "
    "the old ReplicaSet {old} still serves, so the rollout is stuck half-way."
)
FIX_PODS = (
    "Fix what the pods report (see the pod findings), or roll back: "
    "`kubectl rollout undo deployment/{name}{ns}`. Inspect with `kubectl describe pod {pod}{ns}`."
)
FIX_NO_PODS = "Read the ReplicaSet's status and events: `kubectl describe replicaset {rs}{ns}`."
FIX_NO_REPLICASET = (
    "Check kube-controller-manager: `kubectl -n kube-system get pods -l component=kube-controller-manager`."
)


def analyze(state: ClusterState) -> Iterator[Finding]:
    for deployment in state.objects("Deployment"):
        desired = int_field(deployment.spec, "replicas", 1)
        if desired == 0 or deployment.spec.get("paused") is True or _settled(deployment, desired):
            continue
        yield from _check(state, deployment, desired)


def _check(state: ClusterState, dep: KubeObject, desired: int) -> Iterator[Finding]:
    replicasets = _active_replicasets(state, dep)
    new_rs = replicasets[0] if replicasets else None
    progressing = dep.condition("Progressing")
    if progressing is not None and progressing.status == "False" and progressing.reason == DEADLINE_REASON:
        yield _deadline(state, dep, new_rs)
        return
    available = dep.condition("Available")
    unavailable = available is not None and available.status == "False"
    if new_rs is not None and len(replicasets) > 1:
        stuck = _stuck_rollout(state, dep, new_rs, replicasets[1])
        if stuck is not None:
            yield stuck
            if not unavailable:
                return
    status = dep.status
    ready = int_field(status, "readyReplicas")
    ready_and_available = min(ready, int_field(status, "availableReplicas"))
    if ready_and_available >= desired and not unavailable:
        return
    summary = summarize(state.pods_of(dep), state.now)
    if not summary.failing:
        finding = _no_pods(state, dep, replicasets) if summary.total == 0 else None
        if finding is not None:
            yield finding
        return
    severity = (
        SEVERITY_NONE_READY if ready == 0 else SEVERITY_UNAVAILABLE if unavailable else SEVERITY_DEGRADED
    )
    evidence = [Evidence.field("status.readyReplicas", f"{ready}/{desired}", dep.ref)]
    if available is not None:
        evidence.append(Evidence.field("status.conditions[Available]", condition_text(available), dep.ref))
    ns = kubectl_ns(dep.namespace)
    yield Finding.for_object(
        dep,
        severity=severity,
        category="workload",
        title=TITLE_UNAVAILABLE.format(name=dep.name, state=summary.dominant),
        identity=f"{dep.name}: unavailable",
        message=f"{ready}/{desired} replicas ready; {summary.text()}. {summary.examples()}.",
        root_cause=ROOT_UNAVAILABLE.format(summary=summary.text()),
        evidence=[*evidence, *summary.evidence()],
        remediation=FIX_PODS.format(name=dep.name, ns=ns, pod=summary.failing[0].pod.name),
        related=summary.related(),
    )


def _settled(dep: KubeObject, desired: int) -> bool:
    """Every replica updated, ready and available, and no old pods left: nothing to look at (fast path)."""
    status = dep.status
    return (
        int_field(status, "replicas") == desired
        and int_field(status, "updatedReplicas") == desired
        and int_field(status, "readyReplicas") >= desired
        and int_field(status, "availableReplicas") >= desired
        and int_field(status, "observedGeneration") >= int_field(dep.metadata, "generation")
    )


def _active_replicasets(state: ClusterState, dep: KubeObject) -> list[KubeObject]:
    """ReplicaSets that want or still have pods, newest revision first."""
    active = [
        rs
        for rs in state.children(dep, "ReplicaSet")
        if int_field(rs.spec, "replicas") > 0 or int_field(rs.status, "replicas") > 0
    ]
    return sorted(active, key=_revision_key, reverse=True)


def _revision_key(rs: KubeObject) -> tuple[int, float, str]:
    raw = rs.annotations.get(REVISION_ANNOTATION, "")
    revision = int(raw) if isinstance(raw, str) and raw.isdigit() else 0
    created = rs.created
    return (revision, created.timestamp() if created else 0.0, rs.name)


def _deadline(state: ClusterState, dep: KubeObject, new_rs: KubeObject | None) -> Finding:
    progressing = dep.condition("Progressing")
    assert progressing is not None
    summary = summarize(state.pods_of(new_rs) if new_rs else state.pods_of(dep), state.now)
    deadline = int_field(dep.spec, "progressDeadlineSeconds", 600)
    rs_name = new_rs.name if new_rs else "(unknown)"
    evidence = [
        Evidence.field("status.conditions[Progressing]", condition_text(progressing), dep.ref),
        *summary.evidence(),
    ]
    ns = kubectl_ns(dep.namespace)
    pod_name = summary.failing[0].pod.name if summary.failing else f"-l app={dep.name}"
    detail = summary.text() if summary.failing else "no failing pod found; check the ReplicaSet's events"
    since = condition_since(state, progressing)
    return Finding.for_object(
        dep,
        severity=SEVERITY_DEADLINE,
        category="rollout",
        title=TITLE_DEADLINE.format(name=dep.name),
        message=f"Rollout of {rs_name} stalled {since}; {detail}.".replace("  ", " "),
        root_cause=ROOT_DEADLINE.format(rs=rs_name, deadline=deadline, summary=detail),
        evidence=evidence,
        remediation=FIX_PODS.format(name=dep.name, ns=ns, pod=pod_name),
        related=(*([new_rs.ref] if new_rs else []), *summary.related()),
    )


def _stuck_rollout(
    state: ClusterState, dep: KubeObject, new_rs: KubeObject, old_rs: KubeObject
) -> Finding | None:
    age = object_age(state, new_rs)
    if age is not None and age < STARTUP_GRACE_SECONDS:
        return None
    summary = summarize(state.pods_of(new_rs), state.now)
    if not summary.failing:
        return None
    ns = kubectl_ns(dep.namespace)
    old_ready = int_field(old_rs.status, "readyReplicas")
    return Finding.for_object(
        dep,
        severity=SEVERITY_STUCK,
        category="rollout",
        title=TITLE_STUCK.format(name=dep.name, state=summary.dominant),
        identity=f"{dep.name}: rollout stuck",
        message=(
            f"New ReplicaSet {new_rs.name}: {summary.text()}. "
            f"Old ReplicaSet {old_rs.name} still has {old_ready} ready pods serving traffic."
        ),
        root_cause=ROOT_STUCK.format(rs=new_rs.name, summary=summary.text(), old=old_rs.name),
        evidence=summary.evidence(),
        remediation=FIX_PODS.format(name=dep.name, ns=ns, pod=summary.failing[0].pod.name),
        related=(new_rs.ref, old_rs.ref, *summary.related()),
    )


def _no_pods(state: ClusterState, dep: KubeObject, replicasets: Sequence[KubeObject]) -> Finding | None:
    """No pod exists at all. FailedCreate events are the replicasets analyzer's; this covers the rest."""
    age = object_age(state, dep)
    if age is not None and age < STARTUP_GRACE_SECONDS:
        return None
    if any(state.latest_event(rs, reasons=("FailedCreate",)) for rs in replicasets):
        return None
    ns = kubectl_ns(dep.namespace)
    desired = int_field(dep.spec, "replicas", 1)
    evidence = [Evidence.field("status.readyReplicas", f"0/{desired}", dep.ref)]
    if replicasets:
        rs = replicasets[0]
        evidence.append(Evidence.field("status.replicas", int_field(rs.status, "replicas"), rs.ref))
        root, fix, related = ROOT_NO_PODS.format(rs=rs.name), FIX_NO_PODS.format(rs=rs.name, ns=ns), [rs.ref]
    else:
        root, fix, related = ROOT_NO_REPLICASET, FIX_NO_REPLICASET, []
    return Finding.for_object(
        dep,
        severity=SEVERITY_NONE_READY,
        category="workload",
        title=TITLE_NO_PODS.format(name=dep.name),
        message=f"0/{desired} replicas and no pod exists.",
        root_cause=root,
        evidence=evidence,
        remediation=fix,
        related=related,
    )
