"""Metric series on both backends: rollups that agree with the raw points, retention per resolution,
refused samples, the catalogue's filters and pages, and series that survive reopening the store."""

from __future__ import annotations

import math
import random
from collections import defaultdict
from datetime import UTC, datetime, timedelta

import pytest

from kubemedic.domain import InputError
from kubemedic.metrics.samples import CPU_CORES, MEMORY_BYTES, Sample, SeriesId
from kubemedic.store.series import Resolution, SeriesPoint
from tests.integration.store.conftest import open_store

pytestmark = [pytest.mark.integration, pytest.mark.anyio]
T0 = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
API = SeriesId(MEMORY_BYTES, "Pod", "shop", "api-1", "app")
WEB = SeriesId(MEMORY_BYTES, "Pod", "shop", "web-1", "app")
ALL_TIME = (T0 - timedelta(days=1), T0 + timedelta(days=1))


def at(seconds: float) -> float:
    return T0.timestamp() + seconds


def expected_buckets(
    raw: tuple[SeriesPoint, ...], width: int
) -> list[tuple[float, float, float, float, int, float]]:
    """(start, mean, min, max, count, last) per bucket, computed here from the raw points."""
    buckets: dict[float, list[SeriesPoint]] = defaultdict(list)
    for p in raw:
        buckets[p.timestamp - p.timestamp % width].append(p)
    out = []
    for start, points in sorted(buckets.items()):
        values = [p.value for p in points]
        newest = max(points, key=lambda p: p.timestamp)
        out.append((start, sum(values) / len(values), min(values), max(values), len(values), newest.value))
    return out


def as_tuples(points: tuple[SeriesPoint, ...]) -> list[tuple[float, float, float, float, int, float]]:
    return [(p.timestamp, p.value, p.min, p.max, p.count, p.last) for p in points]


async def test_rollups_keep_the_mean_min_max_and_last_of_the_raw_points(store_url: str) -> None:
    rng = random.Random(3)
    times = [at(s) for s in range(0, 25 * 60, 15)]  # 25 minutes of readings, 15 s apart
    batches = [times[i : i + 7] for i in range(0, len(times), 7)]
    batches.append([at(65.5), at(61)])  # late samples land in a minute already rolled up
    async with open_store(store_url) as store:
        for batch in batches:
            samples = [Sample(s, t, rng.uniform(1e8, 3e8)) for t in batch for s in (API, WEB)]
            result = await store.series.write("prod", samples)
            assert result.written == len(samples) and result.rejected == ()
        page = await store.series.catalogue(cluster="prod", name="api-1")
        sid = page.items[0].id
        raw = (await store.series.points([sid], Resolution.RAW, *ALL_TIME))[sid]
        assert len(raw) == len(times) + 2
        assert [p.timestamp for p in raw] == sorted(p.timestamp for p in raw), "oldest first"
        for resolution in (Resolution.MINUTE, Resolution.TEN_MINUTES):
            got = (await store.series.points([sid], resolution, *ALL_TIME))[sid]
            want = expected_buckets(raw, resolution.seconds)
            assert len(got) == len(want) == (25 if resolution is Resolution.MINUTE else 3)
            for g, w in zip(as_tuples(got), want, strict=True):
                assert g[0] == w[0] and g[4] == w[4], f"{resolution.value} bucket start and count"
                assert g[1:4] == pytest.approx(w[1:4], rel=1e-12), f"{resolution.value} mean/min/max"
                assert g[5] == w[5], f"{resolution.value} last = the newest point's value"


async def test_a_reading_written_in_slices_rolls_up_each_series_from_its_own_points(store_url: str) -> None:
    """The sink writes a reading a slice of series at a time; a slice recomputes only its own series'
    buckets, and every series' buckets still agree with its raw points."""
    rng = random.Random(5)
    pods = [SeriesId(MEMORY_BYTES, "Pod", "shop", f"api-{i}", "app") for i in range(6)]
    async with open_store(store_url) as store:
        for t in (at(s) for s in range(0, 150, 15)):  # 10 readings over 2.5 minutes
            reading = [Sample(s, t, rng.uniform(1e8, 3e8)) for s in pods]
            for start in range(0, len(reading), 2):  # slices of 2 series
                assert (await store.series.write("prod", reading[start : start + 2])).written == 2
        await store.series.write("other", [Sample(pods[0], at(30), 1.0)])  # another cluster, same labels
        for series in pods:
            sid = (await store.series.catalogue(cluster="prod", name=series.name)).items[0].id
            raw = (await store.series.points([sid], Resolution.RAW, *ALL_TIME))[sid]
            assert len(raw) == 10
            got = (await store.series.points([sid], Resolution.MINUTE, *ALL_TIME))[sid]
            want = expected_buckets(raw, 60)
            assert [(g[0], g[4], g[5]) for g in as_tuples(got)] == [(w[0], w[4], w[5]) for w in want]
            for g, w in zip(as_tuples(got), want, strict=True):
                assert g[1:4] == pytest.approx(w[1:4], rel=1e-12), "mean/min/max of its own points"


async def test_a_point_written_twice_is_stored_and_counted_once(store_url: str) -> None:
    async with open_store(store_url) as store:
        first = [Sample(API, at(0), 10.0), Sample(API, at(15), 20.0)]
        await store.series.write("prod", first)
        await store.series.write("prod", [*first, Sample(API, at(30), 30.0)])  # a retried batch, plus one
        sid = (await store.series.catalogue()).items[0].id
        [minute] = (await store.series.points([sid], Resolution.MINUTE, *ALL_TIME))[sid]
        assert (minute.count, minute.value, minute.min, minute.max, minute.last) == (
            3,
            20.0,
            10.0,
            30.0,
            30.0,
        )


