"""Creating pods from a controller's template, as the workload controllers do."""

from __future__ import annotations

from typing import Any

from kubemedic.sim.errors import ApiError
from kubemedic.sim.registry import owner_reference
from kubemedic.sim.store import Entry
from kubemedic.sim.world import World

Obj = dict[str, Any]


def pod_from_template(
    owner: Entry,
    template: Obj,
    *,
    name: str | None = None,
    generate: str | None = None,
    labels: dict[str, str] | None = None,
    node: str | None = None,
) -> Obj:
    tmeta = template.get("metadata") or {}
    meta: Obj = {
        "namespace": owner.namespace,
        "labels": {**(tmeta.get("labels") or {}), **(labels or {})},
        "ownerReferences": [owner_reference(owner)],
    }
    if tmeta.get("annotations"):
        meta["annotations"] = dict(tmeta["annotations"])
    if name:
        meta["name"] = name
    else:
        meta["generateName"] = generate or f"{owner.name}-"
    spec = dict(template.get("spec") or {})
    if node:
        spec["nodeName"] = node
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}


def create_pod(world: World, pod: Obj) -> tuple[Entry | None, str | None]:
    """Create through the registry (admission included); returns (entry, error message)."""
    try:
        return world.registry.create(world.kind("Pod"), pod["metadata"]["namespace"], pod), None
    except ApiError as err:
        return None, err.message
