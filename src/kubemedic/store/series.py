"""Metric series on SQLite or PostgreSQL: a catalogue, raw points, and 1-minute / 10-minute rollups.

Layout. A series is named by (cluster, SeriesId.key()); the catalogue (`metric_series`) gives it a small
integer id and keeps its labels (metric, kind, namespace, name, container) as columns, so a query filters
on them without parsing keys. Points refer to the id: raw points are (id, t, value); a rollup bucket is
(id, bucket start, count, sum, min, max, last) - enough for the mean, the extremes and the latest value
to survive downsampling exactly. Times are integer epoch milliseconds (exact equality for the primary
key, integer arithmetic for buckets on both databases).

Why rollups are recomputed at write time, not upserted sample by sample nor compacted later. After a
batch's raw points are inserted, the buckets the batch touched are recomputed from the finer resolution
inside the database: 1-minute buckets from the raw points, 10-minute buckets from the 1-minute ones, one
INSERT ... SELECT ... ON CONFLICT DO UPDATE statement each, whatever the batch size. Compared with adding
each sample into its bucket, this is idempotent: a point already stored (a retried batch, a duplicate
reading) is ignored by the raw table's key and cannot be counted twice, and a late sample simply
recomputes its bucket. Compared with a periodic compaction, the rollups are never behind, so a query at
any resolution sees the newest reading and needs no "raw tail" stitched on. The cost is reading back
the current minute's raw points and the current ten minutes' 1-minute rows of the cluster on each
write: measured in bench/series_bench.py and docs/benchmarks.md.

Bad samples (a NaN or infinite value or time, labels too long to store) are refused one by one, each
with a message naming the series and the reason; the rest of the batch is written.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from typing import Any, cast

from sqlalchemy import ARRAY, String, Table, any_, bindparam, delete, exists, select, text
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from kubemedic.domain import InputError
from kubemedic.metrics.samples import Sample, SeriesId
from kubemedic.store.gate import WriteGate
from kubemedic.store.records import Page
from kubemedic.store.tables import MinutePointRow, RawPointRow, SeriesRow, TenMinutePointRow

CHUNK = 500  # ids or keys per IN (...) list
MAX_PAGE = 1000
ID_TTL_S = 600.0  # a cached series id is looked up again after this long (see purge)
LABEL_LIMITS = {"metric": 200, "kind": 100, "namespace": 253, "name": 253, "container": 253}
KEY_LIMIT = 1024


class Resolution(Enum):
    """How finely a series is kept: raw samples, or 1-minute / 10-minute buckets."""

    RAW = "raw"
    MINUTE = "1m"
    TEN_MINUTES = "10m"

    @property
    def seconds(self) -> int:
        """The bucket width (0 for raw points)."""
        return {"raw": 0, "1m": 60, "10m": 600}[self.value]

    @classmethod
    def parse(cls, text: str) -> Resolution:
        try:
            return cls(text.strip().lower())
        except ValueError:
            known = ", ".join(r.value for r in cls)
            raise InputError(f"step {text!r} is not one of {known}") from None


@dataclass(frozen=True, slots=True)
class StoredSeries:
    id: int
    cluster: str
    series: SeriesId


@dataclass(frozen=True, slots=True)
class SeriesPoint:
    """A raw point (count 1, min = max = last = value) or a bucket (value = the mean; timestamp = start)."""

    timestamp: float  # epoch seconds
    value: float
    min: float
    max: float
    count: int
    last: float


@dataclass(frozen=True, slots=True)
class WriteResult:
    written: int  # samples accepted (one already stored at the same time is kept, not doubled)
    rejected: tuple[str, ...]  # one message per refused sample, naming the series and why


@dataclass(frozen=True, slots=True)
class SeriesPurge:
    raw: int
    minute: int
    ten_minutes: int
    series: int  # catalogue rows left without any point


POINT_TABLES: dict[Resolution, Any] = {  # the table of each resolution
    Resolution.RAW: RawPointRow,
    Resolution.MINUTE: MinutePointRow,
    Resolution.TEN_MINUTES: TenMinutePointRow,
}

# Recompute the buckets of [lo, hi) of one cluster's series from the finer table. `last` is the value
# of the newest row in the bucket (a window function, the same SQL on SQLite >= 3.25 and PostgreSQL).
_UNNEST_POINTS = """
INSERT INTO metric_points_raw (series_id, t, value)
SELECT * FROM unnest(CAST(:ids AS INTEGER[]), CAST(:ts AS BIGINT[]), CAST(:vs AS DOUBLE PRECISION[]))
ON CONFLICT DO NOTHING
"""
_SERIES = cast(Table, SeriesRow.__table__)  # Core inserts: no ORM bookkeeping per row
_RAW = cast(Table, RawPointRow.__table__)
_LABELS = ("key", "metric", "kind", "namespace", "name", "container")
_UNNEST_SERIES = """
INSERT INTO metric_series (cluster, key, metric, kind, namespace, name, container)
SELECT :cluster, * FROM unnest(CAST(:key AS VARCHAR[]), CAST(:metric AS VARCHAR[]), CAST(:kind AS VARCHAR[]),
    CAST(:namespace AS VARCHAR[]), CAST(:name AS VARCHAR[]), CAST(:container AS VARCHAR[]))
