"""A ClusterState focused on some objects: what lets the monitor re-analyze only what changed.

Analyzers find problems by iterating (every Deployment, every troubled pod, every pod template) and
then looking things up (a pod's events, its node, the pods a Service selects, a workload's pods).
A focused state narrows the *iteration* over the kinds that make up workloads - pods, their owners
and their events - to a set of objects, and leaves every *lookup* answering from the whole cluster.
So a finding about a focused object is computed from complete inputs and comes out exactly as in a
full analysis, while the pods and workloads nobody changed are not walked at all.

Iteration over the other kinds (Services, ConfigMaps, Nodes, ...) is not narrowed: those are few,
and an analyzer that walks them may report on a focused workload. Findings about objects outside the
focus can be wrong here (a Service seeing only some pods of its namespace); the caller keeps only
findings about focused objects (see service/incremental.py).
"""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, Any

from kubemedic.state.events import Event
from kubemedic.state.objects import KubeObject

if TYPE_CHECKING:
    from kubemedic.state.cluster_state import ClusterState

# The kinds a workload is made of: iteration over these follows the focus.
UNIT_KINDS = frozenset(
    {"Pod", "ReplicaSet", "Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Event"}
)

# Lookup indexes that must see the whole cluster: computed on the full state, shared with the focused one.
_SHARED = ("_pods_by_namespace", "_pods_by_label", "_pods_by_node")
# Iteration views: recomputed over the focused objects on first use.
_NARROWED = ("troubled_pods", "template_references")


def focus(full: ClusterState, keys: Collection[tuple[str, str, str]]) -> ClusterState:
    for name in _SHARED:
        getattr(full, name)  # build once on the full state (cached there), then share
    narrowed = copy.copy(full)
    for name in _NARROWED:
        narrowed.__dict__.pop(name, None)
    narrowed._memo = {}
    narrowed._field_indexes = {}
    wanted = keys if isinstance(keys, (set, frozenset)) else set(keys)
    by_kind: dict[str, list[KubeObject]] = defaultdict(list)
    for kind, items in full._by_kind.items():
        if kind == "Event":
            continue
        if kind in UNIT_KINDS:
            by_kind[kind] = [o for o in items if (o.kind, o.namespace, o.name) in wanted]
        else:
            by_kind[kind] = items
    # events follow the object they are about: gathered from the per-object index, not by a walk
    # over every event (busy clusters have tens of thousands)
    events: list[KubeObject] = []
    for key in wanted:
        events.extend(full._events_by_key.get(key, ()))
    by_reason: dict[str, list[Event]] = defaultdict(list)
    for event in events:
        by_reason[str(event.raw.get("reason") or "")].append(event)  # type: ignore[arg-type]
    for reason, found in by_reason.items():  # in the whole state's order, as a full analysis sees them
        order = {id(e): i for i, e in enumerate(full._events_by_reason.get(reason, ()))}
        found.sort(key=lambda e: order.get(id(e), 0))
    if events:
        order = {id(e): i for i, e in enumerate(full._by_kind.get("Event", ()))}
        events.sort(key=lambda e: order.get(id(e), 0))
        by_kind["Event"] = events
    narrowed._by_kind = by_kind
    narrowed._events_by_reason = by_reason
    return narrowed


def _involved_key(raw: Mapping[str, Any]) -> tuple[str, str, str]:
    inv = raw.get("involvedObject") or raw.get("regarding")
    if type(inv) is not dict:
        return ("", "", "")
    return (str(inv.get("kind") or ""), str(inv.get("namespace") or ""), str(inv.get("name") or ""))
