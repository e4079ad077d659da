"""Stored metric series over HTTP: which series there are, and their points over a time window.

Both read the store (every replica answers, watching or not). A series is named by its key,
`metric|kind|namespace|name|container` (container empty when the value is not per container, e.g.
`memory_working_set_bytes|Pod|shop|api-1|`), or found by those labels. Timestamps of points are epoch
seconds (what charting libraries take); `since` / `until` take an RFC 3339 time or a duration back from
now like the history routes. Bad input - an unknown step, since after until, a malformed key, a cursor
this server did not hand out - is a 400 problem+json naming what was wrong.
"""

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from kubemedic.api.auth import Caller
from kubemedic.api.history_routes import window
from kubemedic.service.metrics_series import (
    DEFAULT_WINDOW,
    MAX_SERIES,
    STEPS,
    MetricsSeries,
    SeriesData,
    SeriesFilter,
)
from kubemedic.store.series import MAX_PAGE, Resolution, SeriesPoint, StoredSeries

Clock = Callable[[], datetime]
_OBJECT: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/json": {"schema": {"type": "object"}}}}
}
KEY_HELP = "A series key: metric|kind|namespace|name|container (container may be empty)."
WHEN_HELP = "RFC 3339 time (no offset = UTC) or a duration back from now (90s, 15m, 2h, 1d)."


def series_dict(s: StoredSeries) -> dict[str, Any]:
    return {
        "key": s.series.key(),
        "cluster": s.cluster,
        "metric": s.series.metric,
        "kind": s.series.kind,
        "namespace": s.series.namespace,
        "name": s.series.name,
        "container": s.series.container,
    }


def point_dict(p: SeriesPoint, resolution: Resolution) -> dict[str, Any]:
    if resolution is Resolution.RAW:
        return {"timestamp": p.timestamp, "value": p.value}
    return {
        "timestamp": p.timestamp,
        "value": p.value,
        "min": p.min,
        "max": p.max,
        "count": p.count,
        "last": p.last,
    }


def data_dict(d: SeriesData, resolution: Resolution) -> dict[str, Any]:
    return {**series_dict(d.series), "points": [point_dict(p, resolution) for p in d.points]}


def metrics_router(series: MetricsSeries, viewer: Any, clock: Clock | None = None) -> APIRouter:
    router = APIRouter()
    Viewer = Annotated[Caller, Depends(viewer)]
    now = clock or series.clock  # the service's clock: `auto` and the retention agree with the window

    @router.get("/api/v1/metrics/series", responses=_OBJECT)
    async def list_series(
        _c: Viewer,
        cluster: str | None = None,
        metric: str | None = None,
        kind: str | None = None,
        namespace: str | None = None,
        name: str | None = None,
        container: str | None = None,
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100,
        cursor: Annotated[str | None, Query(description="next_cursor of the previous page")] = None,
    ) -> dict[str, Any]:
        """The stored series matching every filter given, a page at a time (stable order)."""
        which = SeriesFilter(cluster, None, metric, kind, namespace, name, container)
        page = await series.catalogue(which, limit=limit, cursor=cursor)
        return {"items": [series_dict(s) for s in page.items], "next_cursor": page.next_cursor}

    @router.get("/api/v1/metrics/query", responses=_OBJECT)
    async def query(
        _c: Viewer,
        series_key: Annotated[str | None, Query(alias="series", description=KEY_HELP)] = None,
        cluster: str | None = None,
        metric: str | None = None,
        kind: str | None = None,
        namespace: str | None = None,
        name: str | None = None,
        container: str | None = None,
        since: Annotated[str | None, Query(description=f"{WHEN_HELP} Default: an hour before until.")] = None,
        until: Annotated[str | None, Query(description=f"{WHEN_HELP} Default: now.")] = None,
        step: Annotated[
            str,
            Query(
                description=f"One of {', '.join(STEPS)}. auto: raw points for ranges up to 1 h, 1-minute "
                "buckets up to 2 days, else 10-minute buckets (coarser when the finer one has expired)."
            ),
        ] = "auto",
        limit: Annotated[int, Query(ge=1, le=MAX_SERIES, description="At most this many series.")] = 20,
    ) -> dict[str, Any]:
        """Points of one series (series=KEY) or of every series matching the labels (metric= at least),
        in [since, until). Raw points carry timestamp and value; buckets (1m, 10m) carry their start as
        timestamp, the mean as value, and min, max, count and last."""
        at = now()
        start, end = window(since, until, at, DEFAULT_WINDOW)
        which = SeriesFilter(cluster, series_key, metric, kind, namespace, name, container)
        result = await series.query(which, since=start, until=end or at, step=step, limit=limit)
        return {
            "step": result.resolution.value,
            "resolution_s": result.resolution.seconds,
            "since": result.since.isoformat(),
            "until": result.until.isoformat(),
            "truncated": result.truncated,
            "series": [data_dict(d, result.resolution) for d in result.series],
        }

    return router
