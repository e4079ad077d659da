"""The shape of a table printer: column definitions plus a function from object to cells."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

Obj = dict[str, Any]
Cells = list[Any]
CellFn = Callable[[Obj, float], Cells]

_DESCRIPTIONS = {
    "Name": "Name must be unique within a namespace. Is required when creating resources.",
    "Age": "CreationTimestamp is a timestamp representing the server time when this object was created.",
}


@dataclass(frozen=True)
class Column:
    name: str
    type: str = "string"
    priority: int = 0
    format: str = ""

    def definition(self) -> Obj:
        return {
            "name": self.name,
            "type": self.type,
            "format": self.format or ("name" if self.name == "Name" else ""),
            "description": _DESCRIPTIONS.get(self.name, self.name),
            "priority": self.priority,
        }


@dataclass(frozen=True)
class TableSpec:
    columns: tuple[Column, ...]
    cells: CellFn


def cols(names: Iterable[str], wide: Iterable[str] = ()) -> tuple[Column, ...]:
    out = [Column(n) for n in names]
    out.extend(Column(n, priority=1) for n in wide)
    return tuple(out)


def dig(obj: Any, *path: str, default: Any = None) -> Any:
    cur = obj
    for p in path:
        if not isinstance(cur, dict):
            return default
        cur = cur.get(p)
        if cur is None:
            return default
    return cur


def join_or_none(values: Iterable[str]) -> str:
    items = [v for v in values if v]
    return ",".join(items) if items else "<none>"


def selector_text(sel: Obj | None) -> str:
    if not sel:
        return "<none>"
    parts = [f"{k}={v}" for k, v in (sel.get("matchLabels") or sel).items() if isinstance(v, str)]
    for e in sel.get("matchExpressions") or []:
        op = str(e.get("operator", "")).lower()
        parts.append(f"{e.get('key')} {op} ({','.join(e.get('values') or [])})")
    return ",".join(parts) if parts else "<none>"


def containers_images(spec: Obj | None) -> tuple[str, str]:
    containers = dig(spec, "template", "spec", "containers", default=[]) or []
    return ",".join(c.get("name", "") for c in containers), ",".join(c.get("image", "") for c in containers)
