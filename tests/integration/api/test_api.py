"""The HTTP API over a real store: auth, findings pages, problem+json errors, the event stream."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import uvicorn

from kubemedic.api import create_app
from kubemedic.domain import Finding, ObjectRef, Severity
from kubemedic.service.broadcast import Broadcaster
from kubemedic.store import Store

pytestmark = [pytest.mark.integration, pytest.mark.anyio]
T0 = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


@pytest.fixture()
def anyio_backend() -> str:
    return "asyncio"


def _finding(name: str) -> Finding:
    return Finding(
        ObjectRef("Deployment", "shop", name, cluster="prod"),
        Severity.ERROR,
        "crash-loop",
        f"{name}: CrashLoopBackOff",
        f"{name} crashes",
    )


@pytest.fixture()
async def env(tmp_path: Path) -> AsyncIterator[tuple[httpx.AsyncClient, Store, Broadcaster, dict[str, str]]]:
    async with Store.open(f"sqlite+aiosqlite:///{tmp_path / 'k.db'}") as store:
        await store.apply_scan("prod", [_finding(f"svc-{i}") for i in range(7)], [], T0)
        _, viewer = await store.api_keys.create("dash", "viewer", T0)
        hub = Broadcaster()
        app = create_app(store, hub)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://kubemedic") as client:
            yield client, store, hub, {"Authorization": f"Bearer {viewer}"}


async def test_health_needs_no_credentials(
    env: tuple[httpx.AsyncClient, Store, Broadcaster, dict[str, str]],
) -> None:
    client, *_ = env
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    assert (await client.get("/readyz")).json()["database"] == "ok"


async def test_auth_401_without_or_with_a_bad_key(
    env: tuple[httpx.AsyncClient, Store, Broadcaster, dict[str, str]],
) -> None:
    client, *_ = env
    missing = await client.get("/api/v1/findings")
    assert missing.status_code == 401 and missing.headers["content-type"] == "application/problem+json"
    assert missing.headers["www-authenticate"] == "Bearer" and missing.json()["request_id"]
    bad = await client.get("/api/v1/findings", headers={"Authorization": "Bearer km_x_y"})
    assert bad.status_code == 401


async def test_findings_pages_and_one_finding(
    env: tuple[httpx.AsyncClient, Store, Broadcaster, dict[str, str]],
) -> None:
    client, _, _, auth = env
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = (await client.get("/api/v1/findings", params=params, headers=auth)).json()
        seen += [f["id"] for f in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == 7 == len(set(seen))
    one = await client.get(f"/api/v1/findings/{seen[0]}", headers=auth)
    assert one.status_code == 200 and one.json()["status"] == "open" and one.json()["occurrences"] == 1
    missing = await client.get("/api/v1/findings/nope", headers=auth)
    assert missing.status_code == 404 and "nope" in missing.json()["detail"]


async def test_bad_parameters_are_problem_json(
    env: tuple[httpx.AsyncClient, Store, Broadcaster, dict[str, str]],
) -> None:
    client, _, _, auth = env
    bad_cursor = await client.get("/api/v1/findings", params={"cursor": "zzz"}, headers=auth)
    assert bad_cursor.status_code == 400 and "cursor" in bad_cursor.json()["detail"]
    bad_limit = await client.get("/api/v1/findings", params={"limit": 0}, headers=auth)
    assert bad_limit.status_code == 422 and bad_limit.json()["errors"]
    bad_sev = await client.get("/api/v1/findings", params={"severity": "urgent"}, headers=auth)
    assert bad_sev.status_code == 400 and "urgent" in bad_sev.json()["detail"]


async def test_stream_delivers_published_changes_and_resumes(tmp_path: Path) -> None:
    """Over real HTTP (uvicorn): an in-process transport cannot stream."""
    async with Store.open(f"sqlite+aiosqlite:///{tmp_path / 'k.db'}") as store:
        _, key = await store.api_keys.create("dash", "viewer", T0)
        hub = Broadcaster()
        hub.publish("finding-opened", {"id": "a"})
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        server = uvicorn.Server(
            uvicorn.Config(create_app(store, hub), host="127.0.0.1", port=port, log_level="warning")
        )
        serving = asyncio.create_task(server.serve())
        while not server.started:
            await asyncio.sleep(0.05)
        auth = {"Authorization": f"Bearer {key}"}
        try:
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=5) as client:

                async def first_data(headers: dict[str, str]) -> str:
                    async with client.stream("GET", "/api/v1/stream", headers=headers) as response:
                        assert response.headers["content-type"].startswith("text/event-stream")
                        async for line in response.aiter_lines():
                            if line.startswith("data:"):
                                return line
                    return ""

                reader = asyncio.create_task(first_data(auth))
                await asyncio.sleep(0.3)
                hub.publish("finding-resolved", {"id": "b"})
                assert await asyncio.wait_for(reader, 5) == 'data: {"id":"b"}'
                resumed = await asyncio.wait_for(first_data({**auth, "Last-Event-ID": "0"}), 5)
                assert resumed == 'data: {"id":"a"}'
        finally:
            server.should_exit = True
            await asyncio.wait_for(serving, 10)


async def test_bursts_get_429_with_retry_after_and_big_bodies_413(tmp_path: Path) -> None:
    from kubemedic.api.limits import RateLimiter

    clock = [0.0]
    limiter = RateLimiter(rate=1.0, burst=3.0, clock=lambda: clock[0])
    async with Store.open(f"sqlite+aiosqlite:///{tmp_path / 'k.db'}") as store:
        _, key = await store.api_keys.create("bot", "viewer", T0)
        app = create_app(store, Broadcaster(), limiter=limiter, max_body_bytes=10)
        auth = {"Authorization": f"Bearer {key}"}
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://k") as c:
            codes = [(await c.get("/api/v1/findings", headers=auth)).status_code for _ in range(4)]
            assert codes == [200, 200, 200, 429]
            limited = await c.get("/api/v1/findings", headers=auth)
            assert limited.headers["retry-after"] == "1" and limited.json()["status"] == 429
            assert (await c.get("/api/v1/findings")).status_code == 401, (
                "anonymous callers have their own bucket"
            )
            clock[0] += 1.0
            assert (await c.get("/api/v1/findings", headers=auth)).status_code == 200, "a token came back"
            big = await c.post("/api/v1/findings", content=b"x" * 100, headers=auth)
            assert big.status_code == 413
            assert (await c.get("/healthz")).status_code == 200, "health is never rate limited"


async def test_jwt_bearer_tokens(tmp_path: Path) -> None:
    import time as _time

    import jwt

    from kubemedic.api.auth import Authenticator, JwtSettings

    secret = "s3cret-for-tests-only-0123456789abcdef"
    settings = JwtSettings(secret, ("HS256",), issuer="https://id.example.com", audience="kubemedic")

    def token(**claims: object) -> str:
        base = {
            "iss": "https://id.example.com",
            "aud": "kubemedic",
            "exp": int(_time.time()) + 60,
            "role": "viewer",
        }
        return jwt.encode({**base, **claims}, secret, algorithm="HS256")

    async with Store.open(f"sqlite+aiosqlite:///{tmp_path / 'k.db'}") as store:
        app = create_app(store, Broadcaster(), authn=Authenticator(store, jwt=settings))
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://k") as c:

            async def call(t: str) -> httpx.Response:
                return await c.get("/api/v1/findings", headers={"Authorization": f"Bearer {t}"})

            assert (await call(token())).status_code == 200
            expired = await call(token(exp=int(_time.time()) - 10))
            assert expired.status_code == 401 and "expired" in expired.json()["detail"]
            other = await call(token(aud="someone-else"))
            assert other.status_code == 401 and "audience" in other.json()["detail"]
            forged = jwt.encode(
                {"aud": "kubemedic", "exp": int(_time.time()) + 60}, "wrong-key-wrong-key-wrong-key-123"
            )
            assert (await call(forged)).status_code == 401
            assert (await call(token(role="root"))).status_code == 403


def test_websocket_carries_the_stream_messages(tmp_path: Path) -> None:
    import asyncio as _asyncio

    from starlette.testclient import TestClient
    from starlette.websockets import WebSocketDisconnect

    url = f"sqlite+aiosqlite:///{tmp_path / 'k.db'}"

    async def make_key() -> str:
        async with Store.open(url) as prepared:  # migrate and create a key, then close
            return (await prepared.api_keys.create("ws", "viewer", T0))[1]

    key = _asyncio.run(make_key())
    store = Store.open(url)  # connects lazily inside the test client's event loop
    hub = Broadcaster()
    hub.publish("finding-opened", {"id": "a"})
    with TestClient(create_app(store, hub)) as client:
        with client.websocket_connect(f"/api/v1/ws?token={key}&last_event_id=0") as ws:
            assert ws.receive_json() == {"id": 1, "type": "finding-opened", "data": {"id": "a"}}
        with pytest.raises(WebSocketDisconnect) as refused, client.websocket_connect("/api/v1/ws") as ws:
            ws.receive_json()
        assert refused.value.code == 4401
