"""Which findings can a set of changed objects change? The plan behind incremental analysis.

The analyzers read a cluster in two ways (see state/focus.py): they walk workloads - a top owner, the
ReplicaSets/Jobs/pods under it, and the events about those - and they look up anything else. So the
findings about a workload depend on its own objects, on objects it looks up (its nodes, ConfigMaps,
Secrets, Services...), and on little else. A change to a pod or its events therefore re-analyzes its
whole workload (the *unit*: a finding on a Deployment counts all its pods), nothing more.

A change that other findings read across workloads widens the plan:
- a namespaced object that is not part of a workload (a Service, its Endpoints, a ConfigMap, a PVC,
  a quota, a PDB, an HPA, a NetworkPolicy ...), a workload added, removed or given a new pod
  template (that can make a ConfigMap used or unused), a bare pod coming or going, or any change in
  a namespace where such objects already have findings: the whole namespace is re-analyzed;
- a pod change: the Services, PodDisruptionBudgets and NetworkPolicies whose selectors match it
  before or after (a Service whose last pod went away now "matches no pod"), and the claims it mounts
  (a WaitForFirstConsumer claim with a consumer is no longer quiet);
- a pod on a node that has findings: that node too (a NotReady node's finding counts its pods);
- anything cluster-scoped (a Node, a Namespace, a StorageClass, a webhook configuration ...), a
  change in kube-system (DNS, which every NetworkPolicy check reads) or in a namespace serving an
  admission webhook, a pending pod while a node is cordoned, or a plan covering most of the
  cluster: everything is analyzed.
The monitor also analyzes everything every so often (findings that follow the clock - "Pending for
10 minutes" - change without any object changing).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from kubemedic.state import ClusterState, KubeObject, LabelSelector
from kubemedic.state.focus import UNIT_KINDS
from kubemedic.state.objects import as_list, as_map, dig

Key = tuple[str, str, str]

SYSTEM_NAMESPACES = frozenset({"kube-system"})
WORKLOAD_KINDS = frozenset({"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob"})
WEBHOOK_KINDS = ("ValidatingWebhookConfiguration", "MutatingWebhookConfiguration")
MOST = 0.5  # a plan covering more than this share of the objects is a full analysis
# findings on these count the pods their selectors match
SELECTING_KINDS = ("Service", "PodDisruptionBudget", "NetworkPolicy")


@dataclass(frozen=True, slots=True)
class Plan:
    full: bool
    reason: str  # why a full analysis ("" when scoped)
    keys: frozenset[Key] = frozenset()  # the objects whose findings are recomputed


@dataclass(frozen=True, slots=True)
class Known:
    """What the previous analysis found that widens plans: namespaces where objects outside workloads
    have findings, and nodes with findings."""

    namespaces: frozenset[str] = frozenset()
    nodes: frozenset[str] = frozenset()


def full(reason: str) -> Plan:
    return Plan(True, reason)


def plan(old: ClusterState, new: ClusterState, dirty: Iterable[Key], known: Known = Known()) -> Plan:
    """The plan for going from `old` to `new`, given the keys of the objects that changed."""
    webhook_namespaces = _webhook_namespaces(new) | _webhook_namespaces(old)
    keys: set[Key] = set()
    node_keys: set[Key] = set()
    namespaces: set[str] = set()
    expanded_new: set[Key] = set()  # top owners whose workload (in new / old) is already in `keys`
    expanded_old: set[Key] = set()
    cordoned = any(n.spec.get("unschedulable") is True for n in new.objects("Node"))
    for key in dirty:
        kind, namespace, name = key
        if not namespace:
            return full(f"{kind} {name} changed")
        if namespace in SYSTEM_NAMESPACES or namespace in webhook_namespaces:
            return full(f"{kind} {namespace}/{name} changed in a namespace other namespaces depend on")
        before, after = old.get(*key), new.get(*key)
        # the pod itself, not an event about it: what selects it may see it differently
        pod_changed = kind == "Pod"
        if kind == "Event":
            involved = _involved(before, after)
            if involved is None or involved[0] not in UNIT_KINDS:
                if involved is not None and not involved[1]:
                    return full(f"event about {involved[0]} {involved[2]}")
                namespaces.add(namespace)
                continue
            key, before, after = involved, old.get(*involved), new.get(*involved)
            kind = key[0]
            if before is None and after is None:
                continue  # an event about something that is not there: no analyzer reads it
        if kind not in UNIT_KINDS:
            namespaces.add(namespace)
            continue
        if namespace in namespaces and kind != "Pod":
            continue
        for view in (before, after):
            if pod_changed and view is not None:
                keys.update(_readers(new, view))
            node = _node_of(view) if view is not None else ""
            if node in known.nodes:
                node_keys.add(("Node", "", node))  # its findings count the pods it hosts
            if view is not None and view.kind == "Pod" and not node and cordoned:
                return full("a pending pod changed while a node is cordoned")
        if namespace in known.namespaces or _reshapes(before, after):
            namespaces.add(namespace)
            continue
        # The workload in the new state. Whatever left a workload (deleted, or given other owner
        # references) is itself among the changed keys; when a deleted object had objects under it,
        # those may now stand alone (pods of a deleted ReplicaSet), so its old workload is added too.
        keys.add(key)
        for state, view in ((new, after), (old, before if after is None else None)):
            if view is None:
                continue
            top = state.top_owner(view)
            top_key = (top.kind, top.namespace, top.name)
            done = expanded_new if state is new else expanded_old
            if top_key not in done:
                done.add(top_key)
                keys.update(state.tree_keys(top))  # the workload: its top owner and all under it
    if namespaces:
        keys.update(old.keys_in(namespaces))
        keys.update(new.keys_in(namespaces))
    keys.update(node_keys)
    total = sum(new.kinds.values())
    if total and len(keys) > MOST * total:
        return full(f"{len(keys)} of {total} objects affected")
    return Plan(False, "", frozenset(keys))


def _readers(state: ClusterState, pod: KubeObject) -> list[Key]:
    """Objects outside the pod's workload whose findings read it: the Services, PDBs and NetworkPolicies
    in its namespace whose selectors match its labels, and the claims it mounts."""
    selectors = state.memo("scope.selectors", lambda: _selectors_by_namespace(state))
    labels, ns = pod.labels, pod.namespace
    out = [key for key, selector in selectors.get(ns, ()) if selector.matches(labels)]
    for volume in as_list(pod.spec.get("volumes")):
        claim = as_map(as_map(volume).get("persistentVolumeClaim")).get("claimName")
        if claim:
            out.append(("PersistentVolumeClaim", ns, str(claim)))
    return out


def _selectors_by_namespace(state: ClusterState) -> dict[str, list[tuple[Key, LabelSelector]]]:
    out: dict[str, list[tuple[Key, LabelSelector]]] = {}
    for kind in SELECTING_KINDS:
        for obj in state.objects(kind):
            if kind == "Service":
                selector_map = as_map(obj.spec.get("selector"))
                if not selector_map:
                    continue  # no selector: its endpoints are managed by hand, no pod is read
                selector = LabelSelector.from_map(selector_map)
            elif kind == "NetworkPolicy":
                selector = LabelSelector.from_spec(as_map(obj.spec.get("podSelector")))
            else:
                selector = obj.spec_selector()
            out.setdefault(obj.namespace, []).append(((kind, obj.namespace, obj.name), selector))
    return out


def _involved(*events: KubeObject | None) -> Key | None:
    for event in events:
        if event is None:
            continue
        inv = as_map(event.raw.get("involvedObject") or event.raw.get("regarding"))
        if inv:
            return (str(inv.get("kind") or ""), str(inv.get("namespace") or ""), str(inv.get("name") or ""))
    return None


def _reshapes(before: KubeObject | None, after: KubeObject | None) -> bool:
    """Can this change alter what a namespace's pod templates reference (so which ConfigMaps, Secrets
    or PVCs are used)? A workload or bare pod that comes, goes, or gets another template can."""
    view = after or before
    assert view is not None
    if view.kind in WORKLOAD_KINDS:
        if before is None or after is None:
            return True
        return before.pod_template() != after.pod_template()
    if view.kind == "Pod":
        bare = not as_list(as_map(view.raw.get("metadata")).get("ownerReferences"))
        if before is None or after is None:
            return bare
        return bare and before.spec != after.spec
    return False


def _node_of(view: KubeObject) -> str:
    return str(as_map(view.raw.get("spec")).get("nodeName") or "") if view.kind == "Pod" else ""


def _webhook_namespaces(state: ClusterState) -> set[str]:
    out: set[str] = set()
    for kind in WEBHOOK_KINDS:
        for config in state.objects(kind):
            for hook in as_list(config.raw.get("webhooks")):
                ns = dig(as_map(hook), "clientConfig", "service", "namespace")
                if isinstance(ns, str) and ns:
                    out.add(ns)
    return out


def known_from(findings: Collection[tuple[str, str, str]]) -> Known:
    """Known widening facts from the (kind, namespace, name) of the previous analysis' findings."""
    namespaces = {ns for kind, ns, _ in findings if ns and kind not in UNIT_KINDS}
    nodes = {name for kind, _, name in findings if kind == "Node"}
    return Known(frozenset(namespaces), frozenset(nodes))
