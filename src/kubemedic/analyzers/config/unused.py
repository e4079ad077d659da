"""ConfigMaps and Secrets that nothing references - info only, and quiet when in doubt.

Detects: ConfigMaps/Secrets no pod, pod template (Deployments, StatefulSets, DaemonSets,
ReplicaSets, Jobs, CronJobs' jobTemplate), envFrom, volume, projected volume, imagePullSecret,
ServiceAccount or Ingress TLS refers to. Skipped: kube-root-ca.crt, service-account tokens, Helm
release records, TLS secrets, system namespaces, objects owned by a controller, objects < 1 h old.
Evidence: none needed beyond the object itself; the message says what was checked.
"""

from __future__ import annotations

from collections.abc import Iterator

from kubemedic.domain import Finding, Severity
from kubemedic.state import ClusterState, as_list, as_map, pod_spec_references

SYSTEM_NAMESPACES = frozenset({"kube-system", "kube-public", "kube-node-lease"})
SKIP_NAMES = frozenset({"kube-root-ca.crt"})
SKIP_SECRET_TYPES = frozenset(
    {
        "kubernetes.io/service-account-token",
        "helm.sh/release.v1",
        "kubernetes.io/tls",
        "bootstrap.kubernetes.io/token",
    }
)
MIN_AGE_S = 3600
TEMPLATES = ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob")


def _referenced(state: ClusterState) -> set[tuple[str, str, str]]:
    refs: set[tuple[str, str, str]] = set()
    for subject, spec_refs in state.template_references:
        for ref in spec_refs:
            refs.add((ref.kind, subject.namespace, ref.name))
    for pod in state.pods():  # finished bare pods still count as users; Job pods are covered by the template
        if pod.is_finished and state.owner(pod) is None:
            for ref in pod_spec_references(pod.spec):
                refs.add((ref.kind, pod.namespace, ref.name))
    for sa in state.objects("ServiceAccount"):
        for field in ("secrets", "imagePullSecrets"):
            for item in as_list(sa.raw.get(field)):
                refs.add(("Secret", sa.namespace, str(as_map(item).get("name"))))
    for ing in state.objects("Ingress"):
        for tls in as_list(ing.spec.get("tls")):
            refs.add(("Secret", ing.namespace, str(as_map(tls).get("secretName"))))
    return refs


def analyze(state: ClusterState) -> Iterator[Finding]:
    candidates = [o for kind in ("ConfigMap", "Secret") for o in state.objects(kind)]
    if not candidates or not state.has_any("Pod"):
        return
    referenced = _referenced(state)
    for obj in candidates:
        if obj.namespace in SYSTEM_NAMESPACES or obj.name in SKIP_NAMES or obj.owner_references:
            continue
        if obj.kind == "Secret" and str(obj.raw.get("type") or "Opaque") in SKIP_SECRET_TYPES:
            continue
        age = state.age_seconds(obj.created)
        if age is None or age < MIN_AGE_S:
            continue
        if (obj.kind, obj.namespace, obj.name) in referenced:
            continue
        yield Finding.for_object(
            obj,
            severity=Severity.INFO,
            category="unused",
            title=f"{obj.kind} not referenced",
            message=(
                "No pod, workload template, ServiceAccount or Ingress in this snapshot references "
                f"{obj.kind} "
                f"{obj.namespace}/{obj.name}."
            ),
            root_cause="Probably left over from an old release; tools outside the cluster may still read it.",
            remediation=(
                f"If nothing outside Kubernetes uses it: `kubectl delete {obj.kind.lower()} {obj.name} "
                f"-n {obj.namespace}`."
            ),
        )
