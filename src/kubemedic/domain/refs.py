"""References to Kubernetes objects."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, order=True)
class ObjectRef:
    """Names one Kubernetes object. `namespace` is "" for cluster-scoped kinds."""

    kind: str
    namespace: str
    name: str
    uid: str = ""
    cluster: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.kind, self.namespace, self.name)

    def display(self) -> str:
        """`Kind ns/name` or `Kind name` for cluster-scoped objects."""
        where = f"{self.namespace}/{self.name}" if self.namespace else self.name
        return f"{self.kind} {where}"

    def __str__(self) -> str:
        return self.display()