ON CONFLICT DO NOTHING
"""
_ROLLUP_FROM_RAW = """
INSERT INTO metric_points_1m (series_id, t, count, sum, min, max, last)
SELECT series_id, bucket, COUNT(*), SUM(value), MIN(value), MAX(value), MAX(newest)
FROM (
    SELECT series_id, t - (t % 60000) AS bucket, value,
           FIRST_VALUE(value) OVER (PARTITION BY series_id, t - (t % 60000) ORDER BY t DESC) AS newest
    FROM metric_points_raw
    WHERE t >= :lo AND t < :hi AND {written}
) AS points
WHERE true
GROUP BY series_id, bucket
ON CONFLICT (series_id, t) DO UPDATE SET
    count = excluded.count, sum = excluded.sum, min = excluded.min, max = excluded.max, last = excluded.last
"""
_ROLLUP_FROM_MINUTES = """
INSERT INTO metric_points_10m (series_id, t, count, sum, min, max, last)
SELECT series_id, bucket, SUM(count), SUM(sum), MIN(min), MAX(max), MAX(newest)
FROM (
    SELECT series_id, t - (t % 600000) AS bucket, count, sum, min, max,
           FIRST_VALUE(last) OVER (PARTITION BY series_id, t - (t % 600000) ORDER BY t DESC) AS newest
    FROM metric_points_1m
    WHERE t >= :lo AND t < :hi AND {written}
) AS buckets
WHERE true
GROUP BY series_id, bucket
ON CONFLICT (series_id, t) DO UPDATE SET
    count = excluded.count, sum = excluded.sum, min = excluded.min, max = excluded.max, last = excluded.last
