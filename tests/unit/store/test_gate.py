"""The SQLite write gate: one writer at a time, and an analysis's write ahead of background writes."""

from __future__ import annotations

import asyncio

import pytest

from kubemedic.store.gate import WriteGate

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def test_foreground_writers_go_before_queued_background_ones() -> None:
    gate, order = WriteGate("sqlite"), []
    release = asyncio.Event()

    async def write(name: str, *, background: bool = False, hold: asyncio.Event | None = None) -> None:
        async with gate(background=background):
            order.append(name)
            if hold is not None:
                await hold.wait()
            await asyncio.sleep(0)

    first = asyncio.create_task(write("holder", hold=release))
    await asyncio.sleep(0.01)
    tasks = [asyncio.create_task(write(f"series-{i}", background=True)) for i in range(3)]
    await asyncio.sleep(0.01)
    tasks.append(asyncio.create_task(write("analysis")))
    await asyncio.sleep(0.01)
    release.set()
    await asyncio.gather(first, *tasks)
    assert order[:2] == ["holder", "analysis"], order
    assert sorted(order[2:]) == ["series-0", "series-1", "series-2"]


async def test_one_writer_at_a_time() -> None:
    gate, inside, most = WriteGate("sqlite"), 0, 0

    async def write(background: bool) -> None:
        nonlocal inside, most
        async with gate(background=background):
            inside += 1
            most = max(most, inside)
            await asyncio.sleep(0.001)
            inside -= 1

    await asyncio.gather(*(write(i % 2 == 0) for i in range(20)))
    assert most == 1


async def test_postgresql_writers_do_not_queue() -> None:
    gate, inside, most = WriteGate("postgresql"), 0, 0

    async def write() -> None:
        nonlocal inside, most
        async with gate(background=True):
            inside += 1
            most = max(most, inside)
            await asyncio.sleep(0.01)
            inside -= 1

    await asyncio.gather(*(write() for _ in range(5)))
    assert most == 5