async def test_non_finite_values_are_refused_by_name_and_the_rest_of_the_batch_is_kept(
    store_url: str,
) -> None:
    async with open_store(store_url) as store:
        result = await store.series.write(
            "prod",
            [
                Sample(API, at(0), 1.0),
                Sample(WEB, at(0), math.nan),
                Sample(API, at(15), math.inf),
                Sample(API, at(30), 3.0),
                Sample(API, math.nan, 4.0),
            ],
        )
        assert result.written == 2
        assert len(result.rejected) == 3
        nan, inf, bad_time = result.rejected
        assert "memory_working_set_bytes|Pod|shop|web-1|app" in nan and "nan" in nan and "finite" in nan
        assert "api-1" in inf and "inf" in inf and "2026-11-24T12:00:15" in inf
        assert "timestamp" in bad_time
        page = await store.series.catalogue()
        assert [s.series for s in page.items] == [API], "a series with only refused samples is not created"
        sid = page.items[0].id
        raw = (await store.series.points([sid], Resolution.RAW, *ALL_TIME))[sid]
        assert [(p.timestamp, p.value) for p in raw] == [(at(0), 1.0), (at(30), 3.0)]


async def test_retention_drops_old_raw_points_but_keeps_the_rollups(store_url: str) -> None:
    async with open_store(store_url) as store:
        await store.series.write("prod", [Sample(API, at(s), float(s)) for s in range(0, 3 * 3600, 60)])
        sid = (await store.series.catalogue()).items[0].id
        purged = await store.series.purge(
            raw_before=T0 + timedelta(hours=2),
            minute_before=T0 + timedelta(hours=1),
            ten_before=T0 - timedelta(days=1),
        )
        assert (purged.raw, purged.minute, purged.ten_minutes, purged.series) == (120, 60, 0, 0)
        raw = (await store.series.points([sid], Resolution.RAW, *ALL_TIME))[sid]
        assert raw[0].timestamp == at(7200) and len(raw) == 60
        minutes = (await store.series.points([sid], Resolution.MINUTE, *ALL_TIME))[sid]
        assert minutes[0].timestamp == at(3600) and len(minutes) == 120
        tens = (await store.series.points([sid], Resolution.TEN_MINUTES, *ALL_TIME))[sid]
        assert len(tens) == 18 and tens[0].count == 10 and tens[0].value == 270.0, "the 10-min history stays"
        gone = await store.series.purge(
            raw_before=T0 + timedelta(days=1),
            minute_before=T0 + timedelta(days=1),
            ten_before=T0 + timedelta(days=1),
        )
        assert gone.series == 1 and (await store.series.catalogue()).items == (), (
            "an empty series is forgotten"
        )
        await store.series.write("prod", [Sample(API, at(4 * 3600), 1.0)])
        [again] = (await store.series.catalogue()).items
        tens = (await store.series.points([again.id], Resolution.TEN_MINUTES, *ALL_TIME))[again.id]
        assert [(p.count, p.value) for p in tens] == [(1, 1.0)], "a series that comes back starts afresh"


async def test_series_and_their_points_survive_reopening_the_store(store_url: str) -> None:
    async with open_store(store_url) as store:
        await store.series.write("prod", [Sample(API, at(0), 5.0), Sample(WEB, at(0), 6.0)])
    async with open_store(store_url) as store:
        page = await store.series.catalogue(cluster="prod")
        assert sorted(s.series.name for s in page.items) == ["api-1", "web-1"]
        await store.series.write("prod", [Sample(API, at(15), 7.0)])  # the same series, not a second row
        page = await store.series.catalogue(cluster="prod", name="api-1")
        assert len(page.items) == 1
        sid = page.items[0].id
        raw = (await store.series.points([sid], Resolution.RAW, *ALL_TIME))[sid]
        assert [p.value for p in raw] == [5.0, 7.0]


async def test_the_catalogue_filters_by_label_and_pages_without_gaps(store_url: str) -> None:
    async with open_store(store_url) as store:
        pods = [SeriesId(MEMORY_BYTES, "Pod", "shop", f"pod-{i}", "app") for i in range(7)]
        await store.series.write("prod", [Sample(s, at(0), 1.0) for s in pods])
        await store.series.write(
            "prod", [Sample(SeriesId(CPU_CORES, "Pod", "shop", "pod-0", "app"), at(0), 0.5)]
        )
        await store.series.write("staging", [Sample(pods[0], at(0), 2.0)])
        seen: list[str] = []
        cursor = 0
        while True:
            page = await store.series.catalogue(cluster="prod", metric=MEMORY_BYTES, limit=3, after=cursor)
            seen += [s.series.name for s in page.items]
            if page.next_cursor is None:
                break
            cursor = int(page.next_cursor)
        assert seen == [f"pod-{i}" for i in range(7)]
        by_name = await store.series.catalogue(name="pod-0")
        assert sorted((s.cluster, s.series.metric) for s in by_name.items) == [
            ("prod", CPU_CORES),
            ("prod", MEMORY_BYTES),
            ("staging", MEMORY_BYTES),
        ]
        keyed = await store.series.catalogue(cluster="staging", key=pods[0].key())
        assert [s.series for s in keyed.items] == [pods[0]]
        with pytest.raises(InputError, match="limit"):
            await store.series.catalogue(limit=0)


def test_an_unknown_step_is_refused_naming_the_choices() -> None:
    assert Resolution.parse(" 1M ") is Resolution.MINUTE
    with pytest.raises(InputError, match=r"step '5m' is not one of raw, 1m, 10m"):
        Resolution.parse("5m")
