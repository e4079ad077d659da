"""Real PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379) for the multi-replica tests.

In CI (CI=true) a server that cannot be reached fails the tests; elsewhere they are skipped with the reason.
Each test gets its own PostgreSQL database and its own Redis key prefix space (a fresh logical db is not
needed: keys carry a unique lease/channel name).
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator

import asyncpg
import pytest
import redis.asyncio as aioredis

PG_DSN = os.environ.get("KUBEMEDIC_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("KUBEMEDIC_TEST_REDIS", "redis://127.0.0.1:6379/0")


def _require(problem: str | None) -> None:
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{problem} (CI must test it)")
        pytest.skip(problem)


def _pg_problem() -> str | None:
    async def probe() -> None:
        conn = await asyncpg.connect(PG_DSN, timeout=3)
        await conn.close()

    try:
        asyncio.run(probe())
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        return f"PostgreSQL at {PG_DSN} is not reachable: {exc}"
    return None


def _redis_problem() -> str | None:
    async def probe() -> None:
        client = aioredis.Redis.from_url(REDIS_URL, socket_connect_timeout=3)
        try:
            await client.ping()
        finally:
            await client.aclose()

    try:
        asyncio.run(probe())
    except Exception as exc:  # any failure to reach it is the reason to skip
        return f"Redis at {REDIS_URL} is not reachable: {exc}"
    return None


@pytest.fixture()
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def servers() -> Iterator[None]:
    _require(_pg_problem())
    _require(_redis_problem())
    yield


@pytest.fixture()
def pg_url(servers: None) -> Iterator[str]:
    """A fresh database, dropped afterwards (serve processes can use a plain URL)."""
    name = f"kmrep_{uuid.uuid4().hex[:10]}"

    async def run(sql: str) -> None:
        conn = await asyncpg.connect(PG_DSN)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(run(f'CREATE DATABASE "{name}"'))
    base = PG_DSN.rsplit("/", 1)[0]
    try:
        yield f"{base.replace('postgresql://', 'postgresql+asyncpg://')}/{name}"
    finally:
        asyncio.run(run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture()
async def redis_client(servers: None) -> AsyncIterator[aioredis.Redis]:
    client = aioredis.Redis.from_url(REDIS_URL)
    try:
        yield client
    finally:
        await client.aclose()
