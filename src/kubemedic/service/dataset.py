"""Export what the store knows as labelled training data: findings, incidents, timeline, minute summaries.

`kubemedic dataset export` writes one file per table (CSV, or Parquet when pyarrow is installed), a
`dataset.json` manifest and a README. The labelled part is the timeline: each entry (a Kubernetes event, a
restart, a phase change, a finding opening or resolving) carries `label` = the categories of the
findings open on that object at that moment, so "what was happening" sits next to "what was wrong".

Whether a finding was open at time t comes from its own opened/resolved entries in the timeline (exact
across reopenings); a finding whose opening was already purged by retention falls back to its row's
first_seen/resolved_at. Rows are streamed from the database to the files; only the findings overlapping
the window are held in memory (one small tuple each) to label the timeline.

Metric series are exported as one file of points (`series.*`) at the resolution `--step` asks for
(raw, 1m - the default - or 10m; a bucket's row carries its mean as value, and min, max and count),
with the series' labels as columns and the same `label` as the timeline: the categories of the
findings open on the series' object at the point's time.
"""

from __future__ import annotations

import csv
import importlib
import importlib.util
import json
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol

from sqlalchemy import Row, Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from kubemedic import __version__
from kubemedic.domain import InputError
from kubemedic.service.parquet_sink import ParquetSink
from kubemedic.state.timeutil import parse_instant
from kubemedic.store import Store
from kubemedic.store.codec import utc
from kubemedic.store.series import POINT_TABLES, Resolution
from kubemedic.store.tables import FindingRow, IncidentRow, SeriesRow, SummaryRow, TimelineRow

FORMATS = ("csv", "parquet")
LIFECYCLE = ("finding-opened", "finding-resolved")
LABEL_SEPARATOR = ";"
BATCH = 1000  # rows fetched from the database, and written to a Parquet row group, at a time

FINDING_COLUMNS = (
    "id",
    "cluster",
    "kind",
    "namespace",
    "name",
    "category",
    "severity",
    "title",
    "status",
    "first_seen",
    "last_seen",
    "resolved_at",
    "occurrences",
    "incident_id",
)
INCIDENT_COLUMNS = (
    "id",
    "cluster",
    "title",
    "severity",
    "root_cause",
    "root_cause_finding_id",
    "status",
    "first_seen",
    "last_seen",
    "resolved_at",
    "finding_ids",
)
TIMELINE_COLUMNS = ("at", "cluster", "kind", "namespace", "name", "type", "text", "label")
SUMMARY_COLUMNS = (
    "at",
    "cluster",
    "nodes_ready",
    "nodes_total",
    "pods_ready",
    "pods_total",
    "restarts",
    "incidents_open",
    "pods_by_phase",
    "findings_by_severity",
    "top_findings",
)
SERIES_COLUMNS = (
    "at",
    "cluster",
    "metric",
    "kind",
    "namespace",
    "name",
    "container",
    "value",
    "min",
    "max",
    "count",
    "label",
)
TIME_COLUMNS = frozenset({"at", "first_seen", "last_seen", "resolved_at"})
INT_COLUMNS = frozenset(
    {
        "occurrences",
        "nodes_ready",
        "nodes_total",
        "pods_ready",
        "pods_total",
        "restarts",
        "incidents_open",
        "count",
    }
)
FLOAT_COLUMNS = frozenset({"value", "min", "max"})
NOT_INCLUDED = (
    "finding bodies (message, evidence, remediation): use the findings API for those",
    "timeline entry data beyond its text",
)


Cell = str | int | float | datetime | None
ObjectKey = tuple[str, str, str, str]  # cluster, kind, namespace, name


@dataclass(frozen=True, slots=True)
class ExportOptions:
    directory: Path
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive
    cluster: str | None = None
    format: str = "csv"
    step: str = "1m"  # resolution of the metric series file: raw, 1m or 10m


@dataclass(frozen=True, slots=True)
class TableFile:
    name: str  # findings, incidents, timeline, summaries, series
    path: Path
    rows: int
    columns: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ExportResult:
    directory: Path
    files: tuple[TableFile, ...]
    labelled_rows: int  # timeline rows with a non-empty label
    manifest: Path  # dataset.json


