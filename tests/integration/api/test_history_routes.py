"""History over HTTP: minute summaries by window with cursor pages, an object's timeline by window, the
seed-style /api/cluster/history with summaries, and bad since/until -> 400 problem+json."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from kubemedic.api import create_app
from kubemedic.service.broadcast import Broadcaster
from kubemedic.store import ClusterSummary, Store, TimelineEntry
from tests.factory import state

pytestmark = [pytest.mark.integration, pytest.mark.anyio]
NOW = datetime.now(UTC).replace(microsecond=0)
T0 = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


@pytest.fixture()
def anyio_backend() -> str:
    return "asyncio"


def summary(at: datetime, cluster: str = "prod", restarts: int = 0) -> ClusterSummary:
    return ClusterSummary(
        cluster,
        at,
        2,
        3,
        9,
        10,
        {"Pending": 1, "Running": 9},
        restarts,
        {"error": 2},
        1,
        ("api: crash loop",),
    )


@pytest.fixture()
async def client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    async with Store.open(f"sqlite+aiosqlite:///{tmp_path / 'k.db'}") as store:
        for minute in range(5):
            await store.history.add_summary(summary(T0 + timedelta(minutes=minute), restarts=minute))
        await store.history.add_summary(summary(T0, cluster="staging"))
        await store.history.add_summary(summary(NOW - timedelta(minutes=10), restarts=42))
        await store.history.add_summary(summary(NOW - timedelta(hours=2), restarts=7))
        await store.add_timeline(
            [
                TimelineEntry("prod", "Pod", "shop", "api-1", T0 + timedelta(minutes=m), "restart", f"r{m}")
                for m in range(3)
            ]
            + [
                TimelineEntry(
                    "prod", "Node", "", "worker-2", T0, "status", "node NotReady", {"ready": "False"}
                )
            ]
        )
        app = create_app(store, Broadcaster(), dev=True, states=lambda: {"prod": state()})
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://k") as c:
            yield c


async def test_history_window_and_pages(client: httpx.AsyncClient) -> None:
    seen: list[int] = []
    params: dict[str, str | int] = {
        "since": "2026-11-24T12:00:00Z",
        "until": "2026-11-24T12:04:00Z",
        "limit": 2,
    }
    while True:
        body = (await client.get("/api/v1/history", params=params)).json()
        assert body["cluster"] == "prod", "the only watched cluster by default"
        seen += [item["restarts"] for item in body["items"]]
        if body["next_cursor"] is None:
            break
        params["cursor"] = body["next_cursor"]
    assert seen == [0, 1, 2, 3], "oldest first, until excluded, every row once"
    first = (await client.get("/api/v1/history", params={"since": "2026-11-24T12:00:00", "limit": 1})).json()
    assert first["items"][0] == {
        "cluster": "prod",
        "at": "2026-11-24T12:00:00+00:00",
        "nodes": {"ready": 2, "total": 3},
        "pods": {"ready": 9, "total": 10, "by_phase": {"Pending": 1, "Running": 9}},
        "restarts": 0,
        "findings": {"open_by_severity": {"error": 2}, "top": ["api: crash loop"]},
        "incidents_open": 1,
    }
    other = (
        await client.get("/api/v1/history", params={"cluster": "staging", "since": "2026-11-24T11:00:00Z"})
    ).json()
    assert [i["cluster"] for i in other["items"]] == ["staging"]


async def test_history_defaults_to_the_last_hour_and_takes_durations(client: httpx.AsyncClient) -> None:
    recent = (await client.get("/api/v1/history")).json()["items"]
    assert [i["restarts"] for i in recent] == [42]
    wider = (await client.get("/api/v1/history", params={"since": "3h"})).json()["items"]
    assert [i["restarts"] for i in wider] == [7, 42]
    older = (await client.get("/api/v1/history", params={"since": "1d", "until": "1h"})).json()["items"]
    assert [i["restarts"] for i in older] == [7]


@pytest.mark.parametrize(
    ("params", "needle"),
    [
        ({"since": "yesterday"}, "since='yesterday'"),
        ({"until": "12:00"}, "until='12:00'"),
        ({"since": "1h", "until": "2h"}, "must be before until"),
        ({"since": "2026-11-24T12:00:00Z", "until": "2026-11-24T12:00:00Z"}, "must be before until"),
        ({"cursor": "garbage"}, "cursor"),
        ({"since": "99999999999d"}, "further than a calendar"),
        ({"until": "0001-01-01T00:10:00Z"}, "too early"),
    ],
)
async def test_bad_history_parameters_are_400_problems(
    client: httpx.AsyncClient, params: dict[str, str], needle: str
) -> None:
    response = await client.get("/api/v1/history", params=params)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    assert needle in response.json()["detail"]


async def test_limits_are_validated(client: httpx.AsyncClient) -> None:
    assert (await client.get("/api/v1/history", params={"limit": 0})).status_code == 422
    assert (await client.get("/api/v1/history", params={"limit": 1441})).status_code == 422


async def test_object_timeline_window_and_cluster_scoped_objects(client: httpx.AsyncClient) -> None:
    all_of_it = (await client.get("/api/v1/timeline/Pod/shop/api-1")).json()["items"]
    assert [e["text"] for e in all_of_it] == ["r0", "r1", "r2"]
    part = await client.get(
        "/api/v1/timeline/Pod/shop/api-1",
        params={"since": "2026-11-24T12:01:00Z", "until": "2026-11-24T12:02:00Z"},
    )
    assert [e["text"] for e in part.json()["items"]] == ["r1"]
    node = (await client.get("/api/v1/timeline/Node/-/worker-2")).json()["items"]
    assert node == [{"ready": "False", "at": T0.isoformat(), "type": "status", "text": "node NotReady"}]
    bad = await client.get("/api/v1/timeline/Pod/shop/api-1", params={"until": "soon"})
    assert bad.status_code == 400 and "until" in bad.json()["detail"]


async def test_seed_history_alias_has_entries_and_summaries(client: httpx.AsyncClient) -> None:
    body = (await client.get("/api/cluster/history")).json()
    assert [e["text"] for e in body["items"]] == ["r2", "r1", "node NotReady", "r0"], "newest first"
    assert body["items"][0]["kind"] == "Pod" and body["items"][0]["name"] == "api-1"
    assert [s["restarts"] for s in body["summaries"]] == [42], "the last hour's summaries"
    bad = await client.get("/api/cluster/history", params={"since": "x"})
    assert bad.status_code == 400
