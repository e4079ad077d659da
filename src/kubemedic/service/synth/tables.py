"""The synthesized corpus's three tables, their typed columns, and the files they are written to.

Each column has a type, so a CSV cell and a Parquet value mean the same thing: times as RFC 3339 UTC
(Parquet: UTC timestamps), booleans as `true`/`false`, floats with 9 significant digits (enough for
a byte count or a CPU fraction, and the same text on every run), missing values empty (null).
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, Protocol

from kubemedic.service.parquet_sink import ParquetSink

ColumnType = Literal["time", "str", "int", "float", "bool"]
Cell = str | int | float | bool | datetime | None
BATCH = 1000  # rows per Parquet row group


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: ColumnType
    meaning: str


# Every table starts with the run and the moment, and ends with the labels.
_HEAD = (
    Column("scenario", "str", "the scenario this run planted; 'clean' for the run without a fault"),
    Column("at", "time", "the simulated moment of the sample"),
    Column("elapsed_s", "float", "simulated seconds since the run started"),
)
_TAIL = (
    Column("fault_active", "bool", "the scenario had planted its fault by this moment"),
    Column(
        "fault_visible", "bool", "the scan at this moment reports the scenario's category on the fault object"
    ),
    Column("fault_object", "str", "where the scenario planted its fault, e.g. 'Deployment shop/api'"),
    Column(
        "on_fault_object",
        "bool",
        "this row is about the fault object, one of its owners, something it owns, a Service in front "
        "of it, or a pod on the faulty node (findings: also one that names it as related/depended on)",
    ),
    Column(
        "label", "str", "the scenario's finding category when fault_active and on_fault_object, else empty"
    ),
)

METRICS = (
    *_HEAD,
    Column("namespace", "str", "the pod's namespace"),
    Column("pod", "str", "the pod"),
    Column("container", "str", "the container"),
    Column("owner_kind", "str", "the pod's top owner (Deployment, StatefulSet, ...; Pod when none)"),
    Column("owner_name", "str", "the top owner's name"),
    Column("cpu_cores", "float", "CPU usage (cores) from metrics.k8s.io PodMetrics"),
    Column("memory_bytes", "int", "memory working set (bytes) from metrics.k8s.io PodMetrics"),
    Column("cpu_limit_cores", "float", "the container's CPU limit; empty when unset"),
    Column("memory_limit_bytes", "int", "the container's memory limit; empty when unset"),
    Column("restarts", "int", "the container's restart count at the sample"),
    Column("anomaly", "bool", "an anomaly finding is open on the pod's owner at the sample"),
    *_TAIL,
)
EVENTS = (
    *_HEAD,
    Column("event_time", "time", "the event's last timestamp"),
    Column("namespace", "str", "the involved object's namespace"),
    Column("object_kind", "str", "the involved object's kind"),
    Column("object_name", "str", "the involved object's name"),
    Column("type", "str", "Normal or Warning"),
    Column("reason", "str", "the event's reason"),
    Column("message", "str", "the event's message"),
    Column("count", "int", "how many times it happened so far; a row per sample in which the count grew"),
    *_TAIL,
)
FINDINGS = (
    *_HEAD,
    Column("finding_id", "str", "the finding's stable id (same problem, same id in every sample)"),
    Column("kind", "str", "the kind of the object the finding is about"),
    Column("namespace", "str", "its namespace"),
    Column("name", "str", "its name"),
    Column("category", "str", "the finding's category"),
    Column("severity", "str", "info, warning, error or critical"),
    Column("title", "str", "the finding's title"),
    Column("analyzer", "str", "what reported it"),
    Column("incident_id", "str", "the incident the correlator put it in"),
    Column(
        "matches_fault",
        "bool",
        "the finding reports the scenario's category on (or blaming) the fault object",
    ),
    *_TAIL,
)
TABLES: dict[str, tuple[Column, ...]] = {"metrics": METRICS, "events": EVENTS, "findings": FINDINGS}


class Sink(Protocol):
    def write(self, cells: Sequence[Cell]) -> None: ...

    def __enter__(self) -> Sink: ...

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...


def text(cell: Cell) -> str:
    """A cell as CSV text: the same on every run for the same value."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "true" if cell else "false"
    if isinstance(cell, datetime):
        return cell.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(cell, float):
        return format(cell, ".9g")
    return str(cell)


class CsvSink:
    """RFC 4180 CSV with a header row, `\\n` line ends (the same bytes on every platform)."""

    def __init__(self, path: Path, columns: Sequence[Column]) -> None:
        self._file = path.open("w", newline="", encoding="utf-8")
        self._writer = csv.writer(self._file, lineterminator="\n")
        self._writer.writerow([c.name for c in columns])

    def write(self, cells: Sequence[Cell]) -> None:
        self._writer.writerow([text(c) for c in cells])

    def __enter__(self) -> CsvSink:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._file.close()


_ARROW = {
    "time": ("timestamp", ("us",), {"tz": "UTC"}),
    "str": ("string", (), {}),
    "int": ("int64", (), {}),
    "float": ("float64", (), {}),
    "bool": ("bool_", (), {}),
}


def _parquet(path: Path, columns: Sequence[Column]) -> ParquetSink:
    """Parquet typed from the columns' declared types."""
    declared = {c.name: c.type for c in columns}

    def arrow_type(pa: Any, name: str) -> Any:
        factory, args, kwargs = _ARROW[declared[name]]
        return getattr(pa, factory)(*args, **kwargs)

    return ParquetSink(path, [c.name for c in columns], arrow_type, BATCH)


def open_sink(fmt: str, path: Path, columns: Sequence[Column]) -> Sink:
    return _parquet(path, columns) if fmt == "parquet" else CsvSink(path, columns)