def parse_when(name: str, text: str | None, now: datetime) -> datetime | None:
    """`text` as an aware UTC datetime: RFC 3339 (UTC when no offset) or a duration before `now` (24h)."""
    if text is None or not text.strip():
        return None
    try:
        return parse_instant(text, now).astimezone(UTC)
    except (ValueError, OverflowError):
        raise InputError(
            f"--{name} {text!r} is neither an RFC 3339 time (2026-11-24T12:00:00Z) "
            "nor a duration back from now (90s, 15m, 24h, 7d)"
        ) from None


def check_options(options: ExportOptions) -> None:
    """Refuse what cannot work before anything is written: unknown format, missing pyarrow, a used dir."""
    if options.format not in FORMATS:
        raise InputError(f"--format {options.format!r} is not one of {', '.join(FORMATS)}")
    if options.step not in {r.value for r in Resolution}:
        known = ", ".join(r.value for r in Resolution)
        raise InputError(f"--step {options.step!r} is not one of {known}")
    if options.format == "parquet" and importlib.util.find_spec("pyarrow") is None:
        raise InputError("--format parquet needs pyarrow, which is not installed: pip install pyarrow")
    if options.since is not None and options.until is not None and options.since >= options.until:
        raise InputError(
            f"--since ({options.since.isoformat()}) must be before --until ({options.until.isoformat()})"
        )
    out = options.directory
    if out.exists() and not out.is_dir():
        raise InputError(f"{out} is a file; give a new directory to export into")
    if out.exists() and any(out.iterdir()):
        raise InputError(f"{out} is not empty; pick a new directory so two exports are never mixed")


async def export_dataset(store: Store, options: ExportOptions, *, now: datetime) -> ExportResult:
    """Write the five tables, the manifest and a README into `options.directory` (created if missing)."""
    check_options(options)
    options.directory.mkdir(parents=True, exist_ok=True)
    files: list[TableFile] = []
    async with AsyncSession(store.engine) as session:
        files.append(
            await _copy(session, options, "findings", FINDING_COLUMNS, _findings_query(options), _finding)
        )
        files.append(
            await _copy(session, options, "incidents", INCIDENT_COLUMNS, _incidents_query(options), _incident)
        )
        spans = await _finding_spans(session, options)
        labeller = _Labeller(spans, options.since)
        timeline = await _copy(
            session,
            options,
            "timeline",
            TIMELINE_COLUMNS,
            _timeline_query(options),
            labeller.row,
            labeller.keep,
        )
        files.append(timeline)
        files.append(
            await _copy(session, options, "summaries", SUMMARY_COLUMNS, _summaries_query(options), _summary)
        )
        files.append(
            await _copy(
                session, options, "series", SERIES_COLUMNS, _series_query(options), labeller.series_row
            )
        )
    result = ExportResult(
        options.directory, tuple(files), labeller.labelled, options.directory / "dataset.json"
    )
    _write_manifest(result, options, now)
    _write_readme(result, options)
    return result


# ---- queries: each table filtered by cluster and time window, in a stable order -----------------------


def _findings_query(o: ExportOptions) -> Select[Any]:
    """Findings whose life overlaps [since, until): opened before until, not resolved before since."""
    query = select(FindingRow.__table__).order_by(FindingRow.first_seen, FindingRow.cluster, FindingRow.id)
    if o.cluster is not None:
        query = query.where(FindingRow.cluster == o.cluster)
    if o.until is not None:
        query = query.where(FindingRow.first_seen < o.until)
    if o.since is not None:
        query = query.where(or_(FindingRow.resolved_at.is_(None), FindingRow.resolved_at >= o.since))
    return query


def _incidents_query(o: ExportOptions) -> Select[Any]:
    query = select(IncidentRow.__table__).order_by(
        IncidentRow.first_seen, IncidentRow.cluster, IncidentRow.id
    )
    if o.cluster is not None:
        query = query.where(IncidentRow.cluster == o.cluster)
    if o.until is not None:
        query = query.where(IncidentRow.first_seen < o.until)
    if o.since is not None:
        query = query.where(or_(IncidentRow.resolved_at.is_(None), IncidentRow.resolved_at >= o.since))
    return query