"""


class SeriesStore:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        dialect: str,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        gate: WriteGate | None = None,
    ) -> None:
        self._sessions = sessions
        self._write = gate or WriteGate(dialect)
        self._postgres = dialect == "postgresql"
        self._monotonic = monotonic
        self._ids: dict[tuple[str, str], tuple[int, float]] = {}  # (cluster, key) -> (id, looked up at)

    # ---- writing ----------------------------------------------------------------------------------

    async def write(self, cluster: str, samples: Sequence[Sample]) -> WriteResult:
        """Store a batch of one cluster's samples (one transaction) and bring the rollups up to date."""
        rejected: list[str] = []
        good: list[Sample] = []
        for sample in samples:
            problem = _problem(sample)
            if problem:
                rejected.append(problem)
            else:
                good.append(sample)
        if not good:
            return WriteResult(0, tuple(rejected))
        async with self._write(background=True), self._sessions.begin() as session:
            ids, fresh = await self._resolve(session, cluster, dict.fromkeys(s.series for s in good))
            points: dict[tuple[int, int], float] = {}
            for s in good:
                points[(ids[s.series], _ms(s.timestamp))] = s.value  # a repeat in the batch: the last wins
            await self._insert_points(session, points)
            times = [t for _sid, t in points]
            await self._roll_up(session, {sid for sid, _t in points}, min(times), max(times))
        self._ids.update(fresh)  # only once committed: a rolled-back catalogue row has no id
        return WriteResult(len(good), tuple(rejected))

    async def _insert_points(self, session: AsyncSession, points: dict[tuple[int, int], float]) -> None:
        """Raw points, a point already stored at the same (series, time) kept as it is.

        PostgreSQL gets the batch as three arrays in one statement (asyncpg's executemany is a round
        trip per row: 5x slower for a reading of 5,000 pods); SQLite's executemany is a loop in C.
        """
        if self._postgres:
            keys = list(points)
            await session.execute(
                text(_UNNEST_POINTS),
                {"ids": [k[0] for k in keys], "ts": [k[1] for k in keys], "vs": list(points.values())},
            )
            return
        rows = [{"series_id": sid, "t": t, "value": v} for (sid, t), v in points.items()]
        await session.execute(sqlite_insert(_RAW).on_conflict_do_nothing(), rows)

    async def _roll_up(
        self, session: AsyncSession, series_ids: Collection[int], first: int, last: int
    ) -> None:
        """Recompute the buckets the written points fall in - of the series written only: the sink
        writes a reading in slices, and each slice re-aggregating every series of the cluster made a
        reading's database work grow with the square of its size."""
        ids: object = sorted(series_ids)
        if self._postgres:
            written = "series_id = ANY(CAST(:ids AS INTEGER[]))"
        else:
            written, ids = "series_id IN (SELECT value FROM json_each(:ids))", json.dumps(ids)
        lo, hi = first - first % 60_000, last - last % 60_000 + 60_000
        await session.execute(
            text(_ROLLUP_FROM_RAW.format(written=written)), {"lo": lo, "hi": hi, "ids": ids}
        )
        lo, hi = first - first % 600_000, last - last % 600_000 + 600_000
        await session.execute(
            text(_ROLLUP_FROM_MINUTES.format(written=written)), {"lo": lo, "hi": hi, "ids": ids}
        )

    async def _resolve(
        self, session: AsyncSession, cluster: str, wanted: Iterable[SeriesId]
    ) -> tuple[dict[SeriesId, int], dict[tuple[str, str], tuple[int, float]]]:
        """The catalogue id of every series (created when new); and the lookups to cache after commit."""
        now = self._monotonic()
        ids: dict[SeriesId, int] = {}
        missing: dict[str, SeriesId] = {}
        for series in wanted:
            hit = self._ids.get((cluster, series.key()))
            if hit is not None and now - hit[1] < ID_TTL_S:
                ids[series] = hit[0]
            else:
                missing[series.key()] = series
        fresh: dict[tuple[str, str], tuple[int, float]] = {}
        if not missing:
            return ids, fresh
        rows = [
            {
                "cluster": cluster,
                "key": key,
                "metric": s.metric,
                "kind": s.kind,
                "namespace": s.namespace,
                "name": s.name,
                "container": s.container,
            }
            for key, s in missing.items()
        ]
        if self._postgres:
            columns = {c: [row[c] for row in rows] for c in _LABELS}
            await session.execute(text(_UNNEST_SERIES), {"cluster": cluster, **columns})
        else:
            await session.execute(sqlite_insert(_SERIES).on_conflict_do_nothing(), rows)
        keys = list(missing)
        step = len(keys) if self._postgres else CHUNK  # PostgreSQL: one array parameter, any length
        for start in range(0, len(keys), step):
            chunk = keys[start : start + step]
            where = (
                SeriesRow.key == any_(bindparam("keys", chunk, type_=ARRAY(String)))
                if self._postgres
                else SeriesRow.key.in_(chunk)
            )
            found = await session.execute(
                select(SeriesRow.key, SeriesRow.id).where(SeriesRow.cluster == cluster, where)
            )
            for key, sid in found.all():
                ids[missing[key]] = sid
                fresh[(cluster, key)] = (sid, now)
        return ids, fresh

    # ---- reading ----------------------------------------------------------------------------------

    async def catalogue(
        self,
        *,
        cluster: str | None = None,
        metric: str | None = None,
        kind: str | None = None,
        namespace: str | None = None,
        name: str | None = None,
        container: str | None = None,
        key: str | None = None,
        limit: int = 100,
        after: int = 0,
    ) -> Page[StoredSeries]:
        """Series matching every filter given, in id order; the cursor is the last id of the page."""
        if not 1 <= limit <= MAX_PAGE:
            raise InputError(f"limit must be between 1 and {MAX_PAGE}, got {limit}")
        query = select(SeriesRow).where(SeriesRow.id > after).order_by(SeriesRow.id).limit(limit + 1)
        for column, value in (
            (SeriesRow.cluster, cluster),
            (SeriesRow.metric, metric),
            (SeriesRow.kind, kind),
            (SeriesRow.namespace, namespace),
            (SeriesRow.name, name),
            (SeriesRow.container, container),
            (SeriesRow.key, key),
        ):
            if value is not None:
                query = query.where(column == value)
        async with self._sessions() as session:
            rows = list((await session.scalars(query)).all())
        more = len(rows) > limit
        rows = rows[:limit]
        items = tuple(
            StoredSeries(r.id, r.cluster, SeriesId(r.metric, r.kind, r.namespace, r.name, r.container))
            for r in rows
        )
        return Page(items, str(rows[-1].id) if more and rows else None)

    async def points(
        self, series_ids: Sequence[int], resolution: Resolution, since: datetime, until: datetime
    ) -> dict[int, tuple[SeriesPoint, ...]]:
        """Each series' points oldest first: raw points with since <= t < until, or the buckets that
        overlap [since, until). A series without points in the window maps to ()."""
        table = POINT_TABLES[resolution]
        lo, hi = _ms(since.timestamp()), _ms(until.timestamp())
        width = resolution.seconds * 1000
        if width:
            lo -= lo % width
        out: dict[int, list[SeriesPoint]] = {sid: [] for sid in series_ids}
        async with self._sessions() as session:
            for start in range(0, len(series_ids), CHUNK):
                chunk = list(series_ids[start : start + CHUNK])
                if resolution is Resolution.RAW:
                    query: Any = select(table.series_id, table.t, table.value)
                else:
                    query = select(
                        table.series_id, table.t, table.count, table.sum, table.min, table.max, table.last
                    )
                query = query.where(table.series_id.in_(chunk), table.t >= lo, table.t < hi).order_by(
                    table.series_id, table.t
                )
                for row in (await session.execute(query)).all():
                    out[row[0]].append(_point(row, raw=resolution is Resolution.RAW))
        return {sid: tuple(points) for sid, points in out.items()}

    # ---- retention --------------------------------------------------------------------------------

    async def purge(
        self, *, raw_before: datetime, minute_before: datetime, ten_before: datetime
    ) -> SeriesPurge:
        """Delete each resolution's points older than its cutoff, then series left without any point."""
        counts: list[int] = []
        async with self._write(background=True), self._sessions.begin() as session:
            for table, cutoff in (
                (RawPointRow, raw_before),
                (MinutePointRow, minute_before),
                (TenMinutePointRow, ten_before),
            ):
                result = await session.execute(delete(table).where(table.t < _ms(cutoff.timestamp())))
                counts.append(_count(result))
            orphans = await session.execute(
                delete(SeriesRow).where(
                    *(~exists().where(t.series_id == SeriesRow.id) for t in POINT_TABLES.values())
                )
            )
            counts.append(_count(orphans))
        if counts[3]:
            self._ids.clear()  # some cached ids may name deleted series
        return SeriesPurge(*counts)


