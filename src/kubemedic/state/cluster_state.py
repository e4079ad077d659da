"""ClusterState: every object of one cluster at one moment, indexed the ways analyzers ask."""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from typing import TypeVar

from kubemedic.state.events import Event, involved_target
from kubemedic.state.objects import Json, KubeObject, owner_uids
from kubemedic.state.pods import ContainerStatus, Pod, plainly_healthy
from kubemedic.state.references import TEMPLATE_REFS, SpecReference, pod_spec_references
from kubemedic.state.selectors import LabelSelector

T = TypeVar("T", bound=KubeObject)
Key = tuple[str, str, str]
T_co = TypeVar("T_co")

__all__ = ["ClusterState", "LogKey", "make_view", "plainly_healthy"]

_VIEWS: dict[str, type[KubeObject]] = {"Pod": Pod, "Event": Event}


def make_view(raw: Json, kind: str, cluster: str = "") -> KubeObject:
    return _VIEWS.get(kind, KubeObject)(raw, kind, cluster)


@dataclass(frozen=True, slots=True)
class LogKey:
    namespace: str
    pod: str
    container: str
    previous: bool = False


class ClusterState:
    """Read-only indexed views. Build one with `ClusterState.build(...)`; never mutate it afterwards."""

    def __init__(
        self,
        objects: Iterable[KubeObject],
        *,
        now: datetime,
        logs: Mapping[LogKey, str] | None = None,
        cluster: str = "",
    ) -> None:
        self.now = now if now.tzinfo else now.replace(tzinfo=UTC)
        self.cluster = cluster
        self._logs: dict[LogKey, str] = dict(logs or {})
        self._by_kind: dict[str, list[KubeObject]] = defaultdict(list)
        self._by_key: dict[tuple[str, str, str], KubeObject] = {}
        self._by_uid: dict[str, KubeObject] = {}
        self._children: dict[str, list[KubeObject]] = defaultdict(list)
        self._events_by_uid: dict[str, list[Event]] = defaultdict(list)
        self._events_by_key: dict[tuple[str, str, str], list[Event]] = defaultdict(list)
        self._events_by_reason: dict[str, list[Event]] = defaultdict(list)
        self._sorted: set[int] = set()
        self._memo: dict[str, object] = {}
        self._chains: dict[int, tuple[KubeObject, tuple[KubeObject, ...]]] = {}
        # keys by namespace (built on first use) and the keys of each tree of owned objects asked for
        # (by its top's key): both carried over by `evolve`, edited or dropped where objects changed
        self._keys_by_ns: dict[str, dict[Key, None]] | None = None
        self._trees: dict[Key, frozenset[Key]] = {}
        self._whole: ClusterState | None = None  # set on a focused state: lookups answer from it
        self._focus: Collection[tuple[str, str, str]] | None = None  # ... and what it iterates over
        self._field_indexes: dict[
            tuple[str, tuple[str, ...]], dict[str, KubeObject]
        ] = {}  # ids of event lists already in time order (sorted on first use)
        for obj in objects:
            self._add(obj)

    @classmethod
    def build(
        cls,
        raws: Iterable[Json],
        *,
        now: datetime,
        logs: Mapping[LogKey, str] | None = None,
        cluster: str = "",
    ) -> ClusterState:
        """Build from raw API objects (each with its `kind`)."""
        views = (make_view(raw, str(raw.get("kind", "")), cluster) for raw in raws)
        return cls(views, now=now, logs=logs, cluster=cluster)

    def _add(self, obj: KubeObject) -> None:
        key = (obj.kind, obj.namespace, obj.name)
        if key in self._by_key:  # the same object in two files: keep the first, like a set
            return
        self._by_key[key] = obj
        self._by_kind[obj.kind].append(obj)
        if obj.uid:
            self._by_uid[obj.uid] = obj
        for uid in owner_uids(obj.raw):
            self._children[uid].append(obj)
        if isinstance(obj, Event):
            self._events_by_reason[str(obj.raw.get("reason") or "")].append(obj)
            target = involved_target(obj.raw)
            if target is not None:
                uid, key = target
                if uid:
                    self._events_by_uid[uid].append(obj)
                self._events_by_key[key].append(obj)

    def build_indexes(self) -> ClusterState:
        """Build the derived indexes now instead of on first use: pods by label and namespace, the
        references every pod template makes, the troubled pods. Loaders call this, so a scan's
        analysis phase only analyzes; returns self."""
        _ = (self._pods_by_namespace, self._pods_by_label, self.template_references, self.troubled_pods)
        return self

    # ---- lookups -------------------------------------------------------------------------------

    @property
    def kinds(self) -> Mapping[str, int]:
        """How many objects of each kind the cluster has (a focused state answers for the whole)."""
        source = self._whole if self._whole is not None else self
        return {kind: len(items) for kind, items in source._by_kind.items()}

    def keys_in(self, namespaces: Collection[str]) -> list[tuple[str, str, str]]:
        """(kind, namespace, name) of every object in these namespaces."""
        index = self._namespace_index()
        return [key for ns in namespaces for key in index.get(ns, ())]

    def _namespace_index(self) -> dict[str, dict[Key, None]]:
        """The keys of every namespaced object by namespace (insertion-ordered sets), built once and
        then kept up to date by `evolve`."""
        index = self._keys_by_ns
        if index is None:
            index = {}
            for key in self._by_key:
                if key[1]:
                    keys = index.get(key[1])
                    if keys is None:
                        keys = index[key[1]] = {}
                    keys[key] = None
            self._keys_by_ns = index
        return index

    def has_any(self, kind: str) -> bool:
        """Whether the cluster has any object of this kind (a focused state answers for the whole)."""
        source = self._whole if self._whole is not None else self
        return bool(source._by_kind.get(kind))

    def objects(self, kind: str, namespace: str | None = None) -> Sequence[KubeObject]:
        items = self._by_kind.get(kind, [])
        if namespace is None:
            return items
        return [o for o in items if o.namespace == namespace]

    def typed(self, cls: type[T], kind: str, namespace: str | None = None) -> list[T]:
        return [o for o in self.objects(kind, namespace) if isinstance(o, cls)]

    def pods(self, namespace: str | None = None) -> list[Pod]:
        return self.typed(Pod, "Pod", namespace)

    def events(self) -> list[Event]:
        return self.typed(Event, "Event")

    def get(self, kind: str, namespace: str, name: str) -> KubeObject | None:
        return self._by_key.get((kind, namespace, name))

    def by_uid(self, uid: str) -> KubeObject | None:
        return self._by_uid.get(uid)

    def namespaces(self) -> list[str]:
        if self._whole is not None:
            return self._whole.namespaces()
        names = set(self._namespace_index())
        names.update(o.name for o in self._by_kind.get("Namespace", []))
        return sorted(names)

    # ---- ownership -----------------------------------------------------------------------------

    def owner(self, obj: KubeObject) -> KubeObject | None:
        ref = obj.controller_ref
        if ref is None:
            return None
        found = self._by_uid.get(ref.uid) if ref.uid else None
        if found is None:
            found = self._by_key.get((ref.kind, obj.namespace, ref.name))
        return found

    def owner_chain(self, obj: KubeObject) -> list[KubeObject]:
        """Owners from nearest to top: Pod -> [ReplicaSet, Deployment]. Worked out once per object and
        state (analyzers ask for the same pods' owners many times)."""
        chains = self._chains
        found = chains.get(id(obj))
        if found is not None and found[0] is obj:
            return list(found[1])
        chain = self._owner_chain(obj)
        chains[id(obj)] = (obj, tuple(chain))
        return chain

    def _owner_chain(self, obj: KubeObject) -> list[KubeObject]:
        chain: list[KubeObject] = []
        current = self.owner(obj)
        while current is not None and current not in chain and len(chain) < 8:
            chain.append(current)
            current = self.owner(current)
        return chain

    def top_owner(self, obj: KubeObject) -> KubeObject:
        chain = self.owner_chain(obj)
        return chain[-1] if chain else obj

    def tree_keys(self, top: KubeObject) -> frozenset[Key]:
        """The keys of `top` and of everything it owns, directly or not (a workload: Deployment,
        ReplicaSets, pods). Worked out once per tree and state; `evolve` keeps the trees in which no
        object came, went or changed owners."""
        key = (top.kind, top.namespace, top.name)
        found = self._trees.get(key)
        if found is not None and self._by_key.get(key) is top:
            return found
        out: set[Key] = set()
        stack = [top]
        children = self._children
        while stack:
            current = stack.pop()
            current_key = (current.kind, current.namespace, current.name)
            if current_key in out:
                continue
            out.add(current_key)
            if current.uid:
                stack.extend(children.get(current.uid, ()))
        found = frozenset(out)
        if self._by_key.get(key) is top:  # only trees of this state's own views are kept
            self._trees[key] = found
        return found

    def children(self, obj: KubeObject, kind: str | None = None) -> list[KubeObject]:
        items = self._children.get(obj.uid, []) if obj.uid else []
        return [c for c in items if kind is None or c.kind == kind]

    def pods_of(self, workload: KubeObject) -> list[Pod]:
        """Pods owned by a workload directly or through its ReplicaSets/Jobs."""
        pods: list[Pod] = []
        stack = [workload]
        while stack:
            current = stack.pop()
            for child in self.children(current):
                if isinstance(child, Pod):
                    pods.append(child)
                elif child.kind in ("ReplicaSet", "Job"):
                    stack.append(child)
        return pods

    # ---- selectors -----------------------------------------------------------------------------

    @cached_property
    def _pods_by_namespace(self) -> dict[str, list[Pod]]:
        if self._whole is not None:
            return self._whole._pods_by_namespace
        out: dict[str, list[Pod]] = defaultdict(list)
        for pod in self.pods():
            out[pod.namespace].append(pod)
        return out

    @cached_property
    def _pods_by_label(self) -> dict[tuple[str, str, str], list[Pod]]:
        if self._whole is not None:
            return self._whole._pods_by_label
        out: dict[tuple[str, str, str], list[Pod]] = defaultdict(list)
        for pod in self.pods():
            ns = pod.namespace
            for key, value in pod.labels.items():
                out[(ns, key, value if type(value) is str else str(value))].append(pod)
        return out

    def select_pods(self, namespace: str, selector: LabelSelector) -> list[Pod]:
        """Pods in a namespace matching a selector. An empty selector matches all of them.

        Equality terms are answered from a label index (smallest bucket first), so a thousand Services
        over ten thousand pods cost thousands of checks, not millions."""
        candidates: list[Pod] | None = None
        index = self._pods_by_label
        for key, value in selector.match_labels:
            bucket = index.get((namespace, key, value), [])
            if candidates is None or len(bucket) < len(candidates):
                candidates = bucket
        if candidates is None:
            candidates = self._pods_by_namespace.get(namespace, [])
        elif len(selector.match_labels) == 1 and not selector.expressions:
            return list(candidates)  # the bucket is exactly the pods with that one label
        return [p for p in candidates if selector.matches(p.labels)]

    def pods_in(self, namespace: str) -> list[Pod]:
        return self._pods_by_namespace.get(namespace, [])

    # ---- events and logs -----------------------------------------------------------------------

    def events_for(self, obj: KubeObject) -> list[Event]:
        """Events about this object, oldest first (matched by uid, else by kind/namespace/name)."""
        if obj.uid and obj.uid in self._events_by_uid:
            events = self._events_by_uid[obj.uid]
        else:
            events = self._events_by_key.get((obj.kind, obj.namespace, obj.name), [])
        if len(events) > 1 and id(events) not in self._sorted:
            events.sort(key=_event_sort_key)
            self._sorted.add(id(events))
        return events

    def latest_event(
        self, obj: KubeObject, *, reasons: Iterable[str] | None = None, field_path: str | None = None
    ) -> Event | None:
        wanted = set(reasons) if reasons is not None else None
        for event in reversed(self.events_for(obj)):
            if wanted is not None and event.reason not in wanted:
                continue
            if field_path is not None and event.field_path and event.field_path != field_path:
                continue
            return event
        return None

    def events_with_reason(self, *reasons: str) -> list[Event]:
        """Events with one of these reasons (e.g. FailedCreate), without scanning every event each time."""
        found: list[Event] = []
        for reason in reasons:
            found.extend(self._events_by_reason.get(reason, ()))
        if self._whole is not None and self._focus is not None:  # only those about focused objects
            keys = self._focus
            found = [e for e in found if e.involved_key in keys]
        return found

    @cached_property
    def _pods_by_node(self) -> dict[str, list[Pod]]:
        if self._whole is not None:
            return self._whole._pods_by_node
        out: dict[str, list[Pod]] = defaultdict(list)
        for pod in self.pods():
            if pod.node_name:
                out[pod.node_name].append(pod)
        return out

    def memo(self, key: str, factory: Callable[[], T_co]) -> T_co:
        """A derived view computed once per state and shared by analyzers (e.g. classified logs)."""
        if key not in self._memo:
            self._memo[key] = factory()
        return self._memo[key]  # type: ignore[return-value]

    def by_field(self, kind: str, path: tuple[str] | tuple[str, str]) -> Mapping[str, KubeObject]:
        """Objects of a kind indexed by the string at `path` (e.g. Services by spec.clusterIP); built once."""
        if self._whole is not None:
            return self._whole.by_field(kind, path)
        key = (kind, path)
        index = self._field_indexes.get(key)
        if index is None:
            index = {}
            first, second = path if len(path) == 2 else (path[0], "")
            for obj in self._by_kind.get(kind, ()):
                value = obj.raw.get(first)
                if second:
                    value = value.get(second) if type(value) is dict else None
                if type(value) is str and value and value not in index:
                    index[value] = obj
            self._field_indexes[key] = index
        return index

    def pods_on(self, node: str) -> list[Pod]:
        """Pods scheduled on a node."""
        return self._pods_by_node.get(node, [])

    def logs(self, pod: KubeObject, container: str, previous: bool = False) -> str | None:
        return self._logs.get(LogKey(pod.namespace, pod.name, container, previous))

    @property
    def logs_by_key(self) -> Mapping[LogKey, str]:
        """Every container log attached to this state."""
        return self._logs

    @property
    def log_count(self) -> int:
        return len(self._logs)

    def with_logs(self, logs: Mapping[LogKey, str]) -> ClusterState:
        """The same objects and indexes (shared, not rebuilt) with these container logs attached.

        Derived views that read logs live in `memo`, which the copy starts empty."""
        clone = copy.copy(self)
        clone._logs = dict(logs)
        clone._memo = {}
        return clone

    # ---- derived views shared by several analyzers -------------------------------------------------

    @cached_property
    def troubled_pods(self) -> list[Pod]:
        """Pods that are not plainly healthy: not Running+Ready, restarting, or with a waiting container.

        Most pod analyzers only need these; on a big healthy cluster this keeps analysis cheap. Each
        pod's answer is kept on its view (`Pod.troubled`), so listing them again is a quick walk.
        """
        return [pod for pod in self.pods() if pod.troubled]

    @cached_property
    def template_references(self) -> list[tuple[KubeObject, tuple[SpecReference, ...]]]:
        """Every pod template once, with what it references: workloads' templates (a ReplicaSet or Job
        only when nothing owns it), then running pods that no controller in this state stands for."""
        out: list[tuple[KubeObject, tuple[SpecReference, ...]]] = []
        for kind in ("Deployment", "StatefulSet", "DaemonSet", "CronJob", "ReplicaSet", "Job"):
            for obj in self._by_kind.get(kind, ()):
                if kind in ("ReplicaSet", "Job") and obj.metadata.get("ownerReferences"):
                    continue
                out.append((obj, template_refs(obj)))
        by_uid = self._by_uid
        for pod in self.pods():
            owners = _live_pod_owners(pod)
            if owners is None or any(uid in by_uid for uid in owners):
                continue  # finished, or a controller in this state stands for it
            out.append((pod, pod_refs(pod)))
        return out

    def waiting_containers(self, reasons: Iterable[str]) -> Iterator[tuple[Pod, ContainerStatus]]:
        wanted = set(reasons)
        for pod in self.troubled_pods:
            for status in pod.container_statuses:
                if status.state.state == "waiting" and status.state.reason in wanted:
                    yield pod, status

    def age_seconds(self, when: datetime | None) -> float | None:
        return None if when is None else (self.now - when).total_seconds()


