"""Find the objects and namespaces a question names, or say clearly that they do not exist.

A person types "checkout", "deploy/checkout" or "shop/checkout"; the state decides what that is.
When nothing matches, the answer lists the closest names instead of guessing.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from kubemedic.assistant.question import KIND_ALIASES
from kubemedic.domain import InputError, ObjectRef
from kubemedic.state import ClusterState, KubeObject

# When a name comes without a kind, these are tried in this order (what people usually mean first).
LOOKUP_ORDER = (
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "CronJob",
    "Job",
    "Service",
    "Ingress",
    "Pod",
    "Node",
    "PersistentVolumeClaim",
    "HorizontalPodAutoscaler",
    "PodDisruptionBudget",
    "NetworkPolicy",
    "ReplicaSet",
    "ConfigMap",
    "PersistentVolume",
)


@dataclass(frozen=True, slots=True)
class Resolved:
    """The object found (or None), the other objects that share the name, and close names otherwise."""

    object: KubeObject | None
    others: tuple[ObjectRef, ...] = ()
    close: tuple[str, ...] = ()


def find_object(state: ClusterState, kind: str | None, namespace: str | None, name: str) -> Resolved:
    kinds = (kind,) if kind else LOOKUP_ORDER
    hits: list[KubeObject] = []
    for k in kinds:
        if namespace is not None:
            obj = state.get(k, namespace, name) or state.get(k, "", name)
            if obj is not None:
                hits.append(obj)
        else:
            hits.extend(o for o in state.objects(k) if o.name == name)
    if hits:
        return Resolved(hits[0], tuple(o.ref for o in hits[1:]))
    return Resolved(None, close=close_names(state, kinds, namespace, name))


def close_names(
    state: ClusterState, kinds: tuple[str, ...], namespace: str | None, name: str
) -> tuple[str, ...]:
    """Up to five names of these kinds that look like `name` (typos, prefixes, pod-hash suffixes)."""
    pool: dict[str, None] = {}
    for k in kinds:
        for o in state.objects(k, namespace):
            pool[o.name if not o.namespace or namespace else f"{o.namespace}/{o.name}"] = None
    names = list(pool)
    bare = {n: n.rsplit("/", 1)[-1] for n in names}
    picked = [n for n in names if bare[n].startswith(name) or name.startswith(bare[n])]
    fuzzy = difflib.get_close_matches(name, list(bare.values()), n=5, cutoff=0.6)
    picked += [n for n in names if bare[n] in fuzzy]
    return tuple(dict.fromkeys(picked))[:5]


def check_namespace(state: ClusterState, namespace: str) -> None:
    """Raise InputError naming the close namespaces when `namespace` is not in the state."""
    known = state.namespaces()
    if namespace in known:
        return
    close = difflib.get_close_matches(namespace, known, n=5, cutoff=0.5)
    hint = f"; did you mean {', '.join(close)}?" if close else f"; namespaces: {', '.join(known[:20])}"
    raise NoSuchObject(f"no such namespace {namespace!r}{hint}", close=tuple(close))


def parse_ref(text: str) -> tuple[str, str | None, str]:
    """`KIND/NS/NAME`, `KIND/NAME` or `NS/NAME`... as (kind, namespace, name); InputError otherwise."""
    parts = text.strip().split("/")
    if len(parts) in (2, 3) and all(parts):
        kind = KIND_ALIASES.get(parts[0].lower())
        if kind is None:
            known = next((k for k in set(KIND_ALIASES.values()) if k.lower() == parts[0].lower()), None)
            kind = known
        if kind is None:
            raise InputError(
                f"unknown kind {parts[0]!r} in {text!r}; "
                "use e.g. deployment/shop/api, pod/shop/api-0, node/worker-1"
            )
        if len(parts) == 3:
            return kind, parts[1], parts[2]
        return kind, None, parts[1]
    raise InputError(f"{text!r} is neither a finding id nor KIND/NAMESPACE/NAME (e.g. deployment/shop/api)")


class NoSuchObject(InputError):
    """A named object or namespace is not in the cluster; `close` lists names that look alike."""

    def __init__(self, message: str, close: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.close = close
