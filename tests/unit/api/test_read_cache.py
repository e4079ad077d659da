"""The read cache: one database read per URL per second (or per analysis), shared by concurrent
requests; errors are never kept, and a clear() wins over a read that was already in flight."""

from __future__ import annotations

import asyncio

import pytest

from kubemedic.api.read_cache import ReadCache

pytestmark = pytest.mark.anyio


@pytest.fixture()
def anyio_backend() -> str:
    return "asyncio"


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


async def test_kept_for_its_ttl_then_read_again() -> None:
    clock = Clock()
    cache = ReadCache(1.0, clock=clock)
    reads: list[int] = []

    async def render() -> bytes:
        reads.append(1)
        return b'{"n": %d}' % len(reads)

    assert await cache.get("/a", render) == b'{"n": 1}'
    clock.now += 0.5
    assert await cache.get("/a", render) == b'{"n": 1}', "served from the cache"
    assert await cache.get("/b", render) == b'{"n": 2}', "another URL is another entry"
    clock.now += 0.6
    assert await cache.get("/a", render) == b'{"n": 3}', "older than the TTL: read again"
    cache.clear()
    assert await cache.get("/a", render) == b'{"n": 4}', "cleared after an analysis"


async def test_concurrent_requests_share_one_read_and_errors_are_not_kept() -> None:
    cache = ReadCache(1.0)
    gate = asyncio.Event()
    reads = 0

    async def render() -> bytes:
        nonlocal reads
        reads += 1
        await gate.wait()
        return b"[]"

    waiting = [asyncio.create_task(cache.get("/a", render)) for _ in range(5)]
    await asyncio.sleep(0.01)
    gate.set()
    assert await asyncio.gather(*waiting) == [b"[]"] * 5
    assert reads == 1

    async def broken() -> bytes:
        raise ValueError("bad cursor")

    with pytest.raises(ValueError, match="bad cursor"):
        await cache.get("/c", broken)
    assert await cache.get("/c", render) == b"[]", "the failure was not cached"


async def test_a_clear_during_a_read_keeps_its_stale_answer_out() -> None:
    cache = ReadCache(10.0)
    gate = asyncio.Event()

    async def slow() -> bytes:
        await gate.wait()
        return b"old"

    task = asyncio.create_task(cache.get("/a", slow))
    await asyncio.sleep(0.01)
    cache.clear()  # the store changed while the old read was running
    gate.set()
    assert await task == b"old"

    async def fresh() -> bytes:
        return b"new"

    assert await cache.get("/a", fresh) == b"new"
