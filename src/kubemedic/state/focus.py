"""A ClusterState focused on some objects: what lets the monitor re-analyze only what changed.

Analyzers find problems by iterating (every Deployment, every troubled pod, every pod template) and
then looking things up (a pod's events, its node, the pods a Service selects, a workload's pods).
A focused state narrows the *iteration* to a set of objects (events: those about them) and leaves
every *lookup* answering from the whole cluster.
So a finding about a focused object is computed from complete inputs and comes out exactly as in a
full analysis, while the pods and workloads nobody changed are not walked at all.

Iteration over the other namespaced kinds is narrowed the same way (a Service or a ConfigMap is walked
only when it is in the focus), so the cost of an analysis follows the size of the focus, not of the
cluster. Cluster-scoped kinds (Nodes, StorageClasses, ...) stay whole: analyzers walk them to look
things up ("the largest node").
The caller keeps only findings about focused objects (see service/incremental.py); the scope plan
puts in the focus every object whose findings a change can alter (analyzers/scope.py).
"""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from kubemedic.state.events import Event
from kubemedic.state.objects import KubeObject

if TYPE_CHECKING:
    from kubemedic.state.cluster_state import ClusterState

# The kinds a workload is made of.
UNIT_KINDS = frozenset(
    {"Pod", "ReplicaSet", "Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Event"}
)

# Iteration views: recomputed over the focused objects on first use.
_NARROWED = ("troubled_pods", "template_references")
# Lookup indexes: a focused state asks the whole one (see ClusterState._whole).
_LOOKUPS = ("_pods_by_namespace", "_pods_by_label", "_pods_by_node")


def focus(full: ClusterState, keys: Collection[tuple[str, str, str]]) -> ClusterState:
    narrowed = copy.copy(full)
    for name in (*_NARROWED, *_LOOKUPS):
        narrowed.__dict__.pop(name, None)
    narrowed._memo = {}
    narrowed._field_indexes = {}
    narrowed._whole = full._whole or full
    wanted = keys if isinstance(keys, (set, frozenset)) else frozenset(keys)
    narrowed._focus = wanted
    by_kind = _Kinds(full._by_kind.get("Event", []), wanted)
    for kind, items in full._by_kind.items():
        if kind == "Event":
            continue  # made on first use: analyzers look events up, they rarely walk them
        if items and not items[0].namespace:
            by_kind[kind] = items  # cluster-scoped (Nodes, StorageClasses...): analyzers walk them to look up
        else:
            by_kind[kind] = [o for o in items if (o.kind, o.namespace, o.name) in wanted]
    narrowed._by_kind = by_kind
    return narrowed


class _Kinds(defaultdict[str, list[KubeObject]]):
    """A focused state's objects by kind, the events (those about focused objects) listed on first use."""

    def __init__(self, events: list[KubeObject], wanted: Collection[tuple[str, str, str]]) -> None:
        super().__init__(list)
        self._events: list[KubeObject] | None = None
        self._all_events = events
        self._wanted = wanted

    def _focused_events(self) -> list[KubeObject]:
        if self._events is None:
            wanted = self._wanted
            self._events = [e for e in self._all_events if isinstance(e, Event) and e.involved_key in wanted]
        return self._events

    def get(self, kind: str, default: Any = None) -> Any:
        if kind == "Event":
            return self._focused_events()
        return super().get(kind, default)

    def __missing__(self, kind: str) -> list[KubeObject]:
        if kind == "Event":
            return self._focused_events()
        return super().__missing__(kind)
