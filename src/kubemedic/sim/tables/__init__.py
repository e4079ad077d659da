"""Server-side printing: objects as `meta.k8s.io/v1` Tables with kubectl's columns per kind."""

from __future__ import annotations

from collections.abc import Sequence

import orjson

from kubemedic.sim.clock import age
from kubemedic.sim.store import Entry
from kubemedic.sim.tables.base import Cells, Obj, TableSpec, cols
from kubemedic.sim.tables.core import CORE_TABLES
from kubemedic.sim.tables.pods import POD, pod_status_reason
from kubemedic.sim.tables.workloads import WORKLOAD_TABLES

__all__ = ["pod_status_reason", "render_table", "table_spec"]


def _generic(obj: Obj, now: float) -> Cells:
    return [obj["metadata"]["name"], age(obj["metadata"].get("creationTimestamp"), now)]


GENERIC = TableSpec(cols(("Name", "Age")), _generic)
TABLES: dict[str, TableSpec] = {"Pod": POD, **CORE_TABLES, **WORKLOAD_TABLES}


def table_spec(kind: str) -> TableSpec:
    return TABLES.get(kind, GENERIC)


def render_table(
    kind: str,
    entries: Sequence[Entry],
    now: float,
    *,
    include_object: str = "Metadata",
    list_meta: Obj | None = None,
) -> bytes:
    """A Table as JSON bytes; row objects come from each entry's cached bytes."""
    spec = table_spec(kind)
    head = orjson.dumps(
        {
            "kind": "Table",
            "apiVersion": "meta.k8s.io/v1",
            "metadata": list_meta or {},
            "columnDefinitions": [c.definition() for c in spec.columns],
        }
    )
    rows: list[bytes] = []
    for e in entries:
        cells = orjson.dumps(spec.cells(e.obj, now))
        if include_object == "None":
            rows.append(b'{"cells":' + cells + b"}")
        else:
            obj = e.raw if include_object == "Object" else e.meta_raw
            rows.append(b'{"cells":' + cells + b',"object":' + obj + b"}")
    return head[:-1] + b',"rows":[' + b",".join(rows) + b"]}"
