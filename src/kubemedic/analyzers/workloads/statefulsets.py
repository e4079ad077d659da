"""StatefulSets that lack replicas, cannot get storage, or have no governing Service.

Detects: ready replicas below spec.replicas (summarizing the pods' states), with the OrderedReady
case called out - one pod that never gets Ready blocks every higher ordinal from being created;
volumeClaimTemplates naming a StorageClass that does not exist; spec.serviceName naming a
governing Service that does not exist (pods get no stable DNS names).
Evidence: status.readyReplicas, the blocking pod's container state, the template's
storageClassName, spec.serviceName.
Quiet: scaled to 0, fully ready, pods still starting, claims already bound.
"""

from __future__ import annotations

from collections.abc import Iterator

from kubemedic.analyzers.workloads.fields import int_field, kubectl_ns
from kubemedic.analyzers.workloads.pod_summary import PodState, pod_state, summarize
from kubemedic.domain import Evidence, Finding, ObjectRef, Severity
from kubemedic.state import ClusterState, KubeObject, Pod, as_list, as_map, dig

TITLE_UNAVAILABLE = "{name}: unavailable - pods {state}"
TITLE_BLOCKED = "{name}: ordered rollout blocked at {pod}"
TITLE_NO_SERVICE = "{name}: governing Service {service} missing"
TITLE_NO_CLASS = "{name}: StorageClass {sc} not found"

ROOT_UNAVAILABLE = "Its pods are not becoming ready: {summary}."
ROOT_BLOCKED = (
    "With podManagementPolicy OrderedReady, pod {ordinal} must be Ready before the next one is created; "
    "{pod} is {label}{detail}, so {missing} will not be created."
)
ROOT_NO_SERVICE = (
    "spec.serviceName names Service {service}, which does not exist: the pods get no stable DNS names "
    "({name}-0.{service}), so peers and clients that use them cannot resolve each other."
)
ROOT_NO_CLASS = (
    "volumeClaimTemplates[{template}] asks for StorageClass {sc}, which does not exist, so the claims of "
    "new pods stay Pending and the pods cannot start."
)
FIX_PODS = (
    "Fix what pod {pod} reports: `kubectl describe pod {pod}{ns}` and `kubectl logs {pod}{ns} --previous`."
)
FIX_NO_SERVICE = (
    "Create the headless Service {service} (clusterIP: None) selecting the pods, or fix spec.serviceName."
)
FIX_NO_CLASS = (
    "Create StorageClass {sc}, or recreate the StatefulSet with an existing class "
    "(`kubectl get storageclass`); volumeClaimTemplates cannot be edited in place."
)

SEVERITY_NONE_READY = Severity.CRITICAL
SEVERITY_UNAVAILABLE = Severity.ERROR
SEVERITY_NO_SERVICE = Severity.WARNING
SEVERITY_NO_CLASS = Severity.ERROR


def analyze(state: ClusterState) -> Iterator[Finding]:
    statefulsets = state.objects("StatefulSet")
    if not statefulsets:
        return
    kinds = state.kinds
    for sts in statefulsets:
        replicas = int_field(sts.spec, "replicas", 1)
        if replicas == 0:
            continue
        yield from _availability(state, sts, replicas)
        if kinds.get("Service"):
            yield from _governing_service(state, sts)
        if kinds.get("StorageClass"):
            yield from _storage_classes(state, sts, replicas)