def _timeline_query(o: ExportOptions) -> Select[Any]:
    """Entries in the window, plus earlier finding openings/resolutions (they say what was open at since)."""
    query = select(TimelineRow.__table__).order_by(TimelineRow.at, TimelineRow.seq)
    if o.cluster is not None:
        query = query.where(TimelineRow.cluster == o.cluster)
    if o.until is not None:
        query = query.where(TimelineRow.at < o.until)
    if o.since is not None:
        query = query.where(or_(TimelineRow.at >= o.since, TimelineRow.type.in_(LIFECYCLE)))
    return query


def _summaries_query(o: ExportOptions) -> Select[Any]:
    query = select(SummaryRow.__table__).order_by(SummaryRow.at, SummaryRow.seq)
    if o.cluster is not None:
        query = query.where(SummaryRow.cluster == o.cluster)
    if o.until is not None:
        query = query.where(SummaryRow.at < o.until)
    if o.since is not None:
        query = query.where(SummaryRow.at >= o.since)
    return query


def _series_query(o: ExportOptions) -> Select[Any]:
    """Points (or buckets) of every series in the window, series by series, oldest first."""
    resolution = Resolution(o.step)
    points = POINT_TABLES[resolution]
    values = (
        [points.value] if resolution is Resolution.RAW else [points.sum, points.min, points.max, points.count]
    )
    query = (
        select(
            points.t,
            SeriesRow.cluster,
            SeriesRow.metric,
            SeriesRow.kind,
            SeriesRow.namespace,
            SeriesRow.name,
            SeriesRow.container,
            *values,
        )
        .join(SeriesRow, SeriesRow.id == points.series_id)
        .order_by(points.series_id, points.t)
    )
    if o.cluster is not None:
        query = query.where(SeriesRow.cluster == o.cluster)
    if o.since is not None:
        query = query.where(points.t >= round(o.since.timestamp() * 1000))
    if o.until is not None:
        query = query.where(points.t < round(o.until.timestamp() * 1000))
    return query


async def _rows(session: AsyncSession, query: Select[Any]) -> AsyncIterator[Any]:
    """Plain rows (no ORM objects: 2x faster) in batches from a server-side cursor: never the whole table."""
    result = await session.stream(query.execution_options(yield_per=BATCH))
    async for batch in result.partitions(BATCH):  # one hop to the database driver per batch, not per row
        for row in batch:
            yield row


async def _copy(
    session: AsyncSession,
    options: ExportOptions,
    name: str,
    columns: tuple[str, ...],
    query: Select[Any],
    to_cells: Callable[[Any], tuple[Cell, ...]],
    keep: Callable[[Any], bool] = lambda _row: True,
) -> TableFile:
    path = options.directory / f"{name}.{options.format}"
    rows = 0
    with _open_sink(options.format, path, columns) as sink:
        async for row in _rows(session, query):
            cells = to_cells(row)
            if keep(row):
                sink.write(cells)
                rows += 1
    return TableFile(name, path, rows, columns)


# ---- rows to cells ------------------------------------------------------------------------------------


def _finding(r: Row[Any]) -> tuple[Cell, ...]:
    return (
        r.id,
        r.cluster,
        r.kind,
        r.namespace,
        r.name,
        r.category,
        r.severity,
        r.title,
        r.status,
        utc(r.first_seen),
        utc(r.last_seen),
        utc(r.resolved_at),
        r.occurrences,
        r.incident_id,
    )


def _incident(r: Row[Any]) -> tuple[Cell, ...]:
    ids = r.body.get("finding_ids", []) if isinstance(r.body, dict) else []
    return (
        r.id,
        r.cluster,
        r.title,
        r.severity,
        r.root_cause,
        r.root_cause_finding_id,
        r.status,
        utc(r.first_seen),
        utc(r.last_seen),
        utc(r.resolved_at),
        LABEL_SEPARATOR.join(str(i) for i in ids),
    )


