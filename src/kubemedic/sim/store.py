"""The in-memory object store: one global resourceVersion, per-kind history for watches.

Stored objects are never mutated in place: a write stores a new dict. That lets readers share
entries without copying and lets each entry cache its serialized bytes.
"""

from __future__ import annotations

import asyncio
import bisect
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import orjson

Obj = dict[str, Any]
Key = tuple[str, str]  # (namespace, name); namespace is "" for cluster-scoped kinds

ADDED = "ADDED"
MODIFIED = "MODIFIED"
DELETED = "DELETED"


class Entry:
    """One stored version of an object, with its JSON bytes computed at most once."""

    __slots__ = ("_meta_raw", "_raw", "obj", "rv")

    def __init__(self, obj: Obj, rv: int) -> None:
        self.obj = obj
        self.rv = rv
        self._raw: bytes | None = None
        self._meta_raw: bytes | None = None

    @property
    def raw(self) -> bytes:
        if self._raw is None:
            self._raw = orjson.dumps(self.obj)
        return self._raw

    @property
    def meta_raw(self) -> bytes:
        """The object as PartialObjectMetadata, for Table rows."""
        if self._meta_raw is None:
            self._meta_raw = orjson.dumps(
                {
                    "kind": "PartialObjectMetadata",
                    "apiVersion": "meta.k8s.io/v1",
                    "metadata": self.obj["metadata"],
                }
            )
        return self._meta_raw

    @property
    def namespace(self) -> str:
        return str(self.obj["metadata"].get("namespace") or "")

    @property
    def name(self) -> str:
        return str(self.obj["metadata"]["name"])

    @property
    def labels(self) -> dict[str, str]:
        labels: dict[str, str] = self.obj["metadata"].get("labels") or {}
        return labels

    def copy(self) -> Obj:
        """A private deep copy the caller may mutate."""
        copied: Obj = orjson.loads(self.raw)
        return copied


@dataclass(frozen=True)
class Change:
    type: str
    entry: Entry


@dataclass(eq=False)
class Watcher:
    """A live subscription; `accepts` filters changes before they are queued."""

    accepts: Callable[[Entry], bool]
    queue: asyncio.Queue[Change] = field(default_factory=asyncio.Queue)


class TooOld(Exception):
    """The requested resourceVersion is older than the retained history."""


@dataclass
class _Kind:
    objects: dict[Key, Entry] = field(default_factory=dict)
    history: deque[Change] = field(default_factory=deque)
    compacted_rv: int = 0
    watchers: set[Watcher] = field(default_factory=set)
    sorted_keys: list[Key] | None = None


