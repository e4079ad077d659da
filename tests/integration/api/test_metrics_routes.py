"""Stored metric series over HTTP through the real app on SQLite: listing with filters and pages, points
at each step (auto picks by range), and 400 problem+json for an unknown step, since after until, a
malformed key, a bad cursor; 401 without credentials outside dev mode."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from kubemedic.api import create_app
from kubemedic.metrics.samples import CPU_CORES, MEMORY_BYTES, Sample, SeriesId
from kubemedic.service.broadcast import Broadcaster
from kubemedic.service.metrics_series import MetricsSeries
from kubemedic.store import Store

pytestmark = [pytest.mark.integration, pytest.mark.anyio]
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
API = SeriesId(MEMORY_BYTES, "Pod", "shop", "api-1", "app")
WEB = SeriesId(MEMORY_BYTES, "Pod", "shop", "web-1", "app")
CPU = SeriesId(CPU_CORES, "Pod", "shop", "api-1", "app")
KEY = API.key()


@pytest.fixture()
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture()
async def client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    async with Store.open(f"sqlite+aiosqlite:///{tmp_path / 'k.db'}") as store:
        series = MetricsSeries(store, clock=lambda: NOW)
        start = NOW - timedelta(minutes=30)
        readings = []
        for n in range(120):  # the last 30 minutes, a reading every 15 s: api 100..219, web constant
            at = (start + timedelta(seconds=15 * n)).timestamp()
            readings += [Sample(API, at, 100.0 + n), Sample(WEB, at, 7.0), Sample(CPU, at, 0.25)]
        await series.record("prod", readings)
        await series.record("staging", [Sample(API, NOW.timestamp() - 60, 1.0)])
        app = create_app(store, Broadcaster(), dev=True, series=series)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
            yield c


async def test_series_are_listed_by_label_with_pages(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/v1/metrics/series", params={"cluster": "prod", "metric": MEMORY_BYTES})
    assert r.status_code == 200
    assert [(s["name"], s["key"]) for s in r.json()["items"]] == [("api-1", KEY), ("web-1", WEB.key())]
    first = (await client.get("/api/v1/metrics/series", params={"limit": 2})).json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    rest = (
        await client.get("/api/v1/metrics/series", params={"limit": 2, "cursor": first["next_cursor"]})
    ).json()
    assert [s["cluster"] for s in rest["items"]] == ["prod", "staging"] and rest["next_cursor"] is None
    assert rest["items"][0]["metric"] == CPU_CORES


async def test_auto_step_reads_raw_points_for_a_short_range(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/v1/metrics/query", params={"series": KEY, "cluster": "prod", "since": "5m"})
    body = r.json()
    assert r.status_code == 200 and body["step"] == "raw" and body["resolution_s"] == 0
    [series] = body["series"]
    assert series["name"] == "api-1" and series["container"] == "app"
    points = series["points"]
    assert len(points) == 20 and points[0] == {
        "timestamp": (NOW - timedelta(minutes=5)).timestamp(),
        "value": 200.0,
    }


async def test_one_minute_buckets_carry_mean_min_max_count(client: httpx.AsyncClient) -> None:
    r = await client.get(
        "/api/v1/metrics/query",
        params={"series": KEY, "cluster": "prod", "since": "30m", "step": "1m"},
    )
    body = r.json()
    assert body["step"] == "1m" and body["resolution_s"] == 60
    points = body["series"][0]["points"]
    assert len(points) == 30
    assert points[0] == {
        "timestamp": (NOW - timedelta(minutes=30)).timestamp(),
        "value": 101.5,
        "min": 100.0,
        "max": 103.0,
        "count": 4,
        "last": 103.0,
    }
    ten = await client.get("/api/v1/metrics/query", params={"series": KEY, "cluster": "prod", "since": "3d"})
    assert ten.json()["step"] == "10m", "auto: a range beyond two days reads 10-minute buckets"
    assert [p["count"] for p in ten.json()["series"][0]["points"]] == [40, 40, 40]


async def test_labels_select_several_series_and_limit_truncates(client: httpx.AsyncClient) -> None:
    r = await client.get(
        "/api/v1/metrics/query", params={"metric": MEMORY_BYTES, "namespace": "shop", "since": "1m"}
    )
    body = r.json()
    assert sorted((s["cluster"], s["name"]) for s in body["series"]) == [
        ("prod", "api-1"),
        ("prod", "web-1"),
        ("staging", "api-1"),
    ]
    assert body["truncated"] is False
    one = await client.get(
        "/api/v1/metrics/query", params={"metric": MEMORY_BYTES, "limit": 1, "since": "1m"}
    )
    assert one.json()["truncated"] is True and len(one.json()["series"]) == 1


@pytest.mark.parametrize(
    ("params", "says"),
    [
        ({"series": KEY, "step": "5m"}, "step '5m' is not one of raw, 1m, 10m"),
        ({"series": KEY, "since": "2026-11-24T12:00:00Z", "until": "2026-11-24T11:00:00Z"}, "must be before"),
        ({"series": "api-1"}, "not a series key"),
        ({"series": KEY, "since": "yesterday"}, "since='yesterday'"),
        ({"namespace": "shop"}, "name the series"),
    ],
)
async def test_bad_queries_are_400_problems_naming_the_mistake(
    client: httpx.AsyncClient, params: dict[str, str], says: str
) -> None:
    r = await client.get("/api/v1/metrics/query", params=params)
    assert r.status_code == 400
    assert r.headers["content-type"] == "application/problem+json"
    assert says in r.json()["detail"]


async def test_a_cursor_the_server_did_not_hand_out_is_a_400(client: httpx.AsyncClient) -> None:
    for cursor in ("abc", "99999999999999999999999", "²"):
        r = await client.get("/api/v1/metrics/series", params={"cursor": cursor})
        assert r.status_code == 400 and "cursor" in r.json()["detail"]


async def test_metrics_need_a_viewer_outside_dev_mode(tmp_path: Path) -> None:
    async with Store.open(f"sqlite+aiosqlite:///{tmp_path / 'k.db'}") as store:
        app = create_app(store, Broadcaster(), dev=False)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as c:
            for path in ("/api/v1/metrics/series", f"/api/v1/metrics/query?series={KEY}"):
                assert (await c.get(path)).status_code == 401
