"""Write semantics shared by the HTTP handlers and the controllers.

Create, update, patch and delete with dry-run, generation bumps, status subresources,
graceful pod deletion and owner-reference garbage collection.
"""

from __future__ import annotations

import random
import string
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson

from kubemedic.sim.clock import Clock
from kubemedic.sim.defaults import IpAllocator, apply_defaults, check_kind
from kubemedic.sim.errors import ApiError, already_exists, conflict, invalid, not_found
from kubemedic.sim.patch import APPLY, apply_patch
from kubemedic.sim.resources import ResourceIndex, ResourceType
from kubemedic.sim.store import Entry, Store

Obj = dict[str, Any]

_NO_STATUS_SPLIT = frozenset({"Namespace"})


@dataclass(frozen=True)
class WriteOptions:
    dry_run: bool = False
    subresource: str | None = None
    field_manager: str | None = None


def _copy(obj: Obj) -> Obj:
    copied: Obj = orjson.loads(orjson.dumps(obj))
    return copied


class Registry:
    """The object-level API: every write to the store goes through here."""

    def __init__(self, store: Store, clock: Clock, index: ResourceIndex, seed: int = 0) -> None:
        self.store = store
        self.clock = clock
        self.index = index
        self._rng = random.Random(seed)
        self._service_ips = IpAllocator("10.96.0.0/16")
        self.admission: list[Callable[[ResourceType, Obj], None]] = []

    def resource(self, api_version: str, kind: str) -> ResourceType:
        rt = self.index.for_kind(api_version, kind)
        if rt is None:
            raise ApiError(404, "NotFound", f"no resource for {api_version} {kind}")
        return rt

    def suffix(self, n: int = 5) -> str:
        return "".join(self._rng.choice("bcdfghjklmnpqrstvwxz2456789") for _ in range(n))

    def uid(self) -> str:
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    # reads

    def get(self, rt: ResourceType, namespace: str, name: str) -> Entry:
        entry = self.store.get(rt.key, namespace if rt.namespaced else "", name)
        if entry is None:
            raise not_found(rt.group, rt.plural, name)
        return entry

    def find(self, rt: ResourceType, namespace: str, name: str) -> Entry | None:
        return self.store.get(rt.key, namespace if rt.namespaced else "", name)

    # writes

    def create(
        self, rt: ResourceType, namespace: str, body: Obj, opts: WriteOptions = WriteOptions()
    ) -> Entry:
        obj = _copy(body)
        check_kind(obj, rt.api_version, rt.kind)
        obj["apiVersion"], obj["kind"] = rt.api_version, rt.kind
        meta = obj.setdefault("metadata", {})
        if not isinstance(meta, dict):
            raise invalid(rt.kind, "", "metadata", "Invalid value: must be an object")
        if not meta.get("name"):
            if meta.get("generateName"):
                meta["name"] = f"{meta['generateName']}{self.suffix()}"
            else:
                raise invalid(
                    rt.kind, "", "metadata.name", "Required value: name or generateName is required"
                )
        name = str(meta["name"])
        if rt.namespaced:
            ns = namespace or str(meta.get("namespace") or "default")
            if meta.get("namespace") and meta["namespace"] != ns:
                raise ApiError(
                    400,
                    "BadRequest",
                    "the namespace of the provided object does not match the namespace sent on the request",
                )
            meta["namespace"] = ns
            if rt.kind != "Namespace" and self.store.get("/namespaces", "", ns) is None:
                raise not_found("", "namespaces", ns)
        else:
            meta.pop("namespace", None)
        if self.store.get(rt.key, meta.get("namespace", ""), name) is not None:
            raise already_exists(rt.group, rt.plural, name)
        for drop in ("resourceVersion", "deletionTimestamp", "managedFields"):
            meta.pop(drop, None)
        meta["uid"] = self.uid()
        meta["creationTimestamp"] = self.clock.stamp()
        if "spec" in obj or rt.kind in ("Deployment", "Pod"):
            meta["generation"] = 1
        apply_defaults(rt.kind, obj, self._service_ips)
        for check in self.admission:
            check(rt, obj)
        if opts.dry_run:
            meta["resourceVersion"] = str(self.store.resource_version)
            return Entry(obj, self.store.resource_version)
        return self.store.put(rt.key, obj)

    def update(
        self, rt: ResourceType, namespace: str, name: str, body: Obj, opts: WriteOptions = WriteOptions()
    ) -> Entry:
        old = self.get(rt, namespace, name)
        obj = _copy(body)
        check_kind(obj, rt.api_version, rt.kind)
        meta = obj.setdefault("metadata", {})
        if meta.get("name") and meta["name"] != name:
            raise ApiError(400, "BadRequest", "the name of the object does not match the name on the URL")
        want_rv = meta.get("resourceVersion")
        if want_rv and str(want_rv) != str(old.rv):
            raise conflict(rt.group, rt.plural, name)
        return self._write(rt, old, obj, opts)

    def patch(
        self,
        rt: ResourceType,
        namespace: str,
        name: str,
        content_type: str,
        patch: Any,
        opts: WriteOptions = WriteOptions(),
    ) -> Entry:
        old = self.find(rt, namespace, name)
        if old is None:
            if content_type.startswith(APPLY) and isinstance(patch, dict):
                return self.create(rt, namespace, patch, opts)
            raise not_found(rt.group, rt.plural, name)
        merged = apply_patch(content_type, old.copy(), patch)
        want_rv = (merged.get("metadata") or {}).get("resourceVersion")
        if want_rv and str(want_rv) != str(old.rv):
            raise conflict(rt.group, rt.plural, name)
        return self._write(rt, old, merged, opts)

    def _write(self, rt: ResourceType, old: Entry, obj: Obj, opts: WriteOptions) -> Entry:
        """Store a new version of `old`, keeping immutable metadata and honouring the status split."""
        old_obj = old.obj
        obj["apiVersion"], obj["kind"] = rt.api_version, rt.kind
        meta = obj.setdefault("metadata", {})
        old_meta = old_obj["metadata"]
        for keep in (
            "name",
            "namespace",
            "uid",
            "creationTimestamp",
            "deletionTimestamp",
            "deletionGracePeriodSeconds",
        ):
            if keep in old_meta:
                meta[keep] = old_meta[keep]
        has_status = any(s.name == "status" for s in rt.subresources) and rt.kind not in _NO_STATUS_SPLIT
        if opts.subresource == "status":
            obj = {
                **old_obj,
                "status": obj.get("status", {}),
                "metadata": {
                    **old_meta,
                    **{k: v for k, v in meta.items() if k in ("labels", "annotations", "resourceVersion")},
                },
            }
            meta = obj["metadata"]
        elif has_status and "status" in old_obj:
            obj["status"] = old_obj["status"]
        if "generation" in old_meta:
            gen = int(old_meta["generation"])
            meta["generation"] = gen + 1 if obj.get("spec") != old_obj.get("spec") else gen
        if opts.dry_run:
            meta["resourceVersion"] = str(old.rv)
            return Entry(obj, old.rv)
        if meta.get("deletionTimestamp") and not meta.get("finalizers") and old_meta.get("finalizers"):
            removed = self.store.remove(rt.key, old.namespace, old.name)
            assert removed is not None
            return removed
        return self.store.put(rt.key, obj)

    def save(self, rt: ResourceType, obj: Obj) -> Entry:
        """Controller write: store `obj` (a private copy), bumping generation on spec change."""
        meta = obj["metadata"]
        old = self.store.get(rt.key, str(meta.get("namespace") or ""), str(meta["name"]))
        if old is not None and "generation" in old.obj["metadata"]:
            gen = int(old.obj["metadata"]["generation"])
            meta["generation"] = gen + 1 if obj.get("spec") != old.obj.get("spec") else gen
        return self.store.put(rt.key, obj)

    # deletes

    def delete(
        self,
        rt: ResourceType,
        namespace: str,
        name: str,
        *,
        propagation: str | None = None,
        grace_seconds: int | None = None,
        dry_run: bool = False,
    ) -> Entry:
        entry = self.get(rt, namespace, name)
        if dry_run:
            return entry
        meta = entry.obj["metadata"]
        if rt.kind == "Pod" and grace_seconds != 0 and (entry.obj.get("spec") or {}).get("nodeName"):
            if meta.get("deletionTimestamp"):
                return entry
            obj = entry.copy()
            grace = (
                grace_seconds
                if grace_seconds is not None
                else int(obj["spec"].get("terminationGracePeriodSeconds", 30))
            )
            obj["metadata"]["deletionTimestamp"] = self.clock.stamp(grace)
            obj["metadata"]["deletionGracePeriodSeconds"] = grace
            return self.store.put(rt.key, obj)
        if meta.get("finalizers"):
            obj = entry.copy()
            obj["metadata"].setdefault("deletionTimestamp", self.clock.stamp())
            return self.store.put(rt.key, obj)
        policy = propagation or "Background"
        uid = str(meta.get("uid"))
        if rt.kind == "Namespace":
            self._empty_namespace(name)
        if policy == "Orphan":
            self._orphan(uid)
            removed = self.store.remove(rt.key, entry.namespace, entry.name)
        elif policy == "Foreground":
            self._collect(uid)
            removed = self.store.remove(rt.key, entry.namespace, entry.name)
        else:
            removed = self.store.remove(rt.key, entry.namespace, entry.name)
            self._collect(uid)
        assert removed is not None
        return removed

    def _collect(self, owner_uid: str) -> None:
        for rkey, dep in self.store.dependents(owner_uid):
            rt = self._by_key(rkey)
            if rt is not None and self.store.get(rkey, dep.namespace, dep.name) is not None:
                self.delete(rt, dep.namespace, dep.name, propagation="Background")

    def _orphan(self, owner_uid: str) -> None:
        for rkey, dep in self.store.dependents(owner_uid):
            obj = dep.copy()
            refs = [r for r in obj["metadata"].get("ownerReferences") or [] if r.get("uid") != owner_uid]
            obj["metadata"]["ownerReferences"] = refs
            self.store.put(rkey, obj)

    def _empty_namespace(self, namespace: str) -> None:
        for rt in self.index.by_path.values():
            if not rt.namespaced or rt.verbs == ("create",) or rt.group == "metrics.k8s.io":
                continue
            for entry in self.store.items(rt.key, namespace):
                self.store.remove(rt.key, entry.namespace, entry.name)

    def finish_pod_deletion(self, rt: ResourceType, namespace: str, name: str) -> None:
        """The kubelet confirms a graceful pod deletion."""
        self.store.remove(rt.key, namespace, name)

    def _by_key(self, rkey: str) -> ResourceType | None:
        return self.index.by_key.get(rkey)


def owner_reference(entry: Entry, *, controller: bool = True) -> Obj:
    obj = entry.obj
    return {
        "apiVersion": obj["apiVersion"],
        "kind": obj["kind"],
        "name": obj["metadata"]["name"],
        "uid": obj["metadata"]["uid"],
        "controller": controller,
        "blockOwnerDeletion": True,
    }


def random_suffix(rng: random.Random, n: int = 5) -> str:
    return "".join(rng.choice(string.ascii_lowercase + string.digits) for _ in range(n))
