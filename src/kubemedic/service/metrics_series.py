"""Stored metric series as a service: the collectors' sink, retention, and the queries the API and the
dataset export read with.

Writing: `record(cluster, samples)` stores a reading (see store/series.py for the layout and why the
rollups are recomputed as samples arrive); `sink(cluster)` is the same as the callable MetricsWatch
hands each reading to, which logs a failure instead of raising so a database hiccup never stops the
collection. A sample older than the raw retention is refused: its minute's raw points are gone, so
its rollup buckets could not be recomputed exactly.

Reading: `query()` picks the resolution from the time range unless a step is given - raw points up to
an hour back, 1-minute buckets up to two days, else 10-minute buckets - and never a resolution whose
retention no longer covers `since` (a 1-hour window that started 8 hours ago reads 1-minute buckets).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import structlog

from kubemedic.domain import InputError
from kubemedic.metrics.samples import Sample, SeriesId
from kubemedic.store import Page, Store
from kubemedic.store.series import (
    ID_TTL_S,
    Resolution,
    SeriesPoint,
    SeriesPurge,
    StoredSeries,
    WriteResult,
)

Clock = Callable[[], datetime]
Sink = Callable[[Sequence[Sample]], Awaitable[None]]

AUTO = "auto"
STEPS = (AUTO, *(r.value for r in Resolution))
RAW_UP_TO = timedelta(hours=1)  # auto: ranges up to this long read raw points
MINUTE_UP_TO = timedelta(days=2)  # ... up to this long 1-minute buckets, longer ones 10-minute buckets
MAX_SERIES = 100  # series in one query answer
DEFAULT_WINDOW = timedelta(hours=1)

SINK_SLICE = 250  # samples written per transaction by the sink (a short hold of the database)
SINK_PAUSE_S = 0.01  # between two slices


@dataclass(frozen=True, slots=True)
class SeriesRetention:
    """How long each resolution is kept (KUBEMEDIC_SERIES_RAW_HOURS, _SERIES_1M_HOURS, _SERIES_10M_HOURS)."""

    raw: timedelta = timedelta(hours=6)
    minute: timedelta = timedelta(hours=48)
    ten_minutes: timedelta = timedelta(days=30)

    def __post_init__(self) -> None:
        if self.raw < timedelta(seconds=2 * ID_TTL_S):
            raise InputError(
                f"raw series must be kept at least {2 * ID_TTL_S / 60:.0f} minutes, got {self.raw}"
            )
        if not self.raw <= self.minute <= self.ten_minutes:
            raise InputError(
                "series retention must not shrink as the resolution coarsens: "
                f"raw {self.raw}, 1m {self.minute}, 10m {self.ten_minutes}"
            )

    @classmethod
    def from_hours(cls, raw: float, minute: float, ten_minutes: float) -> SeriesRetention:
        return cls(timedelta(hours=raw), timedelta(hours=minute), timedelta(hours=ten_minutes))

    def keeps(self, resolution: Resolution) -> timedelta:
        return {Resolution.RAW: self.raw, Resolution.MINUTE: self.minute}.get(resolution, self.ten_minutes)


@dataclass(frozen=True, slots=True)
class SeriesFilter:
    """Which series a query reads: one key, or every series matching the labels given."""

    cluster: str | None = None
    key: str | None = None
    metric: str | None = None
    kind: str | None = None
    namespace: str | None = None
    name: str | None = None
    container: str | None = None


@dataclass(frozen=True, slots=True)
class SeriesData:
    series: StoredSeries
    points: tuple[SeriesPoint, ...]


@dataclass(frozen=True, slots=True)
class QueryResult:
    resolution: Resolution
    since: datetime
    until: datetime
    series: tuple[SeriesData, ...]
    truncated: bool  # more series matched than `limit`


def choose_resolution(
    step: str, since: datetime, until: datetime, now: datetime, retention: SeriesRetention
) -> Resolution:
    """An explicit step as given; `auto` the finest resolution the range and the retention allow."""
    text = step.strip().lower() or AUTO
    if text != AUTO:
        return Resolution.parse(text)
    span = until - since
    if span <= RAW_UP_TO and since >= now - retention.raw:
        return Resolution.RAW
    if span <= MINUTE_UP_TO and since >= now - retention.minute:
        return Resolution.MINUTE
    return Resolution.TEN_MINUTES


class MetricsSeries:
    def __init__(self, store: Store, *, clock: Clock, retention: SeriesRetention | None = None) -> None:
        self.store = store
        self.clock = clock
        self.retention = retention or SeriesRetention()
        self.written = 0
        self.rejected = 0
        self._log = structlog.get_logger("kubemedic.series")

    # ---- writing ----------------------------------------------------------------------------------

    async def record(self, cluster: str, samples: Sequence[Sample]) -> WriteResult:
        """Store one reading of `cluster`; refused samples are counted, logged and returned."""
        horizon = (self.clock() - self.retention.raw).timestamp()
        fresh = [s for s in samples if not s.timestamp < horizon]  # NaN times go on, to be refused by name
        late = tuple(
            f"series {s.series.key()!r}: sample at {_iso(s.timestamp)} is older than the raw retention "
            f"({self.retention.raw})"
            for s in samples
            if s.timestamp < horizon
        )
        result = await self.store.series.write(cluster, fresh) if fresh else WriteResult(0, ())
        result = WriteResult(result.written, late + result.rejected)
        self.written += result.written
        self.rejected += len(result.rejected)
        if result.rejected:
            self._log.warning(
                "samples refused",
                cluster=cluster,
                refused=len(result.rejected),
                written=result.written,
                first=list(result.rejected[:3]),
            )
        return result

    def sink(
        self, cluster: Callable[[], str], *, pause: Callable[[], Awaitable[object]] | None = None
    ) -> Sink:
        """What MetricsWatch calls with each reading (`cluster()` names the watched cluster when called).
        Each slice waits for `pause()` first: the monitor's pause between analyses (foreground.py)."""

        async def write(samples: Sequence[Sample]) -> None:
            # In slices with a pause between them: a reading of a big cluster is ten thousand samples,
            # and written at once it is a burst of database work that API requests would queue behind.
            for start in range(0, len(samples), SINK_SLICE):
                if start:
                    await asyncio.sleep(SINK_PAUSE_S)
                if pause is not None:
                    await pause()
                part = samples[start : start + SINK_SLICE]
                try:
                    await self.record(cluster(), part)
                except Exception as exc:  # boundary: a failed write is logged; the next reading tries again
                    self._log.warning(
                        "series write failed", error=f"{type(exc).__name__}: {exc}", samples=len(part)
                    )

        return write

    async def purge(self) -> SeriesPurge:
        """Delete what each resolution's retention no longer covers."""
        now = self.clock()
        return await self.store.series.purge(
            raw_before=now - self.retention.raw,
            minute_before=now - self.retention.minute,
            ten_before=now - self.retention.ten_minutes,
        )

    # ---- reading ----------------------------------------------------------------------------------

    async def catalogue(
        self, which: SeriesFilter, *, limit: int = 100, cursor: str | None = None
    ) -> Page[StoredSeries]:
        """The series matching `which`, in a stable order, with a cursor for the next page."""
        after = 0
        if cursor:
            if not (cursor.isascii() and cursor.isdigit() and len(cursor) <= 18):
                raise InputError(f"cursor {cursor!r} is not one this server handed out")
            after = int(cursor)
        return await self.store.series.catalogue(
            cluster=which.cluster,
            key=_checked_key(which.key),
            metric=which.metric,
            kind=which.kind,
            namespace=which.namespace,
            name=which.name,
            container=which.container,
            limit=limit,
            after=after,
        )

    async def query(
        self,
        which: SeriesFilter,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        step: str = AUTO,
        limit: int = 20,
    ) -> QueryResult:
        """Points of the matching series in [since, until) (default: the last hour) at the chosen step."""
        if which.key is None and which.metric is None:
            raise InputError(
                "name the series: series=KEY (metric|kind|namespace|name|container), "
                "or metric= with namespace=, name=, container= or kind= to narrow it"
            )
        if not 1 <= limit <= MAX_SERIES:
            raise InputError(f"limit must be between 1 and {MAX_SERIES}, got {limit}")
        now = self.clock()
        end = until or now
        start = since or end - DEFAULT_WINDOW
        if start >= end:
            raise InputError(f"since ({start.isoformat()}) must be before until ({end.isoformat()})")
        resolution = choose_resolution(step, start, end, now, self.retention)
        page = await self.catalogue(which, limit=limit)
        points = await self.store.series.points([s.id for s in page.items], resolution, start, end)
        data = tuple(SeriesData(s, points[s.id]) for s in page.items)
        return QueryResult(resolution, start, end, data, page.next_cursor is not None)


def _checked_key(key: str | None) -> str | None:
    """A series key as the catalogue stores it; a clear error for one that is not a key."""
    if key is None:
        return None
    try:
        return SeriesId.from_key(key).key()
    except ValueError as exc:
        raise InputError(str(exc)) from None


def _iso(timestamp: float) -> str:
    try:
        return datetime.fromtimestamp(timestamp, UTC).isoformat()
    except (ValueError, OverflowError, OSError):
        return repr(timestamp)
