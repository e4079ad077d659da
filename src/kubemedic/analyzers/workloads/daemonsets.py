"""DaemonSets whose pods are not ready on every node they should run on, or run where they should not.

Detects: numberReady below desiredNumberScheduled (summarizing the pods' states and naming the
nodes), and numberMisscheduled > 0 (pods on nodes the DaemonSet no longer targets).
Evidence: the status counters and the failing pods' container states.
Quiet: no node targeted, all ready, pods still starting (a rolling update in progress).
"""

from __future__ import annotations

from collections.abc import Iterator

from kubemedic.analyzers.workloads.fields import int_field, kubectl_ns
from kubemedic.analyzers.workloads.pod_summary import summarize
from kubemedic.domain import Evidence, Finding, Severity
from kubemedic.state import ClusterState, KubeObject

TITLE_UNAVAILABLE = "{name}: unavailable - pods {state}"
TITLE_MISSCHEDULED = "{name}: pods running on nodes they should not"

ROOT_UNAVAILABLE = "Its pods are not becoming ready on every node: {summary}."
ROOT_MISSCHEDULED = (
    "Pods of the DaemonSet run on nodes its nodeSelector/affinity/tolerations no longer allow "
    "(node labels or taints changed); the controller does not evict them."
)
FIX_PODS = "Fix what pod {pod} on {node} reports: `kubectl describe pod {pod}{ns}`."
FIX_MISSCHEDULED = (
    "Check the node labels and taints against the DaemonSet's spec.template.spec; delete the pods on "
    "nodes it should not target."
)
MAX_NODES_NAMED = 5

SEVERITY_NONE_READY = Severity.ERROR
SEVERITY_SOME_NOT_READY = Severity.WARNING
SEVERITY_MISSCHEDULED = Severity.WARNING


def analyze(state: ClusterState) -> Iterator[Finding]:
    for ds in state.objects("DaemonSet"):
        status = ds.status
        desired = int_field(status, "desiredNumberScheduled")
        if desired == 0:
            continue
        if int_field(status, "numberReady") < desired:
            yield from _unavailable(state, ds, desired)
        misscheduled = int_field(status, "numberMisscheduled")
        if misscheduled > 0:
            yield Finding.for_object(
                ds,
                severity=SEVERITY_MISSCHEDULED,
                category="workload",
                title=TITLE_MISSCHEDULED.format(name=ds.name),
                message=f"{misscheduled} pod(s) run on nodes this DaemonSet no longer targets.",
                root_cause=ROOT_MISSCHEDULED,
                evidence=[Evidence.field("status.numberMisscheduled", misscheduled, ds.ref)],
                remediation=FIX_MISSCHEDULED,
            )


def _unavailable(state: ClusterState, ds: KubeObject, desired: int) -> Iterator[Finding]:
    summary = summarize(state.pods_of(ds), state.now)
    if not summary.failing:
        return
    ready = int_field(ds.status, "numberReady")
    nodes = sorted({s.pod.node_name for s in summary.failing if s.pod.node_name})
    named = ", ".join(nodes[:MAX_NODES_NAMED]) + (
        f" and {len(nodes) - MAX_NODES_NAMED} more" if len(nodes) > MAX_NODES_NAMED else ""
    )
    where = f" on {named}" if named else ""
    first = summary.failing[0].pod
    yield Finding.for_object(
        ds,
        severity=SEVERITY_NONE_READY if ready == 0 else SEVERITY_SOME_NOT_READY,
        category="workload",
        title=TITLE_UNAVAILABLE.format(name=ds.name, state=summary.dominant),
        identity=f"{ds.name}: unavailable",
        message=f"{ready}/{desired} scheduled pods ready; {summary.text()}{where}. {summary.examples()}.",
        root_cause=ROOT_UNAVAILABLE.format(summary=summary.text()),
        evidence=[Evidence.field("status.numberReady", f"{ready}/{desired}", ds.ref), *summary.evidence()],
        remediation=FIX_PODS.format(
            pod=first.name, node=first.node_name or "its node", ns=kubectl_ns(ds.namespace)
        ),
        related=summary.related(),
    )
