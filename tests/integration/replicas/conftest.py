"""Real PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379) for the multi-replica tests.

In CI (CI=true) a server that cannot be reached fails the tests; elsewhere they are skipped with the reason.
Each test gets its own PostgreSQL database and its own Redis key prefix space (a fresh logical db is not
needed: keys carry a unique lease/channel name).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator

import asyncpg
import pytest
import redis.asyncio as aioredis

from tests.support.servers import PG_DSN, REDIS_URL, pg_problem, redis_problem, require


@pytest.fixture()
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def servers() -> Iterator[None]:
    require(pg_problem())
    require(redis_problem())
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
