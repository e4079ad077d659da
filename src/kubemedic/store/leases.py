"""Leases: which replica of `kubemedic serve` watches a cluster.

Exactly one holder at a time. Three kinds behind one small protocol:
- PostgresLease: a session-level advisory lock on a dedicated connection. PostgreSQL frees it the
  moment that connection ends, so when the holder dies another replica takes over at its next try.
- RedisLease (store/redis_link.py): a key with a TTL, renewed by its holder.
- LocalLease: a single process on SQLite; always held.
"""

from __future__ import annotations

import contextlib
import hashlib
from typing import Any, Protocol

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine


class Lease(Protocol):
    name: str
    holder: str

    async def acquire(self) -> bool:
        """Try once; True when this holder has the lease now."""
        ...

    async def renew(self) -> bool:
        """Still ours? False means stop the work at once."""
        ...

    async def release(self) -> None: ...

    async def current_holder(self) -> str | None:
        """Who holds it (for /readyz and logs), if anyone."""
        ...


class LocalLease:
    """One process, nothing to share: always held."""

    def __init__(self, name: str, holder: str) -> None:
        self.name, self.holder = name, holder

    async def acquire(self) -> bool:
        return True

    async def renew(self) -> bool:
        return True

    async def release(self) -> None:
        return None

    async def current_holder(self) -> str | None:
        return self.holder


def lock_key(name: str) -> int:
    """A stable signed 64-bit advisory lock key for a lease name."""
    digest = hashlib.blake2b(f"kubemedic-lease:{name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class PostgresLease:
    """A PostgreSQL session-level advisory lock, held on its own connection.

    The holder's id travels as the connection's application_name, so any replica can tell who holds it.
    """

    def __init__(self, engine: AsyncEngine, name: str, holder: str) -> None:
        self.engine, self.name, self.holder = engine, name, holder
        self.key = lock_key(name)
        self._conn: AsyncConnection | None = None

    async def acquire(self) -> bool:
        if self._conn is not None:
            return await self.renew()
        conn = await self.engine.connect()
        try:
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text("SELECT set_config('application_name', :n, false)"), {"n": self._tag})
            got = (await conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": self.key})).scalar()
        except BaseException:
            await conn.close()
            raise
        if got:
            self._conn = conn
            return True
        await conn.close()
        return False

    async def renew(self) -> bool:
        """The lock lives as long as its session: a round trip on that connection proves both."""
        if self._conn is None:
            return False
        try:
            await self._conn.execute(text("SELECT 1"))
        except Exception:  # boundary: a broken session means the lock is gone
            await self._drop()
            return False
        return True

    async def release(self) -> None:
        if self._conn is None:
            return
        try:
            await self._conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self.key})
        finally:
            await self._drop()

    async def current_holder(self) -> str | None:
        classid, objid = (self.key >> 32) & 0xFFFFFFFF, self.key & 0xFFFFFFFF
        query = text(
            "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = :c AND l.objid = :o "
            "AND l.objsubid = 1 "
            "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        )
        async with self.engine.connect() as conn:
            name: Any = (await conn.execute(query, {"c": classid, "o": objid})).scalar()
        return str(name).removeprefix("kubemedic:") if name else None

    @property
    def _tag(self) -> str:
        return f"kubemedic:{self.holder}"[:63]  # application_name is cut at 63 bytes

    async def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(Exception):  # already broken: nothing more to free
                await conn.close()


def choose_lease(engine: AsyncEngine, redis: Any, name: str, holder: str) -> Lease:
    """PostgreSQL: an advisory lock (freed the instant its holder dies). SQLite + Redis (a
    `redis.asyncio.Redis`): a Redis lease. SQLite alone: one process, always the watcher."""
    if engine.dialect.name == "postgresql":
        return PostgresLease(engine, name, holder)
    if redis is not None:
        from kubemedic.store.redis_link import RedisLease

        return RedisLease(redis, name, holder)
    return LocalLease(name, holder)