def template_refs(obj: KubeObject) -> tuple[SpecReference, ...]:
    """What a workload's pod template references, parsed once per view (see state/evolve.py: a new
    view of a workload whose template did not change takes them over from the previous one)."""

    def parse() -> tuple[SpecReference, ...]:
        spec = obj.pod_template().get("spec")
        return tuple(pod_spec_references(spec if isinstance(spec, Mapping) else {}))

    refs: tuple[SpecReference, ...] = obj.parsed_once(TEMPLATE_REFS, parse)
    return refs


def pod_refs(pod: KubeObject) -> tuple[SpecReference, ...]:
    """What a pod's spec references, parsed once per view."""
    refs: tuple[SpecReference, ...] = pod.parsed_once(
        "pod_refs", lambda: tuple(pod_spec_references(pod.spec))
    )
    return refs


def _live_pod_owners(pod: Pod) -> tuple[str, ...] | None:
    """The owner uids of a pod that has not finished; None for a finished one (once per view)."""

    def parse() -> tuple[str, ...] | None:
        status = pod.raw.get("status")
        if type(status) is dict and status.get("phase") in ("Succeeded", "Failed"):
            return None
        return tuple(owner_uids(pod.raw))

    owners: tuple[str, ...] | None = pod.parsed_once("live_owners", parse)
    return owners


def _event_sort_key(event: Event) -> tuple[float, str]:
    seen = event.last_seen
    return (seen.timestamp() if seen else 0.0, event.name)
