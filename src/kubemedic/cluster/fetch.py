"""Read a live cluster into raw objects and logs: every kind we analyze, listed concurrently in chunks.

A kind we may not list (403) is recorded, not fatal; a cluster we cannot reach at all raises
ClusterConnectionError. Secret values are dropped as they arrive: only key names are kept.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from lightkube import ALL_NS, ApiError, AsyncClient

from kubemedic.cluster.errors import classify
from kubemedic.cluster.kinds import KINDS, KindInfo, resource_for
from kubemedic.cluster.logs import pod_log
from kubemedic.domain import ClusterConnectionError
from kubemedic.state import ClusterState, LogKey, Pod

CHUNK_SIZE = 500
LIST_CONCURRENCY = 6
LOG_CONCURRENCY = 8
MAX_LOG_PODS = 200

Progress = Callable[[str, int], None]  # (what, how many) after each kind / log


@dataclass(frozen=True, slots=True)
class AccessProblem:
    kind: str
    reason: str  # forbidden | unauthorized | timeout | unreachable | api-error | error
    message: str


@dataclass(frozen=True, slots=True)
class Fetched:
    objects: list[dict[str, Any]]
    problems: tuple[AccessProblem, ...]


LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


def strip_secret(obj: dict[str, Any]) -> dict[str, Any]:
    """A copy of a Secret with its key names and never its values (nor kubectl's last-applied copy of
    them). The object given is left as it is: a watch's copy may be read elsewhere at the same time."""
    out = dict(obj)
    for field in ("data", "stringData"):
        values = out.get(field)
        if isinstance(values, Mapping):
            out[field] = dict.fromkeys(values, "")
    meta = out.get("metadata")
    annotations = meta.get("annotations") if isinstance(meta, dict) else None
    if isinstance(meta, dict) and isinstance(annotations, dict) and LAST_APPLIED in annotations:
        kept = {k: v for k, v in annotations.items() if k != LAST_APPLIED}
        out["metadata"] = {**meta, "annotations": kept}
    return out


async def fetch_objects(
    client: AsyncClient,
    *,
    cluster: str,
    kinds: Sequence[KindInfo] = KINDS,
    namespaces: frozenset[str] | None = None,
    progress: Progress | None = None,
) -> Fetched:
    gate = asyncio.Semaphore(LIST_CONCURRENCY)

    async def one(info: KindInfo) -> list[dict[str, Any]] | AccessProblem:
        async with gate:
            try:
                items = await _list_kind(client, info, namespaces)
            except (ApiError, Exception) as exc:  # boundary: one kind failing must not lose the others
                err = classify(exc, f"{cluster}: list {info.plural}")
                return AccessProblem(info.kind, getattr(err, "reason", "error"), str(err))
        if progress is not None:
            progress(info.plural, len(items))
        return items

    results = await asyncio.gather(*(one(info) for info in kinds))
    objects: list[dict[str, Any]] = []
    problems: list[AccessProblem] = []
    for result in results:
        if isinstance(result, AccessProblem):
            problems.append(result)
        else:
            objects.extend(result)
    if not objects and problems:
        first = problems[0]
        raise ClusterConnectionError(first.message, reason=first.reason)
    return Fetched(objects, tuple(problems))


async def _list_kind(
    client: AsyncClient, info: KindInfo, namespaces: frozenset[str] | None
) -> list[dict[str, Any]]:
    res = resource_for(info)
    targets: list[str | None] = [None]
    if info.namespaced:
        targets = [*sorted(namespaces)] if namespaces else [ALL_NS]
    items: list[dict[str, Any]] = []
    for ns in targets:
        kwargs: dict[str, Any] = {"chunk_size": CHUNK_SIZE}
        if ns is not None:
            kwargs["namespace"] = ns
        async for obj in client.list(res, **kwargs):
            raw = dict(obj)
            raw.setdefault("kind", info.kind)
            raw.setdefault("apiVersion", info.api_version)
            items.append(strip_secret(raw) if info.kind == "Secret" else raw)
    return items


def wanted_logs(state: ClusterState, limit: int = MAX_LOG_PODS) -> list[LogKey]:
    """Logs worth reading: troubled pods' containers, and the previous instance of restarted ones.

    Worked out once per pod view (the monitor reuses the views of unchanged pods, and a state keeps
    whether each pod is troubled on its view), so only pods that changed cost anything."""
    keys: list[LogKey] = []
    for pod in state.troubled_pods[:limit]:
        keys.extend(_log_keys_once(pod))
    return keys


def _log_keys_once(pod: Pod) -> list[LogKey]:
    found: list[LogKey] = pod.parsed_once("log_keys", lambda: _pod_log_keys(pod))
    return found


def _pod_log_keys(pod: Pod) -> list[LogKey]:
    keys = []
    for status in pod.container_statuses:
        if status.restart_count > 0 or status.last_state.state == "terminated":
            keys.append(LogKey(pod.namespace, pod.name, status.name, previous=True))
        if status.state.state in ("running", "terminated"):
            keys.append(LogKey(pod.namespace, pod.name, status.name))
    return keys


async def fetch_logs(
    client: AsyncClient, keys: Sequence[LogKey], *, progress: Progress | None = None
) -> dict[LogKey, str]:
    gate = asyncio.Semaphore(LOG_CONCURRENCY)
    out: dict[LogKey, str] = {}

    async def one(key: LogKey) -> None:
        async with gate:
            try:
                out[key] = await pod_log(client, key.namespace, key.pod, key.container, previous=key.previous)
            except Exception:  # boundary: a missing log (container gone, never started) is normal
                return
        if progress is not None:
            progress("logs", 1)

    await asyncio.gather(*(one(k) for k in keys))
    return out
