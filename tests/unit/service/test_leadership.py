"""Leadership: the work runs only while the lease is held, stops when it is lost, and the lease is
released on shutdown."""

from __future__ import annotations

import asyncio

import pytest

from kubemedic.service.leadership import Leadership

pytestmark = pytest.mark.anyio


@pytest.fixture()
def anyio_backend() -> str:
    return "asyncio"


class FakeLease:
    name = "cluster:test"
    holder = "me"

    def __init__(self) -> None:
        self.free = True
        self.mine = False
        self.fail = False
        self.released = 0

    async def acquire(self) -> bool:
        if self.fail:
            raise ConnectionError("lease store down")
        if self.free or self.mine:
            self.free, self.mine = False, True
        return self.mine

    async def renew(self) -> bool:
        if self.fail:
            raise ConnectionError("lease store down")
        return self.mine

    async def release(self) -> None:
        if self.mine:
            self.mine, self.free = False, True
            self.released += 1

    async def current_holder(self) -> str | None:
        return "me" if self.mine else None


async def test_work_runs_while_held_stops_when_lost_and_resumes_when_retaken() -> None:
    lease = FakeLease()
    lease.free = False  # someone else holds it at first
    running: list[bool] = []
    leadership = Leadership(lease, poll_s=0.01)
    stop = asyncio.Event()

    async def work(term: asyncio.Event) -> None:
        running.append(True)
        await term.wait()
        running.append(False)

    task = asyncio.create_task(leadership.run(stop, work))
    await asyncio.sleep(0.05)
    assert running == [] and not leadership.leading, "a standby does no work"
    lease.free = True
    await asyncio.sleep(0.05)
    assert running == [True] and leadership.leading
    lease.mine = False  # lost (e.g. the lease store expired it)
    await asyncio.sleep(0.05)
    assert running[:2] == [True, False], "work stops as soon as the lease is lost"
    lease.free = True
    await asyncio.sleep(0.05)
    assert leadership.terms == 2 and running[-1] is True
    stop.set()
    await asyncio.wait_for(task, 2)
    assert running[-1] is False and lease.released == 1, "shutdown stops the work and releases the lease"


async def test_a_lease_store_outage_stops_the_work_and_is_retried() -> None:
    lease = FakeLease()
    leadership = Leadership(lease, poll_s=0.01)
    stop = asyncio.Event()
    stopped = asyncio.Event()

    async def work(term: asyncio.Event) -> None:
        await term.wait()
        stopped.set()

    task = asyncio.create_task(leadership.run(stop, work))
    await asyncio.sleep(0.03)
    assert leadership.leading
    lease.fail = True
    await asyncio.wait_for(stopped.wait(), 1)
    assert not leadership.leading, "cannot prove we hold it -> stop watching"
    lease.fail = False
    await asyncio.sleep(0.05)
    assert leadership.leading and leadership.terms == 2
    stop.set()
    await asyncio.wait_for(task, 2)


async def test_work_that_fails_is_restarted_without_spinning() -> None:
    lease = FakeLease()
    leadership = Leadership(lease, poll_s=0.05)
    stop = asyncio.Event()
    starts = 0

    async def work(term: asyncio.Event) -> None:
        nonlocal starts
        starts += 1
        raise RuntimeError("boom")

    task = asyncio.create_task(leadership.run(stop, work))
    await asyncio.sleep(0.22)
    stop.set()
    await asyncio.wait_for(task, 2)
    assert 2 <= starts <= 6, f"restarted with a pause between tries, got {starts} starts"
