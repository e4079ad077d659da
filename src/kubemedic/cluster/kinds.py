"""The kinds kubemedic reads from a live cluster, as lightkube resources that decode to plain dicts.

Generic resources are built here without lightkube's global registry (which refuses a second class
for a kind another import already registered), so the typed models are never used: analysis works
on the objects exactly as the API server sends them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from lightkube.generic_resource import GenericGlobalResource, GenericNamespacedResource, create_api_info


@dataclass(frozen=True, slots=True)
class KindInfo:
    kind: str
    group: str
    version: str
    plural: str
    namespaced: bool = True

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version


KINDS: tuple[KindInfo, ...] = (
    KindInfo("Namespace", "", "v1", "namespaces", namespaced=False),
    KindInfo("Node", "", "v1", "nodes", namespaced=False),
    KindInfo("Pod", "", "v1", "pods"),
    KindInfo("Service", "", "v1", "services"),
    KindInfo("Endpoints", "", "v1", "endpoints"),
    KindInfo("ConfigMap", "", "v1", "configmaps"),
    KindInfo("Secret", "", "v1", "secrets"),
    KindInfo("ServiceAccount", "", "v1", "serviceaccounts"),
    KindInfo("Event", "", "v1", "events"),
    KindInfo("PersistentVolumeClaim", "", "v1", "persistentvolumeclaims"),
    KindInfo("PersistentVolume", "", "v1", "persistentvolumes", namespaced=False),
    KindInfo("ResourceQuota", "", "v1", "resourcequotas"),
    KindInfo("LimitRange", "", "v1", "limitranges"),
    KindInfo("Deployment", "apps", "v1", "deployments"),
    KindInfo("ReplicaSet", "apps", "v1", "replicasets"),
    KindInfo("StatefulSet", "apps", "v1", "statefulsets"),
    KindInfo("DaemonSet", "apps", "v1", "daemonsets"),
    KindInfo("Job", "batch", "v1", "jobs"),
    KindInfo("CronJob", "batch", "v1", "cronjobs"),
    KindInfo("Ingress", "networking.k8s.io", "v1", "ingresses"),
    KindInfo("IngressClass", "networking.k8s.io", "v1", "ingressclasses", namespaced=False),
    KindInfo("NetworkPolicy", "networking.k8s.io", "v1", "networkpolicies"),
    KindInfo("HorizontalPodAutoscaler", "autoscaling", "v2", "horizontalpodautoscalers"),
    KindInfo("PodDisruptionBudget", "policy", "v1", "poddisruptionbudgets"),
    KindInfo("StorageClass", "storage.k8s.io", "v1", "storageclasses", namespaced=False),
    KindInfo("RoleBinding", "rbac.authorization.k8s.io", "v1", "rolebindings"),
    KindInfo(
        "ClusterRoleBinding", "rbac.authorization.k8s.io", "v1", "clusterrolebindings", namespaced=False
    ),
    KindInfo(
        "ValidatingWebhookConfiguration",
        "admissionregistration.k8s.io",
        "v1",
        "validatingwebhookconfigurations",
        namespaced=False,
    ),
    KindInfo(
        "MutatingWebhookConfiguration",
        "admissionregistration.k8s.io",
        "v1",
        "mutatingwebhookconfigurations",
        namespaced=False,
    ),
)
KIND_BY_NAME = {k.kind: k for k in KINDS}


@cache
def resource_for(info: KindInfo) -> Any:
    """A lightkube resource class for `info` whose objects are plain dicts (lightkube Generic)."""
    base = GenericNamespacedResource if info.namespaced else GenericGlobalResource
    api_info = create_api_info(info.group, info.version, info.kind, info.plural)
    return type(info.kind, (base,), {"_api_info": api_info})
