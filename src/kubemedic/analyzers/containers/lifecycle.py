"""Pods evicted by the kubelet, and pods stuck terminating.

Detects: pods with phase Failed and reason Evicted (node pressure) - grouped by workload; pods whose
deletionTimestamp is more than five minutes past their grace period (stuck terminating), with
finalizers and an unreachable node as the usual causes.
Evidence: the eviction message (which resource ran low and what the container used), the deletion
timestamp, the finalizers and the node's Ready condition.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from kubemedic.domain import Evidence, EvidenceSource, Finding, ObjectRef, Severity
from kubemedic.state import ClusterState, Pod, as_list
from kubemedic.state.timeutil import format_time

STUCK_MARGIN_S = 300


def analyze(state: ClusterState) -> Iterator[Finding]:
    yield from _evicted(state)
    yield from _terminating(state)


def _evicted(state: ClusterState) -> Iterator[Finding]:
    groups: dict[tuple[str, str, str], list[Pod]] = defaultdict(list)
    for pod in state.troubled_pods:
        if pod.phase == "Failed" and pod.reason == "Evicted":
            top = state.top_owner(pod)
            groups[(top.kind, top.namespace, top.name)].append(pod)
    for pods in groups.values():
        pods.sort(key=lambda p: p.name)
        pod = pods[0]
        message = str(pod.status.get("message") or "")
        subject = state.top_owner(pod)
        yield Finding.for_object(
            subject,
            severity=Severity.WARNING,
            category="eviction",
            title="pods evicted by the kubelet",
            message=(
                f"{len(pods)} pod(s) were evicted (e.g. {pod.name} on {pod.node_name or 'its node'}): "
                f"{message}"
            ),
            root_cause="The node ran short of a resource (memory, disk, PIDs) and the kubelet evicted pods, "
            "starting with those using the most above their requests.",
            evidence=[
                Evidence(
                    EvidenceSource.FIELD, f"Evicted: {message}", location="status.message", object=pod.ref
                )
            ],
            remediation="Set requests close to real usage (and memory limits), check the node's pressure "
            "conditions; evicted pod objects stay until deleted: "
            f"`kubectl delete pod -n {pod.namespace} --field-selector=status.phase=Failed`.",
            related=tuple(p.ref for p in pods[:10]) if subject is not pod else (),
        )


def _terminating(state: ClusterState) -> Iterator[Finding]:
    for pod in state.troubled_pods:
        deleted = pod.deletion_timestamp
        if deleted is None:
            continue
        grace = pod.metadata.get("deletionGracePeriodSeconds")
        grace_s = int(grace) if isinstance(grace, int) else 30
        # deletionTimestamp is when the grace period ends; stuck means well past it
        overdue = (state.now - deleted).total_seconds()
        if overdue < STUCK_MARGIN_S:
            continue
        finalizers = [str(f) for f in as_list(pod.metadata.get("finalizers"))]
        node = state.get("Node", "", pod.node_name) if pod.node_name else None
        ready = node.condition("Ready") if node else None
        evidence = [Evidence.field("metadata.deletionTimestamp", format_time(deleted), pod.ref)]
        if finalizers:
            evidence.append(Evidence.field("metadata.finalizers", ", ".join(finalizers), pod.ref))
        if ready is not None and not ready.is_true:
            evidence.append(
                Evidence(
                    EvidenceSource.FIELD,
                    f"Ready={ready.status} {ready.reason}: {ready.message}",
                    location="status.conditions[Ready]",
                    object=node.ref if node else None,
                )
            )
            cause = f"Node {pod.node_name} is not Ready, so no kubelet confirms the containers stopped."
        elif finalizers:
            cause = (
                f"Finalizers ({', '.join(finalizers)}) are still set; "
                "the controller that owns them has not removed them."
            )
        else:
            cause = (
                "The kubelet has not confirmed the containers stopped (a hung process or a stuck runtime)."
            )
        yield Finding.for_object(
            pod,
            severity=Severity.WARNING,
            category="terminating",
            title="pod stuck terminating",
            message=f"Pod {pod.name} was deleted {int(overdue + grace_s)}s ago and is still there.",
            root_cause=cause,
            evidence=evidence,
            remediation="Fix the node or the finalizer's controller; as a last resort "
            f"`kubectl delete pod {pod.name} -n {pod.namespace} --grace-period=0 --force` (the process may "
            "still be running on the node).",
            depends_on=(ObjectRef("Node", "", pod.node_name),)
            if ready is not None and not ready.is_true
            else (),
        )
