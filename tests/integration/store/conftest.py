"""Each store test runs on SQLite (a temporary file) and on the real PostgreSQL at 127.0.0.1:5432.

PostgreSQL gets a fresh schema per test, dropped afterwards. In CI (CI=true) an unreachable PostgreSQL
fails the tests; elsewhere they are skipped with the reason.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest

from kubemedic.store import Store

PG_DSN = os.environ.get("KUBEMEDIC_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")


@pytest.fixture()
def anyio_backend() -> str:
    return "asyncio"


def _pg_reachable() -> str | None:
    async def probe() -> None:
        conn = await asyncpg.connect(PG_DSN, timeout=3)
        await conn.close()

    try:
        asyncio.run(probe())
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        return f"PostgreSQL at {PG_DSN} is not reachable: {exc}"
    return None


@pytest.fixture(scope="session")
def pg_problem() -> str | None:
    return _pg_reachable()


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, pg_problem: str | None) -> Iterator[str]:
    if request.param == "postgresql" and pg_problem:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{pg_problem} (CI must test PostgreSQL)")
        pytest.skip(pg_problem)
    yield str(request.param)


@pytest.fixture()
async def store_url(backend: str, tmp_path: Path) -> AsyncIterator[str]:
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'kubemedic.db'}"
        return
    schema = f"kmtest_{uuid.uuid4().hex[:12]}"
    conn = await asyncpg.connect(PG_DSN)
    await conn.execute(f'CREATE SCHEMA "{schema}"')
    await conn.close()
    try:
        yield PG_DSN.replace("postgresql://", "postgresql+asyncpg://") + f"?options=-csearch_path%3D{schema}"
    finally:
        conn = await asyncpg.connect(PG_DSN)
        await conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
        await conn.close()


def open_store(url: str) -> Store:
    if "asyncpg" in url:
        base, _, options = url.partition("?options=-csearch_path%3D")
        return Store.open(base, connect_args={"server_settings": {"search_path": options}})
    return Store.open(url)
