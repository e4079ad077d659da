"""ClusterState: typed, indexed, read-only views over one cluster's objects, events and logs."""

from kubemedic.state.cluster_state import ClusterState, LogKey, make_view, pod_refs, template_refs
from kubemedic.state.events import Event
from kubemedic.state.objects import Condition, KubeObject, OwnerReference, as_list, as_map, dig
from kubemedic.state.pods import ContainerSpec, ContainerState, ContainerStatus, Pod
from kubemedic.state.references import SpecReference, pod_spec_references
from kubemedic.state.selectors import LabelSelector

__all__ = [
    "ClusterState",
    "Condition",
    "ContainerSpec",
    "ContainerState",
    "ContainerStatus",
    "Event",
    "KubeObject",
    "LabelSelector",
    "LogKey",
    "OwnerReference",
    "Pod",
    "SpecReference",
    "as_list",
    "as_map",
    "dig",
    "make_view",
    "pod_refs",
    "pod_spec_references",
    "template_refs",
]
