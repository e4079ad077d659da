"""The series service on both backends: the sink stores a reading under the watched cluster, samples
older than the raw retention are refused by name, and serve's retention round purges series points."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kubemedic.metrics.samples import MEMORY_BYTES, Sample, SeriesId
from kubemedic.service.history import Retention
from kubemedic.service.metrics_series import MetricsSeries, SeriesFilter, SeriesRetention
from kubemedic.store.series import Resolution
from tests.integration.store.conftest import open_store

pytestmark = [pytest.mark.integration, pytest.mark.anyio]
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
API = SeriesId(MEMORY_BYTES, "Pod", "shop", "api-1", "app")


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


async def test_the_sink_stores_readings_under_the_cluster_it_names(store_url: str) -> None:
    async with open_store(store_url) as store:
        series = MetricsSeries(store, clock=Clock())
        watched = {"name": "prod"}
        sink = series.sink(lambda: watched["name"])
        await sink([Sample(API, NOW.timestamp() - 30, 1.0), Sample(API, NOW.timestamp() - 15, 3.0)])
        watched["name"] = "prod-eu"  # asked at each reading: a cluster name known only once watching
        await sink([Sample(API, NOW.timestamp(), 5.0)])
        page = await series.catalogue(SeriesFilter())
        assert sorted(s.cluster for s in page.items) == ["prod", "prod-eu"]
        result = await series.query(SeriesFilter(cluster="prod", key=API.key()), step="1m")
        [data] = result.series
        assert result.resolution is Resolution.MINUTE
        assert [(p.count, p.value) for p in data.points] == [(2, 2.0)]
        assert series.written == 3 and series.rejected == 0


async def test_samples_older_than_the_raw_retention_are_refused_by_name(store_url: str) -> None:
    async with open_store(store_url) as store:
        series = MetricsSeries(store, clock=Clock(), retention=SeriesRetention.from_hours(1, 48, 720))
        old = NOW - timedelta(hours=2)
        result = await series.record(
            "prod", [Sample(API, old.timestamp(), 1.0), Sample(API, NOW.timestamp(), 2.0)]
        )
        assert result.written == 1
        [refused] = result.rejected
        assert (
            API.key() in refused and old.isoformat() in refused and "older than the raw retention" in refused
        )
        assert series.rejected == 1


async def test_the_retention_round_purges_series_points_per_resolution(store_url: str) -> None:
    async with open_store(store_url) as store:
        clock = Clock()
        series = MetricsSeries(store, clock=clock, retention=SeriesRetention.from_hours(1, 2, 3))
        start = NOW.timestamp()
        await series.record("prod", [Sample(API, start + 60 * m, float(m)) for m in range(60)])
        clock.now = NOW + timedelta(hours=2)  # raw points of the first hour are past 1 h now
        result = await Retention(store, clock=clock, series=series).tick()
        assert result.series_points == 60, "raw expired; 1m buckets (2 h) and 10m buckets (3 h) stay"
        sid = (await series.catalogue(SeriesFilter())).items[0].id
        window = (NOW - timedelta(hours=1), NOW + timedelta(hours=3))
        assert (await store.series.points([sid], Resolution.RAW, *window))[sid] == ()
        assert len((await store.series.points([sid], Resolution.MINUTE, *window))[sid]) == 60
        clock.now = NOW + timedelta(hours=5)
        result = await Retention(store, clock=clock, series=series).tick()
        assert result.series_points == 60 + 6
        assert (await series.catalogue(SeriesFilter())).items == (), "a series without points is forgotten"


async def test_each_slice_of_a_reading_waits_for_the_pause_it_is_given(store_url: str) -> None:
    import asyncio

    from kubemedic.service.foreground import Foreground
    from kubemedic.service.metrics_series import SINK_SLICE

    async with open_store(store_url) as store:
        series = MetricsSeries(store, clock=Clock())
        fg = Foreground()
        sink = series.sink(lambda: "prod", pause=lambda: fg.pause(5.0))
        reading = [
            Sample(SeriesId(MEMORY_BYTES, "Pod", "shop", f"api-{i}", "app"), NOW.timestamp(), 1.0)
            for i in range(SINK_SLICE + 10)
        ]
        with fg.running():
            task = asyncio.create_task(sink(reading))
            await asyncio.sleep(0.1)
            assert series.written == 0, "a slice was written while the monitor analyzed"
        await asyncio.sleep(0)  # the first slice may go now; the next waits for the analysis below
        with fg.running():
            for _ in range(200):  # the first slice lands (however slow the database is today)
                if series.written:
                    break
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.2)
            assert series.written == SINK_SLICE, "the second slice did not wait for the next pause"
        await asyncio.wait_for(task, timeout=10)
        assert series.written == SINK_SLICE + 10
