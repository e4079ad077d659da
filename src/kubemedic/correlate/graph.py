"""The dependency graph: which objects an object needs in order to work.

Nodes are "units": a pod, ReplicaSet or Job stands for its top owner (Deployment, StatefulSet,
DaemonSet, CronJob), because that is what people name and fix. Edges point from a unit to what it
depends on: pods' Nodes, ConfigMaps/Secrets/PVCs/ServiceAccounts their spec references, Services
(and through them the units behind their selectors), Ingress backends, HPA targets, PVC -> PV ->
StorageClass, and the dependencies analyzers found named in logs (`Finding.depends_on`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from kubemedic.domain import Finding, ObjectRef
from kubemedic.state import (
    ClusterState,
    KubeObject,
    LabelSelector,
    Pod,
    as_list,
    as_map,
    dig,
    pod_refs,
    template_refs,
)

Key = tuple[str, str, str]  # (kind, namespace, name)

_FOLDED_KINDS = frozenset({"Pod", "ReplicaSet", "Job"})
_POD_TEMPLATE_KINDS = frozenset({"Deployment", "StatefulSet", "DaemonSet", "CronJob", "Job", "ReplicaSet"})


def ref_key(ref: ObjectRef) -> Key:
    return (ref.kind, ref.namespace, ref.name)


class DependencyGraph:
    """Lazily computed edges over the objects of one ClusterState."""

    def __init__(self, state: ClusterState, findings: Iterable[Finding] = ()) -> None:
        self.state = state
        self._units: dict[Key, Key] = {}
        self._edges_of: dict[Key, frozenset[Key]] = {}
        self._declared: dict[Key, set[Key]] = {}
        for finding in findings:
            if finding.depends_on:
                src = self.unit(ref_key(finding.object))
                self._declared.setdefault(src, set()).update(
                    self.unit(ref_key(d)) for d in finding.depends_on
                )

    def unit(self, key: Key) -> Key:
        """The object people name for `key`: a pod's, ReplicaSet's or Job's top owner."""
        found = self._units.get(key)
        if found is None:
            found = key
            if key[0] in _FOLDED_KINDS:
                obj = self.state.get(*key)
                if obj is not None:
                    top = self.state.top_owner(obj)
                    found = (top.kind, top.namespace, top.name)
            self._units[key] = found
        return found

    def depends_on(self, key: Key) -> frozenset[Key]:
        """Units `key` directly depends on."""
        found = self._edges_of.get(key)
        if found is None:
            out: set[Key] = set(self._declared.get(key, ()))
            obj = self.state.get(*key)
            if obj is not None:
                out.update(self._edges(obj))
            out.discard(key)
            found = self._edges_of[key] = frozenset(out)
        return found

    def _edges(self, obj: KubeObject) -> Iterator[Key]:
        state = self.state
        kind, ns = obj.kind, obj.namespace
        if kind == "Pod" and isinstance(obj, Pod):
            yield from self._pod_edges(obj)
        elif kind in _POD_TEMPLATE_KINDS:
            for ref in template_refs(obj):  # parsed once per view
                yield (ref.kind, ns, ref.name)
            pods = state.pods_of(obj)
            for node in {p.node_name for p in pods[:50] if p.node_name}:
                yield ("Node", "", node)
            if kind == "StatefulSet":
                for tpl in as_list(obj.spec.get("volumeClaimTemplates")):
                    sc = dig(as_map(tpl), "spec", "storageClassName")
                    if sc:
                        yield ("StorageClass", "", str(sc))
        elif kind == "Service":
            selector = as_map(obj.spec.get("selector"))
            if selector:
                for pod in state.select_pods(ns, LabelSelector.from_map(selector)):
                    yield self.unit(("Pod", ns, pod.name))
        elif kind == "Ingress":
            yield from _ingress_backends(obj)
        elif kind == "HorizontalPodAutoscaler":
            target = as_map(obj.spec.get("scaleTargetRef"))
            if target.get("name"):
                yield (str(target.get("kind", "")), ns, str(target["name"]))
        elif kind == "PersistentVolumeClaim":
            if obj.spec.get("volumeName"):
                yield ("PersistentVolume", "", str(obj.spec["volumeName"]))
            if obj.spec.get("storageClassName"):
                yield ("StorageClass", "", str(obj.spec["storageClassName"]))
        elif kind == "PersistentVolume" and obj.spec.get("storageClassName"):
            yield ("StorageClass", "", str(obj.spec["storageClassName"]))

    def _pod_edges(self, pod: Pod) -> Iterator[Key]:
        for ref in pod_refs(pod):  # parsed once per view
            yield (ref.kind, pod.namespace, ref.name)
        if pod.node_name:
            yield ("Node", "", pod.node_name)


def _ingress_backends(obj: KubeObject) -> Iterator[Key]:
    ns = obj.namespace
    default = dig(obj.spec, "defaultBackend", "service", "name")
    if default:
        yield ("Service", ns, str(default))
    for rule in as_list(obj.spec.get("rules")):
        for path in as_list(dig(as_map(rule), "http", "paths")):
            name = dig(as_map(path), "backend", "service", "name")
            if name:
                yield ("Service", ns, str(name))
