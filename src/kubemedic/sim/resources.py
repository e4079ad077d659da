"""The resource table: every kind the simulated API server serves, as data."""

from __future__ import annotations

from dataclasses import dataclass

RW_VERBS = ("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch")
RO_VERBS = ("get", "list")


@dataclass(frozen=True)
class Subresource:
    name: str
    kind: str
    verbs: tuple[str, ...]
    group: str = ""
    version: str = "v1"


@dataclass(frozen=True)
class ResourceType:
    group: str
    version: str
    plural: str
    kind: str
    namespaced: bool
    short_names: tuple[str, ...] = ()
    verbs: tuple[str, ...] = RW_VERBS
    subresources: tuple[Subresource, ...] = ()
    categories: tuple[str, ...] = ()

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def singular(self) -> str:
        return self.kind.lower()

    @property
    def key(self) -> str:
        """The storage key shared by every version that serves the same data."""
        return f"{self.group}/{self.plural}"

    @property
    def list_kind(self) -> str:
        return f"{self.kind}List"


def _status(kind: str, group: str = "", version: str = "v1") -> Subresource:
    return Subresource("status", kind, ("get", "patch", "update"), group, version)


def _scale() -> Subresource:
    return Subresource("scale", "Scale", ("get", "patch", "update"), "autoscaling", "v1")


_ALL = ("all",)

RESOURCES: tuple[ResourceType, ...] = (
    ResourceType("", "v1", "namespaces", "Namespace", False, ("ns",), subresources=(_status("Namespace"),)),
    ResourceType("", "v1", "nodes", "Node", False, ("no",), subresources=(_status("Node"),)),
    ResourceType(
        "",
        "v1",
        "pods",
        "Pod",
        True,
        ("po",),
        categories=_ALL,
        subresources=(
            _status("Pod"),
            Subresource("log", "Pod", ("get",)),
            Subresource("eviction", "Eviction", ("create",), "policy", "v1"),
        ),
    ),
    ResourceType(
        "", "v1", "services", "Service", True, ("svc",), categories=_ALL, subresources=(_status("Service"),)
    ),
    ResourceType("", "v1", "endpoints", "Endpoints", True, ("ep",)),
    ResourceType("", "v1", "configmaps", "ConfigMap", True, ("cm",)),
    ResourceType("", "v1", "secrets", "Secret", True),
    ResourceType("", "v1", "serviceaccounts", "ServiceAccount", True, ("sa",)),
    ResourceType("", "v1", "events", "Event", True, ("ev",)),
    ResourceType(
        "",
        "v1",
        "persistentvolumeclaims",
        "PersistentVolumeClaim",
        True,
        ("pvc",),
        subresources=(_status("PersistentVolumeClaim"),),
    ),
    ResourceType(
        "",
        "v1",
        "persistentvolumes",
        "PersistentVolume",
        False,
        ("pv",),
        subresources=(_status("PersistentVolume"),),
    ),
    ResourceType(
        "",
        "v1",
        "resourcequotas",
        "ResourceQuota",
        True,
        ("quota",),
        subresources=(_status("ResourceQuota"),),
    ),
    ResourceType("", "v1", "limitranges", "LimitRange", True, ("limits",)),
    ResourceType("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", True),
    ResourceType("events.k8s.io", "v1", "events", "Event", True, ("ev",)),
    ResourceType(
        "apps",
        "v1",
        "deployments",
        "Deployment",
        True,
        ("deploy",),
        categories=_ALL,
        subresources=(_status("Deployment", "apps"), _scale()),
    ),
    ResourceType(
        "apps",
        "v1",
        "replicasets",
        "ReplicaSet",
        True,
        ("rs",),
        categories=_ALL,
        subresources=(_status("ReplicaSet", "apps"), _scale()),
    ),
    ResourceType(
        "apps",
        "v1",
        "statefulsets",
        "StatefulSet",
        True,
        ("sts",),
        categories=_ALL,
        subresources=(_status("StatefulSet", "apps"), _scale()),
    ),
    ResourceType(
        "apps",
        "v1",
        "daemonsets",
        "DaemonSet",
        True,
        ("ds",),
        categories=_ALL,
        subresources=(_status("DaemonSet", "apps"),),
    ),
    ResourceType(
        "batch", "v1", "jobs", "Job", True, categories=_ALL, subresources=(_status("Job", "batch"),)
    ),
    ResourceType(
        "batch",
        "v1",
        "cronjobs",
        "CronJob",
        True,
        ("cj",),
        categories=_ALL,
        subresources=(_status("CronJob", "batch"),),
    ),
    ResourceType(
        "networking.k8s.io",
        "v1",
        "ingresses",
        "Ingress",
        True,
        ("ing",),
        subresources=(_status("Ingress", "networking.k8s.io"),),
    ),
    ResourceType("networking.k8s.io", "v1", "ingressclasses", "IngressClass", False),
    ResourceType("networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy", True, ("netpol",)),
    ResourceType(
        "autoscaling",
        "v2",
        "horizontalpodautoscalers",
        "HorizontalPodAutoscaler",
        True,
        ("hpa",),
        categories=_ALL,
        subresources=(_status("HorizontalPodAutoscaler", "autoscaling", "v2"),),
    ),
    ResourceType(
        "policy",
        "v1",
        "poddisruptionbudgets",
        "PodDisruptionBudget",
        True,
        ("pdb",),
        subresources=(_status("PodDisruptionBudget", "policy"),),
    ),
    ResourceType("storage.k8s.io", "v1", "storageclasses", "StorageClass", False, ("sc",)),
    ResourceType("rbac.authorization.k8s.io", "v1", "roles", "Role", True),
    ResourceType("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", True),
    ResourceType("rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", False),
    ResourceType("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding", False),
    ResourceType(
        "admissionregistration.k8s.io",
        "v1",
        "validatingwebhookconfigurations",
        "ValidatingWebhookConfiguration",
        False,
    ),
    ResourceType(
        "admissionregistration.k8s.io",
        "v1",
        "mutatingwebhookconfigurations",
        "MutatingWebhookConfiguration",
        False,
    ),
    ResourceType("metrics.k8s.io", "v1beta1", "pods", "PodMetrics", True, verbs=RO_VERBS),
    ResourceType("metrics.k8s.io", "v1beta1", "nodes", "NodeMetrics", False, verbs=RO_VERBS),
    ResourceType("authentication.k8s.io", "v1", "tokenreviews", "TokenReview", False, verbs=("create",)),
)


