"""What a pod spec refers to: ConfigMaps, Secrets (and their keys), PVCs, the ServiceAccount."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from kubemedic.state.objects import Json, as_list, as_map

TEMPLATE_REFS = "template_refs"  # the name a workload's parsed template references are kept under


@dataclass(frozen=True, slots=True)
class SpecReference:
    """One reference from a pod spec to another object.

    `where` is the field path a user would look at, e.g. `spec.containers{api}.env[DB_URL]`.
    `key` is set when a single key is read (env valueFrom, volume items).
    """

    kind: str  # ConfigMap | Secret | PersistentVolumeClaim | ServiceAccount
    name: str
    where: str
    key: str = ""
    optional: bool = False
    container: str = ""


def pod_spec_references(spec: Json) -> Iterator[SpecReference]:
    """Walk a PodSpec (pod or template) and yield every reference it makes."""
    sa = spec.get("serviceAccountName") or spec.get("serviceAccount")
    if sa:
        yield SpecReference("ServiceAccount", str(sa), "spec.serviceAccountName")
    for secret in as_list(spec.get("imagePullSecrets")):
        name = as_map(secret).get("name")
        if name:
            yield SpecReference("Secret", str(name), "spec.imagePullSecrets", optional=True)
    for group in ("initContainers", "containers"):
        for container in as_list(spec.get(group)):
            yield from _container_refs(as_map(container), group)
    for volume in as_list(spec.get("volumes")):
        yield from _volume_refs(as_map(volume))


def _container_refs(container: Json, group: str) -> Iterator[SpecReference]:
    cname = str(container.get("name", ""))
    base = f"spec.{group}{{{cname}}}"
    for env in as_list(container.get("env")):
        env = as_map(env)
        source = as_map(env.get("valueFrom"))
        for field, kind in (("configMapKeyRef", "ConfigMap"), ("secretKeyRef", "Secret")):
            ref = as_map(source.get(field))
            if ref.get("name"):
                yield SpecReference(
                    kind,
                    str(ref["name"]),
                    f"{base}.env[{env.get('name', '')}]",
                    key=str(ref.get("key") or ""),
                    optional=bool(ref.get("optional")),
                    container=cname,
                )
    for env_from in as_list(container.get("envFrom")):
        env_from = as_map(env_from)
        for field, kind in (("configMapRef", "ConfigMap"), ("secretRef", "Secret")):
            ref = as_map(env_from.get(field))
            if ref.get("name"):
                yield SpecReference(
                    kind,
                    str(ref["name"]),
                    f"{base}.envFrom",
                    optional=bool(ref.get("optional")),
                    container=cname,
                )


def _volume_refs(volume: Json) -> Iterator[SpecReference]:
    vname = str(volume.get("name", ""))
    where = f"spec.volumes[{vname}]"
    cm = as_map(volume.get("configMap"))
    if cm.get("name"):
        yield from _with_items("ConfigMap", str(cm["name"]), where, cm)
    secret = as_map(volume.get("secret"))
    if secret.get("secretName"):
        yield from _with_items("Secret", str(secret["secretName"]), where, secret)
    pvc = as_map(volume.get("persistentVolumeClaim"))
    if pvc.get("claimName"):
        yield SpecReference("PersistentVolumeClaim", str(pvc["claimName"]), where)
    for source in as_list(as_map(volume.get("projected")).get("sources")):
        source = as_map(source)
        for field, kind in (("configMap", "ConfigMap"), ("secret", "Secret")):
            ref = as_map(source.get(field))
            if ref.get("name"):
                yield from _with_items(kind, str(ref["name"]), f"{where}.projected", ref)


def _with_items(kind: str, name: str, where: str, source: Mapping[str, object]) -> Iterator[SpecReference]:
    optional = bool(source.get("optional"))
    items = as_list(source.get("items"))
    if not items:
        yield SpecReference(kind, name, where, optional=optional)
        return
    for item in items:
        key = as_map(item).get("key")
        yield SpecReference(kind, name, where, key=str(key or ""), optional=optional)
