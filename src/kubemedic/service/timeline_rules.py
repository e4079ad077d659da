"""What belongs in an object's history: the rules that turn one watched change into timeline notes.

An SRE reading an object's timeline wants the moments that matter, not every resourceVersion bump:
Kubernetes events (on the object they are about), pod phase changes, containers becoming ready or
not, restarts with the last exit reason and code, objects created and deleted, workload rollouts
(new generation, image changes), scaling and availability changes, node readiness, pressure and
cordons, and ConfigMap/Secret data changes.

The reflector hands over only the new version of an object, so each object leaves a small `Digest`:
just the fields compared here. Comparing the new digest with the previous one says what changed.
Digests never hold values of ConfigMaps or Secrets: ConfigMap values are reduced to a hash per key
(the timeline names changed keys, never values); a Secret is reduced to one keyed hash of all its
data (the timeline says only that its data changed - not even which keys), with a key that lives
only in this process.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kubemedic.state.objects import as_list, as_map, dig

WORKLOADS = frozenset({"Deployment", "StatefulSet", "DaemonSet"})
PRESSURES = ("MemoryPressure", "DiskPressure", "PIDPressure", "NetworkUnavailable")
QUIET_KINDS = frozenset({"Event", "Endpoints"})  # no created/deleted notes: they follow other objects
QUIET_WAITING = frozenset({"", "ContainerCreating", "PodInitializing"})
# kubelet alternates these two while it backs off; one note per episode is enough
SAME_WAITING = {"ErrImagePull": "ImagePullBackOff"}


@dataclass(frozen=True, slots=True)
class Note:
    """One timeline line about one object (the recorder adds cluster and time)."""

    kind: str
    namespace: str
    name: str
    type: str  # event | created | deleted | status | restart | rollout | scaled | config
    text: str
    data: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class ContainerDigest:
    name: str
    ready: bool
    restarts: int
    waiting: str  # the last waiting reason we reported (kept while running, so flapping is quiet)


@dataclass(frozen=True, slots=True)
class PodDigest:
    phase: str
    node: str
    terminating: bool
    containers: tuple[ContainerDigest, ...]


@dataclass(frozen=True, slots=True)
class WorkloadDigest:
    generation: int
    images: tuple[tuple[str, str], ...]
    desired: int
    available: int
    stalled: bool


@dataclass(frozen=True, slots=True)
class NodeDigest:
    ready: str  # True | False | Unknown
    pressures: frozenset[str]
    unschedulable: bool


@dataclass(frozen=True, slots=True)
class DataDigest:
    keys: tuple[tuple[str, str], ...]  # ConfigMap: (key, hash of value); Secret: (("*", keyed hash),)


@dataclass(frozen=True, slots=True)
class EventDigest:
    count: int
    message: str


@dataclass(frozen=True, slots=True)
class OtherDigest:
    pass


Digest = PodDigest | WorkloadDigest | NodeDigest | DataDigest | EventDigest | OtherDigest
_OTHER = OtherDigest()


class Rules:
    """Digests and notes; holds the per-process key used to hash Secret data."""

    def __init__(self, secret_key: bytes) -> None:
        self._secret_key = secret_key

    def digest(self, kind: str, raw: Mapping[str, Any], before: Digest | None = None) -> Digest:
        if kind == "Pod":
            return _pod_digest(raw, before if isinstance(before, PodDigest) else None)
        if kind in WORKLOADS:
            return _workload_digest(kind, raw)
        if kind == "Node":
            return _node_digest(raw)
        if kind == "ConfigMap":
            return _configmap_digest(raw)
        if kind == "Secret":
            return self._secret_digest(raw)
        if kind == "Event":
            return EventDigest(_event_count(raw), str(raw.get("message") or raw.get("note") or ""))
        return _OTHER

    def _secret_digest(self, raw: Mapping[str, Any]) -> DataDigest:
        h = hashlib.blake2b(key=self._secret_key, digest_size=16)
        for field in ("data", "stringData"):
            for key, value in sorted(as_map(raw.get(field)).items()):
                h.update(f"{field}\0{key}\0{value}\0".encode())
        return DataDigest((("*", h.hexdigest()),))


def notes_for(
    change_type: str,
    kind: str,
    raw: Mapping[str, Any],
    before: Digest | None,
    after: Digest | None,
    *,
    synthesized: bool = False,
) -> list[Note]:
    """The notes one change deserves. `before` is None when the object was not known (a creation);
    `synthesized` marks a deletion inferred from a relist rather than seen on the watch."""
    if kind == "Event":
        return _event_notes(change_type, raw, before, after)
    meta = as_map(raw.get("metadata"))
    ns, name = str(meta.get("namespace") or ""), str(meta.get("name") or "")

    def note(type_: str, text: str, **data: Any) -> Note:
        return Note(kind, ns, name, type_, text, data)

    if change_type == "DELETED":
        if kind in QUIET_KINDS:
            return []
        return [note("deleted", f"{kind} deleted" + (" (noticed on relist)" if synthesized else ""))]
    if before is None:
        if kind in QUIET_KINDS:
            return []
        where = dig(raw, "spec", "nodeName") if kind == "Pod" else None
        return [note("created", f"{kind} created" + (f" on node {where}" if where else ""))]
    if isinstance(before, PodDigest) and isinstance(after, PodDigest):
        return [note(t, text, **data) for t, text, data in _pod_changes(raw, before, after)]
    if isinstance(before, WorkloadDigest) and isinstance(after, WorkloadDigest):
        return [note(t, text, **data) for t, text, data in _workload_changes(kind, before, after)]
    if isinstance(before, NodeDigest) and isinstance(after, NodeDigest):
        return [note(t, text, **data) for t, text, data in _node_changes(raw, before, after)]
    if isinstance(before, DataDigest) and isinstance(after, DataDigest) and before != after:
        if kind == "Secret":
            return [note("config", "Secret data changed (values are never recorded)")]
        return [note("config", _configmap_change_text(before, after))]
    return []


# ---- events ---------------------------------------------------------------------------------------


def _event_count(raw: Mapping[str, Any]) -> int:
    value = dig(raw, "series", "count") or raw.get("count") or raw.get("deprecatedCount") or 1
    return int(value) if isinstance(value, int) else 1


def _event_notes(
    change_type: str, raw: Mapping[str, Any], before: Digest | None, after: Digest | None
) -> list[Note]:
    if change_type == "DELETED" or not isinstance(after, EventDigest):
        return []  # events expire (TTL): their deletion is not news
    type_ = str(raw.get("type") or "Normal")
    # a repeat: Warnings are worth each new count; Normal repeats (Pulled/Created/Started on every
    # restart of a crash loop) add nothing the restart entries do not already say
    repeat = isinstance(before, EventDigest) and before.message == after.message
    if repeat and (type_ == "Normal" or (isinstance(before, EventDigest) and before.count >= after.count)):
        return []
    about = as_map(raw.get("involvedObject") or raw.get("regarding"))
    if not about.get("kind") or not about.get("name"):
        return []
    reason = str(raw.get("reason") or "")
    text = f"{type_} {reason}: {after.message}" + (f" (x{after.count})" if after.count > 1 else "")
    source = str(dig(raw, "source", "component") or raw.get("reportingComponent") or "")
    data = {"reason": reason, "event_type": type_, "count": after.count, "source": source}
    return [
        Note(str(about["kind"]), str(about.get("namespace") or ""), str(about["name"]), "event", text, data)
    ]


# ---- pods -----------------------------------------------------------------------------------------


def _statuses(raw: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    status = as_map(raw.get("status"))
    return [
        as_map(s)
        for s in (*as_list(status.get("initContainerStatuses")), *as_list(status.get("containerStatuses")))
    ]


def _waiting_reason(status: Mapping[str, Any]) -> str:
    return str(as_map(as_map(status.get("state")).get("waiting")).get("reason") or "")


def _pod_digest(raw: Mapping[str, Any], before: PodDigest | None) -> PodDigest:
    status = as_map(raw.get("status"))
    reported: dict[str, str] | None = None
    containers = []
    for field in ("initContainerStatuses", "containerStatuses"):
        for item in as_list(status.get(field)):
            s = as_map(item)
            name = str(s.get("name") or "")
            reason = _waiting_reason(s)
            waiting = SAME_WAITING.get(reason, reason)
            if waiting in QUIET_WAITING:  # keep what we last reported (so flapping is quiet)
                if reported is None:
                    reported = {c.name: c.waiting for c in before.containers} if before else {}
                waiting = reported.get(name, "")
            containers.append(
                ContainerDigest(name, bool(s.get("ready")), int(s.get("restartCount") or 0), waiting)
            )
    return PodDigest(
        str(status.get("phase") or ""),
        str(as_map(raw.get("spec")).get("nodeName") or ""),
        as_map(raw.get("metadata")).get("deletionTimestamp") is not None,
        tuple(containers),
    )


Line = tuple[str, str, dict[str, Any]]  # (note type, text, data)


def _pod_changes(raw: Mapping[str, Any], before: PodDigest, after: PodDigest) -> list[Line]:
    out: list[Line] = []
    if after.node and after.node != before.node:
        out.append(("status", f"scheduled to node {after.node}", {"node": after.node}))
    if after.phase != before.phase:
        reason = str(as_map(raw.get("status")).get("reason") or "")
        detail = f" ({reason})" if reason else ""
        if after.phase == "Failed" and not reason:
            detail = _termination_detail(raw)
        text = f"phase {before.phase or 'unknown'} -> {after.phase}{detail}"
        out.append(("status", text, {"from": before.phase, "to": after.phase}))
    if after.terminating and not before.terminating:
        out.append(("status", "terminating", {}))
    if after.containers == before.containers:
        return out
    by_name = {c.name: c for c in before.containers}
    statuses: dict[str, Mapping[str, Any]] | None = None  # read only for a container that changed
    for c in after.containers:
        old = by_name.get(c.name)
        if old is None or old == c:  # an equal digest says nothing new (no restart, readiness or wait)
            continue
        if statuses is None:
            statuses = {str(s.get("name") or ""): s for s in _statuses(raw)}
        status = statuses.get(c.name, {})
        if c.restarts > old.restarts:
            out.append(_restart(c, status))
        restarted_ready = c.ready and c.restarts > old.restarts  # the restart entry says it is back
        if c.ready != old.ready and not restarted_ready:
            text = f"container {c.name} " + ("ready" if c.ready else "not ready")
            why = _state_reason(status)
            out.append(("status", text + (f" ({why})" if why and not c.ready else ""), {"container": c.name}))
        now_waiting = _waiting_reason(status)
        if c.waiting and c.waiting != old.waiting and now_waiting not in QUIET_WAITING:
            message = str(as_map(as_map(status.get("state")).get("waiting")).get("message") or "")
            text = f"container {c.name} waiting: {now_waiting}" + (f": {message}" if message else "")
            out.append(("status", text, {"container": c.name, "reason": now_waiting}))
    return out


def _restart(c: ContainerDigest, status: Mapping[str, Any]) -> Line:
    last = as_map(dig(status, "lastState", "terminated"))
    reason = str(last.get("reason") or "")
    code = last.get("exitCode")
    detail = ""
    if reason or code is not None:
        detail = f": last exit {reason or 'unknown'}" + (f" (code {code})" if code is not None else "")
    data = {"container": c.name, "restart_count": c.restarts, "reason": reason, "exit_code": code}
    return ("restart", f"container {c.name} restarted (restart #{c.restarts}){detail}", data)


def _state_reason(status: Mapping[str, Any]) -> str:
    state = as_map(status.get("state"))
    for key in ("waiting", "terminated"):
        reason = dig(state, key, "reason")
        if reason:
            return str(reason)
    return ""


def _termination_detail(raw: Mapping[str, Any]) -> str:
    for s in _statuses(raw):
        term = as_map(dig(s, "state", "terminated"))
        if term and term.get("exitCode") not in (None, 0):
            return f" ({s.get('name')}: {term.get('reason') or 'Error'}, exit {term.get('exitCode')})"
    return ""


# ---- workloads ------------------------------------------------------------------------------------


def _workload_digest(kind: str, raw: Mapping[str, Any]) -> WorkloadDigest:
    spec, status = as_map(raw.get("spec")), as_map(raw.get("status"))
    containers = as_list(dig(spec, "template", "spec", "containers"))
    images = tuple((str(as_map(c).get("name")), str(as_map(c).get("image"))) for c in containers)
    if kind == "DaemonSet":
        desired = int(status.get("desiredNumberScheduled") or 0)
        available = int(status.get("numberAvailable") or 0)
    else:
        replicas = spec.get("replicas")
        desired = int(replicas) if replicas is not None else 1
        field = "readyReplicas" if kind == "StatefulSet" else "availableReplicas"
        available = int(status.get(field) or 0)
    stalled = any(
        as_map(c).get("type") == "Progressing" and as_map(c).get("reason") == "ProgressDeadlineExceeded"
        for c in as_list(status.get("conditions"))
    )
    generation = int(as_map(raw.get("metadata")).get("generation") or 0)
    return WorkloadDigest(generation, images, desired, available, stalled)


def _workload_changes(kind: str, before: WorkloadDigest, after: WorkloadDigest) -> list[Line]:
    out: list[Line] = []
    if after.generation > before.generation:
        old_images = dict(before.images)
        moved = [(n, old_images[n], i) for n, i in after.images if n in old_images and old_images[n] != i]
        if moved:
            what = "; ".join(f"{n} image {a} -> {b}" for n, a, b in moved)
            data = {"generation": after.generation, "images": {n: b for n, _, b in moved}}
            out.append(("rollout", f"rollout: {what} (generation {after.generation})", data))
        elif after.desired != before.desired and kind != "DaemonSet":
            data = {"from": before.desired, "to": after.desired}
            out.append(("scaled", f"scaled {before.desired} -> {after.desired} replicas", data))
        else:
            data = {"generation": after.generation}
            out.append(("rollout", f"spec changed (generation {after.generation})", data))
    if after.available != before.available:
        text = f"available replicas {before.available}/{before.desired} -> {after.available}/{after.desired}"
        data = {"available": after.available, "desired": after.desired}
        out.append(("status", text, data))
    if after.stalled and not before.stalled:
        out.append(("status", "rollout stalled: progress deadline exceeded", {}))
    return out


# ---- nodes ----------------------------------------------------------------------------------------


def _conditions(raw: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    return {str(as_map(c).get("type")): as_map(c) for c in as_list(dig(raw, "status", "conditions"))}


def _node_digest(raw: Mapping[str, Any]) -> NodeDigest:
    conds = _conditions(raw)
    ready = str(conds.get("Ready", {}).get("status") or "Unknown")
    pressures = frozenset(p for p in PRESSURES if conds.get(p, {}).get("status") == "True")
    return NodeDigest(ready, pressures, bool(dig(raw, "spec", "unschedulable")))


def _node_changes(raw: Mapping[str, Any], before: NodeDigest, after: NodeDigest) -> list[Line]:
    out: list[Line] = []
    conds = _conditions(raw)
    if after.ready != before.ready:
        ready = conds.get("Ready", {})
        why = ": ".join(str(x) for x in (ready.get("reason"), ready.get("message")) if x)
        state = "Ready" if after.ready == "True" else ("NotReady" if after.ready == "False" else "Unknown")
        detail = f" ({why})" if why and after.ready != "True" else ""
        out.append(("status", f"node {state}{detail}", {"ready": after.ready}))
    for pressure in sorted(after.pressures - before.pressures):
        message = str(conds.get(pressure, {}).get("message") or "")
        out.append(("status", f"{pressure}" + (f": {message}" if message else ""), {"condition": pressure}))
    for pressure in sorted(before.pressures - after.pressures):
        out.append(("status", f"{pressure} cleared", {"condition": pressure}))
    if after.unschedulable != before.unschedulable:
        text = "cordoned (unschedulable)" if after.unschedulable else "uncordoned"
        out.append(("status", text, {"unschedulable": after.unschedulable}))
    return out


# ---- config -----------------------------------------------------------------------------------------


def _configmap_digest(raw: Mapping[str, Any]) -> DataDigest:
    keys = []
    for field in ("data", "binaryData"):
        for key, value in as_map(raw.get(field)).items():
            keys.append((str(key), hashlib.blake2b(str(value).encode(), digest_size=8).hexdigest()))
    return DataDigest(tuple(sorted(keys)))


def _configmap_change_text(before: DataDigest, after: DataDigest) -> str:
    old, new = dict(before.keys), dict(after.keys)
    parts = []
    for label, names in (
        ("added", sorted(set(new) - set(old))),
        ("removed", sorted(set(old) - set(new))),
        ("changed", sorted(k for k in set(old) & set(new) if old[k] != new[k])),
    ):
        if names:
            parts.append(f"{label} {', '.join(names)}")
    return "data changed: " + "; ".join(parts)