class Store:
    """Objects keyed by resource key ("group/plural") then (namespace, name)."""

    def __init__(self, history_window: int = 10_000, start_rv: int = 1000) -> None:
        self._kinds: dict[str, _Kind] = {}
        self._rv = start_rv
        self._start_rv = start_rv
        self._window = history_window
        self._owners: dict[str, set[tuple[str, Key]]] = {}

    @property
    def resource_version(self) -> int:
        return self._rv

    def _kind(self, rkey: str) -> _Kind:
        kind = self._kinds.get(rkey)
        if kind is None:
            # nothing before this store's first version can be served: an older version (from a
            # previous run of the server) gets 410 and the client relists
            kind = self._kinds[rkey] = _Kind(compacted_rv=self._start_rv)
        return kind

    def next_rv(self) -> int:
        self._rv += 1
        return self._rv

    # reads

    def get(self, rkey: str, namespace: str, name: str) -> Entry | None:
        return self._kind(rkey).objects.get((namespace, name))

    def items(self, rkey: str, namespace: str | None = None) -> list[Entry]:
        """Entries in key order, optionally within one namespace."""
        kind = self._kind(rkey)
        if kind.sorted_keys is None:
            kind.sorted_keys = sorted(kind.objects)
        objects = kind.objects
        if namespace is None:
            return [objects[k] for k in kind.sorted_keys]
        return [objects[k] for k in kind.sorted_keys if k[0] == namespace]

    def page(
        self,
        rkey: str,
        namespace: str | None,
        accepts: Callable[[Entry], bool],
        *,
        after: Key | None = None,
        limit: int = 0,
    ) -> tuple[list[Entry], Key | None]:
        """Matching entries in key order after `after`; returns the last key when more may follow."""
        kind = self._kind(rkey)
        if kind.sorted_keys is None:
            kind.sorted_keys = sorted(kind.objects)
        keys = kind.sorted_keys
        lo, hi = 0, len(keys)
        if namespace is not None:
            lo = bisect.bisect_left(keys, (namespace, ""))
            hi = bisect.bisect_left(keys, (namespace + "\x00", ""))
        if after is not None:
            lo = max(lo, bisect.bisect_right(keys, after))
        out: list[Entry] = []
        objects = kind.objects
        for i in range(lo, hi):
            entry = objects[keys[i]]
            if accepts(entry):
                out.append(entry)
                if limit and len(out) >= limit:
                    return out, (keys[i] if i + 1 < hi else None)
        return out, None

    def values(self, rkey: str) -> Iterable[Entry]:
        """Entries in no particular order (cheap)."""
        return self._kind(rkey).objects.values()

    def count(self, rkey: str) -> int:
        return len(self._kind(rkey).objects)

    def dependents(self, owner_uid: str) -> list[tuple[str, Entry]]:
        """The objects `owner_uid` owns, in a fixed order (a seeded run must not depend on set order)."""
        out: list[tuple[str, Entry]] = []
        for rkey, key in sorted(self._owners.get(owner_uid, set())):
            entry = self._kind(rkey).objects.get(key)
            if entry is not None:
                out.append((rkey, entry))
        return out

    # writes: the caller has already filled in metadata; the store assigns resourceVersion

    def put(self, rkey: str, obj: Obj) -> Entry:
        rv = self.next_rv()
        meta = obj["metadata"]
        meta["resourceVersion"] = str(rv)
        entry = Entry(obj, rv)
        kind = self._kind(rkey)
        key = (str(meta.get("namespace") or ""), str(meta["name"]))
        old = kind.objects.get(key)
        kind.objects[key] = entry
        if old is None:
            kind.sorted_keys = None
        else:
            self._unindex(rkey, key, old)
        self._index(rkey, key, entry)
        self._record(kind, Change(MODIFIED if old is not None else ADDED, entry))
        return entry

    def remove(self, rkey: str, namespace: str, name: str) -> Entry | None:
        kind = self._kind(rkey)
        key = (namespace, name)
        old = kind.objects.pop(key, None)
        if old is None:
            return None
        kind.sorted_keys = None
        self._unindex(rkey, key, old)
        obj = dict(old.obj)
        obj["metadata"] = dict(old.obj["metadata"])
        rv = self.next_rv()
        obj["metadata"]["resourceVersion"] = str(rv)
        entry = Entry(obj, rv)
        self._record(kind, Change(DELETED, entry))
        return entry

    def _index(self, rkey: str, key: Key, entry: Entry) -> None:
        for ref in entry.obj["metadata"].get("ownerReferences") or ():
            self._owners.setdefault(str(ref.get("uid")), set()).add((rkey, key))

    def _unindex(self, rkey: str, key: Key, entry: Entry) -> None:
        for ref in entry.obj["metadata"].get("ownerReferences") or ():
            deps = self._owners.get(str(ref.get("uid")))
            if deps is not None:
                deps.discard((rkey, key))
                if not deps:
                    del self._owners[str(ref.get("uid"))]

    def _record(self, kind: _Kind, change: Change) -> None:
        kind.history.append(change)
        if len(kind.history) > self._window:
            dropped = kind.history.popleft()
            kind.compacted_rv = dropped.entry.rv
        for watcher in kind.watchers:
            if watcher.accepts(change.entry):
                watcher.queue.put_nowait(change)

    # watches

    def watch(
        self, rkey: str, since: int | None, accepts: Callable[[Entry], bool]
    ) -> tuple[Watcher, list[Change]]:
        """Subscribe; returns the watcher and the backlog to send first.

        `since=None` means "from now, starting with the current state as ADDED events".
        Raises TooOld when `since` is older than the retained window.
        """
        kind = self._kind(rkey)
        watcher = Watcher(accepts)
        if since is None:
            backlog = [Change(ADDED, e) for e in self.items(rkey) if accepts(e)]
        else:
            if since < kind.compacted_rv:
                raise TooOld(f"too old resource version: {since} ({kind.compacted_rv + 1})")
            if since > self.resource_version:
                # a version from a previous life of this server (a restart): the client must relist.
                # (A real apiserver waits and answers 504 ResourceVersionTooLarge; 410 gets clients
                # to the same relist without the wait.)
                raise TooOld(f"too large resource version: {since} (current {self.resource_version})")
            backlog = [c for c in kind.history if c.entry.rv > since and accepts(c.entry)]
        kind.watchers.add(watcher)
        return watcher, backlog

    def unwatch(self, rkey: str, watcher: Watcher) -> None:
        self._kind(rkey).watchers.discard(watcher)

    def check_fresh(self, rkey: str, rv: int) -> None:
        """Raise TooOld if a list/watch continuation from `rv` can no longer be served consistently."""
        if rv < self._kind(rkey).compacted_rv:
            raise TooOld(f"too old resource version: {rv} ({self._kind(rkey).compacted_rv + 1})")
