"""Drop what no analysis reads and every capture repeats, before it is indexed.

- `metadata.managedFields` and the `kubectl.kubernetes.io/last-applied-configuration` annotation:
  bookkeeping that can be larger than the object itself;
- each pod's service-account token volume (`kube-api-access-*`: projected token, CA bundle and
  namespace) and its mounts: identical in every pod, never the cause of a failure we report.
On a 10,000-pod capture this saves tens of megabytes. Nothing else is touched.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
TOKEN_VOLUME_PREFIX = "kube-api-access-"


def slim(obj: Mapping[str, Any]) -> None:
    if type(obj) is not dict:
        return  # typed records (events) are already slim
    meta = obj.get("metadata")
    if type(meta) is dict:
        meta.pop("managedFields", None)
        annotations = meta.get("annotations")
        if type(annotations) is dict:
            annotations.pop(LAST_APPLIED, None)
    if obj.get("kind") == "Pod":
        _drop_token_volume(obj.get("spec"))


def _drop_token_volume(spec: Any) -> None:
    if type(spec) is not dict:
        return
    volumes = spec.get("volumes")
    if type(volumes) is not list:
        return
    token = [
        v.get("name")
        for v in volumes
        if type(v) is dict and str(v.get("name", "")).startswith(TOKEN_VOLUME_PREFIX)
    ]
    if not token:
        return
    spec["volumes"] = [v for v in volumes if not (type(v) is dict and v.get("name") in token)]
    for group in ("containers", "initContainers"):
        for container in spec.get(group) or ():
            mounts = container.get("volumeMounts") if type(container) is dict else None
            if type(mounts) is list:
                container["volumeMounts"] = [
                    m for m in mounts if not (type(m) is dict and m.get("name") in token)
                ]
