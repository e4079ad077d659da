"""The real PostgreSQL and Redis on 127.0.0.1 that integration tests use, and the CI rule for them:
in CI (CI=true) a server that cannot be reached fails the test; elsewhere it is skipped with the reason."""

from __future__ import annotations

import asyncio
import os

import asyncpg
import pytest

PG_DSN = os.environ.get("KUBEMEDIC_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("KUBEMEDIC_TEST_REDIS", "redis://127.0.0.1:6379/0")


def pg_problem() -> str | None:
    """Why PostgreSQL cannot be used, or None."""

    async def probe() -> None:
        conn = await asyncpg.connect(PG_DSN, timeout=3)
        await conn.close()

    try:
        asyncio.run(probe())
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        return f"PostgreSQL at {PG_DSN} is not reachable: {exc}"
    return None


def redis_problem() -> str | None:
    """Why Redis cannot be used, or None."""
    import redis.asyncio as aioredis

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


def require(problem: str | None) -> None:
    """Fail in CI, skip elsewhere, when a server is missing."""
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{problem} (CI must test it)")
        pytest.skip(problem)