def _problem(sample: Sample) -> str:
    """Why this sample cannot be stored, or ""."""
    s = sample.series
    where = f"series {s.key()!r}"
    if not math.isfinite(sample.value):
        return f"{where}: value {sample.value!r} at {_when(sample.timestamp)} is not a finite number"
    if not math.isfinite(sample.timestamp) or sample.timestamp < 0:
        return f"{where}: timestamp {sample.timestamp!r} is not a time (epoch seconds)"
    if not s.metric:
        return f"{where}: the metric name is empty"
    for label, limit in LABEL_LIMITS.items():
        if len(getattr(s, label)) > limit:
            return f"{where}: {label} is longer than {limit} characters"
    if len(s.key()) > KEY_LIMIT:
        return f"{where}: the key is longer than {KEY_LIMIT} characters"
    return ""


def _when(timestamp: float) -> str:
    try:
        return datetime.fromtimestamp(timestamp, UTC).isoformat()
    except (ValueError, OverflowError, OSError):
        return repr(timestamp)


def _ms(seconds: float) -> int:
    return round(seconds * 1000)


def _point(row: Any, *, raw: bool) -> SeriesPoint:
    if raw:
        _sid, t, value = row
        return SeriesPoint(t / 1000, value, value, value, 1, value)
    _sid, t, count, total, low, high, last = row
    return SeriesPoint(t / 1000, total / count, low, high, count, last)


def _count(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)