def _summary(r: Row[Any]) -> tuple[Cell, ...]:
    body = r.body if isinstance(r.body, dict) else {}
    return (
        utc(r.at),
        r.cluster,
        r.nodes_ready,
        r.nodes_total,
        r.pods_ready,
        r.pods_total,
        r.restarts,
        r.incidents_open,
        json.dumps(body.get("pods_by_phase", {}), sort_keys=True),
        json.dumps(body.get("findings_by_severity", {}), sort_keys=True),
        json.dumps(body.get("top_findings", [])),
    )


# ---- labels -------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Span:
    """A finding's life as its row records it (the fallback when its timeline entries were purged)."""

    finding_id: str
    category: str
    first_seen: datetime
    resolved_at: datetime | None

    def covers(self, at: datetime) -> bool:
        return self.first_seen <= at and (self.resolved_at is None or at < self.resolved_at)


async def _finding_spans(session: AsyncSession, options: ExportOptions) -> dict[ObjectKey, list[_Span]]:
    spans: dict[ObjectKey, list[_Span]] = {}
    async for r in _rows(session, _findings_query(options)):
        first = utc(r.first_seen) or r.first_seen
        spans.setdefault((r.cluster, r.kind, r.namespace, r.name), []).append(
            _Span(r.id, r.category, first, utc(r.resolved_at))
        )
    return spans


class _Labeller:
    """Follows the timeline in time order and knows, per object, which findings are open.

    A finding's own opened/resolved entries are the truth once seen; before its first entry, its row's
    first_seen/resolved_at are (that is how a finding opened before the retention horizon is still found).
    """

    def __init__(self, spans: dict[ObjectKey, list[_Span]], since: datetime | None) -> None:
        self._spans = spans
        self._open: dict[ObjectKey, dict[str, tuple[str, datetime]]] = {}  # finding -> category, since
        self._closed: dict[ObjectKey, list[tuple[str, datetime, datetime]]] = {}  # category, from, to
        self._seen: set[str] = set()
        self._since = since
        self.labelled = 0

    def keep(self, r: Row[Any]) -> bool:
        """Earlier lifecycle entries are read only to know what was open when the window starts."""
        return self._since is None or (utc(r.at) or r.at) >= self._since

    def row(self, r: Row[Any]) -> tuple[Cell, ...]:
        at = utc(r.at) or r.at
        key = (r.cluster, r.kind, r.namespace, r.name)
        data = r.data if isinstance(r.data, dict) else {}
        finding_id = str(data.get("finding_id", ""))
        if r.type in LIFECYCLE and finding_id:
            open_here = self._open.setdefault(key, {})
            category = str(data.get("category", ""))
            if r.type == "finding-opened":
                open_here[finding_id] = (category, at)
            else:
                start = open_here.pop(finding_id, None)
                if start is None and finding_id not in self._seen:  # its opening was purged: use its row
                    first = [s.first_seen for s in self._spans.get(key, ()) if s.finding_id == finding_id]
                    start = (category, first[0] if first else at)
                if start is not None:
                    self._closed.setdefault(key, []).append((start[0], start[1], at))
            self._seen.add(finding_id)
        categories = {category for category, _since in self._open.get(key, {}).values()}
        categories.update(
            s.category for s in self._spans.get(key, ()) if s.finding_id not in self._seen and s.covers(at)
        )
        categories.discard("")
        label = LABEL_SEPARATOR.join(sorted(categories))
        if label and self.keep(r):
            self.labelled += 1
        return (at, r.cluster, r.kind, r.namespace, r.name, r.type, r.text, label)

    def label_at(self, key: ObjectKey, at: datetime) -> str:
        """What was open on an object at any time, once the whole timeline has been read."""
        categories = {c for c, start, end in self._closed.get(key, ()) if start <= at < end}
        categories.update(c for c, start in self._open.get(key, {}).values() if start <= at)
        categories.update(
            s.category for s in self._spans.get(key, ()) if s.finding_id not in self._seen and s.covers(at)
        )
        categories.discard("")
        return LABEL_SEPARATOR.join(sorted(categories))

    def series_row(self, r: Row[Any]) -> tuple[Cell, ...]:
        cells: tuple[Any, ...] = tuple(r)
        at = datetime.fromtimestamp(cells[0] / 1000, UTC)
        numbers = cells[7:]
        if len(numbers) == 1:  # a raw point
            value = low = high = numbers[0]
            count = 1
        else:
            total, low, high, count = numbers
            value = total / count
        label = self.label_at((r.cluster, r.kind, r.namespace, r.name), at)
        return (
            at,
            r.cluster,
            r.metric,
            r.kind,
            r.namespace,
            r.name,
            r.container,
            value,
            low,
            high,
            count,
            label,
        )


