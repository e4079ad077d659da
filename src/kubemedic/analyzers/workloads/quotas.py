"""ResourceQuotas that are used up, or nearly.

Detects: a resource of a ResourceQuota whose status.used reaches status.hard (exhausted: new pods
or objects needing it are rejected) or crosses 90 % (the next scale-up or rollout surge may be).
Quantities are compared exactly ("1536Mi" of "2Gi", "1500m" of "2").
Evidence: status.used and status.hard for that resource.
Quiet: usage below 90 %, a hard limit of 0 (a deliberate "nothing of this kind here"), values
that are not quantities.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from kubemedic.analyzers.workloads.fields import kubectl_ns
from kubemedic.domain import Evidence, Finding, Severity
from kubemedic.state import ClusterState, KubeObject, as_map
from kubemedic.state.quantity import try_parse_quantity

NEARLY_FULL = Decimal("0.9")
SEVERITY_EXHAUSTED = Severity.ERROR
SEVERITY_NEARLY = Severity.WARNING

TITLE_EXHAUSTED = "{name}: {resource} quota exhausted"
TITLE_NEARLY = "{name}: {resource} quota almost exhausted"
MESSAGE = "{resource}: {used} used of {hard} ({percent}%)."
ROOT_EXHAUSTED = (
    "Namespace {namespace} has used all of its {resource} quota, so any new pod (a scale-up, a rollout's "
    "surge pod, a Job run) that needs {resource} is rejected with 'exceeded quota'."
)
ROOT_NEARLY = (
    "Namespace {namespace} has used {percent}% of its {resource} quota; the next scale-up or rollout surge "
    "may be rejected with 'exceeded quota'."
)
FIX = (
    "See what uses it (`kubectl describe resourcequota {name}{ns}`), scale down or delete unused "
    "workloads, or raise spec.hard[{resource}]."
)


def analyze(state: ClusterState) -> Iterator[Finding]:
    for quota in state.objects("ResourceQuota"):
        hard = as_map(quota.status.get("hard")) or as_map(quota.spec.get("hard"))
        used = as_map(quota.status.get("used"))
        for resource in sorted(hard):
            finding = _check(quota, str(resource), hard[resource], used.get(resource, "0"))
            if finding is not None:
                yield finding


def _check(quota: KubeObject, resource: str, hard_text: object, used_text: object) -> Finding | None:
    hard, used = try_parse_quantity(hard_text), try_parse_quantity(used_text)
    if hard is None or used is None or hard <= 0:
        return None
    ratio = used / hard
    if ratio < NEARLY_FULL:
        return None
    exhausted = ratio >= 1
    percent = int(ratio * 100)
    values = {"name": quota.name, "resource": resource, "namespace": quota.namespace, "percent": percent}
    return Finding.for_object(
        quota,
        severity=SEVERITY_EXHAUSTED if exhausted else SEVERITY_NEARLY,
        category="quota",
        title=(TITLE_EXHAUSTED if exhausted else TITLE_NEARLY).format(**values),
        message=MESSAGE.format(resource=resource, used=used_text, hard=hard_text, percent=percent),
        root_cause=(ROOT_EXHAUSTED if exhausted else ROOT_NEARLY).format(**values),
        evidence=[
            Evidence.field(f"status.used[{resource}]", str(used_text), quota.ref),
            Evidence.field(f"status.hard[{resource}]", str(hard_text), quota.ref),
        ],
        remediation=FIX.format(name=quota.name, ns=kubectl_ns(quota.namespace), resource=resource),
    )
