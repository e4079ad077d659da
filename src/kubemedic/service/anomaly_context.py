"""What changed just before an anomaly: the nearest rollout, scaling or config change, as evidence.

A number that starts climbing right after a deploy is the most common story in operations, and the
first question anyone asks about an anomaly is "what changed?". The timeline (service/timeline.py)
already records every rollout (image or spec change), scaling and ConfigMap/Secret data change; this
module looks there for the latest one before the anomaly started, within `window`, and adds it to the
anomaly finding as one more Evidence item:

    Deployment shop/api rolled out image registry/api:2.1 4 min before the anomaly began

Where to look, closest ties first:
1. the object the anomaly is about, its owners (a pod's ReplicaSet and Deployment), and the ConfigMaps
   and Secrets its pod template reads - a change there is the object's own change;
2. only when none of those changed: any change in the same namespace (a shared ConfigMap, a
   dependency's rollout), said as such.
Nothing is added when nothing changed in the window: no evidence is better than a wrong one.

The anomaly's start is the time of its alarm (the timestamp of its metric evidence): the detectors
raise an alarm on the first point of an anomaly, and a finding does not carry an earlier start.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Protocol

from kubemedic.domain import Evidence, EvidenceSource, Finding, ObjectRef
from kubemedic.metrics.detection import duration
from kubemedic.metrics.findings import CATEGORY as ANOMALY
from kubemedic.state import ClusterState
from kubemedic.state.references import pod_spec_references
from kubemedic.store import TimelineEntry

DEFAULT_WINDOW = timedelta(minutes=30)
CHANGE_TYPES = frozenset({"rollout", "scaled", "config"})
LOCATION = "timeline/"  # evidence location prefix: `timeline/rollout`, `timeline/config`, ...


class TimelineReader(Protocol):
    """The two timeline reads of kubemedic.store.Store this needs."""

    async def timeline(
        self,
        cluster: str | None,
        kind: str,
        namespace: str,
        name: str,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 500,
    ) -> list[TimelineEntry]: ...

    async def recent_timeline(
        self,
        cluster: str | None = None,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 200,
        namespace: str | None = None,
        types: Sequence[str] | None = None,
    ) -> list[TimelineEntry]: ...


async def with_nearest_change(
    findings: Sequence[Finding],
    store: TimelineReader,
    state: ClusterState,
    *,
    window: timedelta = DEFAULT_WINDOW,
) -> tuple[Finding, ...]:
    """`findings` with every anomaly finding given the nearest change before it started, when there is
    one in `window`; other findings (and anomalies that already carry one) are returned as they are."""
    if window <= timedelta(0):
        raise ValueError(f"window must be positive, got {window}")
    out: list[Finding] = []
    for finding in findings:
        start = anomaly_start(finding)
        if finding.category != ANOMALY or start is None or _has_change(finding):
            out.append(finding)
            continue
        evidence = await nearest_change(finding.object, start, store, state, window=window)
        out.append(replace(finding, evidence=(*finding.evidence, evidence)) if evidence else finding)
    return tuple(out)


def anomaly_start(finding: Finding) -> datetime | None:
    """When the anomaly began: the earliest timestamp of its metric evidence (None without one)."""
    times = [_parse(e.timestamp) for e in finding.evidence if e.source == EvidenceSource.METRIC]
    found = [t for t in times if t is not None]
    return min(found) if found else None


async def nearest_change(
    obj: ObjectRef, start: datetime, store: TimelineReader, state: ClusterState, *, window: timedelta
) -> Evidence | None:
    """The latest change in [start - window, start) on `obj`'s own objects, else in its namespace."""
    since = start - window
    cluster = obj.cluster or state.cluster or None
    own: list[TimelineEntry] = []
    for kind, namespace, name in _own_objects(obj, state):
        entries = await store.timeline(cluster, kind, namespace, name, since=since, until=start)
        own.extend(e for e in entries if e.type in CHANGE_TYPES)
    if own:
        return _evidence(max(own, key=lambda e: e.at), start, own=True)
    if not obj.namespace:
        return None
    recent = await store.recent_timeline(
        cluster, since=since, until=start, limit=1, namespace=obj.namespace, types=sorted(CHANGE_TYPES)
    )
    near = next((e for e in recent if e.namespace == obj.namespace and e.type in CHANGE_TYPES), None)
    return _evidence(near, start, own=False) if near is not None else None


def _own_objects(obj: ObjectRef, state: ClusterState) -> list[tuple[str, str, str]]:
    """The object, its owners, and the ConfigMaps/Secrets its pod template (or pod spec) reads."""
    keys: list[tuple[str, str, str]] = [obj.key]
    found = state.get(obj.kind, obj.namespace, obj.name)
    if found is None:
        return keys
    chain = [found, *state.owner_chain(found)]
    keys.extend(o.ref.key for o in chain[1:])
    for o in chain:
        template = o.pod_template()
        spec = template.get("spec") if template else (o.spec if o.kind == "Pod" else None)
        if isinstance(spec, dict):
            for ref in pod_spec_references(spec):
                if ref.kind in ("ConfigMap", "Secret"):
                    keys.append((ref.kind, o.namespace, ref.name))
    return list(dict.fromkeys(keys))  # each once, in order


def _evidence(entry: TimelineEntry, start: datetime, *, own: bool) -> Evidence:
    where = (
        f"{entry.kind} {entry.namespace}/{entry.name}" if entry.namespace else f"{entry.kind} {entry.name}"
    )
    ago = duration(max(0.0, (start - entry.at).total_seconds()))
    text = f"{where} {_what(entry)} {ago} before the anomaly began"
    if not own:
        text = f"In the same namespace, {text} (not a change of this object or what it reads)"
    return Evidence(
        EvidenceSource.EVENT,
        text,
        location=LOCATION + entry.type,
        object=ObjectRef(entry.kind, entry.namespace, entry.name, cluster=entry.cluster),
        timestamp=entry.at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
    )


def _what(entry: TimelineEntry) -> str:
    """The change as a verb phrase: `rolled out image api:2.1`, `scaled 2 -> 5 replicas`, ..."""
    data = entry.data
    if entry.type == "rollout":
        images = data.get("images")
        if isinstance(images, dict) and images:
            shown = ", ".join(str(images[c]) for c in sorted(images))
            return f"rolled out image{'s' if len(images) > 1 else ''} {shown}"
        generation = data.get("generation")
        return f"changed its pod spec (generation {generation})" if generation else "changed its spec"
    if entry.type == "scaled" and "from" in data and "to" in data:
        return f"scaled {data['from']} -> {data['to']} replicas"
    if entry.type == "config":
        detail = entry.text.removeprefix("data changed: ") if entry.kind == "ConfigMap" else ""
        return f"changed its data ({detail})" if detail and detail != entry.text else "changed its data"
    return entry.text


def _has_change(finding: Finding) -> bool:
    return any(e.location.startswith(LOCATION) for e in finding.evidence)


def _parse(text: str) -> datetime | None:
    if not text or text == "-":
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