@dataclass(frozen=True)
class ResourceIndex:
    """Lookups over RESOURCES by (group, version, plural) and by kind."""

    by_path: dict[tuple[str, str, str], ResourceType]
    by_kind: dict[tuple[str, str], ResourceType]
    by_name: dict[str, ResourceType]
    by_key: dict[str, ResourceType]

    @classmethod
    def build(cls, resources: tuple[ResourceType, ...] = RESOURCES) -> ResourceIndex:
        by_name: dict[str, ResourceType] = {}
        for r in resources:
            if r.group not in ("events.k8s.io", "metrics.k8s.io"):
                by_name.setdefault(r.kind, r)
        return cls(
            by_path={(r.group, r.version, r.plural): r for r in resources},
            by_kind={(r.group, r.kind): r for r in resources},
            by_name=by_name,
            by_key={r.key: r for r in resources},
        )

    def lookup(self, group: str, version: str, plural: str) -> ResourceType | None:
        return self.by_path.get((group, version, plural))

    def for_kind(self, api_version: str, kind: str) -> ResourceType | None:
        group = api_version.rpartition("/")[0]
        return self.by_kind.get((group, kind))


def group_versions(resources: tuple[ResourceType, ...] = RESOURCES) -> dict[str, list[str]]:
    """Group name -> served versions, in first-seen order (core group is '')."""
    out: dict[str, list[str]] = {}
    for r in resources:
        versions = out.setdefault(r.group, [])
        if r.version not in versions:
            versions.append(r.version)
    return out
