"""PodDisruptionBudgets that block every voluntary disruption, or protect nothing.

Detects: disruptionsAllowed == 0 while currentHealthy >= desiredHealthy - every pod is healthy and
still none may be evicted (maxUnavailable 0, minAvailable equal to the pod count, or a single
replica with minAvailable 1), so node drains and autoscaler scale-downs hang; a PDB whose selector
matches no pod (info).
Evidence: the PDB's spec (minAvailable/maxUnavailable) and status counters.
Quiet: budgets that allow a disruption, and budgets at 0 because pods are unhealthy (that is the
pods' problem, reported by the pod analyzers).
"""

from __future__ import annotations

from collections.abc import Iterator

from kubemedic.analyzers.workloads.fields import int_field
from kubemedic.domain import Evidence, Finding, ObjectRef, Severity
from kubemedic.state import ClusterState, KubeObject, Pod

MAX_RELATED = 10
TITLE_BLOCKS_ALL = "{name}: blocks all voluntary disruptions"
TITLE_SELECTS_NONE = "{name}: selects no pods"

STATUS_TEXT = "disruptionsAllowed=0 currentHealthy={healthy} desiredHealthy={desired} expectedPods={expected}"
WHY_MAX_UNAVAILABLE_ZERO = "maxUnavailable is {value}"
WHY_MIN_EQUALS_PODS = "minAvailable {value} equals the number of pods ({pods})"
WHY_SINGLE_REPLICA = "a single pod with minAvailable {value}"
WHY_OTHER = "the budget leaves no room ({healthy} healthy, {desired} required)"
ROOT_BLOCKS_ALL = (
    "Even with every pod healthy the budget allows no eviction: {why}. `kubectl drain`, node upgrades "
    "and cluster-autoscaler scale-down wait forever on nodes running these pods."
)
FIX_BLOCKS_ALL = (
    "Run more replicas than the budget requires, or set maxUnavailable: 1 instead of minAvailable "
    "(`kubectl edit pdb {name}{ns}`)."
)
ROOT_SELECTS_NONE = (
    "Selector {selector} matches no pod in namespace {namespace}, so the budget protects nothing "
    "(a typo in the labels, or the workload was renamed)."
)
FIX_SELECTS_NONE = "Fix spec.selector to match the workload's pod labels, or delete the PDB."


def analyze(state: ClusterState) -> Iterator[Finding]:
    for pdb in state.objects("PodDisruptionBudget"):
        status = pdb.status
        if "disruptionsAllowed" not in status:
            continue
        expected = int_field(status, "expectedPods")
        healthy, desired = int_field(status, "currentHealthy"), int_field(status, "desiredHealthy")
        if expected == 0:
            selector = pdb.spec_selector()
            if not any(not p.is_finished for p in state.select_pods(pdb.namespace, selector)):
                yield _selects_none(pdb, selector.describe())
        elif int_field(status, "disruptionsAllowed") == 0 and healthy >= desired:
            pods = [p for p in state.select_pods(pdb.namespace, pdb.spec_selector()) if not p.is_finished]
            yield _blocks_all(state, pdb, pods, expected, healthy, desired)


def _selects_none(pdb: KubeObject, selector: str) -> Finding:
    return Finding.for_object(
        pdb,
        severity=Severity.INFO,
        category="disruption-budget",
        title=TITLE_SELECTS_NONE.format(name=pdb.name),
        message=f"PodDisruptionBudget {pdb.name} matches no pod.",
        root_cause=ROOT_SELECTS_NONE.format(selector=selector or "{}", namespace=pdb.namespace),
        evidence=[Evidence.field("status.expectedPods", 0, pdb.ref)],
        remediation=FIX_SELECTS_NONE,
    )


def _blocks_all(
    state: ClusterState, pdb: KubeObject, pods: list[Pod], expected: int, healthy: int, desired: int
) -> Finding:
    spec = pdb.spec
    if "maxUnavailable" in spec:
        field, value = "spec.maxUnavailable", spec["maxUnavailable"]
        why = WHY_MAX_UNAVAILABLE_ZERO.format(value=value)
    else:
        field, value = "spec.minAvailable", spec.get("minAvailable")
        template = WHY_SINGLE_REPLICA if expected == 1 else WHY_MIN_EQUALS_PODS
        why = template.format(value=value, pods=expected)
    if value is None:
        why = WHY_OTHER.format(healthy=healthy, desired=desired)
    owners: dict[ObjectRef, None] = {}
    for pod in pods:
        owners.setdefault(state.top_owner(pod).ref, None)
    related = [ref for ref in owners if ref.kind != "Pod"][:MAX_RELATED]
    related += [p.ref for p in sorted(pods, key=lambda p: p.name)[: MAX_RELATED - len(related)]]
    ns = f" -n {pdb.namespace}" if pdb.namespace else ""
    return Finding.for_object(
        pdb,
        severity=Severity.WARNING,
        category="disruption-budget",
        title=TITLE_BLOCKS_ALL.format(name=pdb.name),
        message=f"{healthy}/{expected} pods healthy, {desired} required: 0 disruptions allowed.",
        root_cause=ROOT_BLOCKS_ALL.format(why=why),
        evidence=[
            Evidence.field(field, value, pdb.ref),
            Evidence.field(
                "status",
                STATUS_TEXT.format(healthy=healthy, desired=desired, expected=expected),
                pdb.ref,
            ),
        ],
        remediation=FIX_BLOCKS_ALL.format(name=pdb.name, ns=ns),
        related=related,
    )
