"""Metadata, uids and times the way an API server writes them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

Obj = dict[str, Any]

NOW = datetime(2026, 11, 24, 12, 0, 0, tzinfo=UTC)


def ts(seconds_ago: float = 0) -> str:
    """An RFC 3339 timestamp `seconds_ago` before NOW."""
    return (NOW - timedelta(seconds=seconds_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")


def uid_for(kind: str, namespace: str, name: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{kind}/{namespace}/{name}"))


def meta(
    kind: str,
    name: str,
    namespace: str | None = "default",
    *,
    labels: dict[str, str] | None = None,
    annotations: dict[str, str] | None = None,
    owner: Obj | None = None,
    age: float = 86_400,
    deleting: float | None = None,
) -> Obj:
    m: Obj = {
        "name": name,
        "uid": uid_for(kind, namespace or "", name),
        "resourceVersion": "1000",
        "creationTimestamp": ts(age),
    }
    if namespace:
        m["namespace"] = namespace
    if labels:
        m["labels"] = dict(labels)
    if annotations:
        m["annotations"] = dict(annotations)
    if owner is not None:
        m["ownerReferences"] = [owner_ref(owner)]
    if deleting is not None:
        m["deletionTimestamp"] = ts(deleting)
        m["deletionGracePeriodSeconds"] = 30
        m["finalizers"] = m.get("finalizers", [])
    return m


def owner_ref(owner: Obj) -> Obj:
    return {
        "apiVersion": owner["apiVersion"],
        "kind": owner["kind"],
        "name": owner["metadata"]["name"],
        "uid": owner["metadata"]["uid"],
        "controller": True,
        "blockOwnerDeletion": True,
    }


def obj(api_version: str, kind: str, name: str, namespace: str | None = "default", **kw: Any) -> Obj:
    """A bare object; `spec`/`status`/`data` and the metadata options of `meta` go in `kw`."""
    body: Obj = {}
    for key in ("spec", "status", "data", "stringData", "type", "rules", "roleRef", "subjects", "webhooks"):
        if key in kw:
            body[key] = kw.pop(key)
    return {"apiVersion": api_version, "kind": kind, "metadata": meta(kind, name, namespace, **kw), **body}


def condition(type_: str, status: bool | str, reason: str = "", message: str = "", ago: float = 3600) -> Obj:
    value = status if isinstance(status, str) else ("True" if status else "False")
    cond: Obj = {"type": type_, "status": value, "lastTransitionTime": ts(ago)}
    if reason:
        cond["reason"] = reason
    if message:
        cond["message"] = message
    return cond
