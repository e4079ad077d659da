"""Turning a request path into (resource, namespace, name, subresource)."""

from __future__ import annotations

from dataclasses import dataclass

from kubemedic.sim.errors import ApiError
from kubemedic.sim.resources import ResourceIndex, ResourceType


@dataclass(frozen=True)
class Target:
    rt: ResourceType
    namespace: str | None  # None = all namespaces (or cluster-scoped)
    name: str | None
    subresource: str | None
    watch_path: bool


def _not_found(path: str) -> ApiError:
    return ApiError(404, "NotFound", f"the server could not find the requested resource ({path})")


def parse_target(index: ResourceIndex, group: str, version: str, parts: list[str], path: str) -> Target:
    """Parse what follows `/api/v1` or `/apis/<group>/<version>`."""
    watch = bool(parts) and parts[0] == "watch"
    if watch:
        parts = parts[1:]
    namespace: str | None = None
    if len(parts) >= 3 and parts[0] == "namespaces" and index.lookup(group, version, parts[2]) is not None:
        namespace = parts[1]
        parts = parts[2:]
    if not parts:
        raise _not_found(path)
    rt = index.lookup(group, version, parts[0])
    if rt is None or len(parts) > 3:
        raise _not_found(path)
    name = parts[1] if len(parts) > 1 else None
    sub = parts[2] if len(parts) > 2 else None
    if sub is not None and all(s.name != sub for s in rt.subresources):
        raise _not_found(path)
    if namespace is not None and not rt.namespaced:
        raise _not_found(path)
    if rt.namespaced and name is not None and namespace is None:
        raise _not_found(path)
    return Target(rt, namespace, name, sub, watch)
