"""Each store test runs on SQLite (a temporary file) and on the real PostgreSQL at 127.0.0.1:5432.

PostgreSQL gets a fresh schema per test, dropped afterwards. In CI (CI=true) an unreachable PostgreSQL
fails the tests; elsewhere they are skipped with the reason.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest

from kubemedic.domain import Finding, Incident
from kubemedic.store import Store
from tests.support import servers
from tests.support.servers import PG_DSN


@pytest.fixture()
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def pg_problem() -> str | None:
    return servers.pg_problem()


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, pg_problem: str | None) -> Iterator[str]:
    if request.param == "postgresql":
        servers.require(pg_problem)
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


def incident(f: Finding) -> Incident:
    """An incident of one finding, rooted at it."""
    return Incident(
        id=f.incident_id,
        title=f.title,
        severity=f.severity,
        root_cause=f.root_cause,
        root_cause_finding_id=f.id,
        root_object=f.object,
        finding_ids=(f.id,),
        objects=(f.object,),
    )
