"""Typed read-only views over Kubernetes objects exactly as the API server returns them.

The raw mapping is kept (parsing 60,000 objects into models up front would cost more than the whole
analysis); views expose what the analyzers need through typed properties and small helpers.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from kubemedic.domain import ObjectRef
from kubemedic.state.selectors import LabelSelector
from kubemedic.state.timeutil import parse_time

Json = Mapping[str, Any]
EMPTY: Json = {}


T = TypeVar("T")


def as_map(value: object) -> Json:
    if type(value) is dict:  # the common case, and far cheaper than an ABC isinstance check
        return value
    return value if isinstance(value, Mapping) else EMPTY


def as_list(value: object) -> Sequence[Any]:
    return value if type(value) is list else ()


def dig(data: Json, *path: str) -> Any:
    """Follow keys into nested mappings; None when any step is missing."""
    current: Any = data
    for key in path:
        if type(current) is not dict and not isinstance(current, Mapping):  # dict first: no ABC check
            return None
        current = current.get(key)
    return current


def owner_uids(raw: Json) -> list[str]:
    """The uids in an object's ownerReferences (where a state lists it as a child)."""
    meta = raw.get("metadata")
    owners = meta.get("ownerReferences") if type(meta) is dict else None
    out: list[str] = []
    for owner in owners or ():
        uid = owner.get("uid") if type(owner) is dict else None
        if uid:
            out.append(uid)
    return out


@dataclass(frozen=True, slots=True)
class OwnerReference:
    kind: str
    name: str
    uid: str
    controller: bool


@dataclass(frozen=True, slots=True)
class Condition:
    type: str
    status: str
    reason: str
    message: str
    last_transition: str

    @property
    def is_true(self) -> bool:
        return self.status == "True"


