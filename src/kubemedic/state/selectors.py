"""Kubernetes label selectors: equality maps (Service, ReplicationController) and LabelSelector objects."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Requirement:
    key: str
    operator: str  # In, NotIn, Exists, DoesNotExist
    values: frozenset[str]

    def matches(self, labels: Mapping[str, str]) -> bool:
        if self.operator == "In":
            return labels.get(self.key) in self.values
        if self.operator == "NotIn":
            return labels.get(self.key) not in self.values
        if self.operator == "Exists":
            return self.key in labels
        if self.operator == "DoesNotExist":
            return self.key not in labels
        return False


@dataclass(frozen=True, slots=True)
class LabelSelector:
    """A parsed selector. `empty` selects everything for LabelSelector objects (PDB, NetworkPolicy)."""

    match_labels: tuple[tuple[str, str], ...]
    expressions: tuple[Requirement, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.match_labels and not self.expressions

    def matches(self, labels: Mapping[str, str]) -> bool:
        for key, value in self.match_labels:
            if labels.get(key) != value:
                return False
        return all(req.matches(labels) for req in self.expressions)

    def describe(self) -> str:
        parts = [f"{k}={v}" for k, v in self.match_labels]
        for req in self.expressions:
            if req.operator in ("In", "NotIn"):
                parts.append(f"{req.key} {req.operator.lower()} ({','.join(sorted(req.values))})")
            elif req.operator == "Exists":
                parts.append(req.key)
            else:
                parts.append(f"!{req.key}")
        return ",".join(parts)

    @classmethod
    def from_map(cls, selector: Mapping[str, Any] | None) -> LabelSelector:
        """A Service-style `{key: value}` selector."""
        items = selector.items() if isinstance(selector, Mapping) else ()
        return cls(tuple(sorted((str(k), str(v)) for k, v in items)))

    @classmethod
    def from_spec(cls, selector: Mapping[str, Any] | None) -> LabelSelector:
        """A `metav1.LabelSelector` with matchLabels and matchExpressions."""
        if not isinstance(selector, Mapping):
            return cls(())
        base = cls.from_map(selector.get("matchLabels"))
        reqs: list[Requirement] = []
        for expr in selector.get("matchExpressions") or ():
            if isinstance(expr, Mapping) and "key" in expr:
                values = frozenset(str(v) for v in expr.get("values") or ())
                reqs.append(Requirement(str(expr["key"]), str(expr.get("operator", "In")), values))
        return cls(base.match_labels, tuple(reqs))
