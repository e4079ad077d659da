"""The kubelet's checks of referenced ConfigMaps, Secrets and volumes before it starts a container."""

from __future__ import annotations

from typing import Any

from kubemedic.sim.world import World

Obj = dict[str, Any]


def _lookup(world: World, kind: str, namespace: str, name: str) -> Obj | None:
    entry = world.store.get("/configmaps" if kind == "ConfigMap" else "/secrets", namespace, name)
    return entry.obj if entry is not None else None


def _key_problem(world: World, namespace: str, kind: str, ref: Obj) -> str | None:
    if ref.get("optional"):
        return None
    name = str(ref.get("name", ""))
    obj = _lookup(world, kind, namespace, name)
    if obj is None:
        return f'{kind.lower()} "{name}" not found'
    key = ref.get("key")
    if key is not None and key not in (obj.get("data") or {}) and key not in (obj.get("stringData") or {}):
        return f"couldn't find key {key} in {kind} {namespace}/{name}"
    return None


def config_problem(world: World, pod: Obj, container: Obj) -> str | None:
    """The CreateContainerConfigError message for a container, or None when its config resolves."""
    ns = str(pod["metadata"].get("namespace"))
    for env in container.get("env") or []:
        src = env.get("valueFrom") or {}
        if "configMapKeyRef" in src:
            problem = _key_problem(world, ns, "ConfigMap", src["configMapKeyRef"])
        elif "secretKeyRef" in src:
            problem = _key_problem(world, ns, "Secret", src["secretKeyRef"])
        else:
            problem = None
        if problem:
            return problem
    for env_from in container.get("envFrom") or []:
        for field, kind in (("configMapRef", "ConfigMap"), ("secretRef", "Secret")):
            ref = env_from.get(field)
            if ref and not ref.get("optional") and _lookup(world, kind, ns, str(ref.get("name"))) is None:
                return f'{kind.lower()} "{ref.get("name")}" not found'
    return None


def mount_problem(world: World, pod: Obj) -> str | None:
    """The FailedMount message for the first volume that cannot be set up."""
    ns = str(pod["metadata"].get("namespace"))
    for vol in (pod.get("spec") or {}).get("volumes") or []:
        if "configMap" in vol:
            ref, kind = vol["configMap"], "ConfigMap"
            name = str(ref.get("name", ""))
        elif "secret" in vol:
            ref, kind = vol["secret"], "Secret"
            name = str(ref.get("secretName", ""))
        else:
            continue
        if not ref.get("optional") and _lookup(world, kind, ns, name) is None:
            return (
                f'MountVolume.SetUp failed for volume "{vol.get("name")}" : {kind.lower()} "{name}" not found'
            )
    return None