class KubeObject:
    """Any Kubernetes object. Subclasses add typed accessors for the kinds analyzers read closely."""

    # A view's raw object never changes (watches replace objects, they do not edit them), so what is
    # parsed from it is kept: the monitor reuses views of unchanged objects across analyses.
    __slots__ = ("_labels", "_once", "_owners", "_ref", "cluster", "kind", "name", "namespace", "raw", "uid")

    def __init__(self, raw: Json, kind: str, cluster: str = "") -> None:
        meta = as_map(raw.get("metadata"))
        self.raw = raw
        self.kind = kind
        self.cluster = cluster
        self.name = str(meta.get("name") or "")
        self.namespace = str(meta.get("namespace") or "")
        self.uid = str(meta.get("uid") or "")
        self._ref: ObjectRef | None = None
        self._labels: Mapping[str, str] | None = None
        self._owners: tuple[OwnerReference, ...] | None = None
        self._once: dict[str, Any] | None = None  # other values parsed once (see _parsed)

    def __repr__(self) -> str:
        return f"<{self.ref.display()}>"

    @property
    def ref(self) -> ObjectRef:
        if self._ref is None:
            self._ref = ObjectRef(self.kind, self.namespace, self.name, self.uid, self.cluster)
        return self._ref

    @property
    def metadata(self) -> Json:
        return as_map(self.raw.get("metadata"))

    @property
    def spec(self) -> Json:
        return as_map(self.raw.get("spec"))

    @property
    def status(self) -> Json:
        return as_map(self.raw.get("status"))

    @property
    def labels(self) -> Mapping[str, str]:
        if self._labels is None:
            self._labels = as_map(self.metadata.get("labels"))
        return self._labels

    @property
    def annotations(self) -> Mapping[str, str]:
        return as_map(self.metadata.get("annotations"))

    def parsed_once(self, name: str, parse: Callable[[], Any]) -> Any:
        """`parse()` the first time `name` is asked of this view, the same value after (a view's raw
        object never changes)."""
        once = self._once
        if once is None:
            once = self._once = {}
        if name not in once:
            once[name] = parse()
        return once[name]

    def memo_until(self, name: str, now: datetime, compute: Callable[[], tuple[T, datetime | None]]) -> T:
        """A value derived from this object that also depends on the time: `compute()` returns it with
        the moment it may change (None: never, for this object). Reused while `now` is between the time
        it was computed and that moment - the monitor asks again for unchanged objects every analysis."""
        once = self._once
        if once is None:
            once = self._once = {}
        hit = once.get(name)
        if hit is not None:
            at, until, value = hit
            if at <= now and (until is None or now < until):
                return value  # type: ignore[no-any-return]
        value, until = compute()
        once[name] = (now, until, value)
        return value

    def memo_on(self, name: str, inputs: tuple[object, ...], compute: Callable[[], T]) -> T:
        """A value derived from this object and other `inputs` (e.g. its list of events in a state):
        reused while those are the very same objects (an evolved state shares the lists of objects
        that did not change)."""
        once = self._once
        if once is None:
            once = self._once = {}
        hit = once.get(name)
        if hit is not None and len(hit[0]) == len(inputs) and all(map(operator.is_, hit[0], inputs)):
            return hit[1]  # type: ignore[no-any-return]
        value = compute()
        once[name] = (inputs, value)
        return value

    @property
    def created(self) -> datetime | None:
        value: datetime | None = self.parsed_once(
            "created", lambda: parse_time(self.metadata.get("creationTimestamp"))
        )
        return value

    @property
    def deletion_timestamp(self) -> datetime | None:
        value: datetime | None = self.parsed_once(
            "deleted", lambda: parse_time(self.metadata.get("deletionTimestamp"))
        )
        return value

    @property
    def owner_references(self) -> tuple[OwnerReference, ...]:
        if self._owners is None:
            self._owners = self._parse_owners()
        return self._owners

    def _parse_owners(self) -> tuple[OwnerReference, ...]:
        refs = []
        for item in as_list(self.metadata.get("ownerReferences")):
            if isinstance(item, Mapping):
                refs.append(
                    OwnerReference(
                        str(item.get("kind", "")),
                        str(item.get("name", "")),
                        str(item.get("uid", "")),
                        bool(item.get("controller")),
                    )
                )
        return tuple(refs)

    @property
    def controller_ref(self) -> OwnerReference | None:
        refs = self.owner_references
        for ref in refs:
            if ref.controller:
                return ref
        return refs[0] if refs else None

    def conditions(self) -> Iterator[Condition]:
        for item in as_list(self.status.get("conditions")):
            if isinstance(item, Mapping):
                yield Condition(
                    str(item.get("type", "")),
                    str(item.get("status", "")),
                    str(item.get("reason") or ""),
                    str(item.get("message") or ""),
                    str(item.get("lastTransitionTime") or ""),
                )

    def condition(self, type_: str) -> Condition | None:
        for item in as_list(self.status.get("conditions")):
            if type(item) is dict and item.get("type") == type_:
                return Condition(
                    type_,
                    str(item.get("status", "")),
                    str(item.get("reason") or ""),
                    str(item.get("message") or ""),
                    str(item.get("lastTransitionTime") or ""),
                )
        return None

    def condition_true(self, type_: str) -> bool:
        """Whether condition `type_` has status True, without building a Condition."""
        for item in as_list(self.status.get("conditions")):
            if type(item) is dict and item.get("type") == type_:
                return item.get("status") == "True"
        return False

    def spec_selector(self) -> LabelSelector:
        """`spec.selector` as a LabelSelector object (workloads, PDBs)."""
        return LabelSelector.from_spec(as_map(self.spec.get("selector")))

    def pod_template(self) -> Json:
        """`spec.template` for workloads, `spec.jobTemplate.spec.template` for CronJobs."""
        if self.kind == "CronJob":
            return as_map(dig(self.spec, "jobTemplate", "spec", "template"))
        return as_map(self.spec.get("template"))
