"""Label and field selectors, parsed once and matched many times."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from kubemedic.sim.errors import bad_request

Obj = dict[str, Any]

_SET_RE = re.compile(r"^\s*(!?)\s*([A-Za-z0-9_./-]+)\s*(?:(in|notin)\s*\(([^)]*)\))?\s*$")
_EQ_RE = re.compile(r"^\s*([A-Za-z0-9_./-]+)\s*(==|=|!=)\s*([A-Za-z0-9_./-]*)\s*$")


@dataclass(frozen=True)
class Requirement:
    key: str
    op: str  # "=", "!=", "in", "notin", "exists", "!"
    values: frozenset[str] = frozenset()

    def matches(self, labels: Mapping[str, str]) -> bool:
        present = self.key in labels
        if self.op == "exists":
            return present
        if self.op == "!":
            return not present
        value = labels.get(self.key)
        if self.op in ("=", "in"):
            return present and value in self.values
        return not present or value not in self.values  # "!=" and "notin"


@dataclass(frozen=True)
class LabelSelector:
    requirements: tuple[Requirement, ...]

    def matches(self, labels: Mapping[str, str] | None) -> bool:
        lbl = labels or {}
        return all(r.matches(lbl) for r in self.requirements)

    @property
    def empty(self) -> bool:
        return not self.requirements


def _split_top_level(text: str) -> list[str]:
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return [p for p in (p.strip() for p in parts) if p]


def parse_label_selector(text: str | None) -> LabelSelector:
    """Parse `a=b,c!=d,e in (x,y),f notin (z),g,!h`."""
    if not text:
        return LabelSelector(())
    reqs: list[Requirement] = []
    for part in _split_top_level(text):
        eq = _EQ_RE.match(part)
        if eq:
            op = "!=" if eq.group(2) == "!=" else "="
            reqs.append(Requirement(eq.group(1), op, frozenset({eq.group(3)})))
            continue
        m = _SET_RE.match(part)
        if not m:
            raise bad_request(f"unable to parse requirement: {part!r}")
        neg, key, op, values = m.groups()
        if op:
            if neg:
                raise bad_request(f"unable to parse requirement: {part!r}")
            vals = frozenset(v.strip() for v in values.split(",") if v.strip())
            reqs.append(Requirement(key, op, vals))
        else:
            reqs.append(Requirement(key, "!" if neg else "exists"))
    return LabelSelector(tuple(reqs))


def selector_from_object(sel: Obj | None) -> LabelSelector:
    """A metav1.LabelSelector (matchLabels + matchExpressions) as a LabelSelector."""
    if not sel:
        return LabelSelector(())
    reqs = [Requirement(k, "=", frozenset({str(v)})) for k, v in (sel.get("matchLabels") or {}).items()]
    op_map = {"In": "in", "NotIn": "notin", "Exists": "exists", "DoesNotExist": "!"}
    for expr in sel.get("matchExpressions") or []:
        op = op_map.get(str(expr.get("operator")), "exists")
        reqs.append(
            Requirement(str(expr.get("key")), op, frozenset(str(v) for v in expr.get("values") or []))
        )
    return LabelSelector(tuple(reqs))


def selector_from_map(labels: Mapping[str, str] | None) -> LabelSelector:
    """A service-style equality selector; an empty map selects nothing (callers decide)."""
    return LabelSelector(tuple(Requirement(k, "=", frozenset({v})) for k, v in (labels or {}).items()))


def _path_getter(path: str) -> Callable[[Obj], str]:
    keys = path.split(".")

    def get(obj: Obj) -> str:
        cur: Any = obj
        for k in keys:
            if not isinstance(cur, dict):
                return ""
            cur = cur.get(k)
        return "" if cur is None else str(cur)

    return get


@dataclass(frozen=True)
class FieldRequirement:
    path: str
    negate: bool
    value: str

    def matches(self, obj: Obj) -> bool:
        return (_path_getter(self.path)(obj) == self.value) != self.negate


@dataclass(frozen=True)
class FieldSelector:
    requirements: tuple[FieldRequirement, ...]

    def matches(self, obj: Obj) -> bool:
        return all(r.matches(obj) for r in self.requirements)

    def value_of(self, path: str) -> str | None:
        """The exact value required for `path`, if any (used to narrow a scan)."""
        for r in self.requirements:
            if r.path == path and not r.negate:
                return r.value
        return None


SUPPORTED_FIELDS = frozenset(
    {
        "metadata.name",
        "metadata.namespace",
        "status.phase",
        "spec.nodeName",
        "spec.schedulerName",
        "status.podIP",
        "involvedObject.kind",
        "involvedObject.name",
        "involvedObject.namespace",
        "involvedObject.uid",
        "involvedObject.apiVersion",
        "involvedObject.fieldPath",
        "involvedObject.resourceVersion",
        "reason",
        "type",
        "source",
        "spec.unschedulable",
    }
)


def parse_field_selector(text: str | None) -> FieldSelector:
    if not text:
        return FieldSelector(())
    reqs: list[FieldRequirement] = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        if "!=" in part:
            path, value = part.split("!=", 1)
            negate = True
        elif "==" in part:
            path, value = part.split("==", 1)
            negate = False
        elif "=" in part:
            path, value = part.split("=", 1)
            negate = False
        else:
            raise bad_request(f"invalid selector: '{text}'; can't understand '{part}'")
        path = path.strip()
        if path not in SUPPORTED_FIELDS:
            raise bad_request(f"field label not supported: {path}")
        reqs.append(FieldRequirement(path, negate, value.strip()))
    return FieldSelector(tuple(reqs))
