"""The sim's collector pacing: frozen survivors are left alone between full rounds, and a full round
still frees garbage in reference cycles among them."""

from __future__ import annotations

import asyncio
import gc
import weakref
from collections.abc import Iterator

import pytest

from kubemedic.sim.gc_pacing import OLD_GENERATION_THRESHOLD, Pacer, pace_collector


class Node:
    def __init__(self) -> None:
        self.other: Node | None = None


@pytest.fixture(autouse=True)
def restore_collector() -> Iterator[None]:
    threshold = gc.get_threshold()
    try:
        yield
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)
        gc.collect()


def cycle() -> tuple[list[Node], weakref.ref[Node]]:
    a, b = Node(), Node()
    a.other, b.other = b, a
    return [a, b], weakref.ref(a)


def test_frozen_cycle_waits_for_the_full_round() -> None:
    pacer = Pacer(full_every=3)
    held, alive = cycle()
    pacer.round()  # full (the first), then frozen: the cycle is frozen with everything else
    assert gc.get_freeze_count() > 0
    del held  # now garbage, but only reachable through its own cycle
    pacer.round()
    pacer.round()
    assert alive() is not None, "a frozen object was walked by a round that is not a full one"
    pacer.round()  # the 4th round: 3 % 3 == 0, full
    assert alive() is None, "the full round did not free the cycle"


def test_young_cycle_is_freed_by_a_plain_round() -> None:
    pacer = Pacer(full_every=100)
    pacer.round()
    held, alive = cycle()
    del held
    pacer.round()
    assert alive() is None


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="full_every"):
        Pacer(full_every=0)
    with pytest.raises(ValueError, match="every_s"):
        asyncio.run(pace_collector(every_s=0))


def test_pace_collector_raises_the_old_generation_threshold_and_runs_until_cancelled() -> None:
    async def main() -> None:
        task = asyncio.create_task(pace_collector(every_s=0.01))
        await asyncio.sleep(0.05)
        assert gc.get_threshold()[2] == OLD_GENERATION_THRESHOLD
        assert gc.get_freeze_count() > 0
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())