# ---- sinks --------------------------------------------------------------------------------------------


class _Sink(Protocol):
    def write(self, cells: Sequence[Cell]) -> None: ...

    def __enter__(self) -> _Sink: ...

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...


def _text(cell: Cell) -> str | int | float:
    if cell is None:
        return ""
    if isinstance(cell, datetime):
        return cell.isoformat()
    return cell


class _CsvSink:
    """RFC 4180 CSV with a header row; times as RFC 3339, missing values empty."""

    def __init__(self, path: Path, columns: Sequence[str]) -> None:
        self._file = path.open("w", newline="", encoding="utf-8")
        self._writer = csv.writer(self._file)
        self._writer.writerow(columns)

    def write(self, cells: Sequence[Cell]) -> None:
        self._writer.writerow([_text(c) for c in cells])

    def __enter__(self) -> _CsvSink:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._file.close()


def _arrow_type(pa: Any, column: str) -> Any:
    if column in TIME_COLUMNS:
        return pa.timestamp("us", tz="UTC")
    if column in FLOAT_COLUMNS:
        return pa.float64()
    return pa.int64() if column in INT_COLUMNS else pa.string()


def _open_sink(fmt: str, path: Path, columns: Sequence[str]) -> _Sink:
    if fmt == "parquet":  # times as UTC timestamps, counts as int64, the rest strings
        return ParquetSink(path, columns, _arrow_type, BATCH)
    return _CsvSink(path, columns)


# ---- manifest and README --------------------------------------------------------------------------------


def _write_manifest(result: ExportResult, options: ExportOptions, now: datetime) -> None:
    manifest = {
        "kubemedic_version": __version__,
        "exported_at": now.isoformat(),
        "format": options.format,
        "cluster": options.cluster,
        "since": options.since.isoformat() if options.since else None,
        "until": options.until.isoformat() if options.until else None,
        "files": {
            f.name: {"path": f.path.name, "rows": f.rows, "columns": list(f.columns)} for f in result.files
        },
        "label": {
            "file": f"timeline.{options.format}",
            "column": "label",
            "meaning": "categories of the findings open on the entry's object at its time, "
            f"sorted and joined with {LABEL_SEPARATOR!r}; empty when nothing was open",
            "labelled_rows": result.labelled_rows,
        },
        "series": {
            "file": f"series.{options.format}",
            "step": options.step,
            "resolution_s": Resolution(options.step).seconds,
            "columns": "at = the point's time (raw) or its bucket's start; value = the value (raw) or "
            "the bucket's mean, with min, max and count; label = as in the timeline, for the series' object",
        },
        "not_included": list(NOT_INCLUDED),
    }
    result.manifest.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


def _write_readme(result: ExportResult, options: ExportOptions) -> None:
    lines = [
        "# kubemedic dataset export",
        "",
        f"Exported by kubemedic {__version__}; window "
        f"[{options.since.isoformat() if options.since else 'beginning'}, "
        f"{options.until.isoformat() if options.until else 'now'}), "
        f"cluster {options.cluster or 'all'}. Counts and columns: dataset.json.",
        "",
    ]
    lines += [f"- `{f.path.name}`: {f.rows} rows" for f in result.files]
    lines += [
        "",
        "Labels: `timeline.*` column `label` = the categories of the findings open on that object at that",
        f"time ({LABEL_SEPARATOR!r}-joined), empty when nothing was open "
        f"({result.labelled_rows} labelled rows).",
        "",
        f"Metric series: `series.*`, one row per point at step {options.step} (a bucket's start, mean,",
        "min, max, count), labelled like the timeline with what was open on the series' object.",
        "",
        "Not included:",
        *[f"- {item}" for item in NOT_INCLUDED],
        "",
    ]
    (options.directory / "README.md").write_text("\n".join(lines), encoding="utf-8")
