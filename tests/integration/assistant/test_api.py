"""The assistant over HTTP: ask (JSON and SSE), explain a finding, the seed-style chat alias, and
problem+json for bad requests - through the real FastAPI app with a real SQLite store."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import orjson
import pytest

from kubemedic.api import create_app
from kubemedic.knowledge import KnowledgeBase
from kubemedic.service.assistant import AssistantService
from kubemedic.service.broadcast import Broadcaster
from kubemedic.service.scan import scan_state
from kubemedic.state import ClusterState
from kubemedic.state.snapshot import load_snapshot

pytestmark = [pytest.mark.integration, pytest.mark.anyio]
EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "broken-shop"
T0 = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


@pytest.fixture()
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
def shop() -> ClusterState:
    return load_snapshot(EXAMPLE, cluster="prod").state


@pytest.fixture()
async def client(tmp_path: Path, shop: ClusterState) -> AsyncIterator[httpx.AsyncClient]:
    from kubemedic.store import Store, TimelineEntry

    async with Store.open(f"sqlite+aiosqlite:///{tmp_path / 'k.db'}") as store:
        report = scan_state(shop)
        await store.apply_scan("prod", report.findings, report.incidents, T0)
        now = datetime.now(UTC)
        await store.add_timeline(
            [
                TimelineEntry(
                    "prod",
                    "Deployment",
                    "shop",
                    "api",
                    now - timedelta(minutes=7),
                    "rollout",
                    "image api:2.3.1",
                ),
                TimelineEntry(
                    "prod", "Pod", "shop", "postgres-0", now - timedelta(minutes=3), "restart", "restart 14"
                ),
                TimelineEntry(
                    "prod", "Deployment", "shop", "web", now - timedelta(hours=5), "rollout", "too old"
                ),
            ]
        )
        service = AssistantService(KnowledgeBase.open(None))
        app = create_app(store, Broadcaster(), dev=True, states=lambda: {"prod": shop}, assistant=service)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://k") as c:
            yield c


async def test_ask_answers_with_structured_citations(client: httpx.AsyncClient) -> None:
    r = await client.post("/api/v1/ask", json={"question": "what is wrong in namespace shop"})
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["intent"] == "whats-wrong" and doc["used_llm"] is False
    assert "1. [error] StatefulSet shop/postgres" in doc["answer"]
    findings = [c for c in doc["citations"] if c["kind"] == "finding"]
    logs = [c for c in doc["citations"] if c["kind"] == "log"]
    assert findings and logs and logs[0]["finding_id"] == findings[0]["finding_id"]
    assert logs[0]["object"] == {"kind": "Pod", "namespace": "shop", "name": "postgres-0"}


async def test_ask_streams_over_sse(client: httpx.AsyncClient) -> None:
    body = {"question": "which pods restart most", "stream": True}
    async with client.stream("POST", "/api/v1/ask", json=body) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        raw = (await r.aread()).decode()
    events = [block.split("\n") for block in raw.strip().split("\n\n") if block.startswith("event:")]
    names = [lines[0].removeprefix("event: ") for lines in events]
    assert names[0] == "delta" and names[-2:] == ["answer", "done"]
    text = "".join(
        orjson.loads(lines[1].removeprefix("data: "))["text"]
        for lines in events
        if lines[0] == "event: delta"
    )
    final = orjson.loads(events[-2][1].removeprefix("data: "))
    assert text.strip() == final["answer"].strip() and "postgres-0" in text


async def test_accept_event_stream_also_streams(client: httpx.AsyncClient) -> None:
    r = await client.post(
        "/api/v1/ask", json={"question": "is web healthy"}, headers={"Accept": "text/event-stream"}
    )
    assert r.headers["content-type"].startswith("text/event-stream")
    assert "event: answer" in r.text and "looks healthy" in r.text


async def test_explain_a_finding(client: httpx.AsyncClient, shop: ClusterState) -> None:
    report = scan_state(shop)
    oom = next(f for f in report.findings if f.category == "oom")
    r = await client.post(f"/api/v1/findings/{oom.id}/explain")
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["intent"] == "explain" and "OOMKilled" in doc["answer"]
    assert any(c["kind"] == "runbook" for c in doc["citations"])
    assert doc["citations"][0] == {
        "kind": "finding",
        "ref": oom.id,
        "finding_id": oom.id,
        "quote": oom.title,
        "object": {"kind": "Deployment", "namespace": "shop", "name": "cache"},
    }


async def test_seed_style_chat_query_with_context(client: httpx.AsyncClient) -> None:
    r = await client.post(
        "/api/chat/query", json={"query": "why is deployment api not ready", "include_context": True}
    )
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["response"] == doc["answer"] and "Deployment shop/api" in doc["response"]
    assert doc["context"]["cluster"] == "prod"
    assert {f["name"] for f in doc["context"]["findings"]} >= {"api", "postgres"}


@pytest.mark.parametrize(
    ("path", "body", "status", "detail"),
    [
        ("/api/v1/ask", {}, 422, "does not match"),
        ("/api/v1/ask", {"question": "   "}, 400, "question is empty"),
        ("/api/v1/ask", {"question": "x" * 2001}, 422, "does not match"),
        ("/api/v1/ask", {"question": "what is wrong", "namespace": "nope"}, 404, "no namespace 'nope'"),
        ("/api/v1/ask", {"question": "what is wrong", "cluster": "other"}, 404, "'other' is not watched"),
        ("/api/v1/findings/0000000000000000/explain", None, 404, "no finding with id"),
        ("/api/chat/query", {"include_context": True}, 422, "does not match"),
    ],
)
async def test_bad_requests_are_problem_json(
    client: httpx.AsyncClient, path: str, body: object, status: int, detail: str
) -> None:
    r = await client.post(path, json=body) if body is not None else await client.post(path)
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert detail in r.json()["detail"]


async def test_ask_needs_credentials_without_dev(tmp_path: Path, shop: ClusterState) -> None:
    from kubemedic.store import Store

    async with Store.open(f"sqlite+aiosqlite:///{tmp_path / 'k.db'}") as store:
        app = create_app(store, Broadcaster(), states=lambda: {"prod": shop})
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://k") as c:
            r = await c.post("/api/v1/ask", json={"question": "what is wrong"})
    assert r.status_code == 401 and r.headers["content-type"].startswith("application/problem+json")


async def test_what_changed_reads_serves_timeline(client: httpx.AsyncClient) -> None:
    r = await client.post(
        "/api/v1/ask", json={"question": "what changed in the last hour", "namespace": "shop"}
    )
    doc = r.json()
    assert r.status_code == 200 and doc["intent"] == "what-changed" and doc["notes"] == []
    lines = doc["answer"].splitlines()
    assert "Pod shop/postgres-0  restart: restart 14" in lines[1] and "image api:2.3.1" in lines[2]
    assert "too old" not in doc["answer"]
    assert [c["kind"] for c in doc["citations"]] == ["timeline", "timeline"]
