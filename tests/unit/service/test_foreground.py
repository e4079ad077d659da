"""The foreground marker: background work waits for a pause in the analyses, but not forever."""

from __future__ import annotations

import asyncio

import pytest

from kubemedic.service.foreground import Foreground

pytestmark = pytest.mark.anyio


@pytest.fixture()
def anyio_backend() -> str:
    return "asyncio"


async def test_an_idle_monitor_does_not_hold_anything_up() -> None:
    fg = Foreground()
    assert await asyncio.wait_for(fg.pause(10.0), timeout=0.1) is True
    assert fg.waited == 0 and not fg.busy


async def test_background_work_starts_when_overlapping_analyses_and_writes_have_all_ended() -> None:
    fg = Foreground()
    order: list[str] = []

    async def background() -> None:
        await fg.pause(5.0)
        order.append("background")

    with fg.running():  # an analysis
        task = asyncio.create_task(background())
        await asyncio.sleep(0.02)
        with fg.running():  # its write, overlapping the next analysis
            await asyncio.sleep(0.02)
            order.append("write")
        await asyncio.sleep(0.02)
        assert not task.done(), "background work ran while an analysis was still running"
        order.append("analysis")
    await asyncio.wait_for(task, timeout=1)
    assert order == ["write", "analysis", "background"]
    assert fg.waited == 1 and fg.gave_up == 0


async def test_a_monitor_that_never_pauses_does_not_starve_background_work() -> None:
    fg = Foreground()
    with fg.running():
        began = asyncio.get_running_loop().time()
        assert await fg.pause(0.05) is False
        assert asyncio.get_running_loop().time() - began < 1.0
    assert fg.gave_up == 1


async def test_running_ends_even_when_the_work_fails() -> None:
    fg = Foreground()
    with pytest.raises(RuntimeError), fg.running():
        raise RuntimeError("analysis failed")
    assert not fg.busy and await asyncio.wait_for(fg.pause(10.0), timeout=0.1)