def _availability(state: ClusterState, sts: KubeObject, replicas: int) -> Iterator[Finding]:
    ready = int_field(sts.status, "readyReplicas")
    if ready >= replicas:
        return
    pods = state.pods_of(sts)
    summary = summarize(pods, state.now)
    blocked = _ordered_blocker(state, sts, replicas, pods)
    if not summary.failing and blocked is None:
        return
    ns = kubectl_ns(sts.namespace)
    severity = SEVERITY_NONE_READY if ready == 0 else SEVERITY_UNAVAILABLE
    evidence = [Evidence.field("status.readyReplicas", f"{ready}/{replicas}", sts.ref)]
    if blocked is not None:
        ordinal, blocker, missing = blocked
        detail = f" ({blocker.detail})" if blocker.detail else ""
        yield Finding.for_object(
            sts,
            severity=severity,
            category="workload",
            title=TITLE_BLOCKED.format(name=sts.name, pod=blocker.pod.name),
            message=f"{ready}/{replicas} replicas ready; {blocker.describe()}; {missing} not created.",
            root_cause=ROOT_BLOCKED.format(
                ordinal=ordinal, pod=blocker.pod.name, label=blocker.label, detail=detail, missing=missing
            ),
            evidence=[*evidence, *([blocker.evidence] if blocker.evidence else [])],
            remediation=FIX_PODS.format(pod=blocker.pod.name, ns=ns),
            related=[blocker.pod.ref, *(r for r in summary.related() if r != blocker.pod.ref)],
        )
        return
    yield Finding.for_object(
        sts,
        severity=severity,
        category="workload",
        title=TITLE_UNAVAILABLE.format(name=sts.name, state=summary.dominant),
        identity=f"{sts.name}: unavailable",
        message=f"{ready}/{replicas} replicas ready; {summary.text()}. {summary.examples()}.",
        root_cause=ROOT_UNAVAILABLE.format(summary=summary.text()),
        evidence=[*evidence, *summary.evidence()],
        remediation=FIX_PODS.format(pod=summary.failing[0].pod.name, ns=ns),
        related=summary.related(),
    )


def _ordered_blocker(
    state: ClusterState, sts: KubeObject, replicas: int, pods: list[Pod]
) -> tuple[int, PodState, str] | None:
    """(ordinal, failing pod, "web-3..web-4") when a not-ready pod keeps higher ordinals from existing."""
    if (sts.spec.get("podManagementPolicy") or "OrderedReady") != "OrderedReady":
        return None
    by_name = {p.name: p for p in pods}
    for ordinal in range(replicas - 1):
        pod = by_name.get(f"{sts.name}-{ordinal}")
        if pod is None:
            return None
        current = pod_state(pod, state.now)
        if current.healthy:
            continue
        if not current.failing or f"{sts.name}-{ordinal + 1}" in by_name:
            return None
        first, last = f"{sts.name}-{ordinal + 1}", f"{sts.name}-{replicas - 1}"
        return ordinal, current, first if first == last else f"{first}..{last}"
    return None


def _governing_service(state: ClusterState, sts: KubeObject) -> Iterator[Finding]:
    service = str(sts.spec.get("serviceName") or "")
    if not service or state.get("Service", sts.namespace, service) is not None:
        return
    yield Finding.for_object(
        sts,
        severity=SEVERITY_NO_SERVICE,
        category="workload",
        title=TITLE_NO_SERVICE.format(name=sts.name, service=service),
        message=f"spec.serviceName is {service}, but there is no Service {sts.namespace}/{service}.",
        root_cause=ROOT_NO_SERVICE.format(service=service, name=sts.name),
        evidence=[Evidence.field("spec.serviceName", service, sts.ref)],
        remediation=FIX_NO_SERVICE.format(service=service),
        related=[ObjectRef("Service", sts.namespace, service)],
    )


def _storage_classes(state: ClusterState, sts: KubeObject, replicas: int) -> Iterator[Finding]:
    for template in as_list(sts.spec.get("volumeClaimTemplates")):
        template = as_map(template)
        sc = dig(template, "spec", "storageClassName")
        tname = str(dig(template, "metadata", "name") or "")
        if not sc or state.get("StorageClass", "", str(sc)) is not None:
            continue
        claims = [
            state.get("PersistentVolumeClaim", sts.namespace, f"{tname}-{sts.name}-{i}")
            for i in range(replicas)
        ]
        unbound = [
            ObjectRef("PersistentVolumeClaim", sts.namespace, f"{tname}-{sts.name}-{i}")
            for i, claim in enumerate(claims)
            if claim is None or claim.status.get("phase") != "Bound"
        ]
        if not unbound:
            continue
        yield Finding.for_object(
            sts,
            severity=SEVERITY_NO_CLASS,
            category="storage",
            title=TITLE_NO_CLASS.format(name=sts.name, sc=sc),
            message=f"volumeClaimTemplates[{tname}] uses StorageClass {sc}; unbound claims: {len(unbound)}.",
            root_cause=ROOT_NO_CLASS.format(template=tname, sc=sc),
            evidence=[
                Evidence.field(f"spec.volumeClaimTemplates[{tname}].spec.storageClassName", str(sc), sts.ref)
            ],
            remediation=FIX_NO_CLASS.format(sc=sc),
            related=[ObjectRef("StorageClass", "", str(sc)), *unbound[:10]],
        )
