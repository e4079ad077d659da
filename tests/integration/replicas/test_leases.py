"""Leases, the stream fan-out and shared rate buckets on the real PostgreSQL and Redis."""

from __future__ import annotations

import asyncio
import uuid

import asyncpg
import pytest
import redis.asyncio as aioredis
from sqlalchemy.ext.asyncio import create_async_engine

from kubemedic.api.limits import RateLimiter, SharedRateLimiter
from kubemedic.store.leases import PostgresLease
from kubemedic.store.redis_link import RedisBus, RedisLease, RedisRateBuckets
from tests.support.servers import PG_DSN

pytestmark = [pytest.mark.integration, pytest.mark.anyio]


async def test_postgres_lease_has_one_holder_and_frees_when_the_holder_dies(pg_url: str) -> None:
    engine = create_async_engine(pg_url)
    try:
        a = PostgresLease(engine, "cluster:sim", "replica-a")
        b = PostgresLease(engine, "cluster:sim", "replica-b")
        assert await a.acquire()
        assert not await b.acquire(), "a second replica must not get a held lease"
        assert await a.acquire(), "the holder asking again keeps it"
        assert await b.current_holder() == "replica-a"
        other = PostgresLease(engine, "cluster:other", "replica-b")
        assert await other.acquire(), "another cluster's lease is independent"

        # The holder's session dies (a killed process, a dropped connection): PostgreSQL frees the lock.
        admin = await asyncpg.connect(PG_DSN)
        killed = await admin.fetchval(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1",
            "kubemedic:replica-a",
        )
        await admin.close()
        assert killed == 1
        assert not await a.renew(), "the old holder learns it lost the lease"
        assert await b.acquire()
        assert await a.current_holder() == "replica-b"
        await b.release()
        assert await a.acquire(), "a released lease is free at once"
        await a.release()
        await other.release()
    finally:
        await engine.dispose()


async def test_redis_lease_lapses_after_its_ttl_and_only_the_holder_renews(
    redis_client: aioredis.Redis,
) -> None:
    name = f"test-{uuid.uuid4().hex[:8]}"
    a = RedisLease(redis_client, name, "replica-a", ttl_s=0.4)
    b = RedisLease(redis_client, name, "replica-b", ttl_s=0.4)
    assert await a.acquire()
    assert not await b.acquire()
    assert not await b.renew(), "renewing someone else's lease must fail"
    assert await a.renew()
    assert await b.current_holder() == "replica-a"
    await asyncio.sleep(0.6)  # the holder died without releasing: the TTL frees it
    assert await b.acquire()
    assert not await a.renew(), "the old holder learns it lost the lease"
    await a.release()  # not the holder: must not free b's lease
    assert await a.current_holder() == "replica-b"
    await b.release()
    assert await a.current_holder() is None


async def test_bus_gives_every_listener_the_same_messages_and_ids(redis_client: aioredis.Redis) -> None:
    channel = f"kubemedic:test:{uuid.uuid4().hex[:8]}"
    bus = RedisBus(redis_client, channel)
    got: list[list[tuple[int, str]]] = [[], []]

    async def listen(into: list[tuple[int, str]], ready: asyncio.Event) -> None:
        async for message in RedisBus(redis_client, channel).listen(ready):
            into.append((message.id, str(message.data["n"])))
            if len(into) == 3:
                return

    ready = [asyncio.Event(), asyncio.Event()]
    tasks = [asyncio.create_task(listen(got[i], ready[i])) for i in range(2)]
    await asyncio.wait_for(asyncio.gather(*(r.wait() for r in ready)), 5)
    ids = [await bus.publish("finding-opened", {"n": n}) for n in range(3)]
    await asyncio.wait_for(asyncio.gather(*tasks), 5)
    assert ids == sorted(ids) and len(set(ids)) == 3
    assert got[0] == got[1] == [(ids[0], "0"), (ids[1], "1"), (ids[2], "2")]
    await redis_client.delete(bus.seq_key)


async def test_rate_buckets_are_shared_by_replicas(redis_client: aioredis.Redis) -> None:
    key = f"test:{uuid.uuid4().hex[:8]}"
    one = RedisRateBuckets(redis_client, rate=1.0, burst=3.0)
    two = RedisRateBuckets(redis_client, rate=1.0, burst=3.0)
    waits = [await one.take(key), await two.take(key), await one.take(key), await two.take(key)]
    assert waits[:3] == [0.0, 0.0, 0.0]
    assert 0.5 < waits[3] <= 1.0, "the fourth request (on another replica) waits about a second"


async def test_a_redis_outage_falls_back_to_local_buckets() -> None:
    down = aioredis.Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.5)
    try:
        limiter = SharedRateLimiter(RedisRateBuckets(down, 1.0, 2.0), RateLimiter(rate=1.0, burst=2.0))
        assert [await limiter.take("k") for _ in range(3)][:2] == [0.0, 0.0]
        assert await limiter.take("k") > 0, "still limited, locally"
    finally:
        await down.aclose()


async def test_replicas_starting_together_migrate_once(pg_url: str) -> None:
    from kubemedic.store import Store

    async def open_and_ping() -> None:
        async with Store.open(pg_url) as store:
            await store.ping()

    await asyncio.gather(*(open_and_ping() for _ in range(4)))  # raced on CREATE TABLE before the lock
